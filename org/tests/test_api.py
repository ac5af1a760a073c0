"""People and departments through the REST API (SPEC O1, O2; DESIGN.md contract), and the
supervisor tree that visibility is built on."""

import pytest
from rest_framework.test import APIClient

from customers.testing import CustomerFactory
from org.hierarchy import subordinate_ids
from org.models import Department, User
from org.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-Orbit-4217"


def obtain_token(username, password):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def token_client(username, password=PASSWORD):
    answer = obtain_token(username, password)
    assert answer.status_code == 200, answer.content
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def fresh(user):
    """The user as the next request will load it: no cached permissions or subordinates."""
    return User.objects.get(pk=user.pk)


# --- /api/me/ -----------------------------------------------------------------------------

ME_FIELDS = {
    "id",
    "username",
    "display_name",
    "department",
    "supervisor",
    "is_pool_manager",
    "is_staff",
}


def test_me_describes_the_caller(company, api):
    me = api(company.manager).get("/api/me/")
    assert me.status_code == 200
    body = me.json()
    assert ME_FIELDS <= set(body)
    assert "password" not in body
    assert body["id"] == company.manager.pk
    assert body["username"] == "manager"
    assert body["display_name"] == "Manager Ma"
    assert body["department"] == company.sales.pk
    assert body["supervisor"] == company.ceo.pk
    assert body["is_pool_manager"] is False
    assert body["is_staff"] is False


@pytest.mark.parametrize(
    ("who", "pool_manager", "staff"),
    [("marketer", True, False), ("admin", False, True), ("ceo", False, False)],
)
def test_me_reports_roles(company, api, who, pool_manager, staff):
    body = api(getattr(company, who)).get("/api/me/").json()
    assert body["is_pool_manager"] is pool_manager
    assert body["is_staff"] is staff
    if who == "ceo":
        assert body["supervisor"] is None


def test_me_needs_a_signed_in_caller(company, api):
    assert api().get("/api/me/").status_code in (401, 403)
    assert api().get("/api/users/").status_code in (401, 403)


def test_me_with_a_token(company):
    assert token_client("peer").get("/api/me/").json()["username"] == "peer"
    assert obtain_token("peer", "wrong password").status_code == 400


# --- /api/users/ --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep", "peer", "admin"])
def test_everyone_lists_users(company, api, who):
    answer = api(getattr(company, who)).get("/api/users/", {"page_size": 200})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 8
    rows = {row["username"]: row for row in body["results"]}
    assert set(rows) == {
        "ceo",
        "manager",
        "rep",
        "junior",
        "deputy",
        "peer",
        "marketer",
        "admin",
    }
    assert all("password" not in row for row in rows.values())
    assert rows["rep"]["supervisor"] == company.manager.pk
    assert rows["rep"]["department"] == company.sales.pk
    assert rows["marketer"]["is_pool_manager"] is True
    assert rows["rep"]["is_pool_manager"] is False


@pytest.mark.parametrize("who", ["rep", "manager", "marketer", "ceo"])
def test_only_administrators_create_or_change_users(company, api, who):
    client = api(getattr(company, who))
    created = client.post("/api/users/", {"username": "intruder", "password": NEW_PASSWORD})
    assert created.status_code == 403
    assert not User.objects.filter(username="intruder").exists()

    for target in (company.rep, getattr(company, who)):
        was_pool_manager = fresh(target).is_pool_manager
        changed = client.patch(
            f"/api/users/{target.pk}/",
            {"display_name": "Hacked", "is_pool_manager": True, "is_staff": True},
        )
        assert changed.status_code == 403
        target = fresh(target)
        assert target.display_name != "Hacked" and not target.is_staff
        assert target.is_pool_manager is was_pool_manager


