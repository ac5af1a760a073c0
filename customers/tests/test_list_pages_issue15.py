"""Issue 15 on the list pages, through Django's test client: each role is offered only
the actions it may take, the pickers only the people an action can target; the shared
list says why each row is there; empty lists say why and what next; one page shows no
pager; a batch result says what happened to what; sortable headings say so."""

import re

import pytest
from django.urls import reverse

from customers import rules
from customers.models import Customer
from customers.testing import CustomerFactory, ShareFactory, html, post_batch
from org.testing import UserFactory
from settings_app.models import SystemSettings

pytestmark = pytest.mark.django_db


def buttons(page):
    """The batch actions a list page's toolbar offers: enabled and disabled apart."""
    enabled, disabled = set(), set()
    for tag in re.findall(r"<button[^>]*>", page):
        value = re.search(r'value="(\w+)"', tag)
        if value and 'name="action"' in tag:
            enabled.add(value.group(1))
        elif "disabled" in tag:
            disabled.add(tag)
    return enabled, disabled


def panels(page):
    return set(re.findall(r'data-testid="(assign|share)-panel"', page))


def picker(page, select_id):
    """(value, label) of each person a picker offers."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no #{select_id} on the page"
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(1))


# --- What each role is offered ------------------------------------------------------------


def test_pool_offers_a_plain_salesperson_claim_but_not_reclaim_or_assign(company, browser):
    CustomerFactory(owner=company.deputy)
    page = html(browser(company.peer), "/pool/")
    enabled, disabled = buttons(page)
    assert {"claim"} <= enabled
    assert not {"reclaim", "assign", "delete", "restore"} & enabled
    assert panels(page) == set()
    # Delete stays in sight, disabled, saying who may use it.
    assert any("Only pool managers may delete customers." in tag for tag in disabled)
    assert "/recycle-bin/" not in page


def test_pool_offers_a_supervisor_reclaim_and_assign_one_at_a_time(company, browser):
    page = html(browser(company.manager), "/pool/")
    enabled, _disabled = buttons(page)
    assert {"claim", "reclaim", "assign"} <= enabled
    assert "delete" not in enabled
    assert panels(page) == {"assign"}
    # Only pool managers spread a batch over several people: a single choice here.
    select = re.search(r'<select[^>]*id="assign-to"[^>]*>', page).group(0)
    assert "multiple" not in select


def test_pool_offers_a_pool_manager_everything_and_spreading(company, browser):
    page = html(browser(company.marketer), "/pool/")
    enabled, disabled = buttons(page)
    assert {"claim", "reclaim", "assign", "delete"} <= enabled
    assert not disabled
    select = re.search(r'<select[^>]*id="assign-to"[^>]*>', page).group(0)
    assert "multiple" in select
    assert "/recycle-bin/" in page


def test_shared_list_offers_a_sharee_neither_reclaim_assign_nor_the_scope_radio(company, browser):
    customer = CustomerFactory(owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    page = html(browser(company.deputy), "/shared/")
    enabled, _disabled = buttons(page)
    assert not {"reclaim", "assign"} & enabled
    assert panels(page) == set()
    assert 'name="scope"' not in page
    assert "Subordinates&#x27; customers" not in page and "Subordinates' customers" not in page


def test_shared_list_offers_a_supervisor_reclaim_assign_and_the_scope_radio(company, browser):
    CustomerFactory(owner=company.rep)
    page = html(browser(company.manager), "/shared/")
    enabled, _disabled = buttons(page)
    assert {"reclaim", "assign"} <= enabled
    assert panels(page) == {"assign"}
    assert 'name="scope" value="subordinates"' in page


def test_shared_list_offers_a_pool_manager_reclaim_and_assign(company, browser):
    page = html(browser(company.marketer), "/shared/")
    enabled, _disabled = buttons(page)
    assert {"reclaim", "assign"} <= enabled
    assert 'name="scope"' not in page  # no subordinates


def test_mine_offers_every_owner_return_assign_and_share(company, browser):
    CustomerFactory(owner=company.peer)
    page = html(browser(company.peer), "/mine/")
    enabled, _disabled = buttons(page)
    assert {"edit", "return", "assign", "share", "unshare"} <= enabled
    assert "reclaim" not in enabled
    assert panels(page) == {"assign", "share"}


def test_the_role_rules_behind_the_offers(company):
    peer, manager, marketer = (
        rules.Actor.of(u) for u in (company.peer, company.manager, company.marketer)
    )
    assert rules.refuse_reclaiming(peer) and rules.refuse_assigning_others(peer)
    assert (
        rules.refuse_reclaiming(manager) is None and rules.refuse_assigning_others(manager) is None
    )
    assert rules.refuse_distributing(manager) and rules.refuse_deleting(manager)
    for refuse in (
        rules.refuse_reclaiming,
        rules.refuse_assigning_others,
        rules.refuse_distributing,
        rules.refuse_deleting,
    ):
        assert refuse(marketer) is None


# --- Pickers offer only whom an action can target -----------------------------------------


def test_pickers_leave_out_the_person_themselves_and_administrators(company, browser):
    UserFactory(username="gone", display_name="Gone Guo", is_active=False)
    marketer = html(browser(company.marketer), "/pool/")
    offered = {label for _pk, label in picker(marketer, "assign-to")}
    assert {"Rep Li", "Manager Ma", "Peer Pan", "CEO Chen"} <= offered
    assert not {"Marketer Mo", "Admin An", "Gone Guo"} & offered

    CustomerFactory(owner=company.rep)
    mine = html(browser(company.rep), "/mine/")
    for select_id in ("assign-to", "share-users"):
        offered = {label for _pk, label in picker(mine, select_id)}
        assert "Deputy Du" in offered
        assert not {"Rep Li", "Admin An", "Gone Guo"} & offered, select_id

    # The customer's own page offers the same people.
    customer = CustomerFactory(owner=company.rep)
    detail = html(browser(company.rep), f"/customers/{customer.pk}/")
    offered = {label for _pk, label in picker(detail, "detail-assign-to")}
    assert "Deputy Du" in offered
    assert not {"Rep Li", "Admin An", "Gone Guo"} & offered


# --- Why a row is on the shared list ------------------------------------------------------


def why_listed(page):
    """Customer name → the text of its "Why here" cell."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    found = {}
    for row in rows:
        name = re.search(r'data-testid="customer-name">([^<]*)<', row)
        why = re.search(r'data-testid="why-listed">(.*?)</td>', row, re.S)
        if name and why:
            text = re.sub(r"<[^>]+>", "|", why.group(1))
            found[name.group(1)] = [p.strip() for p in text.split("|") if p.strip()]
    return found


