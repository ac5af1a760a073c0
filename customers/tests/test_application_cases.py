"""The four application cases of SPEC §10, walked through the REST API step by step.

Each step asserts what the acting user sees, as that user would see it: through HTTP only.
Set-up that the source does not describe (who is a pool manager, extra sales reps) is done
with the org services and factories."""

import pytest
from rest_framework.test import APIClient

from org.services import set_pool_manager
from org.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def token_client(username, password=PASSWORD):
    """A client signed in the way an API integration signs in: a token, then its header."""
    anonymous = APIClient(raise_request_exception=False)
    answer = anonymous.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert answer.status_code == 200, answer.content
    token = answer.json()["token"]
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def ids_of(listing):
    assert listing.status_code == 200, listing.content
    return [row["id"] for row in listing.json()["results"]]


def all_ids(client, url, **params):
    return ids_of(client.get(url, {"page_size": 200, **params}))


# --- Case 1 -------------------------------------------------------------------------------


def test_case1_ceo_creates_assigns_to_manager_who_works_it(company):
    # Assigning an unclaimed customer is a pool manager's act (SPEC O2, P6); the source
    # names "a sales director" as a typical pool manager, so the CEO is given that role.
    set_pool_manager(company.ceo, True)
    ceo = token_client("ceo")
    manager = token_client("manager")

    me = ceo.get("/api/me/").json()
    assert me["username"] == "ceo" and me["is_pool_manager"] is True

    # The CEO creates the customer in the pool: unclaimed, public fields only.
    created = ceo.post(
        "/api/pool/", {"name": "远航物流有限公司", "phone": "021-5555", "notes": "met at expo"}
    )
    assert created.status_code == 201, created.content
    customer = created.json()
    cid = customer["id"]
    assert customer["status"] == "unclaimed" and customer["owner"] is None
    assert "phone" not in customer and "notes" not in customer
    pool_row = ceo.get(f"/api/pool/{cid}/").json()
    assert pool_row["status"] == "unclaimed"

    # Before the assignment the manager does not have it.
    assert cid not in all_ids(manager, "/api/mine/")
    assert manager.get(f"/api/customers/{cid}/").status_code == 404

    # The CEO assigns it to the sales manager.
    assigned = ceo.post("/api/customers/assign/", {"ids": [cid], "to": [company.manager.pk]})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json() == {"done": [cid], "refused": []}

    # In the pool it is now claimed by the manager, for everyone.
    pool_row = ceo.get(f"/api/pool/{cid}/").json()
    assert pool_row["status"] == "claimed" and pool_row["owner"] == "Manager Ma"
    # The CEO supervises the manager, so sees it among the subordinates' customers.
    assert cid in all_ids(ceo, "/api/shared/", scope="subordinates")

    # The manager sees it in My customers, with its private fields.
    mine = manager.get("/api/mine/").json()
    assert [row["id"] for row in mine["results"]] == [cid]
    assert mine["results"][0]["phone"] == "021-5555"
    assert mine["results"][0]["owner"]["id"] == company.manager.pk
    assert mine["results"][0]["primary_contact"] is None

    # The manager records a contact; the first contact becomes the primary one.
    contact = manager.post(
        f"/api/customers/{cid}/contacts/", {"name": "赵经理", "title": "采购", "phone": "138"}
    )
    assert contact.status_code == 201, contact.content
    assert contact.json()["is_primary"] is True
    contacts = manager.get(f"/api/customers/{cid}/contacts/").json()
    assert [c["name"] for c in contacts] == ["赵经理"]
    primary = manager.get("/api/mine/").json()["results"][0]["primary_contact"]
    assert primary["name"] == "赵经理" and primary["phone"] == "138"

    # The history tab shows who created it and who assigned it to whom.
    history = manager.get(f"/api/customers/{cid}/history/")
    assert history.status_code == 200, history.content
    ownership = [e for e in history.json()["results"] if e["kind"] == "ownership"]
    by_action = {e["action"]: e for e in ownership}
    assert set(by_action) == {"create", "assign"}
    assert by_action["create"]["actor"] == "CEO Chen"
    assert by_action["create"]["to_user"] is None
    assert by_action["assign"]["actor"] == "CEO Chen"
    assert by_action["assign"]["from_user"] is None
    assert by_action["assign"]["to_user"] == "Manager Ma"


