"""The request an audit row is written for: its id, the caller's address and who is
signed in, set by RequestContextMiddleware for the duration of one request."""

import contextvars
import logging
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

_current = contextvars.ContextVar("audit_request", default=None)
_logged = contextvars.ContextVar("audit_logged_request", default=None)


def current():
    """{"request_id", "ip", "user"} of the request being answered, or None (a command)."""
    return _current.get()


class RequestContextMiddleware:
    """Gives every request an id (answered in X-Request-ID, written in its audit rows)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        context = {
            "request_id": request_id,
            "ip": request.META.get("REMOTE_ADDR") or None,
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
