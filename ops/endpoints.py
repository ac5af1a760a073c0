"""The operations endpoints, answered before the rest of the middleware.

A probe or Prometheus calls the server by its address (http://10.0.0.5:8000/readyz), not
by the site's name: behind ALLOWED_HOSTS, CommonMiddleware would answer 400 (DisallowedHost)
and with POOLCRM_HTTPS=1 SecurityMiddleware would redirect to HTTPS. None of these answers
builds a link from the Host header, reads a session or needs a signed-in person."""

from django.views.decorators.http import require_safe

from . import views

VIEWS = {
    "/healthz": require_safe(views.healthz),
    "/readyz": require_safe(views.readyz),
    "/metrics": require_safe(views.prometheus),
}


def endpoint_of(request):
    """The operations view of this request's path (with or without a trailing slash)."""
    return VIEWS.get(request.path_info.rstrip("/") or "/")


class OpsEndpoints:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = endpoint_of(request)
        return view(request) if view else self.get_response(request)
