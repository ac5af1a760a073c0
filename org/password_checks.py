"""At most a few password checks at once on this machine, whatever the sign-in traffic.

A password check is PBKDF2 with Django's 1,000,000 iterations: a quarter of a second of a
whole core. Sign-in lockout (django-axes) stops guessing one name, not a flood of made-up
names, and every one of those is hashed too (Django hashes for an unknown name, against
timing attacks). Without a cap the workers all hash and nobody else is served. With it,
a check that finds every slot taken waits a moment, then is refused with 429 and a
Retry-After, before anything is hashed or counted as a failed sign-in.

The slots are `fcntl` locks on files under the data directory, shared by every worker
process of the machine and released by the kernel if a worker dies holding one."""

import fcntl
import os
import time
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _

from core.views import refusal

POLL_SECONDS = 0.02


class Busy(Exception):
    """Every slot stayed taken for the whole wait."""


@contextmanager
def password_check_slot():
    """Holds one of settings.PASSWORD_CHECKS_AT_ONCE slots while the block runs; raises
    Busy when none frees within settings.PASSWORD_CHECK_WAIT_SECONDS."""
    folder = settings.VAR_DIR / "password-checks"
    folder.mkdir(exist_ok=True)
    deadline = time.monotonic() + settings.PASSWORD_CHECK_WAIT_SECONDS
    while True:
        for slot in range(settings.PASSWORD_CHECKS_AT_ONCE):
            descriptor = os.open(folder / f"slot-{slot}", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            try:
                yield
                return
            finally:
                os.close(descriptor)  # closing releases the lock
        if time.monotonic() >= deadline:
            raise Busy
        time.sleep(POLL_SECONDS)


class BusyAnswer:
    """Middleware: a sign-in refused by the cap is answered 429 (JSON for the API, a page
    otherwise), with a message saying to try again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Busy):
            return None
        message = _("Many people are signing in right now. Try again in a few seconds.")
        response = refusal(request, message, 429)
        response["Retry-After"] = "2"
        return response
