"""The name search indexes (customers.search_index) are kept by every save and delete,
and the rebuild command writes exactly what the saves wrote."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from customers import querysets, search_index
from customers.filtersets import CustomerFilterSet, PoolFilterSet
from customers.models import Contact, ContactNameGram, Customer, CustomerNameGram
from customers.search import sorts_by_code_point
from customers.search_index import (
    BASE,
    CUSTOMER_NAMES,
    gram_codes,
    keyword_ranges,
    name_bounds,
    sort_key,
)
from customers.services import contacts as contact_service
from customers.testing import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def code(pair):
    return ord(pair[0]) * BASE + (ord(pair[1]) if len(pair) > 1 else 0)


def entries(model, owner):
    column = "customer_id" if model is CustomerNameGram else "contact_id"
    return set(model.objects.filter(**{column: owner}).values_list("gram", flat=True))


def test_a_name_is_indexed_by_its_pairs_and_its_last_character():
    assert gram_codes("abcab") == {code("ab"), code("bc"), code("ca"), code("b")}
    assert gram_codes("鑫") == {code("鑫")}
    assert gram_codes("𠀀a") == {code("𠀀a"), code("a")}  # beyond the BMP too
    assert gram_codes("") == set()


def test_a_keyword_needs_each_of_its_pairs_or_any_pair_starting_with_its_character():
    assert keyword_ranges("商策") == [(code("商策"), code("商策") + 1)]
    assert keyword_ranges("鑫") == [(code("鑫"), code("鑫") + BASE)]
    long = keyword_ranges("abcdefghijklmnop")
    assert len(long) == 8  # probes are bounded for a pasted paragraph


def test_saves_keep_the_customer_index_exact():
    customer = CustomerFactory(name="Ａcme 科技")
    assert entries(CustomerNameGram, customer.pk) == gram_codes("acme 科技")
    customer = Customer.objects.get(pk=customer.pk)
    customer.name = "Beta 科研"
    customer.save()
    assert entries(CustomerNameGram, customer.pk) == gram_codes("beta 科研")
    customer.save(update_fields=["notes"])  # not the name: nothing to do
    assert entries(CustomerNameGram, customer.pk) == gram_codes("beta 科研")


def test_contacts_are_indexed_and_dropped_with_them(company):
    customer = CustomerFactory(owner=company.rep)
    contact = Contact.objects.create(customer=customer, name="Olivia Quinlan")
    assert entries(ContactNameGram, contact.pk) == gram_codes("olivia quinlan")
    contact.name = "欧阳晓峰"
    contact.save()
    assert entries(ContactNameGram, contact.pk) == gram_codes("欧阳晓峰")
    contact_service.delete(company.rep, customer, [contact.pk])
    assert entries(ContactNameGram, contact.pk) == set()


def test_the_rebuild_writes_what_the_saves_wrote(company):
    names = ["Acme Co., Ltd.", "北京鑫华科技有限公司", "ｆｕｌｌ width", "😀 emoji", "a", "Zyphrax"]
    for name in names:
        customer = CustomerFactory(name=name, owner=company.rep)
        Contact.objects.create(customer=customer, name=f"王{name[:3]}")
    before = (
        set(CustomerNameGram.objects.values_list("gram", "sort_key", "customer_id")),
        set(ContactNameGram.objects.values_list("gram", "contact_id")),
    )
    CustomerNameGram.objects.all().delete()
    CustomerNameGram.objects.create(gram=1, sort_key=0, customer_id=999_999)  # stale: must go
    call_command("rebuild_search_index", stdout=io.StringIO())
    after = (
        set(CustomerNameGram.objects.values_list("gram", "sort_key", "customer_id")),
        set(ContactNameGram.objects.values_list("gram", "contact_id")),
    )
    assert after == before
    assert len(before[0]) == sum(len(gram_codes(c.search_name)) for c in Customer.objects.all())
    if connection.vendor == "sqlite":  # statistics gathered: SQLite never does it alone
        with connection.cursor() as cursor:
            cursor.execute("SELECT tbl FROM sqlite_stat1")
            analyzed = {row[0] for row in cursor.fetchall()}
        indexes = {"customers_customernamegram", "customers_contactnamegram"}
        assert indexes | {"customers_customer", "customers_contact"} <= analyzed


@pytest.mark.parametrize("limit", [0, 1, 1000])
def test_every_plan_finds_exactly_the_matches(company, limit):
    """Limit 0: every keyword is "common" and names are compared while reading the list;
    1000: the index names the candidates. Both give the same, exact answer."""
    names = ["北京鑫华科技有限公司", "上海鑫达贸易有限公司", "Global Trading", "Globe Inc", "鑫"]
    rows = [CustomerFactory(name=name, owner=company.rep) for name in names]
    Contact.objects.create(customer=rows[2], name="鑫 Li")
    with override_settings(SEARCH_CANDIDATE_LIMIT=limit):
        for keyword, pool_hits, mine_hits in (
            ("鑫", {0, 1, 4}, {0, 1, 2, 4}),
            ("鑫华", {0}, {0}),
            ("glob", {2, 3}, {2, 3}),
            ("有限公司", {0, 1}, {0, 1}),
            ("li", set(), {2}),
            ("不存在", set(), set()),
        ):
            pool = PoolFilterSet({"search": keyword}, queryset=querysets.pool(company.rep)).qs
            mine = CustomerFilterSet({"search": keyword}, queryset=querysets.mine(company.rep)).qs
            assert set(pool.values_list("pk", flat=True)) == {rows[i].pk for i in pool_hits}
            assert set(mine.values_list("pk", flat=True)) == {rows[i].pk for i in mine_hits}


def test_a_stale_entry_never_makes_a_false_match(company):
    customer = CustomerFactory(name="Acme", owner=company.rep)
    CustomerNameGram.objects.create(gram=code("zz"), sort_key=sort_key("Acme"), customer=customer)
    pool = PoolFilterSet({"search": "zz"}, queryset=querysets.pool(company.rep)).qs
    assert not pool.exists()


# ---------------------------------------------------------------- sort keys and name bounds


@given(st.text(max_size=6), st.text(max_size=6))
def test_sort_keys_keep_the_order_of_names(first, second):
    low, high = sorted([first, second])
    assert sort_key(low) <= sort_key(high)


def _within(name, bounds):
    low, high, high_included = bounds
    if name < low:
        return False
    return high is None or (name <= high if high_included else name < high)


@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=8))
def test_every_name_lies_within_the_bounds_of_its_sort_keys(names):
    keys = [sort_key(name) for name in names]
    bounds = name_bounds(min(keys), max(keys))
    assert all(_within(name, bounds) for name in names)


def test_name_bounds_at_the_edges_of_unicode():
    assert name_bounds(sort_key("ab"), sort_key("ab")) == ("ab", "ab", True)
    assert name_bounds(sort_key("abcd"), sort_key("xyz9")) == ("abc", "xy{", False)
    # The character after U+D7FF is U+E000: surrogates are not characters.
    assert name_bounds(sort_key("a"), sort_key("ab\ud7ffq"))[1] == "ab\ue000"
    assert name_bounds(sort_key("a"), sort_key("ab\U0010ffff")) == ("a", None, False)


def test_a_rename_that_keeps_the_folded_name_moves_the_sort_keys():
    customer = CustomerFactory(name="acme trading")
    customer.name = "Acme trading"  # same folded name, another place in the list
    customer.save()
    keys = set(
        CustomerNameGram.objects.filter(customer=customer).values_list("sort_key", flat=True)
    )
    assert keys == {sort_key("Acme trading")}


def test_the_key_range_of_a_keyword_is_that_of_the_names_holding_it(company, monkeypatch):
    names = ["Zeta 鑫", "Alpha 鑫源", "北京鑫华", "鑫", "Other"]
    for name in names:
        CustomerFactory(name=name, owner=company.rep)
    found = CUSTOMER_NAMES.lookup("鑫", limit=0, bounds=True)
    holding = [name for name in names if "鑫" in name]
    keys = [sort_key(name) for name in holding]
    assert found.rows is None and found.bounds == name_bounds(min(keys), max(keys))
    assert CUSTOMER_NAMES.lookup("鑫", limit=10).rows is not None  # rare: candidates
    assert CUSTOMER_NAMES.lookup("鑫", limit=0).bounds is None  # not asked for
    assert CUSTOMER_NAMES.lookup("不在", limit=0, bounds=True).bounds is None  # no entry
    # Too many different pairs to visit: no bounds rather than a slow lookup.
    monkeypatch.setattr(search_index, "MAX_BOUND_PAIRS", 1)
    assert CUSTOMER_NAMES.lookup("鑫", limit=0, bounds=True).bounds is None


def test_names_are_compared_by_code_point_where_bounds_are_used():
    vendor = connection.vendor
    if vendor == "sqlite":
        assert sorts_by_code_point()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            collation = cursor.fetchone()[0]
        assert sorts_by_code_point() == (collation.split(".")[0] in ("C", "POSIX"))


@override_settings(SEARCH_CANDIDATE_LIMIT=0)
def test_a_common_keyword_keeps_to_its_bounds_only_in_name_order(company):
    names = ["Acme Trading", "Zeta 鑫 Ltd", "北京鑫华科技", "鑫源", "Other"]
    rows = {CustomerFactory(name=name, owner=company.rep).name: name for name in names}
    expected = {name for name in rows if "鑫" in name}
    for ordering, bounded in (("", True), ("-name", True), ("-created_at", False)):
        params = {"search": "鑫", "ordering": ordering}
        qs = PoolFilterSet(params, queryset=querysets.pool(company.rep)).qs
        assert set(qs.values_list("name", flat=True)) == expected
        assert ('"name" >=' in str(qs.query)) == (bounded and sorts_by_code_point())


def test_a_search_by_candidates_tells_the_total_how_few_there_can_be(company, monkeypatch):
    customer = CustomerFactory(name="北京鑫华科技", owner=company.rep)
    ContactFactory(customer=customer, name="王鑫华")

    def searched():
        with override_settings(SEARCH_CANDIDATE_LIMIT=100):
            rare = PoolFilterSet({"search": "鑫华"}, queryset=querysets.pool(company.rep)).qs
            mine = CustomerFilterSet({"search": "鑫华"}, queryset=querysets.mine(company.rep)).qs
        return rare.query.rows_at_most, mine.query.rows_at_most, list(mine)

    # Few candidates are read at once: the total knows exactly how many there can be
    # (the name's one, and the one customer of the matching contact).
    assert searched() == (1, 2, [customer])
    # More (here: any) are a subquery of at most the limit; the customers of matching
    # contacts are always read first, so they are counted as they are.
    monkeypatch.setattr(search_index, "RARE_ENOUGH", 0)
    assert searched() == (100, 101, [customer])
    with override_settings(SEARCH_CANDIDATE_LIMIT=0):
        common = PoolFilterSet({"search": "鑫华"}, queryset=querysets.pool(company.rep)).qs
    assert getattr(common.query, "rows_at_most", None) is None
