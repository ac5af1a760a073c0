"""Sign-in lockouts as an administrator sees them (issue 14: "an administrator unlock"):
which usernames and addresses django-axes refuses right now, and unlocking one.

Axes keeps one AccessAttempt row per (username, address, browser) with its failures; it
refuses a sign-in when the failures within the cool-off time, summed over the rows that
share a lockout parameter (AXES_LOCKOUT_PARAMETERS: a username, an address, or both
together), reach AXES_FAILURE_LIMIT. This module sums them the same way to list what is
locked, and unlocks through axes' public `reset`."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from audit import trail
from audit.models import Action

from .models import User

FIELDS = {"username": "username", "ip_address": "ip_address"}


@dataclass(frozen=True)
class Lockout:
    username: str | None
    address: str | None
    failures: int
    last_attempt: datetime

    @property
    def until(self):
        return self.last_attempt + settings.AXES_COOLOFF_TIME


def parameter_fields():
    """Each lockout parameter as the tuple of AccessAttempt fields it groups by;
    parameters other than username and address (a browser) are not listed here."""
    for parameter in settings.AXES_LOCKOUT_PARAMETERS:
        names = [parameter] if isinstance(parameter, str) else list(parameter)
        if names and all(name in FIELDS for name in names):
            yield tuple(FIELDS[name] for name in names)


def current():
    """What is locked now, most recent first: one row per locked username, address or
    username-from-address, as the lockout parameters say."""
    recent = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    found = {}
    for fields in parameter_fields():
        groups = (
            recent.exclude(**{f"{field}__isnull": True for field in fields})
            .values(*fields)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        )
        for group in groups:
            lockout = Lockout(
                username=group.get("username"),
                address=group.get("ip_address"),
                failures=group["failures"],
                last_attempt=group["last"],
            )
            found.setdefault((lockout.username, lockout.address), lockout)
    return sorted(found.values(), key=lambda lockout: lockout.last_attempt, reverse=True)


def unlock(actor, *, username=None, address=None):
    """Forgets the failed sign-ins of `username`, of `address`, or of that name from that
    address, so the next sign-in is checked afresh; audited. Returns how many attempt rows
    were forgotten (0: nothing was locked, nothing is written)."""
    if not username and not address:
        return 0
    with transaction.atomic():
        forgotten = reset(ip=address or None, username=username or None)
        if forgotten:
            person = User.objects.filter(username=username).first() if username else None
            trail.record(
                actor,
                Action.UPDATE,
                person,
                object_type="" if person else "axes.accessattempt",
                label="" if person else (username or address),
                username=username or "",
                reason=f"sign-in unlocked: {describe(username, address)}",
            )
    return forgotten


def describe(username, address):
    if username and address:
        return f"{username} from {address}"
    return username or address
