"""Sign-in throttling on every way in (issue: 50 wrong passwords, then the right one
worked): after AXES_FAILURE_LIMIT failures the name is locked, even with the right
password, with a clear 429; an administrator unlocks it."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

RIGHT = "Right-password-1"


@pytest.fixture
def rep(company, settings):
    settings.AXES_FAILURE_LIMIT = 3
    company.rep.set_password(RIGHT)
    company.rep.save()
    return company.rep


def token(api, password):
    return api(None).post(
        "/api/auth/token/", {"username": "rep", "password": password}, format="json"
    )


def test_the_token_endpoint_locks_after_the_limit(rep, api):
    for _attempt in range(2):
        assert token(api, "wrong").status_code == 400
    assert token(api, "wrong").status_code == 429  # the third failure locks
    locked = token(api, RIGHT)
    assert locked.status_code == 429, locked.content
    assert "Too many failed sign-ins" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0
    call_command("axes_reset_username", "rep")  # an administrator unlocks it
    assert token(api, RIGHT).status_code == 200


@pytest.mark.parametrize("url", ["/login/", "/admin/login/", "/api/auth/login/"])
def test_the_sign_in_pages_lock_after_the_limit(rep, client, url):
    for _attempt in range(3):
        client.post(url, {"username": "rep", "password": "wrong"})
    locked = client.post(url, {"username": "rep", "password": RIGHT})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_names_the_address_too(rep, company, api):
    """Guessing across names from one address is stopped too."""
    for name in ("a", "b", "c"):
        api(None).post("/api/auth/token/", {"username": name, "password": "x"}, format="json")
    assert token(api, RIGHT).status_code == 429
