"""Administrators unlock a locked sign-in from the settings pages (issue 14: "an
administrator unlock", which only superusers in Django admin and the command line had): the
lockouts page lists each locked username and address, Unlock lets the right password in
again, the person's page shows their lock, each unlock is traced, and no one else may."""

import pytest
from django.test import Client

from audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

RIGHT = "Right-password-1"


@pytest.fixture
def rep(company, settings):
    settings.AXES_FAILURE_LIMIT = 3
    company.rep.set_password(RIGHT)
    company.rep.save()
    return company.rep


def sign_in(username, password, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def lock(username, address="10.0.0.1"):
    for _attempt in range(3):
        sign_in(username, "wrong", address)
    assert sign_in(username, RIGHT, address).status_code == 429


def test_an_administrator_sees_and_unlocks_a_locked_username(rep, company, browser):
    lock("rep")
    admin = browser(company.admin)
    page = admin.get("/settings/lockouts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="lockout"') == 2  # the name, and the address it came from
    assert "rep" in text and "10.0.0.1" in text
    done = admin.post("/settings/lockouts/unlock/", {"username": "rep"}, follow=True)
    assert "rep can sign in again." in done.content.decode()
    # Every failure from that address was rep's: forgetting them frees the address too.
    assert 'data-testid="no-lockouts"' in done.content.decode()
    assert sign_in("rep", RIGHT).status_code == 302
    unlock = AuditEntry.objects.get(reason="sign-in unlocked: rep")
    assert (unlock.action, unlock.actor_id, unlock.object_id) == (
        Action.UPDATE,
        company.admin.pk,
        str(rep.pk),
    )


def test_an_address_guessing_across_names_is_unlocked_by_its_address(rep, company, browser):
    for name in ("a", "b", "c"):
        sign_in(name, "wrong")
    assert sign_in("rep", RIGHT).status_code == 429  # rep's name is not locked; the address is
    admin = browser(company.admin)
    text = admin.get("/settings/lockouts/").content.decode()
    assert text.count('data-testid="lockout"') == 1 and "10.0.0.1" in text
    admin.post("/settings/lockouts/unlock/", {"address": "10.0.0.1"})
    assert sign_in("rep", RIGHT).status_code == 302
    assert AuditEntry.objects.filter(reason="sign-in unlocked: 10.0.0.1").count() == 1


def test_the_persons_page_shows_their_lock_and_unlocks_it(rep, company, browser, settings):
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    lock("rep")
    admin = browser(company.admin)
    page = admin.get(f"/settings/users/{rep.pk}/").content.decode()
    assert 'data-testid="locked"' in page and "failed attempts" in page, page[-3000:]
    back = admin.post(
        "/settings/lockouts/unlock/",
        {"username": "rep", "address": "10.0.0.1", "back": rep.pk},
        follow=True,
    )
    assert back.redirect_chain[-1][0] == f"/settings/users/{rep.pk}/"
    assert 'data-testid="locked"' not in back.content.decode()
    assert sign_in("rep", RIGHT).status_code == 302


def test_a_name_locked_from_elsewhere_stays_locked_by_another_address(rep, settings):
    """Locking a name from one address and a name plus address together are different
    locks: with 'username+ip_address', the same name from another address gets in."""
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    lock("rep", "10.0.0.1")
    assert sign_in("rep", RIGHT, "10.0.0.2").status_code == 302


def test_unlocking_what_is_not_locked_changes_nothing(company, browser):
    admin = browser(company.admin)
    answer = admin.post("/settings/lockouts/unlock/", {"username": "nobody"}, follow=True)
    assert "nobody was not locked: nothing changed." in answer.content.decode()
    assert not AuditEntry.objects.filter(reason__startswith="sign-in unlocked").exists()


@pytest.mark.parametrize("who", ["rep", "manager", "ceo", "marketer"])
def test_only_administrators_may_unlock(rep, company, browser, who):
    client = browser(getattr(company, who))  # before the lock: a sign-in clears its name's
    lock("rep")
    assert client.get("/settings/lockouts/").status_code == 403
    assert client.post("/settings/lockouts/unlock/", {"username": "rep"}).status_code == 403
    assert sign_in("rep", RIGHT).status_code == 429
