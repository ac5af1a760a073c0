"""The list views and detail tabs of the REST API (DESIGN.md contract; SPEC P1, M1, S1–S4,
C2–C5, H1, L1–L4, O3).

Rows are set up with the factories; the behaviour under test is always reached through HTTP."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from customers.models import Contact, Customer
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from org.models import User
from settings_app.models import BASE_PUBLIC_FIELDS, DictionaryItem, SystemSettings

pytestmark = pytest.mark.django_db


POOL_FIELDS = set(BASE_PUBLIC_FIELDS)


def item(kind, name, order=0):
    return DictionaryItem.objects.create(kind=kind, name=name, sort_order=order)


def listing(client, url, **params):
    answer = client.get(url, {"page_size": 200, **params})
    assert answer.status_code == 200, answer.content
    return answer.json()


def ids(client, url, **params):
    return [row["id"] for row in listing(client, url, **params)["results"]]


def id_set(client, url, **params):
    found = ids(client, url, **params)
    assert len(found) == len(set(found)), "a customer is listed twice"
    return set(found)


# --- Pool (P1, C2, L1–L4) -----------------------------------------------------------------


def test_pool_lists_every_live_customer_with_public_fields_only(company, api):
    category = item("category", "VIP")
    free = CustomerFactory(name="Alpha Foods", category=category, notes="secret", address="x")
    taken = CustomerFactory(name="Beta Foods", owner=company.rep)
    CustomerFactory(name="Gone Foods", deleted_at=timezone.now())
    ContactFactory(customer=taken, name="Private Person", is_primary=True)

    body = listing(api(company.peer), "/api/pool/")
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {free.pk, taken.pk}
    for row in rows.values():
        assert set(row) == POOL_FIELDS
    assert rows[free.pk]["status"] == "unclaimed" and rows[free.pk]["owner"] is None
    assert rows[free.pk]["category"] == "VIP"
    assert rows[taken.pk]["status"] == "claimed" and rows[taken.pk]["owner"] == "Rep Li"
    for secret in ("secret", "Private Person", taken.phone):
        assert secret not in str(body)


def test_pool_filters_by_status(company, api):
    free = CustomerFactory(name="Free One")
    taken = CustomerFactory(name="Taken One", owner=company.deputy)
    client = api(company.rep)
    assert id_set(client, "/api/pool/", status="unclaimed") == {free.pk}
    assert id_set(client, "/api/pool/", status="claimed") == {taken.pk}
    assert id_set(client, "/api/pool/") == {free.pk, taken.pk}
    bad = client.get("/api/pool/", {"status": "lost"})
    assert bad.status_code == 400 and "detail" in bad.json()


@pytest.fixture
def searchable(company):
    names = {
        "huawei": "北京华为技术有限公司",
        "huawei_agent": "上海华为代理",
        "acme": "ACME Trading",
        "acme_wide": "Ａｃｍｅ Parts",  # stored full-width
        "other": "Zenith Labs",
    }
    rows = {key: CustomerFactory(name=name) for key, name in names.items()}
    ContactFactory(customer=rows["other"], name="Hidden Contact", is_primary=True)
    return rows


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("华为", {"huawei", "huawei_agent"}),
        ("技术有限", {"huawei"}),
        ("acme", {"acme", "acme_wide"}),
        ("aCmE", {"acme", "acme_wide"}),
        ("ＡＣＭＥ", {"acme", "acme_wide"}),  # full-width input, half-width names
        ("ＴＲＡＤＩＮＧ", {"acme"}),
        ("parts", {"acme_wide"}),  # half-width input, full-width name
        ("nothing like it", set()),
    ],
)
def test_pool_quick_search(company, api, searchable, keyword, expected):
    found = id_set(api(company.peer), "/api/pool/", search=keyword)
    assert found == {searchable[key].pk for key in expected}


def test_pool_quick_search_never_matches_private_fields(company, api, searchable):
    """A stranger must not learn what a contact or phone is by searching the pool (C2)."""
    client = api(company.peer)
    assert id_set(client, "/api/pool/", search="Hidden Contact") == set()
    assert id_set(client, "/api/pool/", search=searchable["other"].phone) == set()


def test_pool_filters_and_searches_by_category(company, api):
    vip = item("category", "Key account", 1)
    small = item("category", "Small shop", 2)
    a = CustomerFactory(name="First Co", category=vip)
    b = CustomerFactory(name="Second Co", category=small)
    CustomerFactory(name="Third Co")
    client = api(company.rep)
    assert id_set(client, "/api/pool/", category=vip.pk) == {a.pk}
    assert id_set(client, "/api/pool/", category=small.pk) == {b.pk}
    assert id_set(client, "/api/pool/", search="small") == {b.pk}


def test_pool_created_date_range_uses_calendar_days_of_the_site(company, api):
    zone = timezone.get_current_timezone()

    def created(name, *moment):
        row = CustomerFactory(name=name)
        when = datetime.datetime(*moment, tzinfo=zone)
        Customer.objects.filter(pk=row.pk).update(created_at=when)
        return row.pk

    late_on_9th = created("Ninth Late", 2024, 1, 9, 23, 30)
    early_on_10th = created("Tenth Early", 2024, 1, 10, 0, 30)
    midnight_11th = created("Eleventh Midnight", 2024, 1, 11, 0, 0)
    on_11th = created("Eleventh", 2024, 1, 11, 12, 0)
    client = api(company.rep)

    assert id_set(client, "/api/pool/", created_after="2024-01-10") == {
        early_on_10th,
        midnight_11th,
        on_11th,
    }
    assert id_set(client, "/api/pool/", created_after="2024-01-11") == {midnight_11th, on_11th}
    assert id_set(client, "/api/pool/", created_before="2024-01-09") == {late_on_9th}
    assert id_set(
        client, "/api/pool/", created_after="2024-01-10", created_before="2024-01-10"
    ) == {early_on_10th}
    assert id_set(
        client, "/api/pool/", created_after="2024-01-09", created_before="2024-01-11"
    ) == {late_on_9th, early_on_10th, midnight_11th, on_11th}
    assert client.get("/api/pool/", {"created_after": "yesterday"}).status_code == 400


@pytest.fixture
def sortable(company):
    """Six customers whose order differs by every column."""
    cat = {n: item("category", f"Cat {n}", order) for n, order in (("A", 1), ("B", 2), ("C", 3))}
    ind = {n: item("industry", f"Ind {n}", order) for n, order in (("A", 1), ("B", 2), ("C", 3))}
    reg = {n: item("region", f"Reg {n}", order) for n, order in (("A", 1), ("B", 2), ("C", 3))}
    rows = [
        ("Delta", "C", "A", "B", company.rep, 3),
        ("Alpha", "B", "C", "A", None, 5),
        ("Foxtrot", "A", "B", "C", company.deputy, 1),
        ("Bravo", "C", "A", "A", company.junior, 6),
        ("Echo", "A", "C", "B", None, 2),
        ("Charlie", "B", "B", "C", company.manager, 4),
    ]
    start = timezone.now() - datetime.timedelta(days=30)
    for name, c, i, r, owner, day in rows:
        customer = CustomerFactory(name=name, category=cat[c], industry=ind[i], region=reg[r])
        if owner is not None:
            Customer.objects.filter(pk=customer.pk).update(owner=owner, claimed_at=start)
        Customer.objects.filter(pk=customer.pk).update(
            created_at=start + datetime.timedelta(days=day)
        )


@pytest.mark.parametrize("column", ["name", "category", "industry", "region", "created_at"])
def test_pool_orders_by_each_column_both_ways(company, api, sortable, column):
    client = api(company.peer)
    ascending = listing(client, "/api/pool/", ordering=column)["results"]
    descending = listing(client, "/api/pool/", ordering=f"-{column}")["results"]
    assert len(ascending) == 6
    # A dictionary column sorts by its item's stable key (customers.sorting), the items
    # here made in their names' order; ties go by name.
    expected = sorted(ascending, key=lambda row: (row[column], row["name"], row["id"]))
    assert [r["id"] for r in ascending] == [r["id"] for r in expected]
    assert [r["id"] for r in descending] == [r["id"] for r in reversed(expected)]


def test_pool_orders_by_status_both_ways(company, api, sortable):
    client = api(company.peer)
    ascending = listing(client, "/api/pool/", ordering="status")["results"]
    descending = listing(client, "/api/pool/", ordering="-status")["results"]
    statuses = [r["status"] for r in ascending]
    # All of one status, then all of the other.
    assert statuses in (
        ["unclaimed"] * 2 + ["claimed"] * 4,
        ["claimed"] * 4 + ["unclaimed"] * 2,
    )
    assert [r["status"] for r in descending] == list(reversed(statuses))
    assert [r["id"] for r in descending] == [r["id"] for r in reversed(ascending)]


def test_pool_orders_by_owner_both_ways(company, api, sortable):
    client = api(company.peer)
    for ordering, reverse in (("owner", False), ("-owner", True)):
        rows = listing(client, "/api/pool/", ordering=ordering)["results"]
        owners = [r["owner"] for r in rows]
        # Each owner's customers together (by the person's stable key), in the order the
        # people were added: Manager Ma, Rep Li, Junior Wu, Deputy Du (conftest.Company).
        named = [o for o in owners if o is not None]
        by_key = ["Manager Ma", "Rep Li", "Junior Wu", "Deputy Du"]
        assert named == by_key[:: -1 if reverse else 1], ordering
        # The unclaimed ones are kept together at one end, not scattered among owners.
        nones = [i for i, o in enumerate(owners) if o is None]
        assert nones == ([4, 5] if reverse else [0, 1]), ordering


def test_pool_refuses_ordering_by_unknown_or_private_column(company, api, sortable):
    client = api(company.peer)
    for ordering in ("phone", "-notes", "nonsense"):
        answer = client.get("/api/pool/", {"ordering": ordering})
        assert answer.status_code == 400, ordering


def test_pool_paging(company, api):
    for n in range(7):
        CustomerFactory(name=f"Paged {n}")
    client = api(company.rep)
    first = client.get("/api/pool/", {"page_size": 3}).json()
    assert first["count"] == 7
    assert first["previous"] is None and first["next"] is not None
    assert len(first["results"]) == 3

    second = client.get(first["next"]).json()
    assert second["count"] == 7 and second["previous"] is not None
    third = client.get(second["next"]).json()
    assert third["next"] is None and len(third["results"]) == 1

    walked = [r["name"] for page in (first, second, third) for r in page["results"]]
    assert walked == [f"Paged {n}" for n in range(7)]

    last = client.get("/api/pool/", {"page_size": 3, "cursor": "last"}).json()
    assert [r["name"] for r in last["results"]] == ["Paged 4", "Paged 5", "Paged 6"]
    assert last["next"] is None
    before = client.get(last["previous"]).json()
    assert [r["name"] for r in before["results"]] == ["Paged 1", "Paged 2", "Paged 3"]
    assert client.get(before["previous"]).json()["results"][0]["name"] == "Paged 0"

    default = client.get("/api/pool/").json()
    assert default["count"] == 7 and default["next"] is None
    for bad in ("0", "201", "many"):
        answer = client.get("/api/pool/", {"page_size": bad})
        assert answer.status_code == 400, bad
    assert client.get("/api/pool/", {"page_size": 200}).status_code == 200


# --- My customers (M1, C4, L1) -----------------------------------------------------------


def test_mine_lists_only_my_customers_with_full_record(company, api):
    first = CustomerFactory(name="Mine A", owner=company.rep, notes="note A")
    second = CustomerFactory(name="Mine B", owner=company.rep)
    CustomerFactory(name="Deputy's", owner=company.deputy)
    CustomerFactory(name="Junior's", owner=company.junior)  # a subordinate's is not "mine"
    CustomerFactory(name="Unclaimed")
    ContactFactory(customer=first, name="Primary Pat", phone="010-1", mobile="", is_primary=True)
    ContactFactory(customer=first, name="Other Olga", is_primary=False)

    body = listing(api(company.rep), "/api/mine/")
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {first.pk, second.pk}
    assert rows[first.pk]["notes"] == "note A"
    assert rows[first.pk]["phone"] == first.phone
    assert rows[first.pk]["owner"] == {"id": company.rep.pk, "display_name": "Rep Li"}
    primary = rows[first.pk]["primary_contact"]
    assert primary["name"] == "Primary Pat" and primary["phone"] == "010-1"
    assert rows[second.pk]["primary_contact"] is None


def test_mine_quick_search_finds_contact_names(company, api):
    by_contact = CustomerFactory(name="Orion Ltd", owner=company.rep)
    by_name = CustomerFactory(name="王小明贸易", owner=company.rep)
    CustomerFactory(name="Nothing Here", owner=company.rep)
    ContactFactory(customer=by_contact, name="王小明", is_primary=True)
    ContactFactory(customer=by_contact, name="John SMITH")
    # Someone else's customer with the same contact name stays out of my list.
    ContactFactory(customer=CustomerFactory(name="Not Mine", owner=company.deputy), name="王小明")

    client = api(company.rep)
    assert id_set(client, "/api/mine/", search="小明") == {by_contact.pk, by_name.pk}
    assert id_set(client, "/api/mine/", search="smith") == {by_contact.pk}
    assert id_set(client, "/api/mine/", contact="john") == {by_contact.pk}
    # The pool does not search contacts (C2).
    assert id_set(client, "/api/pool/", search="smith") == set()


def test_mine_create_is_owned_by_me(company, api):
    client = api(company.rep)
    created = client.post("/api/mine/", {"name": "Fresh Start", "phone": "555"})
    assert created.status_code == 201, created.content
    assert created.json()["owner"]["id"] == company.rep.pk
    assert created.json()["status"] == "claimed"
    assert ids(client, "/api/mine/") == [created.json()["id"]]


# --- Shared customers (S1, S2, S4, O3) ----------------------------------------------------


@pytest.fixture
def web(company):
    """Customers around the manager: own, subordinates' (two levels), shared to the manager
    by a person or to the Sales department, and some the manager must never see."""
    c = company

    def customer(name, owner):
        return CustomerFactory(name=name, owner=owner)

    rows = {
        "own": customer("Manager Own", c.manager),
        "rep": customer("Rep Own", c.rep),
        "junior": customer("Junior Own", c.junior),
        "deputy_shared": customer("Deputy Shared", c.deputy),
        "peer_to_me": customer("Peer To Manager", c.peer),
        "peer_to_sales": customer("Peer To Sales", c.peer),
        "marketer_to_sales": customer("Marketer To Sales", c.marketer),
        "peer_private": customer("Peer Private", c.peer),
        "peer_to_rep": customer("Peer To Rep", c.peer),
        "unclaimed": customer("Nobody's", None),
    }
    ShareFactory(customer=rows["deputy_shared"], user=c.manager, shared_by=c.deputy)
    ShareFactory(customer=rows["peer_to_me"], user=c.manager, shared_by=c.peer)
    ShareFactory(customer=rows["peer_to_sales"], department=c.sales, shared_by=c.peer)
    ShareFactory(customer=rows["marketer_to_sales"], department=c.sales, shared_by=c.marketer)
    ShareFactory(customer=rows["peer_to_rep"], user=c.rep, shared_by=c.peer)
    return {key: row.pk for key, row in rows.items()}


def pick(web, *keys):
    return {web[k] for k in keys}


ALL_FOR_MANAGER = (
    "own",
    "rep",
    "junior",
    "deputy_shared",
    "peer_to_me",
    "peer_to_sales",
    "marketer_to_sales",
)


def test_shared_with_no_criteria_is_mine_subordinates_and_shared_to_me(company, api, web):
    """S4, S1: the combined view of a supervisor."""
    client = api(company.manager)
    assert id_set(client, "/api/shared/") == pick(web, *ALL_FOR_MANAGER)
    assert id_set(client, "/api/shared/", scope="all") == pick(web, *ALL_FOR_MANAGER)
    body = listing(client, "/api/shared/")
    assert body["count"] == len(ALL_FOR_MANAGER)
    assert all("notes" in row and "phone" in row for row in body["results"])


def test_shared_scope_subordinates_is_only_subordinates_customers(company, api, web):
    client = api(company.manager)
    assert id_set(client, "/api/shared/", scope="subordinates") == pick(
        web, "rep", "junior", "deputy_shared"
    )
    # Two levels down: the CEO sees everything the sales people own.
    ceo = api(company.ceo)
    assert id_set(ceo, "/api/shared/", scope="subordinates") == pick(
        web, "own", "rep", "junior", "deputy_shared"
    )


def test_shared_for_a_department_member_without_subordinates(company, api, web):
    deputy = api(company.deputy)
    assert id_set(deputy, "/api/shared/") == pick(
        web, "deputy_shared", "peer_to_sales", "marketer_to_sales"
    )
    assert id_set(deputy, "/api/shared/", scope="subordinates") == set()
    peer = api(company.peer)  # Support: none of the Sales department shares
    assert id_set(peer, "/api/shared/") == pick(
        web, "peer_to_me", "peer_to_sales", "peer_private", "peer_to_rep"
    )


def test_shared_by_narrows_to_what_one_person_shared_with_me(company, api, web):
    client = api(company.manager)
    assert id_set(client, "/api/shared/", shared_by=company.peer.pk) == pick(
        web, "peer_to_me", "peer_to_sales"
    )
    assert id_set(client, "/api/shared/", shared_by=company.marketer.pk) == pick(
        web, "marketer_to_sales"
    )
    assert id_set(client, "/api/shared/", shared_by=company.deputy.pk) == pick(web, "deputy_shared")
    # The rep shared nothing with the manager, though the manager sees the rep's customers.
    assert id_set(client, "/api/shared/", shared_by=company.rep.pk) == set()


def test_shared_rejects_bad_parameters(company, api):
    client = api(company.manager)
    assert client.get("/api/shared/", {"scope": "everyone"}).status_code == 400
    assert client.get("/api/shared/", {"shared_by": "peer"}).status_code == 400


def test_force_hierarchical_sharing_switched_at_run_time(company, api, web):
    """O3: off, a supervisor sees only what subordinates shared to them."""
    admin = api(company.admin)
    manager = api(company.manager)
    assert admin.get("/api/settings/").json()["force_hierarchical_sharing"] is True
    assert manager.get(f"/api/customers/{web['rep']}/").status_code == 200

    off = admin.patch("/api/settings/", {"force_hierarchical_sharing": False})
    assert off.status_code == 200, off.content
    assert off.json()["force_hierarchical_sharing"] is False

    assert id_set(manager, "/api/shared/", scope="subordinates") == pick(web, "deputy_shared")
    assert id_set(manager, "/api/shared/") == pick(
        web, "own", "deputy_shared", "peer_to_me", "peer_to_sales", "marketer_to_sales"
    )
    assert manager.get(f"/api/customers/{web['rep']}/").status_code == 404
    assert manager.get(f"/api/customers/{web['junior']}/").status_code == 404
    assert manager.get(f"/api/customers/{web['deputy_shared']}/").status_code == 200

    # Once the rep shares a customer with the manager, it shows again.
    ShareFactory(customer_id=web["rep"], user=company.manager, shared_by=company.rep)
    assert id_set(manager, "/api/shared/", scope="subordinates") == pick(
        web, "deputy_shared", "rep"
    )

    on = admin.patch("/api/settings/", {"force_hierarchical_sharing": True})
    assert on.status_code == 200
    assert id_set(manager, "/api/shared/", scope="subordinates") == pick(
        web, "rep", "junior", "deputy_shared"
    )
    assert manager.get(f"/api/customers/{web['junior']}/").status_code == 200


# --- Duplicate check (C3) -----------------------------------------------------------------


def test_duplicates_lists_public_fields_of_name_matches(company, api):
    taken = CustomerFactory(name="华为技术有限公司", owner=company.rep, notes="big secret")
    ContactFactory(customer=taken, name="秘密联系人", is_primary=True)
    free = CustomerFactory(name="深圳华为代理商")
    CustomerFactory(name="Unrelated")
    client = api(company.peer)

    answer = client.get("/api/customers/duplicates/", {"name": "华为"})
    assert answer.status_code == 200, answer.content
    rows = {row["id"]: row for row in answer.json()}
    assert set(rows) == {taken.pk, free.pk}
    for row in rows.values():
        assert set(row) == POOL_FIELDS
    assert rows[taken.pk]["owner"] == "Rep Li"
    for secret in ("big secret", "秘密联系人", taken.phone):
        assert secret not in answer.content.decode()

    wide = client.get("/api/customers/duplicates/", {"name": "ＵＮＲＥＬＡＴＥＤ"}).json()
    assert [row["name"] for row in wide] == ["Unrelated"]
    assert client.get("/api/customers/duplicates/").status_code == 400
    assert client.get("/api/customers/duplicates/", {"name": "  "}).status_code == 400


def test_saving_a_normalised_duplicate_name_is_refused_naming_the_owner(company, api):
    CustomerFactory(name="ACME Trading", owner=company.deputy)
    answer = api(company.rep).post("/api/mine/", {"name": "acme  trading co., ltd."})
    assert answer.status_code == 400
    assert "ACME Trading" in answer.json()["detail"]
    assert "Deputy Du" in answer.json()["detail"]
    assert Customer.objects.count() == 1


# --- Field-edit history (H1) --------------------------------------------------------------


def test_editing_fields_is_recorded_with_old_and_new_values(company, api):
    client = api(company.rep)
    created = client.post("/api/mine/", {"name": "Edit Me", "phone": "111"})
    cid = created.json()["id"]

    edited = client.patch(f"/api/customers/{cid}/", {"phone": "222", "notes": "now noted"})
    assert edited.status_code == 200, edited.content
    assert edited.json()["phone"] == "222"

    history = client.get(f"/api/customers/{cid}/history/")
    assert history.status_code == 200
    edits = [e for e in history.json()["results"] if e["kind"] == "edit"]
    assert len(edits) == 1
    changes = {c["field"]: (c["old"], c["new"]) for c in edits[0]["changes"]}
    assert changes == {"phone": ("111", "222"), "notes": ("", "now noted")}
    assert edits[0]["actor"] == "Rep Li"
    assert any(e["action"] == "create" for e in history.json()["results"])


def test_patch_refuses_a_duplicate_name_and_changes_nothing(company, api):
    CustomerFactory(name="Taken Name")
    mine = CustomerFactory(name="My Name", owner=company.rep)
    client = api(company.rep)
    answer = client.patch(f"/api/customers/{mine.pk}/", {"name": "TAKEN name", "phone": "9"})
    assert answer.status_code == 400
    mine.refresh_from_db()
    assert mine.name == "My Name" and mine.phone != "9"


# --- Contacts (C4) ------------------------------------------------------------------------


def primaries(client, cid):
    contacts = client.get(f"/api/customers/{cid}/contacts/").json()
    return [c["name"] for c in contacts if c["is_primary"]], [c["name"] for c in contacts]


def test_contacts_keep_exactly_one_primary(company, api):
    customer = CustomerFactory(name="Contact Co", owner=company.rep)
    client = api(company.rep)
    url = f"/api/customers/{customer.pk}/contacts/"

    first = client.post(url, {"name": "Anna", "phone": "010-1"})
    assert first.status_code == 201, first.content
    assert first.json()["is_primary"] is True
    second = client.post(url, {"name": "Bert", "mobile": "139"})
    assert second.json()["is_primary"] is False
    assert primaries(client, customer.pk) == (["Anna"], ["Anna", "Bert"])

    moved = client.patch(f"{url}{second.json()['id']}/", {"is_primary": True})
    assert moved.status_code == 200, moved.content
    assert primaries(client, customer.pk)[0] == ["Bert"]
    row = listing(client, "/api/mine/")["results"][0]
    assert row["primary_contact"]["name"] == "Bert" and row["primary_contact"]["phone"] == "139"

    # A new contact may take the primary role at once.
    third = client.post(url, {"name": "Cleo", "is_primary": True})
    assert third.json()["is_primary"] is True
    assert primaries(client, customer.pk)[0] == ["Cleo"]

    # The primary cannot simply be unset: another one must take over.
    refused = client.patch(f"{url}{third.json()['id']}/", {"is_primary": False})
    assert refused.status_code == 400
    assert primaries(client, customer.pk)[0] == ["Cleo"]

    # Deleting the primary promotes another contact.
    gone = client.delete(f"{url}{third.json()['id']}/")
    assert gone.status_code == 204
    names, remaining = primaries(client, customer.pk)
    assert len(names) == 1 and sorted(remaining) == ["Anna", "Bert"]


def test_delete_many_contacts(company, api):
    customer = CustomerFactory(name="Many Contacts", owner=company.rep)
    other = ContactFactory(customer=CustomerFactory(name="Other Co", owner=company.rep))
    client = api(company.rep)
    url = f"/api/customers/{customer.pk}/contacts/"
    made = [client.post(url, {"name": name}).json()["id"] for name in ("Ann", "Ben", "Cat", "Dan")]

    answer = client.post(f"{url}delete/", {"ids": made[:3]})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"ids": sorted(made[:3])}
    assert primaries(client, customer.pk) == (["Dan"], ["Dan"])

    # An id of another customer's contact is refused and nothing is deleted.
    refused = client.post(f"{url}delete/", {"ids": [made[3], other.pk]})
    assert refused.status_code == 404
    assert Contact.objects.filter(pk__in=[made[3], other.pk]).count() == 2
    assert client.post(f"{url}delete/", {"ids": []}).status_code == 400


def test_contacts_of_an_invisible_customer_are_404(company, api):
    customer = CustomerFactory(name="Hidden", owner=company.deputy)
    ContactFactory(customer=customer)
    client = api(company.peer)
    assert client.get(f"/api/customers/{customer.pk}/contacts/").status_code == 404
    assert client.post(f"/api/customers/{customer.pk}/contacts/", {"name": "x"}).status_code == 404


# --- Social relations (C5) ----------------------------------------------------------------


def test_social_relations_add_list_delete(company, api):
    classmate = item("relation", "同学")
    customer = CustomerFactory(name="Relations Co", owner=company.rep)
    contact = ContactFactory(customer=customer, name="Chen", is_primary=True)
    client = api(company.rep)
    url = f"/api/customers/{customer.pk}/contacts/{contact.pk}/relations/"

    added = client.post(
        url, {"relation_type": classmate.pk, "person_name": "李四", "notes": "大学同学"}
    )
    assert added.status_code == 201, added.content
    assert added.json()["relation_type_name"] == "同学"
    assert [r["person_name"] for r in client.get(url).json()] == ["李四"]
    contact_row = client.get(f"/api/customers/{customer.pk}/contacts/{contact.pk}/").json()
    assert [r["person_name"] for r in contact_row["relations"]] == ["李四"]

    # A sharee reads relations but cannot add or delete them.
    ShareFactory(customer=customer, user=company.peer, shared_by=company.rep)
    peer = api(company.peer)
    assert peer.get(url).status_code == 200
    assert peer.post(url, {"relation_type": classmate.pk, "person_name": "X"}).status_code == 403
    assert peer.delete(f"{url}{added.json()['id']}/").status_code == 403

    assert client.delete(f"{url}{added.json()['id']}/").status_code == 204
    assert client.get(url).json() == []


def test_social_relation_needs_a_relation_type_of_the_relation_list(company, api):
    """A missing or wrong-kind relation type is the caller's mistake: 400, nothing saved."""
    wrong_kind = item("category", "Not a relation")
    item("relation", "同学")
    customer = CustomerFactory(name="Relations Co", owner=company.rep)
    contact = ContactFactory(customer=customer, name="Chen", is_primary=True)
    client = api(company.rep)
    url = f"/api/customers/{customer.pk}/contacts/{contact.pk}/relations/"

    missing = client.post(url, {"person_name": "No Type"})
    assert missing.status_code == 400, missing.content
    wrong = client.post(url, {"relation_type": wrong_kind.pk, "person_name": "Wrong"})
    assert wrong.status_code == 400, wrong.content
    assert client.get(url).json() == []


