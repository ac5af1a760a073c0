"""The contacts, shares and history tabs are lists like the others (SPEC L1-L5, C4, M5,
H1): quick search, sorting by a column heading, numbered paging with the total and a page
size, select-all with a batch action for the owner; bad parameters give a page, not an
error; a customer's tabs never show another customer's rows, nor anything to those who
may not read it."""

import re

import pytest

from customers.models import Contact, OwnershipEvent, Share, SocialRelation
from customers.services import details
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from org.testing import DepartmentFactory, UserFactory
from records.testing import assert_queries_do_not_grow
from settings_app.models import DictionaryItem

pytestmark = pytest.mark.django_db

BAD_PARAMETERS = (
    {"ordering": "nonsense"},
    {"page": "abc"},
    {"page": "999"},
    {"page_size": "7"},
    {"page_size": "-1", "page": "-2"},
    {"search": "x" * 300},
)


def open_tab(client, customer, tab, **params):
    response = client.get(f"/customers/{customer.pk}/", {"tab": tab, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def body_rows(page, testid):
    """The rows of the tab's table, as HTML, in their order."""
    table = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", table, re.S)


@pytest.fixture
def customer(company):
    """rep's customer, shared with deputy."""
    customer = CustomerFactory(name="Tabbed Customer", owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    return customer


# ---------------------------------------------------------------- contacts


def contact_ids(page, customer):
    return [int(pk) for pk in re.findall(rf'/customers/{customer.pk}/contacts/(\d+)/"', page)]


@pytest.fixture
def contacts(customer):
    """25 contacts of the customer; one of them Zhang Wei, 经理, with an email."""
    made = ContactFactory.create_batch(24, customer=customer)
    zhang = ContactFactory(
        customer=customer, name="Zhang Wei", title="经理", email="zhang@example.com"
    )
    return [*made, zhang]


def test_contacts_quick_search_narrows_by_name_title_phone_or_email(
    company, browser, customer, contacts
):
    zhang = contacts[-1]
    client = browser(company.rep)
    for keyword in ("zhang w", "经理", "ZHANG@EXAMPLE", zhang.mobile[-6:]):
        page = open_tab(client, customer, "contacts", search=keyword)
        assert contact_ids(page, customer) == [zhang.pk], keyword
    page = open_tab(client, customer, "contacts", search="nobody")
    assert contact_ids(page, customer) == [] and "Nothing matches." in page


def test_contacts_sort_by_a_heading_up_then_down(company, browser, customer, contacts):
    client = browser(company.rep)
    by_name = Contact.objects.filter(customer=customer).order_by("name")
    ascending = open_tab(client, customer, "contacts", ordering="name", page_size=50)
    assert contact_ids(ascending, customer) == [c.pk for c in by_name]
    assert "ordering=-name" in ascending  # the heading now sorts the other way
    descending = open_tab(client, customer, "contacts", ordering="-name", page_size=50)
    assert contact_ids(descending, customer) == [c.pk for c in by_name.reverse()]


def test_contacts_page_with_a_total(company, browser, customer, contacts):
    client = browser(company.rep)
    first = open_tab(client, customer, "contacts", page_size=20)
    second = open_tab(client, customer, "contacts", page_size=20, page=2)
    assert "25 in all" in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    on_first, on_second = contact_ids(first, customer), contact_ids(second, customer)
    assert (len(on_first), len(on_second)) == (20, 5)
    assert set(on_first) | set(on_second) == {c.pk for c in contacts}
    assert "?tab=contacts&amp;page_size=20&amp;page=2" in first


def test_contacts_select_all_is_for_the_owner(company, browser, customer, contacts):
    select_all = 'data-select-all="[data-testid=contacts]"'
    assert select_all in open_tab(browser(company.rep), customer, "contacts")
    assert select_all not in open_tab(browser(company.deputy), customer, "contacts")
    assert select_all not in open_tab(browser(company.manager), customer, "contacts")


# ---------------------------------------------------------------- shares


def share_ids(page, customer):
    return [int(pk) for pk in re.findall(rf"/customers/{customer.pk}/shares/(\d+)/remove/", page)]


@pytest.fixture
def shares(company, customer):
    """25 shares of the customer: deputy's, 23 colleagues' and the Support department's."""
    for i in range(23):
        colleague = UserFactory(username=f"colleague{i:02d}", department=company.sales)
        ShareFactory(customer=customer, user=colleague, shared_by=company.rep)
    ShareFactory(customer=customer, department=company.support, shared_by=company.rep)
    return list(Share.objects.filter(customer=customer))


def test_shares_quick_search_by_person_or_department(company, browser, customer, shares):
    client = browser(company.rep)
    deputy = Share.objects.get(customer=customer, user=company.deputy)
    support = Share.objects.get(customer=customer, department=company.support)
    assert share_ids(open_tab(client, customer, "shares", search="deputy du"), customer) == [
        deputy.pk
    ]
    assert share_ids(open_tab(client, customer, "shares", search="SUPP"), customer) == [support.pk]
    assert len(share_ids(open_tab(client, customer, "shares", search="colleague"), customer)) == 20
    page = open_tab(client, customer, "shares", search="nobody")
    assert share_ids(page, customer) == [] and "Nothing matches." in page


def test_shares_sort_by_who_they_are_with(company, browser, customer, shares):
    client = browser(company.rep)
    ascending = open_tab(client, customer, "shares", ordering="shared_with", page_size=50)
    rows = body_rows(ascending, "shares")
    assert "Colleague00" in rows[0] and "Support" in rows[-1]
    assert "ordering=-shared_with" in ascending
    descending = open_tab(client, customer, "shares", ordering="-shared_with", page_size=50)
    assert share_ids(descending, customer) == list(reversed(share_ids(ascending, customer)))


def test_shares_page_with_a_total(company, browser, customer, shares):
    client = browser(company.rep)
    first = open_tab(client, customer, "shares", page_size=20)
    second = open_tab(client, customer, "shares", page_size=20, page=2)
    assert "25 in all" in first and "Page 2 of 2" in second
    on_first, on_second = share_ids(first, customer), share_ids(second, customer)
    assert (len(on_first), len(on_second)) == (20, 5)
    assert set(on_first) | set(on_second) == {s.pk for s in shares}


def test_the_share_picker_offers_those_it_may_be_shared_with(
    company, browser, customer, django_assert_max_num_queries
):
    client = browser(company.rep)
    open_tab(client, customer, "shares")  # warm up: settings, session
    with django_assert_max_num_queries(40) as captured:
        page = open_tab(client, customer, "shares")
    picker = re.search(r'<select[^>]*name="users"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', picker)}
    gone = UserFactory(username="gone", is_active=False)
    assert {company.deputy.pk, company.peer.pk, company.junior.pk} <= offered
    # Not the owner, who has it; not an administrator, who sells nothing (SPEC O2); not
    # someone who has left.
    assert not offered & {company.rep.pk, company.admin.pk, gone.pk}
    UserFactory.create_batch(20)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        more = open_tab(client, customer, "shares")  # one query for everyone, not one each
    picker = re.search(r'<select[^>]*name="users"[^>]*>(.*?)</select>', more, re.S).group(1)
    assert len(re.findall("<option ", picker)) == len(offered) + 20


def test_the_owner_removes_ticked_shares_and_a_sharee_cannot(company, browser, customer, shares):
    select_all = 'data-select-all="[data-testid=shares]"'
    assert select_all not in open_tab(browser(company.deputy), customer, "shares")
    ticked = [s.pk for s in shares[:3]]
    url = f"/customers/{customer.pk}/shares/remove/"
    browser(company.deputy).post(url, {"ids": ticked})
    assert Share.objects.filter(pk__in=ticked).count() == 3

    client = browser(company.rep)
    page = open_tab(client, customer, "shares")
    assert select_all in page and 'form="remove-ticked-shares"' in page
    answer = client.post(url, {"ids": ticked})
    assert answer["Location"] == f"/customers/{customer.pk}/?tab=shares"
    assert not Share.objects.filter(pk__in=ticked).exists()
    assert Share.objects.filter(customer=customer).count() == 22
    assert "Shares updated." in open_tab(client, customer, "shares")
    client.post(url, {})
    assert "Tick at least one share first." in open_tab(client, customer, "shares")


# ---------------------------------------------------------------- history


@pytest.fixture
def history(company, customer):
    """25 entries: 24 ownership events by rep, deputy and manager, and one field edit."""
    actors = (company.rep, company.deputy, company.manager)
    for i in range(24):
        OwnershipEvent.objects.create(
            customer=customer,
            action="share" if i % 2 else "assign",
            actor=actors[i % 3],
            to_user=company.junior,
            reason=f"reason {i:02d}",
        )
    details.update(company.rep, customer, {"phone": "0571-88886666"})


def test_history_quick_search_by_action_person_or_text(company, browser, customer, history):
    client = browser(company.rep)

    def rows(**params):
        return body_rows(open_tab(client, customer, "history", page_size=50, **params), "history")

    assert len(rows()) == 25
    (found,) = rows(search="REASON 07")
    assert "reason 07" in found
    assert len(rows(search="manager ma")) == 8
    assert len(rows(search="assigned")) == 12
    (edit,) = rows(search="88886666")
    assert "0571-88886666" in edit
    assert "Nothing matches." in open_tab(client, customer, "history", search="nowhere")


def test_history_sorts_by_who_then_the_other_way(company, browser, customer, history):
    client = browser(company.rep)

    def actors(ordering):
        page = open_tab(client, customer, "history", ordering=ordering, page_size=50)
        return [
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2] for row in body_rows(page, "history")
        ]

    ascending = actors("actor")
    assert ascending == sorted(ascending) and {"Rep Li", "Deputy Du", "Manager Ma"} <= set(
        ascending
    )
    assert actors("-actor") == sorted(ascending, reverse=True)


def test_history_pages_with_a_total_and_offers_no_ticking(company, browser, customer, history):
    client = browser(company.rep)
    first = open_tab(client, customer, "history", page_size=20)
    second = open_tab(client, customer, "history", page_size=20, page=2)
    assert "25 in all" in first and "Page 2 of 2" in second
    assert (len(body_rows(first, "history")), len(body_rows(second, "history"))) == (20, 5)
    assert set(body_rows(first, "history")).isdisjoint(body_rows(second, "history"))
    # Nothing is done to history entries, so nothing to tick.
    assert 'type="checkbox"' not in first and "data-select-all" not in first


# ---------------------------------------------------------------- every one of the three


@pytest.mark.parametrize("tab", ["contacts", "shares", "history"])
def test_bad_parameters_give_a_page_not_an_error(company, browser, customer, tab):
    ContactFactory(customer=customer, name="Only Contact")
    client = browser(company.rep)
    for params in BAD_PARAMETERS:
        page = open_tab(client, customer, tab, **params)
        assert 'id="tab-list"' in page and 'data-testid="total"' in page, params
    assert 'data-testid="filter-errors"' in open_tab(client, customer, tab, ordering="nonsense")
    assert 'class="small fw-bold" href="?tab=' in open_tab(client, customer, tab, page_size=7)
    # Reading is refused as before to those who may not, whatever the parameters.
    for persona in ("peer", "marketer"):
        response = browser(getattr(company, persona)).get(
            f"/customers/{customer.pk}/", {"tab": tab, "search": "a", "page": "2"}
        )
        assert response.status_code == 404, persona


@pytest.mark.parametrize("tab", ["contacts", "shares", "history"])
def test_a_tab_never_shows_another_customers_rows(company, browser, customer, tab):
    other = CustomerFactory(name="Other Customer", owner=company.rep)
    ContactFactory(customer=other, name="zqelsewhere contact", email="zqelsewhere@example.com")
    ShareFactory(customer=other, department=DepartmentFactory(name="zqelsewhere dept"))
    OwnershipEvent.objects.create(customer=other, action="claim", reason="zqelsewhere")
    page = open_tab(browser(company.rep), customer, tab, search="zqelsewhere")
    (row,) = body_rows(page, tab)
    assert "Nothing matches." in row


def test_htmx_swaps_the_tab_list_and_a_history_restore_gets_the_page(
    company, browser, customer, contacts
):
    client = browser(company.rep)
    headers = {"HX-Request": "true", "HX-Target": "tab-list"}
    url = f"/customers/{customer.pk}/"
    partial = client.get(url, {"tab": "contacts", "search": "zhang"}, headers=headers)
    body = partial.content.decode()
    assert "<html" not in body and 'id="tab-list"' in body and "HX-Request" in partial["Vary"]
    assert contact_ids(body, customer) == [contacts[-1].pk]
    restore = client.get(
        url,
        {"tab": "contacts", "search": "zhang"},
        headers={**headers, "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


@pytest.mark.parametrize("tab", ["contacts", "shares", "history"])
def test_a_tab_makes_as_many_queries_for_30_rows_as_for_5(
    company, browser, tab, django_assert_max_num_queries
):
    customer = CustomerFactory(name="Busy Customer", owner=company.rep)
    relation = DictionaryItem.objects.create(kind="relation", name="Friend")

    def grow(count):
        for _ in range(count):
            if tab == "contacts":
                contact = ContactFactory(customer=customer)
                SocialRelation.objects.create(
                    contact=contact, relation_type=relation, person_name="Old Friend"
                )
            elif tab == "shares":
                ShareFactory(customer=customer, user=UserFactory(), shared_by=company.rep)
            else:
                OwnershipEvent.objects.create(
                    customer=customer,
                    action="share",
                    actor=company.rep,
                    to_department=company.support,
                )

    def rows_shown(url, page):
        return len(body_rows(page, tab))

    assert_queries_do_not_grow(
        browser(company.rep),
        [f"/customers/{customer.pk}/?tab={tab}&page_size=50"],
        django_assert_max_num_queries,
        grow,
        rows_shown,
    )


# ---------------------------------------------------------------- the same through the API


def test_the_api_searches_and_sorts_the_tabs_as_the_pages_do(
    company, api, customer, contacts, shares, history
):
    client = api(company.rep)
    base = f"/api/customers/{customer.pk}"
    zhang = contacts[-1]
    for keyword in ("zhang w", "经理", "ZHANG@EXAMPLE"):
        found = client.get(f"{base}/contacts/", {"search": keyword}).json()
        assert [c["id"] for c in found] == [zhang.pk], keyword
    names = [c["name"] for c in client.get(f"{base}/contacts/", {"ordering": "-name"}).json()]
    assert names == sorted(names, reverse=True) and len(names) == 25

    support = client.get(f"{base}/shares/", {"search": "support"}).json()
    assert [row["department"]["name"] for row in support] == ["Support"]
    with_whom = client.get(f"{base}/shares/", {"ordering": "shared_with"}).json()
    assert len(with_whom) == 25

    entries = client.get(f"{base}/history/", {"search": "manager ma", "page_size": 50}).json()
    assert entries["count"] == 8 and {e["actor"] for e in entries["results"]} == {"Manager Ma"}
    by_actor = client.get(f"{base}/history/", {"ordering": "-actor", "page_size": 50}).json()
    actors = [e["actor"] or "" for e in by_actor["results"]]
    assert actors == sorted(actors, reverse=True) and by_actor["count"] == 25
    refused = client.get(f"{base}/history/", {"ordering": "nonsense"})
    assert refused.status_code == 400 and "ordering" in refused.json()
    # A sharee reads them too; a stranger gets nothing.
    assert api(company.deputy).get(f"{base}/history/", {"search": "reason"}).status_code == 200
    assert api(company.marketer).get(f"{base}/contacts/", {"search": "zhang"}).status_code == 404
