"""Several pools on the pages (issue 17): the pool list's Pool filter and column, a "Move
to pool" batch action for those who manage some pool, a return into a chosen pool, and
the customer's pool on its pool card and header. With no pool added the pages show and
read what they always did."""

import re

import pytest
from django.urls import reverse

from customers.models import Customer, OwnershipEvent, Pool
from customers.models.events import OwnershipAction as A
from customers.testing import CustomerFactory, html, in_pool, post_batch

pytestmark = pytest.mark.django_db


def names(page):
    return set(re.findall(r'data-testid="customer-name">([^<]*)<', page))


def options(page, select_name):
    """(value, label) of each option of the <select name=…> on the page."""
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {select_name} on the page"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def new_pool(name, members=(), managers=()):
    pool = Pool.objects.create(name=name)
    pool.members.set(members)
    pool.managers.set(managers)
    return pool


def pool_of(customer):
    return Customer.objects.get(pk=customer.pk).pool_id


@pytest.fixture
def east(company):
    """East: the peer a member, the deputy its manager; Acme and Beta in it, Open in the
    company pool."""
    return new_pool("East region", members=[company.peer], managers=[company.deputy])


@pytest.fixture
def customers(east):
    acme, beta = in_pool(east, "Acme", "Beta")
    return {"acme": acme, "beta": beta, "open": CustomerFactory(name="Open")}


# ------------------------------------------------------------------- the pool list


def test_a_member_sees_their_pools_customers_its_column_and_the_filter(
    company, browser, east, customers
):
    client = browser(company.peer)
    page = html(client, reverse("customers:pool"))
    assert {"Acme", "Beta", "Open"} <= names(page)
    assert 'data-testid="pool-column"' in page
    assert re.findall(r'data-testid="customer-pool">([^<]*)<', page).count("East region") == 2
    assert options(page, "pool") == [
        ("", "Any"),
        ("company", "Company pool"),
        (str(east.pk), "East region"),
    ]
    in_east = html(client, reverse("customers:pool"), {"pool": east.pk})
    assert names(in_east) == {"Acme", "Beta"}
    in_company = html(client, reverse("customers:pool"), {"pool": "company"})
    assert names(in_company) == {"Open"}


def test_a_non_member_neither_sees_nor_claims_a_pools_customers(company, browser, customers):
    client = browser(company.rep)
    page = html(client, reverse("customers:pool"))
    assert names(page) == {"Open"}
    assert 'data-testid="pool-column"' not in page
    assert 'name="pool"' not in page  # no pool they see: no filter
    result = post_batch(
        client, {"action": "claim", "ids": [customers["acme"].pk]}, reverse("customers:pool")
    )
    assert "East region, which you are not a member of" in result
    assert Customer.objects.get(pk=customers["acme"].pk).owner_id is None


def test_an_unknown_pool_in_the_filter_is_named_and_lists_nothing(company, browser, customers):
    hidden = new_pool("West region")
    page = html(browser(company.peer), reverse("customers:pool"), {"pool": hidden.pk})
    assert f"No pool you may see has the id “{hidden.pk}”" in page
    assert names(page) == set()


# ------------------------------------------------------------------- moving


def test_a_pool_manager_moves_customers_and_sees_each_ones_result(
    company, browser, east, customers
):
    client = browser(company.marketer)
    page = html(client, reverse("customers:pool"))
    assert 'data-testid="move-panel"' in page
    assert options(page, "to_pool") == [
        ("", "—"),
        ("company", "Company pool"),
        (str(east.pk), "East region"),
    ]
    ids = [customers["open"].pk, customers["acme"].pk]
    result = post_batch(
        client,
        {"action": "move", "ids": ids, "to_pool": east.pk, "reason": "regions"},
        reverse("customers:pool"),
    )
    assert "Moved 1 customer to East region." in result
    assert re.search(r'data-result="done">✓ Open<', result)
    assert "✗ Acme — It is already in that pool." in result
    assert pool_of(customers["open"]) == east.pk
    event = OwnershipEvent.objects.get(action=A.MOVE)
    assert (event.customer_id, event.to_pool_id) == (customers["open"].pk, east.pk)


def test_a_pools_own_manager_is_offered_the_pools_they_manage_only(
    company, browser, east, customers
):
    west = new_pool("West region", managers=[company.deputy])
    new_pool("North region", members=[company.deputy])  # seen, not managed: not offered
    client = browser(company.deputy)
    page = html(client, reverse("customers:pool"))
    assert options(page, "to_pool") == [
        ("", "—"),
        (str(east.pk), "East region"),
        (str(west.pk), "West region"),
    ]
    ids = [customers["open"].pk, customers["acme"].pk]
    result = post_batch(
        client, {"action": "move", "ids": ids, "to_pool": west.pk}, reverse("customers:pool")
    )
    assert "Moved 1 customer to West region." in result
    assert "✗ Open — Only pool managers may move customers out of the company pool." in result
    assert pool_of(customers["acme"]) == west.pk
    assert pool_of(customers["open"]) is None


def test_a_salesperson_is_not_offered_moving_and_a_forged_move_is_refused_per_customer(
    company, browser, east, customers
):
    client = browser(company.peer)
    for url in (reverse("customers:pool"), reverse("customers:mine")):
        page = html(client, url)
        assert 'data-testid="move-panel"' not in page
        assert 'name="to_pool"' not in page
    ids = [customers["acme"].pk, customers["open"].pk]
    result = post_batch(
        client, {"action": "move", "ids": ids, "to_pool": "company"}, reverse("customers:pool")
    )
    assert "0 done" in result
    assert "✗ Acme — Only the managers of the pool East region may move its customers." in result
    assert "✗ Open — It is already in that pool." in result
    assert pool_of(customers["acme"]) == east.pk
    assert not OwnershipEvent.objects.filter(action=A.MOVE).exists()