# --- Recycle bin (P3) ---------------------------------------------------------------------


def test_recycle_bin_delete_and_restore(company, api):
    old = CustomerFactory(name="Old Lead")
    taken = CustomerFactory(name="Taken Lead", owner=company.rep)
    marketer = api(company.marketer)

    answer = marketer.post("/api/customers/delete/", {"ids": [old.pk, taken.pk]})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["done"] == [old.pk]
    assert [(r["id"], r["name"]) for r in body["refused"]] == [(taken.pk, "Taken Lead")]
    assert "Rep Li" in body["refused"][0]["reason"]

    assert id_set(marketer, "/api/pool/") == {taken.pk}
    assert marketer.get(f"/api/pool/{old.pk}/").status_code == 404

    restored = marketer.post("/api/customers/restore/", {"ids": [old.pk]})
    assert restored.json() == {"done": [old.pk], "refused": []}
    assert id_set(marketer, "/api/pool/") == {old.pk, taken.pk}
    actions = list(Customer.objects.get(pk=old.pk).events.values_list("action", flat=True))
    assert actions[-2:] == ["delete", "restore"]


def test_only_pool_managers_delete_and_restore(company, api):
    """A refusal of every id in the batch is still a 200 answer, per id (L7)."""
    old = CustomerFactory(name="Old Lead")
    rep = api(company.rep)
    answer = rep.post("/api/customers/delete/", {"ids": [old.pk]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["done"] == []
    assert [r["id"] for r in answer.json()["refused"]] == [old.pk]
    assert id_set(rep, "/api/pool/") == {old.pk}

    api(company.marketer).post("/api/customers/delete/", {"ids": [old.pk]})
    answer = rep.post("/api/customers/restore/", {"ids": [old.pk]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["done"] == []
    assert id_set(rep, "/api/pool/") == set()


def test_restore_refused_when_a_live_customer_took_the_name(company, api):
    old = CustomerFactory(name="Acme Trading")
    marketer = api(company.marketer)
    assert marketer.post("/api/customers/delete/", {"ids": [old.pk]}).json()["done"] == [old.pk]

    newcomer = api(company.rep).post("/api/pool/", {"name": "ACME Trading Co., Ltd."})
    assert newcomer.status_code == 201, newcomer.content

    answer = marketer.post("/api/customers/restore/", {"ids": [old.pk]})
    assert answer.status_code == 200
    body = answer.json()
    assert body["done"] == []
    assert [(r["id"], r["name"]) for r in body["refused"]] == [(old.pk, "Acme Trading")]
    assert "ACME Trading Co., Ltd." in body["refused"][0]["reason"]
    assert id_set(marketer, "/api/pool/") == {newcomer.json()["id"]}


# --- Query counts (DESIGN: list pages pin their SQL query count) --------------------------

# The exact number of queries of each list, pinned: a change that adds one (an N+1, a
# lookup per row) fails here until the baseline is changed on purpose.
QUERY_BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def _populate(company, n):
    category, industry, region, source = (
        DictionaryItem.objects.get_or_create(kind=kind, name=kind.title())[0]
        for kind in ("category", "industry", "region", "source")
    )
    for i in range(n):
        owner = (company.rep, company.junior, company.peer)[i % 3]
        customer = CustomerFactory(
            name=f"Row {i:03d}",
            owner=owner,
            category=category,
            industry=industry,
            region=region,
            source=source,
        )
        ContactFactory(customer=customer, is_primary=True)
        ContactFactory(customer=customer)
        if owner == company.peer:
            ShareFactory(customer=customer, department=company.sales, shared_by=company.peer)
            ShareFactory(customer=customer, user=company.manager, shared_by=company.peer)
    for i in range(n // 5):
        CustomerFactory(name=f"Free {i:03d}")


@pytest.mark.parametrize(
    ("url", "params", "who"),
    [
        ("/api/pool/", {}, "peer"),
        ("/api/pool/", {"search": "row", "ordering": "-owner"}, "peer"),
        ("/api/mine/", {}, "rep"),
        ("/api/mine/", {"search": "contact", "ordering": "category"}, "rep"),
        ("/api/shared/", {}, "manager"),
        ("/api/shared/", {"scope": "subordinates"}, "manager"),
        ("/api/shared/", {"shared_by": "peer"}, "manager"),
        ("/api/customers/duplicates/", {"name": "row"}, "peer"),
    ],
)
def test_list_query_count_is_pinned_and_does_not_grow_with_rows(
    company, api, django_assert_num_queries, url, params, who
):
    case = f"{who} {url} {json.dumps(params, sort_keys=True)}"
    if params.get("shared_by") == "peer":
        params = {**params, "shared_by": company.peer.pk}
    SystemSettings.load()  # its one-off creation on first read is not what is measured
    counts, listed = [], []
    for rows in (10, 60):
        Customer.objects.all().delete()
        _populate(company, rows)
        # A fresh user per request, as in production: nothing cached on it from the last one.
        client = api(User.objects.get(username=who))
        with django_assert_num_queries(QUERY_BASELINE[case]) as captured:
            answer = client.get(url, {"page_size": 200, **params})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        listed.append(len(body if isinstance(body, list) else body["results"]))
        counts.append(len(captured.captured_queries))
    assert 0 < listed[0] < listed[1], listed
    assert counts[0] == counts[1], counts


def test_history_names_dictionary_items_not_ids(company, api):
    from settings_app.models import DictionaryItem

    old = DictionaryItem.objects.create(kind="category", name="普通客户")
    new = DictionaryItem.objects.create(kind="category", name="重点客户")
    client = api(company.rep)
    cid = client.post("/api/mine/", {"name": "Category Change", "category": old.pk}).json()["id"]
    assert client.patch(f"/api/customers/{cid}/", {"category": new.pk}).status_code == 200
    edits = [
        e
        for e in client.get(f"/api/customers/{cid}/history/").json()["results"]
        if e["kind"] == "edit"
    ]
    assert edits[0]["changes"] == [{"field": "category", "old": "普通客户", "new": "重点客户"}]
