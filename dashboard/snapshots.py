"""The counts kept by a periodic job (dashboard.models): each pool's claimed, unclaimed and
never claimed customers per day and the claims and returns per day, read by the pool
managers' figures and charts, and the customers each person owns, read by a supervisor's
(issue 18). Counted live at a million customers, the sizes read every customer, never
claimed is a NOT EXISTS over every unclaimed one and a large team's customers are a sixth
of them (benchmark rows "dashboard, pool manager" and "dashboard, supervisor")."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from customers import querysets
from customers.models import Customer, OwnershipEvent
from customers.models.events import OwnershipAction

from .models import MovesDay, OwnerCount, PoolSnapshot

TREND_DAYS = 30
# The kinds of move the chart draws, as MovesDay's fields and the events' actions.
MOVES = {
    "claims": (OwnershipAction.CLAIM,),
    "assigns": (OwnershipAction.ASSIGN,),
    "returns": (OwnershipAction.RETURN, OwnershipAction.RECLAIM),
}


def last_days(n, today=None):
    today = today or timezone.localdate()
    return [today - datetime.timedelta(days=k) for k in range(n - 1, -1, -1)]


def take(day=None):
    """Counts every pool's live customers, claimed, unclaimed and never claimed, as `day`'s
    (today's) snapshot, replacing one taken earlier that day; and the moves of each of the
    last TREND_DAYS days; and the live customers each person owns. Safe to run twice at
    once: each pool's day, each day of moves and each owner is one row, written as an
    update of the row its unique constraint finds."""
    day = day or timezone.localdate()
    count_owners()
    counts = {None: [0, 0, 0]}  # the company pool, even when empty
    for row in Customer.live.values("pool", "sort_status").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["pool"], [0, 0, 0])[0 if row["sort_status"] else 1] += row["n"]
    never = Customer.live.filter(querysets.never_claimed()).values("pool")
    for row in never.annotate(n=Count("pk")).order_by():
        counts.setdefault(row["pool"], [0, 0, 0])[2] = row["n"]
    for pool_id, (claimed, unclaimed, never_claimed) in counts.items():
        PoolSnapshot.objects.update_or_create(
            day=day,
            pool_id=pool_id,
            defaults={"claimed": claimed, "unclaimed": unclaimed, "never_claimed": never_claimed},
        )
    days = last_days(TREND_DAYS, day)
    for moved_on, kinds in count_moves(days[0], day).items():
        MovesDay.objects.update_or_create(day=moved_on, defaults=kinds)
    return len(counts)


def count_owners():
    """Replaces the customers per owner with a count of now: an owner who owns none is
    left out."""
    now = timezone.now()
    rows = Customer.live.filter(owner__isnull=False).values("owner").annotate(n=Count("pk"))
    counted = [
        OwnerCount(owner_id=row["owner"], customers=row["n"], counted_at=now)
        for row in rows.order_by()
    ]
    with transaction.atomic():
        OwnerCount.objects.bulk_create(
            counted,
            update_conflicts=True,
            unique_fields=["owner"],
            update_fields=["customers", "counted_at"],
        )
        OwnerCount.objects.filter(counted_at__lt=now).delete()  # they own none now


@dataclass(frozen=True)
class Owned:
    """The customers each of some people owned when the job last counted today, and when."""

    per_owner: dict
    at: datetime.datetime

    @property
    def total(self):
        return sum(self.per_owner.values())


def owned_today(owners):
    """How many live customers each of `owners` (ids) owned at today's count; None when
    the job has not counted today."""
    at = OwnerCount.objects.aggregate(at=Max("counted_at"))["at"]
    if at is None or timezone.localdate(at) != timezone.localdate():
        return None
    rows = OwnerCount.objects.filter(owner__in=owners).values_list("owner", "customers")
    return Owned(dict(rows), at)


def _visible(rows, user):
    hidden = querysets.pool_access(user).hidden
    return rows.exclude(pool__in=hidden) if hidden else rows


def sizes(user, days):
    """{day: (claimed, unclaimed)} over the pools `user` sees, for each of `days` a
    snapshot was taken on; a pool hidden from them counts nowhere."""
    rows = _visible(PoolSnapshot.objects.filter(day__in=days), user)
    totals = rows.values("day").annotate(claimed=Sum("claimed"), unclaimed=Sum("unclaimed"))
    return {row["day"]: (row["claimed"], row["unclaimed"]) for row in totals.order_by()}


@dataclass(frozen=True)
class Today:
    """The pools `user` sees as the job counted them today, and when."""

    claimed: int
    unclaimed: int
    never_claimed: int
    at: datetime.datetime


def counted_today(user):
    """Today's count of the pools `user` sees; None when the job has not counted today."""
    rows = _visible(PoolSnapshot.objects.filter(day=timezone.localdate()), user)
    found = rows.aggregate(
        claimed=Sum("claimed"),
        unclaimed=Sum("unclaimed"),
        never_claimed=Sum("never_claimed"),
        at=Max("counted_at"),
    )
    return None if found["at"] is None else Today(**found)


def count_moves(first, last):
    """{day: {"claims": n, "assigns": n, "returns": n}} of each day from `first` through
    `last` (the site's days), counted from the ownership events."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, zone)
    actions = {action: kind for kind, of in MOVES.items() for action in of}
    found = {day: dict.fromkeys(MOVES, 0) for day in last_days((last - first).days + 1, last)}
    rows = (
        OwnershipEvent.objects.filter(at__gte=start, at__lt=end, action__in=actions)
        .annotate(day=TruncDate("at"))
        .values("day", "action")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        found[row["day"]][actions[row["action"]]] += row["n"]
    return found


def moves(days):
    """{day: {kind: n}} for `days` (consecutive, ending today): the days past as the job
    counted them, today and any day it has not counted from the events."""
    today = timezone.localdate()
    stored = {
        row.day: {kind: getattr(row, kind) for kind in MOVES}
        for row in MovesDay.objects.filter(day__in=days, day__lt=today)
    }
    missing = [day for day in days if day not in stored]
    if missing:
        stored.update(
            (day, kinds)
            for day, kinds in count_moves(missing[0], missing[-1]).items()
            if day in missing
        )
    return stored
