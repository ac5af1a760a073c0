"""Users and departments as pages for administrators (issue 15, SPEC O1, O2, B9): list,
create with a first password, change department, supervisor and roles, deactivate and
reactivate; departments listed, created, renamed. The API's rules hold (a supervisor loop
is refused by the same service), each change is traced with who made it, and Django admin
is left to superusers."""

import re

import pytest
from django.test import Client

from audit.models import Action, AuditEntry
from org import two_factor
from org.models import Department, User
from org.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOT_ADMINISTRATORS = ["rep", "manager", "ceo", "marketer"]
NEW_PASSWORD = "Long-enough-9"


def newest(**where):
    return AuditEntry.objects.filter(**where).order_by("-id").first()


def said(response):
    return response.content.decode()


def person_form(person, **changes):
    """The edit form as the page fills it for `person`, with `changes`."""
    data = {
        "display_name": person.display_name,
        "department": person.department_id or "",
        "supervisor": person.supervisor_id or "",
    }
    if person.is_pool_manager:
        data["is_pool_manager"] = "on"
    if person.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def signs_in(username, password):
    """Whether `username` gets in with `password` on the sign-in page (another browser)."""
    answer = Client().post("/login/", {"username": username, "password": password})
    return answer.status_code == 302


def fresh(person):
    return User.objects.with_roles().get(pk=person.pk)


# --- who gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_ADMINISTRATORS)
def test_nobody_but_administrators_reaches_the_people_pages(company, browser, who):
    client = browser(getattr(company, who))
    for url in (
        "/settings/users/",
        "/settings/users/new/",
        f"/settings/users/{company.junior.pk}/",
        "/settings/departments/",
        f"/settings/departments/{company.sales.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    writes = {
        "/settings/users/new/": {"username": "mole", "password": NEW_PASSWORD},
        f"/settings/users/{company.junior.pk}/": person_form(company.junior, is_staff="on"),
        f"/settings/users/{company.junior.pk}/active/": {"active": "0"},
        "/settings/departments/": {"name": "Shadow"},
        f"/settings/departments/{company.sales.pk}/": {"name": "Renamed"},
    }
    for url, data in writes.items():
        assert client.post(url, data).status_code == 403, url
    junior = fresh(company.junior)
    assert junior.is_active and not junior.is_staff
    assert not User.objects.filter(username="mole").exists()
    assert not Department.objects.filter(name__in=["Shadow", "Renamed"]).exists()


def test_the_list_shows_name_department_supervisor_roles_and_state(company, browser):
    company.peer.is_active = False
    company.peer.save()
    page = said(browser(company.admin).get("/settings/users/"))
    junior = page.split(f'data-testid="person-{company.junior.pk}"')[1].split("</tr>")[0]
    assert "Junior Wu" in junior and "Sales" in junior and "Rep Li" in junior
    assert "Salesperson" in junior and "Active" in junior
    marketer = page.split(f'data-testid="person-{company.marketer.pk}"')[1].split("</tr>")[0]
    assert "Pool manager" in marketer
    admin = page.split(f'data-testid="person-{company.admin.pk}"')[1].split("</tr>")[0]
    assert "Administrator" in admin
    peer = page.split(f'data-testid="person-{company.peer.pk}"')[1].split("</tr>")[0]
    assert "Deactivated" in peer
    found = said(browser(company.admin).get("/settings/users/", {"q": "deputy"}))
    assert "Deputy Du" in found and "Junior Wu" not in found


def shown_total(page):
    """The total under the list, as the other lists show theirs ("58 in all")."""
    match = re.search(r'data-testid="total">[^<]*?(\d[\d,]*)', page)
    assert match, "the list shows a total"
    return int(match.group(1).replace(",", ""))


