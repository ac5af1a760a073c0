"""The API of several pools (issue 17): /api/pools/ (everyone lists the pools they see;
administrators add, change and delete them), POST /api/customers/move-to-pool/, a return
into a chosen pool, and the pool each customer is in on the customer serializers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEntry
from customers.models import Customer, OwnershipEvent, Pool
from customers.models.events import OwnershipAction as A
from customers.models.pool import POOL_NAME_MAX_LENGTH
from customers.services import ownership
from customers.services.pool_rules import POOL_RULE_FIELDS
from customers.testing import CustomerFactory, fresh, in_pool, new_pool
from org.testing import UserFactory

pytestmark = pytest.mark.django_db

POOL_KEYS = {
    "id",
    "name",
    "own_rules",
    "members",
    "departments",
    "managers",
    "customer_count",
    "created_at",
    *POOL_RULE_FIELDS,
}


@pytest.fixture
def as_(api):
    """`as_(user)` → an API client of that person as they are now."""
    return lambda user: api(fresh(user) if user else None)


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def pools(company):
    """East: rep a member, Marketing a member department, peer its manager. West: junior
    a member, no manager."""
    east = new_pool(
        company.admin,
        "East",
        members=[company.rep],
        departments=[company.marketing],
        managers=[company.peer],
    )
    west = new_pool(company.admin, "West", members=[company.junior])
    return east, west


# ------------------------------------------------------------------- reading


def test_everyone_lists_the_pools_they_see(company, as_, pools):
    east, west = pools
    assert names(as_(company.rep).get("/api/pools/")) == ["East"]  # a member
    assert names(as_(company.junior).get("/api/pools/")) == ["West"]
    assert names(as_(company.peer).get("/api/pools/")) == ["East"]  # its manager
    assert names(as_(company.deputy).get("/api/pools/")) == []  # in none
    assert names(as_(company.admin).get("/api/pools/")) == ["East", "West"]
    assert names(as_(company.marketer).get("/api/pools/")) == ["East", "West"]  # pool manager

    assert as_(company.rep).get(f"/api/pools/{east.pk}/").status_code == 200
    for who in (company.rep, company.deputy):
        answer = as_(who).get(f"/api/pools/{west.pk}/")
        assert answer.status_code == 404, answer.content
        assert "West" not in answer.content.decode()
    assert as_(company.rep).get("/api/pools/999999/").status_code == 404
    assert as_(None).get("/api/pools/").status_code == 401


def test_a_pool_carries_its_people_rules_and_live_customer_count(company, as_, pools):
    east, _west = pools
    _acme, beta, _gamma = in_pool(east, "Acme", "Beta", "Gamma")
    ownership.delete(fresh(company.marketer), [beta.pk])  # the recycle bin is not counted
    body = as_(company.rep).get("/api/pools/").json()
    assert body["count"] == 1 and "count_is_capped" in body
    (row,) = body["results"]
    assert set(row) == POOL_KEYS
    assert row["id"] == east.pk
    assert row["members"] == [company.rep.pk]
    assert row["departments"] == [company.marketing.pk]
    assert row["managers"] == [company.peer.pk]
    assert row["customer_count"] == 2
    assert row["own_rules"] is False
    assert row["no_contact_days"] == Pool._meta.get_field("no_contact_days").default
    detail = as_(company.rep).get(f"/api/pools/{east.pk}/").json()
    assert detail == row


def test_the_pool_list_query_count_does_not_grow_with_pools(company, as_):
    def measured():
        client = as_(company.rep)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/pools/", {"page_size": 200})
        return len(answer.json()["results"]), len(captured.captured_queries)

    for i in range(3):
        new_pool(company.admin, f"Pool {i}", members=[company.rep, company.junior])
    few = measured()
    for i in range(3, 12):
        pool = new_pool(company.admin, f"Pool {i}", members=[company.rep], managers=[company.peer])
        in_pool(pool, f"Customer {i}")
    many = measured()
    assert (few[0], many[0]) == (3, 12)
    assert few[1] == many[1], (few, many)
    # Whether any pool is added, the person's pools, the page's count, the page, and its
    # three kinds of people.
    assert many[1] == 7, many


# ------------------------------------------------------------------- writing


def test_an_administrator_adds_changes_and_deletes_a_pool_each_traced(company, as_):
    admin = as_(company.admin)
    created = admin.post(
        "/api/pools/",
        {
            "name": "  North  ",
            "members": [company.rep.pk, company.junior.pk],
            "departments": [company.support.pk],
            "managers": [company.manager.pk],
            "own_rules": True,
            "no_contact_days": 15,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pool = Pool.objects.get(pk=body["id"])
    assert body["name"] == pool.name == "North"
    assert sorted(body["members"]) == sorted([company.rep.pk, company.junior.pk])
    assert body["departments"] == [company.support.pk]
    assert body["managers"] == [company.manager.pk]
    assert (body["own_rules"], body["no_contact_days"], body["customer_count"]) == (True, 15, 0)
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="customers.pool")
    assert entry.actor_id == company.admin.pk
    assert entry.changes["managers"] == [None, "Manager Ma"]

    changed = admin.patch(
        f"/api/pools/{pool.pk}/", {"name": "North region", "members": [company.deputy.pk]}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "North region"
    assert changed.json()["members"] == [company.deputy.pk]
    assert changed.json()["managers"] == [company.manager.pk]  # not sent: kept
    assert changed.json()["no_contact_days"] == 15
    update = AuditEntry.objects.get(action=Action.UPDATE, object_type="customers.pool")
    assert update.changes["name"] == ["North", "North region"]
    assert update.changes["members"] == ["Junior Wu, Rep Li", "Deputy Du"]
    # What GET gives back may be sent again as it is.
    again = admin.get(f"/api/pools/{pool.pk}/").json()
    assert admin.patch(f"/api/pools/{pool.pk}/", again).status_code == 200

    acme, beta = in_pool(pool, "Acme", "Beta")
    ownership.delete(fresh(company.marketer), [beta.pk])
    deleted = admin.delete(f"/api/pools/{pool.pk}/")
    assert deleted.status_code == 200, deleted.content
    assert deleted.json() == {"moved": 2}
    assert not Pool.objects.filter(pk=pool.pk).exists()
    assert Customer.objects.filter(pk__in=[acme.pk, beta.pk], pool__isnull=True).count() == 2
    assert AuditEntry.objects.filter(action=Action.DELETE, object_type="customers.pool").exists()
    assert admin.delete(f"/api/pools/{pool.pk}/").status_code == 404


def test_only_administrators_change_pools_refused_before_the_body_is_read(company, as_, pools):
    east, _west = pools
    before = list(Pool.objects.order_by("pk").values())
    # A salesperson, the company's pool manager and the pool's own manager alike.
    for who in (company.rep, company.marketer, company.peer):
        client = as_(who)
        for method, url in (
            ("post", "/api/pools/"),
            ("patch", f"/api/pools/{east.pk}/"),
            ("delete", f"/api/pools/{east.pk}/"),
            ("patch", "/api/pools/999999/"),
        ):
            answer = getattr(client, method)(url, "{not json", content_type="application/json")
            assert answer.status_code == 403, (who, method, url, answer.content)
            assert "administrators" in answer.json()["detail"]
    assert list(Pool.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.filter(action=Action.REFUSED).count() == 12
    assert not AuditEntry.objects.filter(
        action__in=[Action.UPDATE, Action.DELETE], object_type="customers.pool"
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "West"}, "name"),  # another pool's
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * (POOL_NAME_MAX_LENGTH + 1)}, "name"),
        ({"members": [999999]}, "members"),
        ({"members": ["abc"]}, "members"),
        ({"members": 5}, "members"),
        ({"managers": [999999]}, "managers"),
        ({"departments": [999999]}, "departments"),
        ({"no_contact_days": -1}, "no_contact_days"),
        ({"no_contact_days": 0}, "no_contact_days"),
        ({"cooldown_days": 99999}, "cooldown_days"),
        ({"warning_days": -3}, "warning_days"),
        ({"own_rules": "perhaps"}, "own_rules"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(company, as_, pools, body, field):
    east, _west = pools
    admin = as_(company.admin)
    before = list(Pool.objects.order_by("pk").values())
    people = sorted(east.members.values_list("pk", flat=True))
    trail = AuditEntry.objects.exclude(action=Action.REFUSED).count()

    changed = admin.patch(f"/api/pools/{east.pk}/", {"name": "East", **body})
    assert changed.status_code == 400, changed.content
    assert field in changed.json() and changed.json()["detail"]
    created = admin.post("/api/pools/", {"name": "South", **body})
    assert created.status_code == 400, created.content
    assert field in created.json()

    assert list(Pool.objects.order_by("pk").values()) == before
    assert sorted(east.members.values_list("pk", flat=True)) == people
    assert AuditEntry.objects.exclude(action=Action.REFUSED).count() == trail


def test_a_pool_needs_a_name_and_new_people_must_be_active(company, as_, pools):
    east, _west = pools
    admin = as_(company.admin)
    missing = admin.post("/api/pools/", {"members": [company.rep.pk]})
    assert missing.status_code == 400 and "name" in missing.json()
    gone = UserFactory(username="gone", is_active=False)
    refused = admin.patch(f"/api/pools/{east.pk}/", {"members": [company.rep.pk, gone.pk]})
    assert refused.status_code == 400 and "members" in refused.json()
    # Someone deactivated while a member stays when the pool is sent back as it is.
    east.members.add(gone)
    kept = admin.patch(f"/api/pools/{east.pk}/", {"members": [company.rep.pk, gone.pk]})
    assert kept.status_code == 200, kept.content
    assert admin.put(f"/api/pools/{east.pk}/", {"name": "East"}).status_code == 405


# ------------------------------------------------------------------- moving and returning


def test_a_pools_manager_moves_its_customers_and_is_refused_the_others(company, as_):
    east = new_pool(company.admin, "East", managers=[company.peer])
    west = new_pool(company.admin, "West", managers=[company.peer])
    north = new_pool(company.admin, "North", members=[company.peer], managers=[company.junior])
    (acme,) = in_pool(east, "Acme")
    (boreal,) = in_pool(north, "Boreal")
    ownership.claim(fresh(company.junior), [boreal.pk])

    answer = as_(company.peer).post(
        "/api/customers/move-to-pool/",
        {"ids": [acme.pk, boreal.pk], "pool": west.pk, "reason": "regions"},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["done"] == [acme.pk]
    assert [(r["id"], r["name"]) for r in body["refused"]] == [(boreal.pk, "Boreal")]
    assert "North" in body["refused"][0]["reason"]
    assert Customer.objects.get(pk=acme.pk).pool_id == west.pk
    assert Customer.objects.get(pk=boreal.pk).pool_id == north.pk
    assert Customer.objects.get(pk=boreal.pk).owner_id == company.junior.pk
    event = OwnershipEvent.objects.get(action=A.MOVE)
    assert (event.customer_id, event.to_pool_id, event.reason) == (acme.pk, west.pk, "regions")

    # Out to the company pool: a pool manager of the company only.
    to_company = as_(company.peer).post(
        "/api/customers/move-to-pool/", {"ids": [acme.pk], "pool": None}
    )
    assert to_company.json()["done"] == []
    moved = as_(company.marketer).post(
        "/api/customers/move-to-pool/", {"ids": [acme.pk], "pool": None}
    )
    assert moved.json()["done"] == [acme.pk]
    assert Customer.objects.get(pk=acme.pk).pool_id is None


def test_move_to_pool_refuses_a_pool_it_cannot_name(company, as_, pools):
    east, west = pools
    (acme,) = in_pool(east, "Acme")
    for body in (
        {"ids": [acme.pk], "pool": 999999},
        {"ids": [acme.pk], "pool": west.pk},  # one peer does not see
        {"ids": [acme.pk], "pool": "east"},
        {"ids": [acme.pk]},
        {"ids": [], "pool": None},
    ):
        answer = as_(company.peer).post("/api/customers/move-to-pool/", body)
        assert answer.status_code == 400, (body, answer.content)
        assert answer.json()["detail"]
    assert (
        "pool"
        in as_(company.peer)
        .post("/api/customers/move-to-pool/", {"ids": [acme.pk], "pool": 999999})
        .json()
    )
    assert Customer.objects.get(pk=acme.pk).pool_id == east.pk
    assert not OwnershipEvent.objects.filter(action=A.MOVE).exists()


def test_a_return_goes_into_a_chosen_pool_for_those_who_may_put_customers_there(
    company, as_, pools
):
    east, west = pools
    west.managers.add(company.peer)
    acme, beta = in_pool(east, "Acme", "Beta")
    ownership.claim(fresh(company.peer), [acme.pk])
    ownership.claim(fresh(company.rep), [beta.pk])

    into_west = as_(company.peer).post(
        "/api/customers/return/", {"ids": [acme.pk], "pool": west.pk}
    )
    assert into_west.status_code == 200, into_west.content
    assert into_west.json()["done"] == [acme.pk]
    acme = Customer.objects.get(pk=acme.pk)
    assert (acme.owner_id, acme.pool_id) == (None, west.pk)

    # rep may not put customers in the company pool: refused as a whole, nothing changed.
    refused = as_(company.rep).post("/api/customers/return/", {"ids": [beta.pk], "pool": None})
    assert refused.status_code == 400, refused.content
    assert "pool" in refused.json()
    unknown = as_(company.rep).post("/api/customers/return/", {"ids": [beta.pk], "pool": 999999})
    assert unknown.status_code == 400 and "pool" in unknown.json()
    beta = Customer.objects.get(pk=beta.pk)
    assert (beta.owner_id, beta.pool_id) == (company.rep.pk, east.pk)

    # Without `pool`: back into its own pool.
    own = as_(company.rep).post("/api/customers/return/", {"ids": [beta.pk]})
    assert own.json()["done"] == [beta.pk]
    beta = Customer.objects.get(pk=beta.pk)
    assert (beta.owner_id, beta.pool_id) == (None, east.pk)


# ------------------------------------------------------------------- the pool on customers


def test_customers_say_which_pool_they_are_in(company, as_, pools):
    east, _west = pools
    (acme,) = in_pool(east, "Acme")
    open_one = CustomerFactory(name="Open")
    ownership.claim(fresh(company.rep), [acme.pk])
    rep = as_(company.rep)

    # The pool's items keep exactly their public fields (DESIGN.md): which pool each is
    # in is the `pool` filter's to tell.
    rows = {row["name"]: row for row in rep.get("/api/pool/").json()["results"]}
    assert "pool" not in rows["Acme"] and "pool" not in rows["Open"]
    in_east = rep.get("/api/pool/", {"pool": east.pk}).json()["results"]
    assert [row["name"] for row in in_east] == ["Acme"]
    in_company = rep.get("/api/pool/", {"pool": "company"}).json()["results"]
    assert [row["name"] for row in in_company] == ["Open"]
    assert "pool" not in rep.get(f"/api/pool/{open_one.pk}/").json()

    record = rep.get(f"/api/customers/{acme.pk}/").json()
    assert (record["pool"], record["pool_name"]) == (east.pk, "East")
    (mine,) = rep.get("/api/mine/").json()["results"]
    assert (mine["pool"], mine["pool_name"]) == (east.pk, "East")
    # Read-only: a customer changes pool by move-to-pool only.
    rep.patch(f"/api/customers/{acme.pk}/", {"pool": None, "notes": "n"})
    assert Customer.objects.get(pk=acme.pk).pool_id == east.pk

    # A pool's customers are not shown to those who do not see it.
    deputy = {row["name"] for row in as_(company.deputy).get("/api/pool/").json()["results"]}
    assert deputy == {"Open"}


def test_the_pool_list_filters_by_pool(company, as_, pools):
    east, west = pools
    in_pool(east, "Acme")
    in_pool(west, "Wren")
    CustomerFactory(name="Open")
    rep = as_(company.rep)
    assert names(rep.get("/api/pool/", {"pool": east.pk})) == ["Acme"]
    assert names(rep.get("/api/pool/", {"pool": "company"})) == ["Open"]
    assert sorted(names(rep.get("/api/pool/"))) == ["Acme", "Open"]
    for bad in (west.pk, 999999, "east"):  # west: a pool rep does not see
        answer = rep.get("/api/pool/", {"pool": bad})
        assert answer.status_code == 400, (bad, answer.content)
        assert "pool" in answer.json()
