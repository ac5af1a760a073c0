import pytest
from django.db import connection
from django.db.models import Q

from core.expressions import HasSubstring, Likely, OneOf
from customers.models import Customer
from customers.testing import CustomerFactory
from org.testing import UserFactory

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


def test_one_of_selects_what_in_selects_and_is_one_array_parameter_on_postgresql():
    customers = CustomerFactory.create_batch(4)
    ids = [customers[0].pk, customers[2].pk, customers[2].pk, 10**12]
    rows = Customer.objects.filter(OneOf("pk", ids))
    assert set(rows) == {customers[0], customers[2]}
    # It composes like any condition: negated, or-ed, on a foreign key.
    assert set(Customer.objects.exclude(OneOf("pk", ids))) == {customers[1], customers[3]}
    either = Customer.objects.filter(Q(OneOf("pk", [customers[1].pk])) | Q(name="nobody"))
    assert list(either) == [customers[1]]
    owned = CustomerFactory(owner=UserFactory())
    assert list(Customer.objects.filter(OneOf("owner_id", [owned.owner_id]))) == [owned]
    sql, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s::bigint[])" in sql and params[-1] == sorted(set(ids))
    else:
        assert " IN (" in sql and len(params) == 3


def test_one_of_nothing_matches_no_row():
    CustomerFactory()
    assert not Customer.objects.filter(OneOf("pk", [])).exists()
    assert Customer.objects.filter(Q(OneOf("pk", [])) | Q(name__isnull=False)).count() == 1
