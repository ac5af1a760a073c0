"""Sign-in rules that hold for every page.

Two-factor sign-in (org.two_factor): a session that passed the password but not the code, or
an administrator who must set two-factor sign-in up first, reaches only the pages that
finish signing in. Only such sessions cost a look at the user.

Idle sessions: one left unused for SESSION_IDLE_MINUTES ends."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import refusal

from . import two_factor

# What a half-signed-in session may still reach: the way in and out, the static files and
# the language switch; then the code page, or (an administrator who must) the set-up page.
OPEN = ("/login/", "/logout/", "/static/", "/i18n/", "/api/auth/token/")
VERIFY = ("/account/two-factor/verify/",)
SET_UP = ("/account/two-factor/setup/", "/account/two-factor/qr.svg")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or request.path.startswith(OPEN):
            return self.get_response(request)
        if session.get(two_factor.PENDING):
            if request.path.startswith(VERIFY):
                return self.get_response(request)
            if request.user.is_authenticated and not request.user.is_verified():
                return send_to(
                    request,
                    "org:two-factor-verify",
                    _("Type the code from your authenticator app to finish signing in."),
                )
            session.pop(two_factor.PENDING)
        elif (
            session.get(two_factor.SETUP_REQUIRED)
            and not request.path.startswith(SET_UP)
            and request.user.is_authenticated
        ):
            return send_to(
                request,
                "org:two-factor-setup",
                _("Administrators must set up two-factor sign-in before anything else."),
            )
        return self.get_response(request)


def send_to(request, page, message):
    """A request that must first pass `page` (named): the API is told why (401), a person is
    sent there, to come back to what they asked for."""
    if request.path.startswith("/api/"):
        return refusal(request, message, 401)
    return redirect(f"{reverse(page)}?next={quote(request.get_full_path())}")


# The last time a session was seen is written at most this often: not one write a request.
SEEN, SEEN_EVERY = "seen_at", 60


class IdleSessionMiddleware:
    """Ends a page session nobody used for SESSION_IDLE_MINUTES (a computer left signed in);
    API tokens are not sessions and keep their own expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        idle = settings.SESSION_IDLE_MINUTES * 60
        if not idle or session is None or SESSION_KEY not in session:
            return self.get_response(request)
        now, seen = int(time.time()), session.get(SEEN)
        if seen is not None and now - seen > idle:
            logout(request)
            message = _("You were signed out after %(minutes)d minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_MINUTES
            }
            if not request.path.startswith("/api/"):  # the API is told in the answer
                messages.info(request, message)
            return send_to(request, "login", message)
        if seen is None or now - seen >= SEEN_EVERY:
            session[SEEN] = now
        return self.get_response(request)
