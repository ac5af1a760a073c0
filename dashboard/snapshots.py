"""The counts kept by a periodic job (dashboard.models): each pool's claimed, unclaimed and
never claimed customers per day and the claims and returns per day, read by the pool
managers' figures and charts, and per person the customers they own with those customers'
open opportunities and this month's contracts, read by a supervisor's (issue 18). Counted
live at a million customers, the sizes read every customer, never claimed is a NOT EXISTS
over every unclaimed one and a large team's customers are a sixth of them (benchmark rows
"dashboard, pool manager" and "dashboard, supervisor")."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from customers import querysets
from customers.models import Customer, OwnershipEvent
from customers.models.events import OwnershipAction
from sales.models import Contract, Opportunity

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
    last TREND_DAYS days; and what each person owns (count_owners). Safe to run twice at
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


def month_of(day):
    """(first day, last day) of the month of `day`."""
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def count_owners():
    """Replaces the counts per owner with a count of now: for each person, the live
    customers they own, the open opportunities of those customers and the contracts
    signed on them this month (as the opportunity and contract lists count them). One who
    has none of these is left out."""
    now = timezone.now()
    month_start, month_end = month_of(timezone.localdate(now))
    on_owned = {"customer__deleted_at__isnull": True, "customer__owner__isnull": False}
    found = {}

    def of(owner):
        return found.setdefault(owner, OwnerCount(owner_id=owner, customers=0, counted_at=now))

    customers = Customer.live.filter(owner__isnull=False).values("owner")
    for row in customers.annotate(n=Count("pk")).order_by():
        of(row["owner"]).customers = row["n"]
    opportunities = Opportunity.objects.filter(status=Opportunity.Status.OPEN, **on_owned)
    for row in opportunities.values("customer__owner").annotate(n=Count("pk")).order_by():
        of(row["customer__owner"]).open_opportunities = row["n"]
    contracts = Contract.objects.filter(
        signed_on__gte=month_start, signed_on__lte=month_end, **on_owned
    ).values("customer__owner")
    for row in contracts.annotate(n=Count("pk"), money=Sum("amount")).order_by():
        counted = of(row["customer__owner"])
        counted.contracts, counted.contract_amount = row["n"], row["money"] or 0
    for counted in found.values():
        counted.month = month_start
    with transaction.atomic():
        OwnerCount.objects.bulk_create(
            found.values(),
            update_conflicts=True,
            unique_fields=["owner"],
            update_fields=[
                "customers",
                "open_opportunities",
                "month",
                "contracts",
                "contract_amount",
                "counted_at",
            ],
        )
        OwnerCount.objects.filter(counted_at__lt=now).delete()  # they have none now


@dataclass(frozen=True)
class Owned:
    """What each of some people held when the job last counted today (OwnerCount by
    owner id; one with nothing is missing), and when."""

    per_owner: dict
    at: datetime.datetime

    @property
    def total(self):
        """The customers they own."""
        return sum(counted.customers for counted in self.per_owner.values())


def owned_today(owners):
    """The counts of `owners` (ids) at today's count; None when the job has not counted
    today."""
    at = OwnerCount.objects.aggregate(at=Max("counted_at"))["at"]
    if at is None or timezone.localdate(at) != timezone.localdate():
        return None
    rows = OwnerCount.objects.filter(owner__in=owners)
    return Owned({counted.owner_id: counted for counted in rows}, at)


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
