"""/healthz, /readyz and /metrics, answered by ops.endpoints.OpsEndpoints before the rest
of the middleware: no host check, HTTPS redirect, session, sign-in or CSRF."""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST

from . import health, metrics


def healthz(request):
    """The process answers; nothing else is asked (no database)."""
    return JsonResponse({"status": "alive"})


def readyz(request):
    """200 when every readiness check passes, else 503 naming each one that failed."""
    checks = health.readiness()
    failed = [check.name for check in checks if not check.ok]
    body = {
        "status": "not ready" if failed else "ready",
        "failed": failed,
        "checks": {check.name: {"ok": check.ok, "message": check.message} for check in checks},
    }
    return JsonResponse(body, status=503 if failed else 200)


def prometheus(request):
    if not metrics.allowed(request):
        message = _(
            "Metrics are served only to the addresses in POOLCRM_METRICS_ALLOW, or with the "
            "bearer token of POOLCRM_METRICS_TOKEN."
        )
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