def test_the_shared_list_says_why_each_row_is_there(company, browser):
    own = CustomerFactory(name="Own Co", owner=company.manager)
    ShareFactory(customer=own, user=company.deputy, shared_by=company.manager)
    ShareFactory(customer=own, department=company.support, shared_by=company.manager)
    CustomerFactory(name="Quiet Own Co", owner=company.manager)
    CustomerFactory(name="Team Co", owner=company.rep)
    CustomerFactory(name="Made By Junior Co", owner=company.peer, created_by=company.junior)
    to_me = CustomerFactory(name="To Me Co", owner=company.peer)
    ShareFactory(customer=to_me, user=company.manager, shared_by=company.peer)
    to_sales = CustomerFactory(name="To Sales Co", owner=company.peer)
    ShareFactory(customer=to_sales, department=company.sales, shared_by=company.peer)
    both = CustomerFactory(name="Both Co", owner=company.deputy)
    ShareFactory(customer=both, user=company.manager, shared_by=company.deputy)

    page = html(browser(company.manager), "/shared/")
    assert "<th>Why here</th>" in page
    assert why_listed(page) == {
        "Own Co": ["Yours", "Shared by you with Deputy Du", "Shared by you with Support"],
        "Quiet Own Co": ["Yours"],
        "Team Co": ["Owned by your team member Rep Li"],
        "Made By Junior Co": ["Created by your team member Junior Wu"],
        "To Me Co": ["Shared with you by Peer Pan"],
        "To Sales Co": ["Shared with your department Sales by Peer Pan"],
        "Both Co": ["Owned by your team member Deputy Du", "Shared with you by Deputy Du"],
    }
    # My customers need no such column: every row is mine.
    assert "Why here" not in html(browser(company.manager), "/mine/")


