import pytest
from django.db import connection
from django.db.models import Q

from core.expressions import Likely
from customers.models import Customer
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_likely_condition_selects_the_same_rows_and_tells_sqlite_it_is_common():
    for name in ("Alpha", "Beta", "Gamma"):
        CustomerFactory(name=name)
    rows = Customer.objects.filter(Likely(Q(name__gte="B")), Likely(Q(name__lt="Gz")))
    assert sorted(rows.values_list("name", flat=True)) == ["Beta", "Gamma"]
    sql = str(rows.query)
    assert ("likelihood(" in sql) == (connection.vendor == "sqlite")
    if connection.vendor == "sqlite":
        assert ", 0.9)" in sql  # a constant: SQLite refuses a bound parameter there
