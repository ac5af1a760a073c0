"""The name search indexes (customers.search_index) are kept by every save and delete,
and the rebuild command writes exactly what the saves wrote."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from customers import querysets, search, search_index
from customers.filtersets import CustomerFilterSet, PoolFilterSet
from customers.models import Contact, ContactNameGram, Customer, CustomerNameGram
from customers.search_index import BASE, CUSTOMER_NAMES, gram_codes, keyword_ranges
from customers.services import contacts as contact_service
from customers.testing import CustomerFactory

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
    assert len(keyword_ranges("Sarex Torell Textiles Corporation")) == 26  # every pair
    paragraph = keyword_ranges("".join(chr(0x4E00 + n) for n in range(100)))
    assert len(paragraph) == search_index.MAX_PROBES  # probes are bounded for a paragraph


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
        set(CustomerNameGram.objects.values_list("gram", "customer_id")),
        set(ContactNameGram.objects.values_list("gram", "contact_id")),
    )
    CustomerNameGram.objects.all().delete()
    CustomerNameGram.objects.create(gram=1, customer_id=999_999)  # stale: must go
    call_command("rebuild_search_index", stdout=io.StringIO())
    after = (
        set(CustomerNameGram.objects.values_list("gram", "customer_id")),
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


@pytest.mark.parametrize("short, limit", [(5000, 1000), (0, 0), (0, 1), (0, 1000)])
def test_every_plan_finds_exactly_the_matches(company, short, limit, monkeypatch):
    """A short list (`short` above its length) is read whole; otherwise limit 0: every
    keyword is "common" and names are compared while reading the list; 1000: the index
    names the candidates. All give the same, exact answer."""
    monkeypatch.setattr(search, "candidates_cost_less", lambda *args, **kwargs: True)
    names = ["北京鑫华科技有限公司", "上海鑫达贸易有限公司", "Global Trading", "Globe Inc", "鑫"]
    rows = [CustomerFactory(name=name, owner=company.rep) for name in names]
    Contact.objects.create(customer=rows[2], name="鑫 Li")
    with override_settings(SEARCH_SHORT_LIST=short, SEARCH_CANDIDATE_LIMIT=limit):
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


@override_settings(SEARCH_SHORT_LIST=0)
def test_a_stale_entry_never_makes_a_false_match(company):
    customer = CustomerFactory(name="Acme", owner=company.rep)
    CustomerNameGram.objects.create(gram=code("zz"), customer=customer)
    pool = PoolFilterSet({"search": "zz"}, queryset=querysets.pool(company.rep)).qs
    assert not pool.exists()


def test_the_index_names_few_candidates_as_ids_more_as_a_subquery_and_many_not_at_all(
    company, monkeypatch
):
    rows = [CustomerFactory(name=name) for name in ("北京鑫华科技", "鑫华贸易", "Other")]
    expected = {rows[0].pk, rows[1].pk}
    found = CUSTOMER_NAMES.lookup("鑫华", 100)
    assert isinstance(found.ids, list) and set(found.ids) == expected  # read at once
    assert (found.entries, found.matches) == (2, 2)
    monkeypatch.setattr(search_index, "RARE_ENOUGH", 0)
    found = CUSTOMER_NAMES.lookup("鑫华", 100)
    assert not isinstance(found.ids, list) and set(found.ids) == expected
    assert CUSTOMER_NAMES.lookup("鑫华", 1) is None  # more than the limit: walk the list
    assert CUSTOMER_NAMES.lookup("", 100) is None


def test_the_sample_measures_how_many_candidates_match(company):
    """Of the two names with 华贸, the rarest pair of "鑫华贸", one holds the keyword."""
    for name in ("鑫华贸易", "华贸商行", "鑫华科技", "鑫华物流"):
        CustomerFactory(name=name)
    found = CUSTOMER_NAMES.lookup("鑫华贸", 100)
    assert found.entries == 2  # 华贸: the rarer of 鑫华 (3) and 华贸 (2)
    assert found.matches == 1  # one of the two holds 鑫华贸


@pytest.mark.parametrize(
    "next_pair_names, narrowed",
    [
        (4, True),  # 华贸 in 4 names, 贸公 in 5: only the names with both are read
        (9, False),  # 贸公 in 10 names, more than twice 华贸's 4: those 4 are read
    ],
)
def test_candidates_that_rarely_match_are_narrowed_by_the_next_rarest_pair(
    company, monkeypatch, next_pair_names, narrowed
):
    """Of the names holding a keyword's rarest pair, few hold the keyword (a contact's
    "Paul Jones": every Paul): the candidates are those holding the next rarest pair too,
    when that pair is not much commoner, since reading its entries costs less than the
    rows it spares."""
    monkeypatch.setattr(search_index, "RARE_ENOUGH", 0)
    whole = CustomerFactory(name="鑫华贸公司")
    for name in ("华贸商行", "华贸物流", "华贸科技"):  # 华贸 without 贸公
        CustomerFactory(name=name)
    for n in range(next_pair_names):  # 贸公 without 华贸
        CustomerFactory(name=f"商贸公司{n}")
    found = CUSTOMER_NAMES.lookup("华贸公", 100)
    assert found.matches == 1  # one of the four names with 华贸 holds 华贸公
    assert found.entries == (1 if narrowed else 4)
    assert (set(found.ids) == {whole.pk}) is narrowed
    pool = PoolFilterSet({"search": "华贸公"}, queryset=querysets.pool(company.rep)).qs
    assert set(pool.values_list("pk", flat=True)) == {whole.pk}


def test_a_long_keyword_s_one_rare_pair_is_found_wherever_it_is(company, monkeypatch):
    """A whole company name: every pair but one is common. Probing only some pairs missed
    the rare one ("Sarex Torell Textiles Corporation" walked the whole pool, 1.9 s)."""
    monkeypatch.setattr(search_index, "RARE_ENOUGH", 1)
    keyword = "abcdefghijklm"  # 12 pairs; "cd" is the third
    for n in range(3):  # every pair of the keyword but "cd", three times over
        CustomerFactory(name=f"ab bc de ef fg gh hi ij jk kl lm {n}")
    whole = CustomerFactory(name=keyword)
    found = CUSTOMER_NAMES.lookup(keyword, 100)
    assert found.entries == 1 and found.ids == [whole.pk]


def test_the_pairs_are_counted_in_one_query_each_no_further_than_the_cap(
    company, django_assert_num_queries
):
    for name in ("鑫华贸易", "华贸商行", "鑫华科技", "鑫华物流", "鑫华 鑫华"):
        CustomerFactory(name=name)
    bounds = keyword_ranges("鑫华贸") + keyword_ranges("鑫") + keyword_ranges("zq")
    with django_assert_num_queries(1):
        assert list(CUSTOMER_NAMES.counts(bounds, 10)) == [2, 4, 4, 0]  # 华贸, 鑫华, 鑫…, zq
    with django_assert_num_queries(1):
        assert list(CUSTOMER_NAMES.counts(bounds, 3)) == [2, 3, 3, 0]


def test_a_keyword_s_rarest_two_pairs_are_told_by_the_newest_rows_then_counted(
    company, django_assert_num_queries
):
    """Which pairs are the rarest is read off the newest rows in one query, and only those
    two are counted in full: counting each of a contact name's dozen common pairs read
    most of its search."""
    for n, name in enumerate(("ab", "ab", "ab", "bc", "cd", "cd") * 2):
        CustomerFactory(name=f"{name} {n}")  # names are unique
    bounds = keyword_ranges("abcd")  # ab (6 names), bc (2), cd (4)
    with django_assert_num_queries(3):  # the newest id, the newest rows' pairs, the two
        assert CUSTOMER_NAMES.rarest_two(bounds, 100) == [(2, 1), (4, 2)]
    rarest, (more, _index) = CUSTOMER_NAMES.rarest_two(bounds, 3)
    assert rarest == (2, 1) and more == 4  # the next: more than 3


@pytest.mark.parametrize(
    "entries, matches, contacts, cheaper",
    [
        (500, 500, None, True),  # a rare keyword: its candidates
        (40_000, 40_000, None, False),  # one name in 25: a capped walk passes 25,000
        (40_000, 40_000, 50_000, True),  # ... but comparing contacts triples the walk
        (40_000, 40_000, 10_000, False),  # ... unless their candidates are fewer
        (40_000, 400, None, True),  # candidates that rarely match: the walk is long
    ],
)
def test_candidates_are_read_when_they_cost_less_than_a_walk(entries, matches, contacts, cheaper):
    assert search.candidates_cost_less(entries, matches, 1_000_000, contacts=contacts) is cheaper


def test_a_reader_wanting_a_few_matches_walks_where_a_total_would_read_candidates():
    """A picker wants 21 names, not a total: one name in a hundred is met after 2,100 rows
    of a walk, fewer than 10,000 candidates; counting to the cap would pass 100,000."""
    assert search.candidates_cost_less(10_000, 10_000, 1_000_000) is True
    assert search.candidates_cost_less(10_000, 10_000, 1_000_000, enough=21) is False


def test_a_short_list_reads_each_customer_of_matching_contacts_once(company):
    """The contacts of a short list are compared in one query that gives each customer
    once, however many of its contacts match (the contacts' own ordering made the DISTINCT
    one row per contact)."""
    customer = CustomerFactory(name="Acme", owner=company.rep)
    for name in ("Wang Li", "Li Na", "Zhang Li"):
        Contact.objects.create(customer=customer, name=name)
    condition = search._by_contact("li", among=[customer.pk])
    ((_lookup, ids),) = condition.children
    assert ids == [customer.pk]


def test_many_candidates_are_read_first_and_their_rows_by_key(company, monkeypatch):
    """A subquery of candidates is `= ANY(ARRAY(…))` on PostgreSQL, so the candidates are
    read once and their rows looked up by key (as `IN (…)` the planner misjudged their
    number and read every customer); `IN (…)` on SQLite. Either finds the same rows."""
    monkeypatch.setattr(search, "candidates_cost_less", lambda *args, **kwargs: True)
    monkeypatch.setattr(search_index, "RARE_ENOUGH", 0)
    rows = [CustomerFactory(name=name) for name in ("北京鑫华科技", "鑫华贸易", "Other")]
    with override_settings(SEARCH_SHORT_LIST=0):
        found = PoolFilterSet({"search": "鑫华"}, queryset=querysets.pool(company.rep)).qs
        sql = str(found.query)
        assert set(found.values_list("pk", flat=True)) == {rows[0].pk, rows[1].pk}
    among = '"id" = ANY(ARRAY(SELECT' if connection.vendor == "postgresql" else '"id" IN (SELECT'
    assert among in sql


@pytest.mark.parametrize("contact_cost, compared_per_row", [(2, False), (0, True)])
def test_a_walked_list_reads_its_contacts_from_their_candidates_when_fewer(
    company, monkeypatch, contact_cost, compared_per_row
):
    """Where the names are compared while walking the list, the contacts' names are read
    from their candidates when those are fewer than the contacts the walk would compare
    (on each walked row, PostgreSQL compared every contact of the company instead); a
    keyword in no contact's name then compares no contact at all."""
    monkeypatch.setattr(search, "candidates_cost_less", lambda *args, **kwargs: False)
    monkeypatch.setattr(search, "CONTACT_COST", contact_cost)
    named = CustomerFactory(name="鑫华科技", owner=company.rep)
    by_contact = CustomerFactory(name="Other", owner=company.rep)
    Contact.objects.create(customer=by_contact, name="王鑫华")
    CustomerFactory(name="Third", owner=company.rep)
    mine = querysets.mine(company.rep)
    with override_settings(SEARCH_SHORT_LIST=0):
        found = CustomerFilterSet({"search": "鑫华"}, queryset=mine).qs
        assert set(found.values_list("pk", flat=True)) == {named.pk, by_contact.pk}
        assert ("EXISTS" in str(found.query)) is compared_per_row
        no_contact = CustomerFilterSet({"search": "科技"}, queryset=mine).qs
        assert set(no_contact.values_list("pk", flat=True)) == {named.pk}
        assert "customers_contact" not in str(no_contact.query)
