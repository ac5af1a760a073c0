"""The answer to a sign-in while its name or address is locked out (django-axes calls it:
AXES_LOCKOUT_CALLABLE): 429, in JSON for the API, a page otherwise."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .views import refusal

STATUS = 429


def minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def message():
    return _(
        "Too many failed sign-ins for this name or from this address. Try again in "
        "%(minutes)d minutes, or ask an administrator to unlock it."
    ) % {"minutes": minutes()}


def locked_out(request, original_response=None, credentials=None):
    response = refusal(request, message(), STATUS, "core/locked_out.html")
    if isinstance(response, JsonResponse):
        response["Retry-After"] = str(minutes() * 60)
    return response
