"""What is read at most once per request: the data dictionary's items and the system
settings, each read by many figures and filters of one page. Kept until the request ends
(or the thing is saved or deleted: `forget`); nothing is kept from one request to the
next, so a change an administrator makes shows on the next page, in every worker.
Outside a request (commands, tests calling services) each call reads afresh."""

from contextvars import ContextVar

_memo = ContextVar("read_once_per_request", default=None)


class ReadOncePerRequest:
    """Middleware: what is read during a request is kept until it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def once(key, read):
    """`read()`, kept under `key` for the rest of the request."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def forget(**kwargs):
    """Read afresh from now on in this request: something kept was saved or deleted."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()
