"""Behind our own reverse proxy (POOLCRM_TRUSTED_PROXIES) every connection comes from the
proxy's address: the sign-in lockout and the audit trail take the client's from the
proxy's X-Forwarded-For, as the access log does."""

import ipaddress

import pytest

from audit.models import Action, AuditEntry
from org.testing import PASSWORD

pytestmark = pytest.mark.django_db

GUESSER, COLLEAGUE = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]


def sign_in(client, address, username, password):
    return client.post(
        "/api/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=address,  # the test client's REMOTE_ADDR is 127.0.0.1
    )


def test_one_clients_wrong_passwords_lock_that_client_not_everyone(behind_nginx, client, company):
    for n in range(5):
        sign_in(client, GUESSER, f"made-up-{n}", "wrong")
    assert sign_in(client, GUESSER, "rep", PASSWORD).status_code == 429  # the guesser's address
    assert sign_in(client, COLLEAGUE, "rep", PASSWORD).status_code == 200


def test_a_forwarded_address_is_believed_only_from_our_proxy(client, company):
    for n in range(5):  # no trusted proxy: the connection's address is the client's
        sign_in(client, GUESSER, f"made-up-{n}", "wrong")
    assert sign_in(client, COLLEAGUE, "rep", PASSWORD).status_code == 429


def test_the_audit_trail_names_the_client(behind_nginx, client, company):
    sign_in(client, GUESSER, "rep", "wrong")
    entry = AuditEntry.objects.filter(action=Action.LOGIN_FAILED).latest("pk")
    assert entry.ip == GUESSER
