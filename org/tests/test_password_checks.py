"""Password checks take turns across the workers (org/password_checks.py): a sign-in that
finds every turn taken for the whole wait is refused with 429 before its password is
hashed, and is not counted as a failed sign-in."""

import threading

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from org.password_checks import Busy, password_check_slot
from org.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_CHECKS_AT_ONCE = 1
    settings.PASSWORD_CHECK_WAIT_SECONDS = 0.1
    return settings


@pytest.fixture
def hashes(monkeypatch):
    """How many passwords were hashed."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher,
        "encode",
        lambda self, *a, **k: calls.append(1) or original(self, *a, **k),
    )
    return calls


def test_a_sign_in_waits_for_its_turn_and_is_refused_when_none_comes(cap, company, api, hashes):
    with password_check_slot():  # another worker is checking a password
        answer = api(None).post(
            "/api/auth/token/", {"username": "rep", "password": PASSWORD}, format="json"
        )
    assert answer.status_code == 429
    assert "signing in right now" in answer.json()["detail"]
    assert answer["Retry-After"] == "2"
    assert not hashes
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
    assert (
        api(None)
        .post("/api/auth/token/", {"username": "rep", "password": PASSWORD}, format="json")
        .status_code
        == 200
    )  # the turn is free again
    assert hashes


def test_the_sign_in_page_says_so_too(cap, company, client):
    with password_check_slot():
        page = client.post("/login/", {"username": "rep", "password": PASSWORD})
    assert page.status_code == 429
    assert "signing in right now" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_turn_freed_during_the_wait_is_taken(cap, company, client):
    cap.PASSWORD_CHECK_WAIT_SECONDS = 5
    taken, release = threading.Event(), threading.Event()

    def other_worker():
        with password_check_slot():
            taken.set()
            release.wait(5)

    other = threading.Thread(target=other_worker)
    other.start()
    taken.wait(5)
    threading.Timer(0.2, release.set).start()
    page = client.post("/login/", {"username": "rep", "password": PASSWORD})
    other.join()
    assert page.status_code == 302
    assert client.session["_auth_user_id"] == str(company.rep.pk)


def test_as_many_checks_at_once_as_the_setting_says(cap):
    cap.PASSWORD_CHECKS_AT_ONCE = 2
    with password_check_slot(), password_check_slot():
        with pytest.raises(Busy):
            with password_check_slot():
                pass
    with password_check_slot():  # all freed
        pass
