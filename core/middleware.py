import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .ids import as_id
from .views import refusal


class UserTimeZoneMiddleware:
    """Dates and times in the signed-in user's own time zone, when they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = getattr(getattr(request, "user", None), "time_zone", "")
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Nothing answered to a signed-in person is kept by a browser or a proxy on the way
    (customers, figures, exports): Django's never-cache headers, where the view set no
    caching of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# Bodies up to this size pass without reading the settings (every form and JSON call).
SMALL_BODY = 2_500_000


class BodyLimitMiddleware:
    """Refuses a body longer than the largest attachment allows (plus a margin for the
    form around it) from its Content-Length, before reading a byte of it: 413. A 300 MB
    upload was received and spooled to disk in full before the size check refused it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            # Django reads no more of a body than its Content-Length says: one sent in
            # chunks would arrive empty, and the person be told their file was missing.
            message = _(
                "Send the body with its length (Content-Length); chunked bodies are refused."
            )
            return refusal(request, message, 411)
        length = as_id(request.META.get("CONTENT_LENGTH") or "0") or 0
        if length > SMALL_BODY:
            from settings_app.models import SystemSettings

            largest = max(SystemSettings.load().attachment_max_mb, settings.IMPORT_MAX_MB)
            if length > (largest + 1) * 1024 * 1024:
                message = _("The upload is %(size).1f MB; files may be at most %(limit)d MB.") % {
                    "size": length / 1024 / 1024,
                    "limit": largest,
                }
                return refusal(request, message, 413)
        return self.get_response(request)