def test_the_list_shows_its_total_as_the_other_lists_do(company, browser):
    User.objects.bulk_create(
        User(username=f"crowd{n:02d}", display_name=f"Crowd {n:02d}", is_active=n % 3 > 0)
        for n in range(60)
    )
    client = browser(company.admin)
    for query, naive in (
        ({}, User.objects.all()),
        ({"active": "1"}, User.objects.filter(is_active=True)),  # the home page's figure
        ({"q": "crowd 1"}, User.objects.filter(display_name__startswith="Crowd 1")),
        ({"q": "nobody at all"}, User.objects.none()),
    ):
        page = client.get("/settings/users/", query)
        assert shown_total(said(page)) == len(list(naive)), query
    first = client.get("/settings/users/")
    assert len(first.context["people"]) < User.objects.count()  # the list's, not the page's
    assert shown_total(said(client.get("/settings/users/", {"page": 2}))) == User.objects.count()


# --- users ----------------------------------------------------------------------------------


def test_an_administrator_creates_a_user_who_can_sign_in(company, browser):
    page = browser(company.admin)
    made = page.post(
        "/settings/users/new/",
        {
            "username": "newbie",
            "display_name": "New Bie",
            "password": NEW_PASSWORD,
            "department": company.sales.pk,
            "supervisor": company.manager.pk,
            "is_pool_manager": "on",
        },
        follow=True,
    )
    assert "The user New Bie is created and can sign in as newbie." in said(made)
    newbie = fresh(User.objects.get(username="newbie"))
    assert (newbie.department, newbie.supervisor) == (company.sales, company.manager)
    assert newbie.is_pool_manager and not newbie.is_staff and newbie.is_active
    assert newbie.check_password(NEW_PASSWORD)
    row = newest(object_type="org.user", object_id=str(newbie.pk), action=Action.CREATE)
    assert row.actor == company.admin and row.changes["username"] == [None, "newbie"]
    assert "password" not in row.changes
    roles = newest(object_type="org.user", object_id=str(newbie.pk), action=Action.UPDATE)
    assert roles.actor == company.admin and roles.changes["roles"][1]
    assert signs_in("newbie", NEW_PASSWORD)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"username": "rep", "password": NEW_PASSWORD}, "username", "already exists"),
        ({"username": "new user!", "password": NEW_PASSWORD}, "username", "Enter a valid"),
        ({"username": "u" * 151, "password": NEW_PASSWORD}, "username", "at most 150"),
        ({"username": "weak"}, "password", "This field is required"),
        ({"username": "weak", "password": "123"}, "password", "too short"),
        (
            {"username": "lost", "password": NEW_PASSWORD, "department": 999999},
            "department",
            "Select a valid choice",
        ),
    ],
)
def test_bad_new_users_are_refused_with_a_message(company, browser, data, field, message):
    before = User.objects.count()
    refused = browser(company.admin).post("/settings/users/new/", data)
    assert refused.status_code == 400
    assert f'data-testid="error-{field}"' in said(refused)
    assert message in said(refused)
    assert User.objects.count() == before


def test_an_administrator_changes_department_supervisor_and_roles(company, browser):
    client = browser(company.admin)
    url = f"/settings/users/{company.junior.pk}/"
    assert 'name="display_name" value="Junior Wu"' in said(client.get(url))
    saved = client.post(
        url,
        person_form(
            company.junior,
            department=company.support.pk,
            supervisor=company.peer.pk,
            is_pool_manager="on",
            is_staff="on",
        ),
        follow=True,
    )
    assert "Junior Wu is saved." in said(saved)
    junior = fresh(company.junior)
    assert (junior.department, junior.supervisor) == (company.support, company.peer)
    assert junior.is_pool_manager and junior.is_administrator
    row = newest(object_type="org.user", object_id=str(junior.pk), changes__has_key="department")
    assert row.actor == company.admin
    assert row.changes["department"] == ["Sales", "Support"]
    assert row.changes["is_staff"] == [False, True]

    client.post(url, person_form(junior, is_pool_manager=None, is_staff=None))
    junior = fresh(company.junior)
    assert not junior.is_pool_manager and not junior.is_administrator