def test_a_plain_salesperson_sees_why_too(company, browser):
    shared = CustomerFactory(name="Lent Co", owner=company.rep)
    ShareFactory(customer=shared, user=company.peer, shared_by=company.rep)
    page = html(browser(company.peer), "/shared/")
    assert why_listed(page) == {"Lent Co": ["Shared with you by Rep Li"]}


def test_why_here_takes_no_query_per_row(company, browser, django_assert_max_num_queries):
    client = browser(company.manager)

    def fill(count):
        for i in range(count):
            owner = (company.rep, company.peer, company.manager)[i % 3]
            customer = CustomerFactory(owner=owner)
            ShareFactory(customer=customer, user=company.manager, shared_by=owner)
            ShareFactory(customer=customer, department=company.sales, shared_by=owner)

    fill(3)
    client.get("/shared/")  # the first request creates the settings row
    with django_assert_max_num_queries(30) as few:
        client.get("/shared/", {"page_size": 50})
    fill(30)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get("/shared/", {"page_size": 50}).content.decode()
    assert page.count('data-testid="why-listed"') == 33
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Supervisor on a subordinate's customer page ------------------------------------------


def test_a_supervisor_is_told_whose_customer_it_is(company, browser):
    customer = CustomerFactory(owner=company.junior)
    page = html(browser(company.manager), f"/customers/{customer.pk}/")
    badge = re.search(r'data-testid="read-only">([^<]*)<', page).group(1)
    assert badge == "Read-only: your team's customer, owned by Junior Wu"
    assert "shared with you" not in badge


# --- Empty lists ---------------------------------------------------------------------------


def empty_cell(page):
    match = re.search(r'data-testid="empty-list">(.*?)</td>', page, re.S)
    assert match, "the list says it is empty"
    return re.sub(r"\s+", " ", match.group(1))


def test_an_empty_list_says_what_to_do_next(company, browser):
    client = browser(company.peer)
    mine = empty_cell(html(client, "/mine/"))
    assert "You have no customers yet." in mine
    assert 'href="/pool/"' in mine and "Claim from the pool" in mine and "New customer" in mine
    assert "No customers match." not in mine

    shared = empty_cell(html(client, "/shared/"))
    assert "No customers here yet: none is shared with you, and you own none." in shared
    supervisor = empty_cell(html(browser(company.manager), "/shared/"))
    assert "neither you nor your team own any" in supervisor

    pool = empty_cell(html(client, "/pool/"))
    assert "The pool is empty." in pool and "New customer" in pool


def test_an_empty_filtered_list_offers_to_clear_the_filters(company, browser):
    CustomerFactory(name="Some Co", owner=company.peer)
    client = browser(company.peer)
    for url, params in [
        ("/mine/", {"search": "nothing like it"}),
        ("/pool/", {"status": "unclaimed"}),
        ("/shared/", {"shared_by": company.rep.pk}),
    ]:
        cell = empty_cell(html(client, url, params))
        assert "No customers match." in cell, url
        assert 'href="?"' in cell and "Clear filters" in cell, url
        assert "yet" not in cell, url


# --- Paging --------------------------------------------------------------------------------


def test_one_page_shows_no_pager(company, browser):
    customer = CustomerFactory.create_batch(3, owner=company.rep)[0]
    client = browser(company.rep)
    for url in ("/mine/", "/pool/", f"/customers/{customer.pk}/?tab=history"):
        page = html(client, url)
        assert "data-page=" not in page, url
        assert "Page 1 of 1" not in page, url
    assert "3 customers in all" in html(client, "/mine/")
    CustomerFactory.create_batch(20, owner=company.rep)
    page = html(client, "/mine/")
    assert 'data-page="next"' in page


# --- Batch results say what happened to what ----------------------------------------------


