"""The subordinates scope lists what my subordinates created or own (SPEC S2, manual 3.1.3),
and a customer a subordinate created that is now in the pool or someone else's shows only
its public fields (C2): in the list, in the API, and to every search of a private field."""

import contextlib
import datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from customers import search
from customers.models import Customer
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from settings_app.models import DictionaryItem, SystemSettings

pytestmark = pytest.mark.django_db

CONTACTED = timezone.make_aware(datetime.datetime(2024, 3, 7, 10, 0))


@pytest.fixture
def made(company):
    """label → customer. The junior (under rep, under manager, under the CEO) created four
    customers, which have since gone their ways; each has private values of its own."""
    c = company
    source = DictionaryItem.objects.create(kind="source", name="Zqsource fair")
    rows = {}

    def customer(label, created_by, owner):
        row = CustomerFactory(
            name=f"Made {label}",
            created_by=created_by,
            owner=owner,
            phone=f"zqphone-{label}",
            address=f"zqaddress {label}",
            notes=f"zqnotes {label}",
            website=f"https://zqweb-{label}.example",
            source=source,
            last_contacted_at=CONTACTED,
        )
        ContactFactory(
            customer=row, name=f"Zqcontact {label}", mobile=f"zqmobile-{label}", is_primary=True
        )
        rows[label] = row

    customer("pool", c.junior, None)  # returned to the pool
    customer("peer", c.junior, c.peer)  # claimed by someone outside the manager's tree
    customer("rep", c.junior, c.rep)  # assigned to the junior's own supervisor
    customer("shared", c.junior, c.peer)  # a peer's, but shared with the manager
    customer("stranger", c.peer, None)  # nobody in the tree made or owns it
    ShareFactory(customer=rows["shared"], user=c.manager, shared_by=c.peer)
    return rows


PRIVATE = ("phone", "address", "notes", "website", "source", "source_name", "last_contacted_at")


def tokens(label):
    return {
        f"zqphone-{label}",
        f"zqaddress {label}",
        f"zqnotes {label}",
        f"zqweb-{label}",
        f"Zqcontact {label}",
        f"zqmobile-{label}",
    }


