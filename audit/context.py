"""The request an audit row is written for: its id, the caller's address and who is
signed in, set by RequestContextMiddleware for the duration of one request."""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

from ops.addresses import client_ip, from_trusted_proxy

_current = contextvars.ContextVar("audit_request", default=None)
_logged = contextvars.ContextVar("audit_logged_request", default=None)


def current():
    """{"request_id", "ip", "user"} of the request being answered, or None (a command)."""
    return _current.get()


# An id our reverse proxy may hand on (nginx's $request_id is 32 hex digits), as long as
# AuditEntry.request_id holds.
FORWARDED_ID = re.compile(r"[A-Za-z0-9._-]{8,32}")


def request_id_of(request):
    """The X-Request-ID our own reverse proxy sent, when well formed, so its log and ours
    name a request alike; otherwise a new one. A client's own is not taken: it would
    choose the ids written in the audit trail."""
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if sent and FORWARDED_ID.fullmatch(sent) and from_trusted_proxy(request):
        return sent
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Gives every request an id (answered in X-Request-ID, written in its audit rows)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_of(request)
        context = {
            "request_id": request_id,
            "ip": client_ip(request) or None,  # the client's, behind our own proxies
            "request": request,
        }
        # The trail's view of the request ends with the middleware: nothing written after
        # may be taken for this person. Log lines keep it until the response is finished
        # (Django logs a 4xx or 5xx answer after the middleware has returned).
        token = _current.set(context)
        _logged.set(context)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished, dispatch_uid="audit-request-finished")
def _forget(sender, **kwargs):
    _logged.set(None)


def signed_in():
    """The person signed in on the current request, if any."""
    context = current()
    user = getattr(context["request"], "user", None) if context else None
    return user if user is not None and user.is_authenticated else None


class RequestLogFilter(logging.Filter):
    """Adds the request's id, the signed-in person and their address to a log record
    ("-" outside a request)."""

    def filter(self, record):
        context = _logged.get() or {}
        user = getattr(context.get("request"), "user", None)
        signed = user is not None and user.is_authenticated
        record.request_id = context.get("request_id", "-")
        record.user = user.username if signed else "-"
        record.ip = context.get("ip") or "-"
        return True