@pytest.mark.parametrize("to_pool", ["", "999999", "west", "1.5"])
def test_a_move_to_no_pool_or_an_unknown_one_says_so_and_changes_nothing(
    company, browser, east, customers, to_pool
):
    client = browser(company.marketer)
    data = {"action": "move", "ids": [customers["open"].pk], "to_pool": to_pool}
    result = post_batch(client, data, reverse("customers:pool"))
    expected = "Choose the pool to move them to." if not to_pool else "No pool you may see"
    assert expected in result
    assert pool_of(customers["open"]) is None


def test_a_pool_the_person_does_not_see_is_unknown_to_them(company, browser, east, customers):
    west = new_pool("West region", managers=[company.ceo])
    client = browser(company.deputy)  # manages East only, not a member of West
    data = {"action": "move", "ids": [customers["acme"].pk], "to_pool": west.pk}
    result = post_batch(client, data, reverse("customers:pool"))
    assert f"No pool you may see has the id “{west.pk}”" in result
    assert "West region" not in result
    assert pool_of(customers["acme"]) == east.pk


# ------------------------------------------------------------------- returning


def test_a_pool_manager_returns_into_a_chosen_pool(company, browser, east):
    mine = CustomerFactory(name="Deputy's", owner=company.deputy)
    kept = CustomerFactory(name="Kept", owner=company.deputy)
    client = browser(company.deputy)
    page = html(client, reverse("customers:mine"))
    assert options(page, "return_pool") == [
        ("", "Return to its own pool"),
        (str(east.pk), "Return to East region"),
    ]
    head = html(client, reverse("customers:detail", args=[mine.pk]))
    assert 'id="detail-return-pool"' in head
    result = post_batch(
        client,
        {"action": "return", "ids": [mine.pk], "return_pool": east.pk},
        reverse("customers:mine"),
    )
    assert "Returned 1 customer to East region." in result
    returned = Customer.objects.get(pk=mine.pk)
    assert (returned.owner_id, returned.pool_id) == (None, east.pk)
    # Without a choice, into its own pool, as before.
    post_batch(client, {"action": "return", "ids": [kept.pk]}, reverse("customers:mine"))
    kept = Customer.objects.get(pk=kept.pk)
    assert (kept.owner_id, kept.pool_id) == (None, None)


def test_a_salesperson_returns_as_before_and_cannot_choose_a_pool(
    company, browser, east, customers
):
    owned = CustomerFactory(name="Peer's", owner=company.peer)
    client = browser(company.peer)
    assert 'name="return_pool"' not in html(client, reverse("customers:mine"))
    assert 'name="return_pool"' not in html(client, reverse("customers:detail", args=[owned.pk]))
    result = post_batch(
        client,
        {"action": "return", "ids": [owned.pk], "return_pool": east.pk},
        reverse("customers:mine"),
    )
    assert "Only the managers of the pool East region may put customers in it." in result
    assert Customer.objects.get(pk=owned.pk).owner_id == company.peer.pk
    unknown = post_batch(
        client,
        {"action": "return", "ids": [owned.pk], "return_pool": "424242"},
        reverse("customers:mine"),
    )
    assert "No pool you may see has the id “424242”" in unknown
    assert Customer.objects.get(pk=owned.pk).owner_id == company.peer.pk


# ------------------------------------------------------------------- the customer's pages


def test_the_pool_card_and_the_header_name_the_customers_pool(company, browser, east, customers):
    client = browser(company.peer)
    card = html(client, reverse("customers:pool-detail", args=[customers["acme"].pk]))
    assert re.search(r'data-testid="pool-fact">East region<', card)
    open_card = html(client, reverse("customers:pool-detail", args=[customers["open"].pk]))
    assert re.search(r'data-testid="pool-fact">Company pool<', open_card)
    (owned,) = in_pool(east, "Owned", owner=company.peer)
    head = html(client, reverse("customers:detail", args=[owned.pk]))
    assert re.search(r'data-testid="fact-pool">East region<', head)


# ------------------------------------------------------------------- no pool added


def test_with_no_pool_the_pages_show_no_pools_and_read_the_pool_table_once(
    company, browser, django_assert_max_num_queries
):
    acme = CustomerFactory(name="Acme", owner=company.marketer)
    CustomerFactory(name="Open")
    client = browser(company.marketer)
    with django_assert_max_num_queries(30) as captured:
        page = html(client, reverse("customers:pool"))
    pool_reads = [q["sql"] for q in captured.captured_queries if '"customers_pool"' in q["sql"]]
    assert len(pool_reads) == 1  # querysets.pool_access, as before
    assert 'data-testid="pool-column"' not in page
    assert 'data-testid="customer-pool"' not in page
    assert 'name="pool"' not in page
    assert 'data-testid="move-panel"' not in page
    assert 'name="return_pool"' not in html(client, reverse("customers:mine"))
    head = html(client, reverse("customers:detail", args=[acme.pk]))
    assert 'data-testid="fact-pool"' not in head
    card = html(client, reverse("customers:pool-detail", args=[acme.pk]))
    assert 'data-testid="pool-fact"' not in card