def test_batch_results_name_the_outcome(company, browser):
    free = CustomerFactory.create_batch(2)
    taken = CustomerFactory(name="Taken Co", owner=company.deputy)
    client = browser(company.rep)
    result = post_batch(
        client, {"action": "claim", "ids": [*(c.pk for c in free), taken.pk]}, "/pool/"
    )
    assert "Claimed 2 customers." in result
    assert "(2 done, 1 refused)" in result
    assert "✗ Taken Co — Already claimed by Deputy Du." in result

    result = post_batch(client, {"action": "return", "ids": [free[0].pk]}, "/mine/")
    assert "Returned 1 customer to the pool." in result

    result = post_batch(
        client,
        {
            "action": "share",
            "ids": [free[1].pk],
            "users": [company.deputy.pk],
            "departments": [company.support.pk],
        },
        "/mine/",
    )
    assert "Shared 1 customer with Deputy Du and Support." in result

    result = post_batch(
        client, {"action": "unshare", "ids": [free[1].pk], "users": [company.deputy.pk]}, "/mine/"
    )
    assert "Removed the shares with Deputy Du from 1 customer." in result

    result = post_batch(
        client, {"action": "assign", "ids": [free[1].pk], "to": [company.deputy.pk]}, "/mine/"
    )
    assert "Assigned 1 customer to Deputy Du." in result
    assert "→" not in result  # one person: nothing to tell apart

    manager = browser(company.manager)
    result = post_batch(manager, {"action": "reclaim", "ids": [free[1].pk]}, "/shared/")
    assert "Reclaimed 1 customer into the pool." in result


def test_a_spread_says_where_each_customer_went(company, browser):
    prospects = CustomerFactory.create_batch(4)
    client = browser(company.marketer)
    result = post_batch(
        client,
        {
            "action": "assign",
            "ids": [c.pk for c in prospects],
            "to": [company.rep.pk, company.deputy.pk],
        },
        "/pool/",
    )
    assert "Assigned 4 customers to Deputy Du and Rep Li." in result
    for customer in Customer.objects.filter(pk__in=[c.pk for c in prospects]):
        assert f"✓ {customer.name} <span" in result
        assert f"→ {customer.owner.label}" in result
    assert result.count("→ Rep Li") == result.count("→ Deputy Du") == 2

    result = post_batch(client, {"action": "delete", "ids": [CustomerFactory().pk]}, "/pool/")
    assert "Moved 1 customer to the recycle bin." in result
    binned = Customer.objects.get(deleted_at__isnull=False)
    result = post_batch(client, {"action": "restore", "ids": [binned.pk]}, "/recycle-bin/")
    assert "Restored 1 customer from the recycle bin." in result


def test_the_result_can_take_focus(company, browser):
    client = browser(company.rep)
    post_batch(client, {"action": "claim", "ids": [CustomerFactory().pk]}, "/pool/")
    client.post(
        reverse("customers:batch"),
        {"action": "claim", "ids": [CustomerFactory().pk], "next": "/pool/"},
    )
    assert re.search(r'<div [^>]*tabindex="-1" data-testid="batch-result"', html(client, "/pool/"))


# --- Sorting hints and the skip link ------------------------------------------------------


def test_sortable_headings_say_so_and_the_sorted_one_has_aria_sort(company, browser):
    CustomerFactory(owner=company.rep)
    client = browser(company.rep)
    page = html(client, "/mine/", {"ordering": "-name"})
    headings = re.findall(r"<th([^>]*)><a [^>]*data-sort=\"(\w*)\"[^>]*title=\"([^\"]*)\"", page)
    assert len(headings) == 5
    sorted_ones = [h for h in headings if h[0]]
    assert sorted_ones == [
        (' aria-sort="descending"', "desc", "Sorted descending; click to sort ascending")
    ]
    assert all(
        title == "Click to sort by this column" for attrs, state, title in headings if not attrs
    )
    assert 'aria-sort="ascending"' in html(client, "/pool/", {"ordering": "name"})


def test_every_page_starts_with_a_skip_link_to_main(company, browser):
    page = html(browser(company.rep), "/pool/")
    body = page.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link and "skip-link" in first_link
    assert "Skip to main content" in body
    assert '<main id="main"' in page


def test_settings_off_keeps_team_rows_explained(company, browser):
    SystemSettings.objects.update_or_create(pk=1, defaults={"force_hierarchical_sharing": False})
    shared = CustomerFactory(name="Told Co", owner=company.rep)
    ShareFactory(customer=shared, user=company.manager, shared_by=company.rep)
    CustomerFactory(name="Untold Co", owner=company.rep)
    page = html(browser(company.manager), "/shared/")
    assert why_listed(page) == {
        "Told Co": ["Owned by your team member Rep Li", "Shared with you by Rep Li"]
    }