def rows_of(client, **params):
    response = client.get("/api/shared/", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"]), "the total counts other rows than the list"
    return {row["name"]: row for row in body["results"]}


# How customers.search reads a list: whole (a short list), walking it in its order, from
# the name indexes' candidates, or walking it for the names with the contacts' names read
# from their candidates.
SEARCH_PLANS = ("short", "walking", "candidates", "names walking")


@contextlib.contextmanager
def search_plan(plan):
    if plan == "short":
        yield
        return
    limit = 0 if plan == "walking" else 10_000
    candidates = plan == "candidates"
    with (
        override_settings(SEARCH_SHORT_LIST=0, SEARCH_CANDIDATE_LIMIT=limit),
        mock.patch.object(search, "candidates_cost_less", lambda *args, **kwargs: candidates),
    ):
        yield


def names(*labels):
    return {f"Made {label}" for label in labels}


def test_the_subordinates_scope_lists_what_they_created_or_own(company, api, made):
    manager = rows_of(api(company.manager), scope="subordinates")
    assert set(manager) == names("pool", "peer", "rep", "shared")
    assert {name for name, row in manager.items() if row["readable"]} == names("rep", "shared")
    # Two levels up, and one: the same customers.
    assert set(rows_of(api(company.ceo), scope="subordinates")) == names(
        "pool", "peer", "rep", "shared"
    )
    rep = rows_of(api(company.rep), scope="subordinates")
    assert set(rep) == names("pool", "peer", "rep", "shared")  # "rep": the junior made it
    assert {name for name, row in rep.items() if row["readable"]} == names("rep")
    # The creator has no subordinates; a colleague beside the junior's line sees none.
    assert rows_of(api(company.junior), scope="subordinates") == {}
    assert rows_of(api(company.deputy), scope="subordinates") == {}


def test_the_all_scope_adds_them_to_mine_and_shared_to_me(company, api, made):
    everything = rows_of(api(company.manager))
    assert set(everything) == names("pool", "peer", "rep", "shared")
    assert set(rows_of(api(company.rep))) == names("pool", "peer", "rep", "shared")
    # The peer owns two of them and sees them as before, in full.
    peer = rows_of(api(company.peer))
    assert set(peer) == names("peer", "shared") and all(r["readable"] for r in peer.values())


def test_an_unreadable_row_carries_its_public_fields_only(company, api, made):
    client = api(company.manager)
    response = client.get("/api/shared/", {"page_size": 200})
    body = response.content.decode()
    for label in ("pool", "peer"):
        assert not [t for t in tokens(label) if t.lower() in body.lower()], label
    row = rows_of(client)["Made peer"]
    assert row["readable"] is False
    assert row["owner"]["display_name"] == "Peer Pan"
    assert row["created_by"]["display_name"] == "Junior Wu"
    assert row["created_at"] and row["status"] == "claimed"
    for key in (*PRIVATE, "primary_contact", "claimed_at", "updated_at"):
        assert row[key] is None, key
    assert "2024-03-07" not in str(rows_of(client)["Made pool"])
    # The readable ones are whole.
    full = rows_of(client)["Made rep"]
    assert full["readable"] is True and full["phone"] == "zqphone-rep"
    assert full["primary_contact"]["name"] == "Zqcontact rep"
    # Nor does the full record open: the pool's page is where its public fields are.
    assert client.get(f"/api/customers/{made['pool'].pk}/").status_code == 404
    assert client.get(f"/api/customers/{made['peer'].pk}/contacts/").status_code == 404
    assert client.get(f"/api/pool/{made['peer'].pk}/").status_code == 200


def test_public_fields_the_administrator_opened_show_on_unreadable_rows(company, api, made):
    SystemSettings.objects.update_or_create(
        pk=1, defaults={"extra_public_fields": ["source", "last_contacted_at"]}
    )
    row = rows_of(api(company.manager))["Made pool"]
    assert row["source_name"] == "Zqsource fair" and row["last_contacted_at"]
    assert row["phone"] is None and row["website"] is None and row["primary_contact"] is None


@pytest.mark.parametrize(
    "params, found",
    [
        ({"search": "Zqcontact"}, ("rep", "shared")),
        ({"search": "zqcontact pool"}, ()),
        ({"contact": "Zqcontact"}, ("rep", "shared")),
        ({"contact": "zqcontact peer"}, ()),
        ({"phone": "zq"}, ("rep", "shared")),
        ({"phone": "zqmobile-peer"}, ()),
        ({"phone": "zqphone-pool"}, ()),
        ({"contacted_after": "2024-03-01"}, ("rep", "shared")),
        ({"contacted_before": "2024-03-31"}, ("rep", "shared")),
        ({"source": "SOURCE"}, ("rep", "shared")),
    ],
)
@pytest.mark.parametrize("plan", SEARCH_PLANS)
def test_searching_a_private_field_skips_the_unreadable_rows(
    company, api, made, params, found, plan
):
    """A hit would tell what the private field holds (C2), whichever way the search reads
    the list (customers.search)."""
    if "source" in params:
        params = {"source": DictionaryItem.objects.get(kind="source").pk}
    with search_plan(plan):
        for scope in ("all", "subordinates"):
            rows = rows_of(api(company.manager), scope=scope, **params)
            assert set(rows) == names(*found), (scope, params)


def test_public_searches_and_every_order_list_every_row_once(company, api, made):
    client = api(company.manager)
    assert set(rows_of(client, search="made")) == names("pool", "peer", "rep", "shared")
    assert set(rows_of(client, name="peer")) == names("peer")
    expected = names("pool", "peer", "rep", "shared")
    for ordering in ("name", "-created_at", "category", "status", "last_contacted_at"):
        seen = []
        params = {"ordering": ordering, "page_size": 1}
        url = "/api/shared/"
        while url:
            response = client.get(url, params)
            assert response.status_code == 200, response.content
            seen += [row["name"] for row in response.json()["results"]]
            url, params = response.json()["next"], {}
        assert sorted(seen) == sorted(expected), ordering


def test_with_hierarchical_sharing_off_they_are_not_listed(company, api, made):
    SystemSettings.objects.update_or_create(pk=1, defaults={"force_hierarchical_sharing": False})
    assert rows_of(api(company.manager), scope="subordinates") == {}
    assert set(rows_of(api(company.manager))) == names("shared")


def test_the_page_shows_them_with_public_fields_only(company, browser, made):
    page = browser(company.manager).get("/shared/", {"scope": "subordinates"})
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("pool", "peer"):
        assert not [t for t in tokens(label) if t.lower() in html.lower()], label
        assert f'href="/pool/{made[label].pk}/"' in html
        assert f'href="/customers/{made[label].pk}/"' not in html
    assert html.count('data-testid="public-only"') == 2
    assert "Created by Junior Wu" in html
    # The readable ones open in full, with their contact.
    assert f'href="/customers/{made["rep"].pk}/"' in html and "Zqcontact rep" in html
    assert Customer.objects.filter(pk=made["pool"].pk, owner=None).exists()


def test_the_page_searches_private_fields_of_readable_rows_only(company, browser, made):
    page = browser(company.manager).get("/shared/", {"phone": "zq"})
    html = page.content.decode()
    assert "Made rep" in html and "Made shared" in html
    assert "Made pool" not in html and "Made peer" not in html
