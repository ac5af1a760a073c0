"""Two-factor sign-in with django-otp: after the password, a code from an authenticator app
(TOTP), or one of ten single-use recovery codes for a lost phone. Anyone may turn it on for
their account; administrators must when the system settings say so.

A page session that passed the password but not yet the code is marked in the session at
sign-in (`PENDING`), and org.middleware.TwoFactorMiddleware lets it reach only the code
page: no query per request for the many who do not use it. API tokens are issued only
with the code (core.api.auth.TokenView)."""

import io

import django_otp
import segno
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import trail
from audit.models import Action
from core.errors import NotAllowed, ServiceError
from settings_app.models import SystemSettings

from . import services

PENDING = "two_factor_pending"  # the password passed, the code not yet
SETUP_REQUIRED = "two_factor_setup_required"  # an administrator who must set it up first
RECOVERY_CODES = 10
TOTP_DIGITS = 6  # what authenticator apps show (django-otp's default)


def is_on(user):
    return user_has_device(user, confirmed=True)


def is_required(user):
    return user.is_administrator and SystemSettings.load().require_two_factor_for_administrators


@receiver(user_logged_in, dispatch_uid="org-two-factor-login")
def _mark_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "otp_device", None) is None and is_on(user):
        request.session[PENDING] = True
    elif is_required(user) and not is_on(user):
        request.session[SETUP_REQUIRED] = True


def pending_device(user):
    """The authenticator being set up (not yet confirmed by a code), made on first ask.
    Refused while one is on: replacing it would let whoever knows only the password swap
    in their own (turn it off with a code first)."""
    if is_on(user):
        raise NotAllowed(_("Two-factor sign-in is already on. Turn it off first to use a new app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def secret_of(device):
    """The key as people type it into an app that cannot scan: base32, in groups of four."""
    key = device.config_url.split("secret=")[1].split("&")[0]
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device):
    """The setup QR code as an SVG image, drawn here: no outside service sees the key."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2)
    return out.getvalue()


def confirm(request, code):
    """Turns two-factor sign-in on with the first right code of the pending authenticator;
    returns the recovery codes, shown once. This session counts as verified."""
    user = request.user
    device = pending_device(user)
    if not device.verify_is_allowed()[0]:
        raise ServiceError(_("Too many wrong codes; wait a minute, then try again."))
    # Checked outside the transaction below: a wrong code's throttling must stay.
    if not device.verify_token(_digits(code)):
        raise ServiceError(_("That code is not right; type the one your app shows now."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        trail.record(user, Action.UPDATE, user, changes={"two_factor": [None, "on"]})
    django_otp.login(request, device)
    request.session.pop(SETUP_REQUIRED, None)
    return codes


def new_recovery_codes(user, code):
    """Replaces the recovery codes, after a right code: the old ones stop working."""
    check_code(user, code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        trail.record(user, Action.UPDATE, user, changes={"recovery_codes": [None, "renewed"]})
    return codes


def _new_recovery_codes(user):
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def turn_off(user, code):
    """Turns two-factor sign-in off, after a right code; refused where it is required."""
    if is_required(user):
        raise ServiceError(_("Administrators must use two-factor sign-in here."))
    check_code(user, code)
    reset(user, actor=user)


def reset(user, actor):
    """An administrator turns it off for someone who lost both their phone and their
    recovery codes; they set it up again after signing in. (turn_off: the person
    themselves.)"""
    if actor.pk != user.pk:
        services.check_may_administer(actor, user)
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        trail.record(actor, Action.UPDATE, user, changes={"two_factor": ["on", None]})


def verify(request, code):
    """Completes a sign-in with a right code (or recovery code); raises ServiceError and
    traces the failure otherwise."""
    user = request.user
    device = check_code(user, code)
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    return device


def check_code(user, code):
    """The device that accepts `code` (also the API's token request). A wrong code is
    traced and refused; its throttling (each wrong code doubles the wait before the next
    try) is committed, never rolled back with the caller's transaction: callers check
    before they open one."""
    code = _digits(code)
    # A six-digit code is the app's, anything else a recovery code: a recovery code tried
    # on the app's device would count as a wrong code there, and slow the next right one.
    kind = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    devices = [device for device in devices_for_user(user) if isinstance(device, kind)]
    throttled = any(not device.verify_is_allowed()[0] for device in devices)
    for device in devices:
        with transaction.atomic():  # locked: one code is accepted once, even at once
            device = type(device).objects.select_for_update().get(pk=device.pk)
            if device.verify_token(code):
                return device
    trail.record(None, Action.LOGIN_FAILED, user, reason="wrong one-time code")
    if throttled:
        raise ServiceError(_("Too many wrong codes; wait a minute, then try again."))
    raise ServiceError(
        _("That code is not right. Type the code your app shows now, or a recovery code.")
    )


def _digits(code):
    """A code as typed: spaces and dashes people copy along are not part of it."""
    return "".join(str(code or "").split()).replace("-", "")[:16]