def test_administrator_creates_a_user_who_can_then_sign_in(company, api):
    admin = api(company.admin)
    created = admin.post(
        "/api/users/",
        {
            "username": "newbie",
            "password": NEW_PASSWORD,
            "display_name": "New Bie",
            "department": company.sales.pk,
            "supervisor": company.manager.pk,
            "is_pool_manager": False,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "password" not in body
    assert body["username"] == "newbie" and body["display_name"] == "New Bie"
    assert body["department"] == company.sales.pk
    assert body["supervisor"] == company.manager.pk
    assert body["is_pool_manager"] is False

    newbie = token_client("newbie", NEW_PASSWORD)
    me = newbie.get("/api/me/").json()
    assert me["username"] == "newbie" and me["supervisor"] == company.manager.pk
    assert body["id"] in subordinate_ids(fresh(company.manager))

    # The new person's customers are now among the manager's subordinates' customers.
    created = newbie.post("/api/mine/", {"name": "Newbie's First"})
    assert created.status_code == 201, created.content
    shared = api(fresh(company.manager)).get("/api/shared/", {"scope": "subordinates"}).json()
    assert created.json()["id"] in [row["id"] for row in shared["results"]]


def test_user_without_password_cannot_sign_in(company, api):
    created = api(company.admin).post("/api/users/", {"username": "nopass"})
    assert created.status_code == 201, created.content
    assert obtain_token("nopass", "").status_code == 400
    assert obtain_token("nopass", PASSWORD).status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"username": "weak", "password": "123"},  # the password validators apply
        {"username": "rep", "password": NEW_PASSWORD},  # taken
        {"username": "", "password": NEW_PASSWORD},
        {"username": "x", "password": NEW_PASSWORD, "department": 999999},
        {"username": "y", "password": NEW_PASSWORD, "supervisor": 999999},
    ],
)
def test_bad_user_input_is_a_400_and_creates_nothing(company, api, data):
    before = User.objects.count()
    answer = api(company.admin).post("/api/users/", data)
    assert answer.status_code == 400, answer.content
    assert "detail" in answer.json()
    assert User.objects.count() == before


