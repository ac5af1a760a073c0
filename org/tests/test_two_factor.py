"""Two-factor sign-in (issue: optional TOTP for every account, required for administrators
when a setting says so, with recovery codes): set up, sign in with it on the pages and the
API, recovery codes, throttling, turning it off."""

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEntry
from org import two_factor
from org.testing import PASSWORD
from settings_app.models import SystemSettings

pytestmark = pytest.mark.django_db


def code_for(device):
    """The code the person's app shows now. A code is accepted once: each call forgets the
    last one used, as if the next time step had come."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits).token()).zfill(6)


def signed_in(username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def set_up(client):
    """Turns two-factor sign-in on through the pages; returns (device, recovery codes)."""
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    shown = page.content.decode()
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', shown).group(1)
    assert secret.replace(" ", "") in device.config_url
    done = client.post("/account/two-factor/setup/", {"code": code_for(device)})
    assert done.status_code == 200, done.content[:500]
    codes = re.findall(r'<li class="col">(\w+)</li>', done.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODES
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_setting_it_up_needs_a_right_code_and_shows_recovery_codes(company):
    client = signed_in("rep")
    qr = client.get("/account/two-factor/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr["Cache-Control"] == "no-store" and b"<svg" in qr.content
    wrong = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 400 and not two_factor.is_on(company.rep)
    set_up(client)
    assert two_factor.is_on(company.rep)
    assert AuditEntry.objects.filter(
        object_id=str(company.rep.pk), changes__two_factor=[None, "on"]
    ).exists()
    assert client.get("/mine/").status_code == 200  # this session counts as verified
    assert b'data-testid="two-factor-on"' in client.get("/account/").content


def test_signing_in_asks_for_the_code_before_anything_else(company):
    device, _codes = set_up(signed_in("rep"))
    client = signed_in("rep")
    page = client.get("/mine/?search=x")
    assert page.status_code == 302
    assert page["Location"] == "/account/two-factor/verify/?next=/mine/%3Fsearch%3Dx"
    assert client.get("/api/me/").status_code == 401
    assert client.get("/admin/").status_code == 302
    code_page = client.get("/account/two-factor/verify/").content.decode()
    assert 'href="/mine/"' not in code_page  # no menu that only leads back here

    wrong = client.post("/account/two-factor/verify/", {"code": "123456", "next": "/mine/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert AuditEntry.objects.filter(
        action=Action.LOGIN_FAILED, reason="wrong one-time code"
    ).exists()
    assert client.get("/mine/").status_code == 302

    right = client.post("/account/two-factor/verify/", {"code": code_for(device), "next": "/mine/"})
    assert right.status_code == 302 and right["Location"] == "/mine/"
    assert client.get("/mine/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_an_outside_next_is_not_followed(company):
    device, _codes = set_up(signed_in("rep"))
    client = signed_in("rep")
    answer = client.post(
        "/account/two-factor/verify/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/home/"


def test_a_recovery_code_signs_in_once(company, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # the refused reuse below would make us wait
    _device, codes = set_up(signed_in("rep"))
    first = signed_in("rep")
    assert first.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert first.get("/mine/").status_code == 200
    again = signed_in("rep")
    assert again.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 400
    # Copied with spaces or dashes, a code still counts.
    spaced = f"{codes[1][:4]} {codes[1][4:]}"
    assert again.post("/account/two-factor/verify/", {"code": spaced}).status_code == 302


def test_wrong_codes_slow_the_next_tries_down(company, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute's wait: the test never outlasts it
    device, _codes = set_up(signed_in("rep"))
    client = signed_in("rep")
    for _ in range(3):
        client.post("/account/two-factor/verify/", {"code": "000000"})
    device.refresh_from_db()
    right = str(TOTP(device.bin_key, device.step, device.t0, device.digits).token()).zfill(6)
    refused = client.post("/account/two-factor/verify/", {"code": right})
    assert refused.status_code == 400 and "Too many wrong codes" in refused.content.decode()
    assert client.get("/mine/").status_code == 302


def test_the_api_token_needs_the_code_too(company, api):
    device, _codes = set_up(signed_in("rep"))
    asked = {"username": "rep", "password": PASSWORD}
    without = api(None).post("/api/auth/token/", asked)
    assert without.status_code == 401 and without.json()["otp_required"] is True
    wrong = api(None).post("/api/auth/token/", {**asked, "otp": "000000"})
    assert wrong.status_code == 401 and "not right" in wrong.json()["detail"]
    right = api(None).post("/api/auth/token/", {**asked, "otp": code_for(device)})
    assert right.status_code == 200 and right.json()["token"]


def test_administrators_must_set_it_up_when_the_settings_say(company, api):
    settings = SystemSettings.load()
    settings.require_two_factor_for_administrators = True
    settings.save()
    client = signed_in("admin")
    page = client.get("/pool/")
    assert page.status_code == 302 and page["Location"].startswith("/account/two-factor/setup/")
    assert client.get("/api/me/").status_code == 401
    token = api(None).post("/api/auth/token/", {"username": "admin", "password": PASSWORD})
    assert token.status_code == 401
    assert b'data-testid="two-factor-required"' in client.get("/account/two-factor/setup/").content
    device, _codes = set_up(client)
    assert client.get("/pool/").status_code == 200
    refused = client.post("/account/two-factor/off/", {"code": code_for(device)}, follow=True)
    assert "must use two-factor" in refused.content.decode() and two_factor.is_on(company.admin)
    # A salesperson is not asked.
    assert signed_in("rep").get("/pool/").status_code == 200


def test_turning_it_off_and_renewing_codes_need_a_right_code(company):
    client = signed_in("rep")
    device, codes = set_up(client)
    renewed = client.post("/account/two-factor/recovery-codes/", {"code": code_for(device)})
    fresh = re.findall(r'<li class="col">(\w+)</li>', renewed.content.decode())
    assert len(fresh) == two_factor.RECOVERY_CODES and not set(fresh) & set(codes)
    assert (
        signed_in("rep").post("/account/two-factor/verify/", {"code": codes[2]}).status_code == 400
    )

    client.post("/account/two-factor/off/", {"code": "000000"})
    assert two_factor.is_on(company.rep)
    client.post("/account/two-factor/off/", {"code": code_for(device)})
    assert not two_factor.is_on(company.rep)
    assert signed_in("rep").get("/mine/").status_code == 200


def test_the_password_alone_cannot_swap_in_another_authenticator(company):
    """Issue found on the pages: half signed in, the set-up page took a new app's code and
    signed the session in, replacing the owner's authenticator."""
    device, _codes = set_up(signed_in("rep"))
    half = signed_in("rep")
    for url in ("/account/two-factor/setup/", "/account/two-factor/qr.svg"):
        assert half.get(url)["Location"].startswith("/account/two-factor/verify/")
    posted = half.post("/account/two-factor/setup/", {"code": "123456"})
    assert posted.status_code == 302 and posted["Location"].startswith("/account/two-factor/")
    assert half.get("/mine/").status_code == 302
    # Fully signed in, a new app still needs the old one turned off first (with a code).
    full = signed_in("rep")
    full.post("/account/two-factor/verify/", {"code": code_for(device)})
    refused = full.get("/account/two-factor/setup/")
    assert refused.status_code == 403 and "Turn it off first" in refused.content.decode()
    assert full.get("/account/two-factor/qr.svg").status_code == 403
    assert list(TOTPDevice.objects.filter(user=company.rep)) == [device]


def test_a_recovery_code_does_not_slow_the_app_down(company, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, codes = set_up(signed_in("rep"))
    client = signed_in("rep")
    assert client.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 302
    # A recovery code is not tried on the app's device: the app's next code still works.
    again = signed_in("rep")
    assert again.post("/account/two-factor/verify/", {"code": code_for(device)}).status_code == 302
    # A used recovery code is "not right", not "too many".
    third = signed_in("rep")
    reused = third.post("/account/two-factor/verify/", {"code": codes[0]}).content.decode()
    assert "not right" in reused and "Too many" not in reused
