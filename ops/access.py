"""Access log: one JSON line per request on the logger `poolcrm.access` (settings.LOGGING
sends it to stderr through ops.logs.JsonLineFormatter; gunicorn passes it on to the
journal)."""

import logging
import time

from .addresses import client_ip
from .endpoints import endpoint_of

logger = logging.getLogger("poolcrm.access")


class AccessLogMiddleware:
    """Outermost: the duration and status are those of the whole answer. The request id is
    the one audit.context.RequestContextMiddleware gave (its X-Request-ID header, also in
    the request's audit rows). A probe answered 200 by /healthz, /readyz or /metrics is
    not logged: every few seconds, it would bury the requests people made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if response.status_code == 200 and endpoint_of(request):
            return response
        user = getattr(request, "user", None)
        fields = {
            "request_id": response.get("X-Request-ID", ""),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "ip": client_ip(request),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        logger.info(
            "%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields}
        )
        return response
