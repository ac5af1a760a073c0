import pytest
from django.db import connection
from django.db.models import Q

from core.expressions import HasSubstring, Likely
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


def test_a_substring_test_finds_what_contains_finds_and_reads_as_common_to_postgresql():
    for name in ("global trading", "globe", "50% off", "a_b"):
        CustomerFactory(name=name)
    for text in ("glob", "global", "%", "_", "lobe"):
        found = Customer.objects.filter(HasSubstring("search_name", text))
        expected = Customer.objects.filter(search_name__contains=text)
        assert set(found) == set(expected), text
    sql = str(Customer.objects.filter(HasSubstring("search_name", "glob")).query)
    assert ("strpos(" in sql) == (connection.vendor == "postgresql")