def test_administrator_changes_password(company, api):
    changed = api(company.admin).patch(f"/api/users/{company.rep.pk}/", {"password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.content
    assert obtain_token("rep", PASSWORD).status_code == 400
    assert obtain_token("rep", NEW_PASSWORD).status_code == 200


def test_pool_manager_flag_toggles_the_permission(company, api):
    admin = api(company.admin)
    customer = CustomerFactory(name="Stale Lead")

    on = admin.patch(f"/api/users/{company.rep.pk}/", {"is_pool_manager": True})
    assert on.status_code == 200, on.content
    assert on.json()["is_pool_manager"] is True
    assert fresh(company.rep).has_perm("customers.manage_pool")
    rep = token_client("rep")
    assert rep.get("/api/me/").json()["is_pool_manager"] is True
    # The role is what the permission allows: a pool manager may clean the pool.
    deleted = rep.post("/api/customers/delete/", {"ids": [customer.pk]})
    assert deleted.status_code == 200, deleted.content
    assert deleted.json()["done"] == [customer.pk]
    assert rep.post("/api/customers/restore/", {"ids": [customer.pk]}).json()["done"] == [
        customer.pk
    ]

    off = admin.patch(f"/api/users/{company.rep.pk}/", {"is_pool_manager": False})
    assert off.status_code == 200
    assert off.json()["is_pool_manager"] is False
    assert not fresh(company.rep).has_perm("customers.manage_pool")
    assert rep.get("/api/me/").json()["is_pool_manager"] is False

    # Other changes leave the role alone.
    admin.patch(f"/api/users/{company.marketer.pk}/", {"display_name": "Marketer M."})
    assert fresh(company.marketer).is_pool_manager is True


def test_administrator_flag_grants_administration(company, api):
    admin = api(company.admin)
    assert admin.patch(f"/api/users/{company.peer.pk}/", {"is_staff": True}).status_code == 200
    peer = token_client("peer")
    assert peer.get("/api/me/").json()["is_staff"] is True
    assert peer.post("/api/departments/", {"name": "Legal"}).status_code == 201


def test_supervisor_loop_is_refused(company, api):
    admin = api(company.admin)
    a = admin.post("/api/users/", {"username": "a", "password": NEW_PASSWORD}).json()
    b = admin.post(
        "/api/users/", {"username": "b", "password": NEW_PASSWORD, "supervisor": a["id"]}
    ).json()
    assert b["supervisor"] == a["id"]

    loop = admin.patch(f"/api/users/{a['id']}/", {"supervisor": b["id"]})
    assert loop.status_code == 400, loop.content
    assert "detail" in loop.json()
    assert User.objects.get(pk=a["id"]).supervisor_id is None


@pytest.mark.parametrize(
    ("who", "new_supervisor"),
    [
        ("manager", "rep"),  # direct report
        ("ceo", "junior"),  # three levels down
        ("rep", "rep"),  # oneself
    ],
)
def test_supervisor_loops_in_the_company_are_refused(company, api, who, new_supervisor):
    user = getattr(company, who)
    before = user.supervisor_id
    answer = api(company.admin).patch(
        f"/api/users/{user.pk}/", {"supervisor": getattr(company, new_supervisor).pk}
    )
    assert answer.status_code == 400, answer.content
    assert fresh(user).supervisor_id == before


def test_supervisor_can_be_moved_without_a_loop(company, api):
    answer = api(company.admin).patch(
        f"/api/users/{company.deputy.pk}/", {"supervisor": company.rep.pk}
    )
    assert answer.status_code == 200, answer.content
    assert subordinate_ids(fresh(company.rep)) == {company.junior.pk, company.deputy.pk}
    cleared = api(company.admin).patch(f"/api/users/{company.deputy.pk}/", {"supervisor": None})
    assert cleared.status_code == 200
    assert fresh(company.deputy).supervisor_id is None


def test_user_list_query_count_does_not_grow_with_users(
    company, api, django_assert_max_num_queries
):
    counts = []
    for extra in (0, 20):
        for n in range(extra):
            UserFactory(username=f"extra{n}", department=company.sales, pool_manager=n % 2)
        client = api(fresh(company.rep))
        with django_assert_max_num_queries(10) as captured:
            answer = client.get("/api/users/", {"page_size": 200})
        assert answer.status_code == 200
        assert answer.json()["count"] == 8 + extra
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


# --- /api/departments/ --------------------------------------------------------------------


def test_everyone_lists_departments(company, api):
    answer = api(company.peer).get("/api/departments/")
    assert answer.status_code == 200
    body = answer.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {row["name"] for row in rows} == {"Sales", "Marketing", "Support", "Management"}
    assert {row["id"] for row in rows} == set(Department.objects.values_list("id", flat=True))


@pytest.mark.parametrize("who", ["rep", "marketer", "ceo"])
def test_only_administrators_create_departments(company, api, who):
    answer = api(getattr(company, who)).post("/api/departments/", {"name": "Finance"})
    assert answer.status_code == 403
    assert not Department.objects.filter(name="Finance").exists()


def test_administrator_creates_a_department(company, api):
    admin = api(company.admin)
    created = admin.post("/api/departments/", {"name": "Finance"})
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "Finance"
    assert admin.post("/api/departments/", {"name": "Finance"}).status_code == 400
    assert admin.post("/api/departments/", {"name": ""}).status_code == 400
    moved = admin.patch(f"/api/users/{company.peer.pk}/", {"department": created.json()["id"]})
    assert moved.status_code == 200
    assert fresh(company.peer).department.name == "Finance"


# --- org.hierarchy ------------------------------------------------------------------------


def test_subordinates_of_the_company(company):
    c = company
    assert subordinate_ids(fresh(c.ceo)) == {c.manager.pk, c.rep.pk, c.junior.pk, c.deputy.pk}
    assert subordinate_ids(fresh(c.manager)) == {c.rep.pk, c.junior.pk, c.deputy.pk}
    assert subordinate_ids(fresh(c.rep)) == {c.junior.pk}
    assert subordinate_ids(fresh(c.junior)) == set()
    assert subordinate_ids(fresh(c.peer)) == set()


def test_subordinates_are_transitive_over_three_levels(db, django_assert_max_num_queries):
    top = UserFactory(username="top")
    middle = UserFactory(username="middle", supervisor=top)
    lower = UserFactory(username="lower", supervisor=middle)
    bottom = UserFactory(username="bottom", supervisor=lower)
    beside = UserFactory(username="beside", supervisor=top)
    UserFactory(username="stranger")

    # One recursive query, however deep the tree.
    top = fresh(top)
    with django_assert_max_num_queries(1):
        found = subordinate_ids(top)
    assert found == {middle.pk, lower.pk, bottom.pk, beside.pk}
    assert subordinate_ids(fresh(middle)) == {lower.pk, bottom.pk}
    assert subordinate_ids(fresh(lower)) == {bottom.pk}
    assert subordinate_ids(fresh(bottom)) == set()


def test_subordinates_terminate_on_a_loop_in_the_data(db):
    """A loop should never be saved, but if the data holds one, reading must still end."""
    a = UserFactory(username="loop_a")
    b = UserFactory(username="loop_b", supervisor=a)
    c = UserFactory(username="loop_c", supervisor=b)
    User.objects.filter(pk=a.pk).update(supervisor=c)
    assert subordinate_ids(fresh(a)) == {b.pk, c.pk}
    assert subordinate_ids(fresh(b)) == {a.pk, c.pk}