@pytest.mark.parametrize(
    "who, new_supervisor",
    [("manager", "junior"), ("manager", "rep"), ("rep", "junior"), ("ceo", "deputy")],
)
def test_a_supervisor_loop_is_refused_as_in_the_api(company, browser, who, new_supervisor):
    person = getattr(company, who)
    before = person.supervisor_id
    refused = browser(company.admin).post(
        f"/settings/users/{person.pk}/",
        person_form(person, supervisor=getattr(company, new_supervisor).pk),
    )
    assert refused.status_code == 400
    assert "that would make a loop" in said(refused)
    assert 'data-testid="error-supervisor"' in said(refused)
    assert fresh(person).supervisor_id == before


def test_nobody_supervises_themselves(company, browser):
    refused = browser(company.admin).post(
        f"/settings/users/{company.rep.pk}/", person_form(company.rep, supervisor=company.rep.pk)
    )
    assert refused.status_code == 400
    assert fresh(company.rep).supervisor == company.manager


def test_a_person_is_deactivated_and_reactivated(company, browser):
    admin = browser(company.admin)
    edit = said(admin.get(f"/settings/users/{company.junior.pk}/"))
    assert 'data-confirm="Deactivate Junior Wu? They will no longer be able to sign in."' in edit
    url = f"/settings/users/{company.junior.pk}/active/"
    done = admin.post(url, {"active": "0"}, follow=True)
    assert "Junior Wu is deactivated and can no longer sign in." in said(done)
    assert not fresh(company.junior).is_active
    row = newest(object_type="org.user", object_id=str(company.junior.pk))
    assert row.actor == company.admin and row.changes == {"is_active": [True, False]}
    assert not signs_in("junior", PASSWORD)

    back = admin.post(url, {"active": "1"}, follow=True)
    assert "Junior Wu is active again and can sign in." in said(back)
    assert fresh(company.junior).is_active
    assert signs_in("junior", PASSWORD)


def test_an_administrator_cannot_lock_themselves_out(company, browser):
    client = browser(company.admin)
    refused = client.post(
        f"/settings/users/{company.admin.pk}/active/", {"active": "0"}, follow=True
    )
    assert "You cannot deactivate your own account." in said(refused)
    demoted = client.post(
        f"/settings/users/{company.admin.pk}/", person_form(company.admin, is_staff=None)
    )
    assert demoted.status_code == 400
    assert "You cannot take your own administrator role away" in said(demoted)
    admin = fresh(company.admin)
    assert admin.is_active and admin.is_administrator


def test_only_a_superuser_changes_a_superuser(company, browser):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = browser(company.admin)
    refused = client.post(f"/settings/users/{root.pk}/active/", {"active": "0"}, follow=True)
    assert "Only a superuser may change a superuser" in said(refused)
    assert fresh(root).is_active
    renamed = client.post(f"/settings/users/{root.pk}/", person_form(root, display_name="Pwned"))
    assert renamed.status_code == 400
    assert fresh(root).display_name == "Root"
    device = two_factor.pending_device(root)
    device.confirmed = True
    device.save()
    for action in ("sign-out-everywhere", "two-factor-off"):
        answer = client.post(f"/settings/users/{root.pk}/{action}/", follow=True)
        assert "Only a superuser may change a superuser" in said(answer), action
    assert two_factor.is_on(root)
    assert fresh(root).session_generation == 0


def test_an_administrator_signs_someone_out_everywhere(company, browser):
    victim = Client()
    assert victim.post("/login/", {"username": "rep", "password": PASSWORD}).status_code == 302
    assert victim.get("/mine/").status_code == 200
    admin = browser(company.admin)
    page = said(admin.get(f"/settings/users/{company.rep.pk}/"))
    assert 'data-confirm="Sign Rep Li out on every device?"' in page
    done = admin.post(f"/settings/users/{company.rep.pk}/sign-out-everywhere/", follow=True)
    assert "Rep Li is signed out everywhere" in said(done)
    assert victim.get("/mine/").status_code == 302  # back to the sign-in page
    row = newest(reason="signed out everywhere")
    assert row.actor == company.admin and row.object_id == str(company.rep.pk)


