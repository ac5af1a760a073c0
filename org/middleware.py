"""Two-factor sign-in is enforced here (org.two_factor): a session that passed the password
but not the code, or an administrator who must set two-factor sign-in up first, reaches only
the pages that finish signing in. Only such sessions cost a look at the user."""

from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import refusal

from . import two_factor

# What a half-signed-in session may still reach: the sign-in pages themselves, the way out,
# the static files and the language switch.
OPEN = ("/login/", "/logout/", "/account/two-factor/", "/static/", "/i18n/", "/api/auth/token/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or request.path.startswith(OPEN):
            return self.get_response(request)
        if session.get(two_factor.PENDING):
            if request.user.is_authenticated and not request.user.is_verified():
                return self._refuse(
                    request,
                    "org:two-factor-verify",
                    _("Type the code from your authenticator app to finish signing in."),
                )
            session.pop(two_factor.PENDING)
        elif session.get(two_factor.SETUP_REQUIRED) and request.user.is_authenticated:
            return self._refuse(
                request,
                "org:two-factor-setup",
                _("Administrators must set up two-factor sign-in before anything else."),
            )
        return self.get_response(request)

    def _refuse(self, request, page, message):
        if request.path.startswith("/api/"):
            return refusal(request, message, 401)
        return redirect(f"{reverse(page)}?next={quote(request.get_full_path())}")
