"""Keyset paging of customer lists (core.keyset, customers.sorting; SPEC L3, L4): in every
offered order, forwards and backwards, every customer is on exactly one page — with ties,
empty (null) columns, deep pages — and a damaged page link is refused, not obeyed."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.keyset import LAST, InvalidCursor, KeysetPaginator
from customers import querysets
from customers.models import Customer
from customers.sorting import RECORD_SORTS, sort_for
from customers.testing import CustomerFactory
from settings_app.models import DictionaryItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(company):
    """40 customers with many ties: three categories and none, two owners and none, four
    creation times, some never contacted, and names in both cases and scripts."""
    rng = random.Random(7)
    categories = [None] + [DictionaryItem.objects.create(kind="category", name=n) for n in "xyz"]
    owners = [None, company.rep, company.manager]
    moments = [timezone.now() - datetime.timedelta(days=d) for d in (0, 1, 1, 30)]
    for n in range(40):
        CustomerFactory(
            name=f"{rng.choice(['Acme', 'acme', 'Beta', '北京'])} {n}",
            category=rng.choice(categories),
            industry=rng.choice(categories),
            owner=rng.choice(owners),
            last_contacted_at=rng.choice([None, *moments]),
        )
    Customer.objects.update(created_at=moments[1])  # every creation time ties
    return Customer.live.all()


def expected_order(rows, sort):
    """The list's order by the database's ORDER BY (names compare by its collation)."""
    return list(rows.order_by(*sort.order_by()).values_list("pk", flat=True))


def pages_forwards(paginator):
    page = paginator.page()
    pages = [[row.pk for row in page]]
    while page.has_next:
        page = paginator.page(page.next_cursor)
        pages.append([row.pk for row in page])
    return pages


def pages_backwards(paginator):
    page = paginator.page(LAST)
    pages = [[row.pk for row in page]]
    while page.has_previous:
        page = paginator.page(page.previous_cursor)
        pages.insert(0, [row.pk for row in page])
    return pages


@pytest.mark.parametrize("ordering", [p for p, _l, _k in RECORD_SORTS] + ["-name", "-status"])
@pytest.mark.parametrize("size", [1, 7])
def test_every_customer_is_on_exactly_one_page_in_every_order(crowd, ordering, size):
    sort = sort_for(ordering)
    expected = expected_order(crowd, sort)
    assert sorted(expected) == sorted(row.pk for row in crowd)
    paginator = KeysetPaginator(crowd, sort, size)
    forwards = pages_forwards(paginator)
    assert [pk for page in forwards for pk in page] == expected
    assert all(len(page) == size for page in forwards[:-1])
    # From the last page back to the first: the same rows, the first page full.
    backwards = pages_backwards(paginator)
    assert [pk for page in backwards for pk in page] == expected
    assert all(len(page) == size for page in backwards[1:])


def test_the_first_and_last_pages_say_there_is_nothing_beyond(crowd):
    paginator = KeysetPaginator(crowd, sort_for("name"), 10)
    first, last = paginator.page(), paginator.page(LAST)
    assert not first.has_previous and first.previous_cursor is None and first.has_next
    assert not last.has_next and last.next_cursor is None and last.has_previous
    whole = KeysetPaginator(crowd, sort_for("name"), 100).page()
    assert len(whole) == 40 and not whole.has_next and not whole.has_previous
    empty = KeysetPaginator(crowd.none(), sort_for("name"), 10)
    assert list(empty.page()) == [] and list(empty.page(LAST)) == []


def test_a_change_between_two_pages_moves_no_other_customer(crowd):
    """Offsets shift when a row before the page goes; a key position does not."""
    paginator = KeysetPaginator(crowd, sort_for("name"), 10)
    first = paginator.page()
    expected = expected_order(crowd, sort_for("name"))[10:20]
    Customer.objects.filter(pk=first.rows[0].pk).update(deleted_at=timezone.now())
    assert [row.pk for row in paginator.page(first.next_cursor)] == expected


def test_a_cursor_is_read_by_the_list_it_came_from_only_in_its_own_terms(crowd):
    paginator = KeysetPaginator(crowd, sort_for("-created_at"), 5)
    cursor = paginator.page().next_cursor
    for damaged in ("x", cursor[:-3], "bm90IGpzb24", "WyJuIiwxXQ", "WyJuIixudWxsLDFd", "!!!"):
        with pytest.raises(InvalidCursor):
            paginator.page(damaged)
    # A cursor of one order given to another: refused, not misread.
    with pytest.raises(InvalidCursor):
        KeysetPaginator(crowd, sort_for("category"), 5).page(cursor)


def test_deep_pages_are_one_range_read(crowd, django_assert_num_queries):
    paginator = KeysetPaginator(crowd, sort_for("status"), 3)
    page = paginator.page()
    for _ in range(5):
        page = paginator.page(page.next_cursor)
    with django_assert_num_queries(2) as captured:
        found = paginator.page(page.next_cursor)
    # The range read names the page's ids; the second query reads those rows by id.
    ranged, loaded = (query["sql"] for query in captured.captured_queries)
    assert "OFFSET" not in ranged.upper() and ") >= (" in ranged
    assert ") >= (" not in loaded and all(str(row.pk) in loaded for row in found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate")
def test_a_page_after_a_column_s_lowest_value_is_not_estimated_empty(company):
    """PostgreSQL estimates a row comparison from its first column alone. Past a page of
    the never contacted (the contact key's lowest value), `(k, id) < (v, n)` was estimated
    to hold no row, and a short list was joined to every row of the range instead: the
    range starts at the next id, inclusive, so that the estimate holds v's rows."""
    for n in range(60):
        CustomerFactory(name=f"Quiet {n}", owner=company.rep)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    paginator = KeysetPaginator(querysets.mine(company.rep), sort_for("-last_contacted_at"), 5)
    after = paginator.page().next_cursor
    with CaptureQueriesContext(connection) as captured:
        paginator.page(after)
    ranged = captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {ranged}")
        (plan,) = cursor.fetchone()[0]
    scanned = plan["Plan"]
    while scanned.get("Plans") and scanned["Node Type"] in ("Limit", "Sort"):
        scanned = scanned["Plans"][0]
    assert scanned["Plan Rows"] > 5, scanned


def test_visibility_still_holds_on_every_page(company, crowd):
    mine = querysets.mine(company.rep)
    paginator = KeysetPaginator(mine, sort_for("category"), 4)
    seen = [pk for page in pages_forwards(paginator) for pk in page]
    assert sorted(seen) == sorted(mine.values_list("pk", flat=True))
    assert Customer.objects.filter(pk__in=seen).exclude(owner=company.rep).count() == 0
