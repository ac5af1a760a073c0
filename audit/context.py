"""The request an audit row is written for: its id, the caller's address and who is
signed in, set by RequestContextMiddleware for the duration of one request."""

import contextvars
import uuid

_current = contextvars.ContextVar("audit_request", default=None)


def current():
    """{"request_id", "ip", "user"} of the request being answered, or None (a command)."""
    return _current.get()


class RequestContextMiddleware:
    """Gives every request an id (answered in X-Request-ID, written in its audit rows)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        token = _current.set(
            {
                "request_id": request_id,
                "ip": request.META.get("REMOTE_ADDR") or None,
                "request": request,
            }
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


def signed_in():
    """The person signed in on the current request, if any."""
    context = current()
    user = getattr(context["request"], "user", None) if context else None
    return user if user is not None and user.is_authenticated else None
