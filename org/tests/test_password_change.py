"""People change their own password (it was a 404), and with it every other sign-in and
API token ends; so do a deactivated account's tokens."""

import pytest
from knox.models import AuthToken as Token

pytestmark = pytest.mark.django_db

OLD, NEW = "Old-password-12", "New-password-34"


@pytest.fixture
def rep(company):
    company.rep.set_password(OLD)
    company.rep.save()
    return company.rep


def test_a_person_changes_their_password_and_their_tokens_end(rep, client, api):
    issued = api(None).post("/api/auth/token/", {"username": "rep", "password": OLD}).json()
    client.force_login(rep)
    form = client.get("/password_change/")
    assert form.status_code == 200 and b'name="new_password1"' in form.content
    refused = client.post(
        "/password_change/",
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert refused.status_code == 200 and Token.objects.filter(user=rep).exists()
    done = client.post(
        "/password_change/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302 and done["Location"] == "/password_change/done/"
    assert client.get("/mine/").status_code == 200  # this sign-in goes on
    old_token = api(None)
    old_token.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert old_token.get("/api/me/").status_code == 401
    fresh = api(None).post("/api/auth/token/", {"username": "rep", "password": NEW}).json()
    assert fresh["token"] != issued["token"]


def test_a_deactivated_accounts_tokens_end(rep, api, company):
    api(None).post("/api/auth/token/", {"username": "rep", "password": OLD})
    assert Token.objects.filter(user=rep).exists()
    changed = api(company.admin).patch(f"/api/users/{rep.pk}/", {"is_active": False})
    assert changed.status_code == 200, changed.content
    assert not Token.objects.filter(user=rep).exists()


def test_a_token_expires_and_its_owner_can_end_them(rep, api):
    import datetime

    from django.utils import timezone

    issued = api(None).post("/api/auth/token/", {"username": "rep", "password": OLD}).json()
    assert issued["expires"]
    caller = api(None)
    caller.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert caller.get("/api/me/").status_code == 200
    Token.objects.filter(user=rep).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    expired = caller.get("/api/me/")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    assert not Token.objects.filter(user=rep).exists()  # an expired token is deleted
    again = api(None).post("/api/auth/token/", {"username": "rep", "password": OLD}).json()
    assert again["token"] != issued["token"]
    caller.credentials(HTTP_AUTHORIZATION=f"Token {again['token']}")
    assert caller.delete("/api/auth/token/").json() == {"ended": 1}
    assert caller.get("/api/me/").status_code == 401
    assert not Token.objects.filter(user=rep).exists()


def test_tokens_are_kept_only_as_hashes_and_several_may_live(rep, api, client):
    """A copy of the database holds no usable token (issue: tokens stored as they are)."""
    first = api(None).post("/api/auth/token/", {"username": "rep", "password": OLD}).json()
    second = api(None).post("/api/auth/token/", {"username": "rep", "password": OLD}).json()
    stored = list(Token.objects.filter(user=rep).values_list("digest", "token_key"))
    assert len(stored) == 2
    for issued in (first, second):
        assert all(issued["token"] not in (digest, key) for digest, key in stored)
        caller = api(None)
        caller.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
        assert caller.get("/api/me/").status_code == 200
    client.force_login(rep)
    listed = client.get("/account/").content.decode()
    assert listed.count("…</code>") == 2 and first["token"] not in listed
    # One ends on its own; the other goes on working.
    key = Token.objects.filter(user=rep).order_by("created").first().token_key
    assert client.post(f"/account/tokens/{key}/end/").status_code == 302
    assert client.post("/account/tokens/nosuchkey/end/").status_code == 302
    for issued, works in ((first, False), (second, True)):
        caller = api(None)
        caller.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
        assert (caller.get("/api/me/").status_code == 200) is works
