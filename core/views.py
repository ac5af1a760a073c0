from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from audit import trail
from core.ids import as_id

from .errors import Conflict, ServiceError, status_of


def refusal(request, message, status, template="core/refused.html"):
    """A request refused before any view could answer it: `{"detail"}` in JSON for the
    API, a page a person can read otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, template, {"message": message}, status=status)


class ServiceErrorPages:
    """Render a service's refusal as a page a person can read: 404 for what they may not
    see, 403 for what they may see but not change, 400 for a request refused as a whole."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ServiceError as error:
            status = status_of(error)
            trail.refused(request, error.message, status)
            return refusal(request, error.message, status)


def page_status(error):
    """The status of a form shown again with a service's refusal: 409 when someone changed
    the row meanwhile, else 200, as for a form shown again with its own errors. A browser
    logs every page answered 4xx as a failed request; the API keeps its 400s."""
    return 409 if isinstance(error, Conflict) else 200


def ticked_ids(request):
    """The ids of the rows ticked on a page (checkboxes named "ids"), each once, in order;
    anything that is not an id is left out."""
    ids = (as_id(raw) for raw in request.POST.getlist("ids"))
    return list(dict.fromkeys(i for i in ids if i is not None))


def safe_next(request, fallback):
    """The `next` URL of the request if it points into this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