def test_an_administrator_turns_someones_two_factor_sign_in_off(company, browser):
    admin = browser(company.admin)
    url = f"/settings/users/{company.rep.pk}/"
    assert 'data-testid="two-factor-off"' not in said(admin.get(url))  # it is not on
    device = two_factor.pending_device(company.rep)
    device.confirmed = True
    device.save()
    assert 'data-testid="two-factor-off"' in said(admin.get(url))
    done = admin.post(f"{url}two-factor-off/", follow=True)
    assert "Two-factor sign-in is off for Rep Li" in said(done)
    assert not two_factor.is_on(company.rep)
    row = newest(object_id=str(company.rep.pk), changes__has_key="two_factor")
    assert row.actor == company.admin and row.changes == {"two_factor": ["on", None]}


def test_unknown_people_are_a_404_that_says_so(company, browser):
    client = browser(company.admin)
    for url in ("/settings/users/999999/", "/settings/users/999999/active/"):
        answer = client.post(url, {"active": "0"})
        assert answer.status_code == 404 and "There is no such user." in said(answer), url


# --- departments ----------------------------------------------------------------------------


def test_departments_are_listed_created_and_renamed(company, browser):
    client = browser(company.admin)
    listed = said(client.get("/settings/departments/"))
    sales = listed.split(f'data-testid="department-{company.sales.pk}"')[1].split("</tr>")[0]
    assert "Sales" in sales and ">4<" in sales  # manager, rep, junior, deputy

    made = client.post("/settings/departments/", {"name": " Logistics "}, follow=True)
    assert "The department Logistics is created." in said(made)
    logistics = Department.objects.get(name="Logistics")
    row = newest(object_type="org.department", object_id=str(logistics.pk))
    assert row.action == Action.CREATE and row.actor == company.admin

    renamed = client.post(
        f"/settings/departments/{logistics.pk}/", {"name": "Supply chain"}, follow=True
    )
    assert "The department Logistics is renamed Supply chain." in said(renamed)
    logistics.refresh_from_db()
    assert logistics.name == "Supply chain"
    row = newest(object_type="org.department", object_id=str(logistics.pk))
    assert row.actor == company.admin and row.changes == {"name": ["Logistics", "Supply chain"]}


@pytest.mark.parametrize(
    "name, message",
    [
        ("sales", "There is already a department named “sales”."),
        ("   ", "This field is required."),
        ("d" * 101, "at most 100 characters"),
    ],
)
def test_bad_department_names_change_nothing(company, browser, name, message):
    client = browser(company.admin)
    names = sorted(Department.objects.values_list("name", flat=True))
    for url in ("/settings/departments/", f"/settings/departments/{company.support.pk}/"):
        refused = client.post(url, {"name": name})
        assert refused.status_code == 400, url
        assert message in said(refused), url
    assert sorted(Department.objects.values_list("name", flat=True)) == names
    assert client.get("/settings/departments/999999/").status_code == 404


# --- Django admin ---------------------------------------------------------------------------


def test_django_admin_is_for_superusers(company, browser, client):
    admin = browser(company.admin)
    for url in ("/admin/", "/admin/org/user/", "/admin/settings_app/dictionaryitem/"):
        sent = admin.get(url)
        assert sent.status_code == 302 and sent["Location"] == "/settings/", url
    landed = admin.get("/admin/", follow=True)
    assert "Django admin is for superusers" in said(landed)
    # The audit trail has no page of its own yet: administrators still read it there.
    assert admin.get("/admin/audit/auditentry/").status_code == 200

    rep = browser(company.rep)
    refused = rep.get("/admin/")
    assert refused.status_code == 403
    assert 'href="/pool/"' in said(refused)

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/org/user/").status_code == 200
    assert 'data-testid="nav-settings"' in said(client.get("/pool/"))