# --- Case 2 -------------------------------------------------------------------------------


def test_case2_marketing_imports_and_distributes_evenly(company, api):
    # Three reps who are peers: none supervises another, so none may see another's customers.
    reps = [
        UserFactory(
            username=f"sales{n}",
            display_name=f"Sales {n}",
            department=company.sales,
            supervisor=company.manager,
        )
        for n in (1, 2, 3)
    ]
    marketer = api(company.marketer)

    # Marketing imports a list of prospects into the pool.
    ids = []
    for n in range(30):
        created = marketer.post("/api/pool/", {"name": f"Prospect {n:02d} Trading"})
        assert created.status_code == 201, created.content
        ids.append(created.json()["id"])
    pool = marketer.get("/api/pool/", {"status": "unclaimed", "page_size": 200}).json()
    assert pool["count"] == 30
    assert sorted(row["id"] for row in pool["results"]) == sorted(ids)

    # A rep cannot hand the list out: batches and fair distribution are for pool managers.
    grab = api(reps[0]).post(
        "/api/customers/assign/", {"ids": ids, "to": [r.pk for r in reps]}, format="json"
    )
    assert grab.status_code == 400, grab.content
    assert marketer.get("/api/pool/", {"status": "unclaimed"}).json()["count"] == 30

    # … the marketer distributes them evenly across the three reps in one batch.
    answer = marketer.post(
        "/api/customers/assign/", {"ids": ids, "to": [r.pk for r in reps]}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert sorted(answer.json()["done"]) == sorted(ids)
    assert answer.json()["refused"] == []

    assert marketer.get("/api/pool/", {"status": "unclaimed"}).json()["count"] == 0

    owned = {}
    for rep in reps:
        client = api(rep)
        mine = client.get("/api/mine/", {"page_size": 200}).json()
        assert mine["count"] == 10, (rep.username, mine["count"])
        owned[rep.pk] = {row["id"] for row in mine["results"]}
        assert all(row["owner"]["id"] == rep.pk for row in mine["results"])
        # Nobody else's customers show up in the rep's full-record views.
        assert set(all_ids(client, "/api/shared/")) == owned[rep.pk]

    # No customer twice, none lost.
    every = [cid for rep_ids in owned.values() for cid in rep_ids]
    assert len(every) == len(set(every)) == 30
    assert set(every) == set(ids)

    # None can see another's full record; the pool still shows it as claimed, publicly.
    for rep in reps:
        client = api(rep)
        for other in reps:
            if other is rep:
                continue
            theirs = next(iter(owned[other.pk]))
            assert client.get(f"/api/customers/{theirs}/").status_code == 404
            assert client.get(f"/api/customers/{theirs}/contacts/").status_code == 404
            public = client.get(f"/api/pool/{theirs}/").json()
            assert public["owner"] == other.label and "phone" not in public

    # Their common supervisor sees all thirty.
    assert set(all_ids(api(company.manager), "/api/shared/", scope="subordinates")) == set(ids)


# --- Case 3 -------------------------------------------------------------------------------


@pytest.mark.parametrize("removal", ["unshare action", "shares tab"])
def test_case3_manager_shares_with_deputy_then_removes_the_share(company, removal):
    manager = token_client("manager")
    deputy = token_client("deputy")

    created = manager.post("/api/mine/", {"name": "Harbor Shipping", "notes": "key account"})
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    added = manager.post(f"/api/customers/{cid}/contacts/", {"name": "Ms Huang", "mobile": "1"})
    assert added.status_code == 201, added.content

    # Before the trip the deputy cannot see it.
    assert deputy.get(f"/api/customers/{cid}/").status_code == 404
    assert cid not in all_ids(deputy, "/api/shared/")

    # The manager shares it with the deputy.
    shared = manager.post("/api/customers/share/", {"ids": [cid], "users": [company.deputy.pk]})
    assert shared.status_code == 200, shared.content
    assert shared.json() == {"done": [cid], "refused": []}
    shares = manager.get(f"/api/customers/{cid}/shares/").json()
    assert [(s["user"]["id"], s["department"]) for s in shares] == [(company.deputy.pk, None)]

    # The deputy sees it in Shared customers and reads the whole record and its contacts.
    assert cid in all_ids(deputy, "/api/shared/")
    detail = deputy.get(f"/api/customers/{cid}/")
    assert detail.status_code == 200
    assert detail.json()["notes"] == "key account"
    contacts = deputy.get(f"/api/customers/{cid}/contacts/")
    assert contacts.status_code == 200
    assert [c["name"] for c in contacts.json()] == ["Ms Huang"]

    # Sharees may not change basic info or contacts (SPEC M5). §10 case 3 says the deputy
    # "records contacts"; M5 is the explicit rule, so contact changes are refused here.
    refused = deputy.post(f"/api/customers/{cid}/contacts/", {"name": "Mr Deputy's Friend"})
    assert refused.status_code == 403, refused.content
    edit = deputy.patch(f"/api/customers/{cid}/", {"notes": "changed by deputy"})
    assert edit.status_code == 403, edit.content
    contact_id = contacts.json()[0]["id"]
    edit_contact = deputy.patch(f"/api/customers/{cid}/contacts/{contact_id}/", {"title": "x"})
    assert edit_contact.status_code == 403, edit_contact.content
    again = manager.get(f"/api/customers/{cid}/")
    assert again.json()["notes"] == "key account"
    assert [c["name"] for c in manager.get(f"/api/customers/{cid}/contacts/").json()] == [
        "Ms Huang"
    ]

    # Back from the trip, the manager removes the share.
    if removal == "unshare action":
        removed = manager.post(
            "/api/customers/unshare/", {"ids": [cid], "users": [company.deputy.pk]}
        )
        assert removed.json() == {"done": [cid], "refused": []}
    else:
        removed = manager.delete(f"/api/customers/{cid}/shares/{shares[0]['id']}/")
    assert removed.status_code == 200, removed.content
    assert manager.get(f"/api/customers/{cid}/shares/").json() == []

    # At once the deputy no longer sees it.
    assert deputy.get(f"/api/customers/{cid}/").status_code == 404
    assert deputy.get(f"/api/customers/{cid}/contacts/").status_code == 404
    assert cid not in all_ids(deputy, "/api/shared/")

    actions = [e["action"] for e in manager.get(f"/api/customers/{cid}/history/").json()["results"]]
    assert {"create", "share", "unshare"} <= set(actions)


# --- Case 4 -------------------------------------------------------------------------------


def test_case4_share_with_whole_department_and_other_people(company, api):
    manager = api(company.manager)
    created = manager.post("/api/mine/", {"name": "Summit Mining", "phone": "0471-1"})
    assert created.status_code == 201, created.content
    cid = created.json()["id"]

    shared = manager.post(
        "/api/customers/share/",
        {"ids": [cid], "departments": [company.sales.pk], "users": [company.peer.pk]},
    )
    assert shared.status_code == 200, shared.content
    assert shared.json() == {"done": [cid], "refused": []}
    tab = manager.get(f"/api/customers/{cid}/shares/").json()
    targets = {
        (s["user"]["id"] if s["user"] else None, (s["department"] or {}).get("id")) for s in tab
    }
    assert targets == {(None, company.sales.pk), (company.peer.pk, None)}

    # Everyone in Sales (through the department share) and the peer in Support read it.
    for reader in (company.rep, company.junior, company.deputy, company.peer):
        client = api(reader)
        detail = client.get(f"/api/customers/{cid}/")
        assert detail.status_code == 200, reader.username
        assert detail.json()["phone"] == "0471-1"
        assert cid in all_ids(client, "/api/shared/"), reader.username
        assert client.get(f"/api/customers/{cid}/contacts/").status_code == 200
        # Reading is all a share gives.
        assert client.patch(f"/api/customers/{cid}/", {"phone": "x"}).status_code == 403

    # Someone it was not shared with (Marketing, not the manager's supervisor) still cannot.
    outsider = api(company.marketer)
    assert outsider.get(f"/api/customers/{cid}/").status_code == 404
    assert cid not in all_ids(outsider, "/api/shared/")
