"""Sign out everywhere (issue: sessions lasted with no way to end them): every session and
API token of the person ends, wherever it was begun; other people's stay."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from audit.models import Action, AuditEntry
from org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username):
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    assert client.get("/mine/").status_code == 200
    return client


def token_client(api, username):
    token = api(None).post("/api/auth/token/", {"username": username, "password": PASSWORD})
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert client.get("/api/me/").status_code == 200
    return client


def test_from_the_account_page_every_sign_in_ends(company, api):
    here, phone = signed_in("rep"), signed_in("rep")
    script = token_client(api, "rep")
    colleague = signed_in("peer")
    page = here.get("/account/")
    assert b'data-testid="sign-out-everywhere"' in page.content

    out = here.post("/account/sign-out-everywhere/")
    assert out.status_code == 302 and out["Location"] == "/login/"
    for client in (here, phone):
        assert client.get("/mine/").status_code == 302  # back to the sign-in page
    assert script.get("/api/me/").status_code == 401
    assert colleague.get("/mine/").status_code == 200
    assert AuditEntry.objects.filter(
        action=Action.LOGOUT, reason="signed out everywhere", object_id=str(company.rep.pk)
    ).exists()
    assert signed_in("rep").get("/mine/").status_code == 200  # signing in again works


def test_through_the_api(company, api):
    browser = signed_in("rep")
    script = token_client(api, "rep")
    assert script.post("/api/auth/sign-out-everywhere/").status_code == 204
    assert script.get("/api/me/").status_code == 401
    assert browser.get("/mine/").status_code == 302
    assert api(None).post("/api/auth/sign-out-everywhere/").status_code == 401


def test_an_administrator_signs_someone_out_in_django_admin(company, api):
    company.admin.is_superuser = True
    company.admin.save()
    victim = signed_in("rep")
    admin = Client()
    admin.force_login(company.admin)
    done = admin.post(
        "/admin/org/user/",
        {"action": "sign_out_everywhere", ACTION_CHECKBOX_NAME: [company.rep.pk]},
    )
    assert done.status_code == 302
    assert victim.get("/mine/").status_code == 302
    entry = AuditEntry.objects.get(reason="signed out everywhere")
    assert entry.actor == company.admin and entry.object_id == str(company.rep.pk)


def test_a_session_left_unused_ends(company, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = signed_in("rep")
    session = client.session
    seen = session["seen_at"]
    session["seen_at"] = seen - 29 * 60  # used 29 minutes ago: still signed in
    session.save()
    assert client.get("/mine/").status_code == 200
    assert client.session["seen_at"] >= seen  # the visit counts as activity
    session = client.session
    session["seen_at"] -= 31 * 60
    session.save()
    gone = client.get("/mine/?page=2")
    assert gone.status_code == 302 and gone["Location"] == "/login/?next=/mine/%3Fpage%3D2"
    assert client.get("/mine/").status_code == 302  # signed out, not only redirected
    api_client = signed_in("rep")
    session = api_client.session
    session["seen_at"] -= 31 * 60
    session.save()
    assert api_client.get("/api/me/").status_code == 401
