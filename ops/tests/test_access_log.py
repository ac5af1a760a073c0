"""The access log: one JSON line per request on `poolcrm.access`, to stderr."""

import io
import ipaddress
import json
import logging

import pytest

from ops.logs import JsonLineFormatter
from org.testing import PASSWORD

from .servers import manage

FIELDS = {"request_id", "user_id", "ip", "method", "path", "status", "duration_ms"}


@pytest.fixture
def access_log():
    """The lines the access log writes during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("poolcrm.access")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def test_settings_send_it_to_stderr_as_json(settings):
    """(test_database_down.py reads the lines gunicorn's stderr received.)"""
    handler = settings.LOGGING["handlers"]["access"]
    assert handler == {"class": "logging.StreamHandler", "formatter": "json"}  # stderr
    assert settings.LOGGING["formatters"]["json"] == {"()": "ops.logs.JsonLineFormatter"}
    logger = logging.getLogger("poolcrm.access")
    assert logger.level == logging.INFO
    assert not logger.propagate  # not a second time through the root's handler


def test_one_line_per_request_with_its_fields(access_log, browser, company):
    response = browser(company.rep).get("/mine/?search=Acme")
    (line,) = access_log()
    assert FIELDS <= set(line)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["user_id"] == company.rep.pk
    assert (line["ip"], line["method"], line["path"]) == ("127.0.0.1", "GET", "/mine/")
    assert line["status"] == response.status_code == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["logger"] == "poolcrm.access" and line["time"].endswith("Z")


def test_the_user_of_an_api_token(access_log, client, company):
    token = client.post(
        "/api/auth/token/",
        {"username": "rep", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert [line["user_id"] for line in access_log()][-1] == company.rep.pk


def test_refusals_are_logged_too(access_log, client, db):
    client.post("/api/customers/claim/", {"ids": [1]}, content_type="application/json")
    (line,) = access_log()
    assert (line["status"], line["user_id"], line["path"]) == (401, None, "/api/customers/claim/")


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(access_log, client, db, settings):
    client.get("/login/", HTTP_X_FORWARDED_FOR="198.51.100.4")
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1")]
    client.get("/login/", HTTP_X_FORWARDED_FOR="198.51.100.4")
    client.get("/login/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")  # 6.6.6.6: anyone's
    client.get("/login/", HTTP_X_FORWARDED_FOR="not-an-address")
    assert [line["ip"] for line in access_log()] == [
        "127.0.0.1",
        "198.51.100.4",
        "198.51.100.4",
        "127.0.0.1",
    ]


def test_probes_answered_200_are_not_logged(access_log, client, db):
    client.get("/healthz")
    client.get("/readyz")  # no worker seen: 503
    client.get("/metrics")
    client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert [(line["path"], line["status"]) for line in access_log()] == [
        ("/readyz", 503),
        ("/metrics", 403),
    ]


def test_a_malformed_address_list_stops_the_app_from_starting(tmp_path):
    run = manage("check", POOLCRM_VAR_DIR=str(tmp_path), POOLCRM_TRUSTED_PROXIES="10.0.0.1,nginx")
    assert run.returncode != 0
    assert "ImproperlyConfigured: POOLCRM_TRUSTED_PROXIES='10.0.0.1,nginx'" in run.stderr
    assert "List addresses or networks, comma-separated, e.g. 127.0.0.1,::1,10.0.0.0/8" in (
        run.stderr
    )


def test_our_proxy_s_request_id_is_kept_a_client_s_is_not(access_log, client, settings):
    import ipaddress

    sent = "0123456789abcdef0123456789abcdef"
    # From an address that is no proxy of ours: a new id, whatever was sent.
    response = client.get("/login/", HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] != sent
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    response = client.get("/login/", HTTP_X_REQUEST_ID=sent)
    assert response["X-Request-ID"] == sent
    assert [line["request_id"] for line in access_log()][-1] == sent
    for malformed in ("short", "x" * 33, "has space in it", "<script>alert(1)</script>"):
        assert client.get("/login/", HTTP_X_REQUEST_ID=malformed)["X-Request-ID"] != malformed
