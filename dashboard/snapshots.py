"""The pools' daily sizes (dashboard.models.PoolSnapshot): counted by a periodic job, read
by the pool managers' chart of the pool over time (issue 18)."""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from customers import querysets
from customers.models import Customer

from .models import PoolSnapshot


def take(day=None):
    """Counts every pool's live customers, claimed and unclaimed, as `day`'s (today's)
    snapshot, replacing one taken earlier that day. Safe to run twice at once: each pool's
    day is one row, written by update_or_create under its unique constraint."""
    day = day or timezone.localdate()
    counts = {}
    for row in Customer.live.values("pool", "sort_status").annotate(n=Count("pk")).order_by():
        claimed, unclaimed = counts.get(row["pool"], (0, 0))
        if row["sort_status"]:
            claimed += row["n"]
        else:
            unclaimed += row["n"]
        counts[row["pool"]] = (claimed, unclaimed)
    counts.setdefault(None, (0, 0))  # the company pool, even when empty
    for pool_id, (claimed, unclaimed) in counts.items():
        PoolSnapshot.objects.update_or_create(
            day=day, pool_id=pool_id, defaults={"claimed": claimed, "unclaimed": unclaimed}
        )
    return len(counts)


def sizes(user, days):
    """{day: (claimed, unclaimed)} over the pools `user` sees, for each of `days` a
    snapshot was taken on; a pool hidden from them counts nowhere."""
    rows = PoolSnapshot.objects.filter(day__in=days)
    hidden = querysets.pool_access(user).hidden
    if hidden:
        rows = rows.exclude(pool__in=hidden)
    totals = rows.values("day").annotate(claimed=Sum("claimed"), unclaimed=Sum("unclaimed"))
    return {row["day"]: (row["claimed"], row["unclaimed"]) for row in totals.order_by()}


def last_days(n, today=None):
    today = today or timezone.localdate()
    return [today - datetime.timedelta(days=k) for k in range(n - 1, -1, -1)]
