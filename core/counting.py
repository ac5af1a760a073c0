"""List totals that stay cheap at a million rows (SPEC L5).

A total is exact whenever counting it is cheap. First a sample estimates it (a few
milliseconds); a list estimated at more than COUNT_EXACT_UP_TO rows — a million live
customers, a common keyword over them — shows that estimate, marked as one wherever it is
shown (`≈` on pages, `count_is_estimate` in the API). Smaller lists are counted exactly,
under a time limit (COUNT_BUDGET_MS) in case the rows are few but slow to find; past the
limit the estimate is shown after all.

The sample is the same query over SAMPLE_BLOCKS short runs of primary keys spread evenly
over the table: the database reads those rows by key (a few thousand), whatever the
query's filters, and the share that matches, scaled to the whole key range, is the
estimate. Keys are given out in creation order and say nothing about names, owners or
categories, so the runs are a fair sample of what the filters select.

Paging through a list asks for its total on every page: for a minute the estimate is
reused, and for five a count that ran out of time is not tried again (_RecentTotals). An
exact total is never reused. A search that knows its few candidates says so (at_most),
and such a list is counted without a sample."""

import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connections, transaction
from django.db.models import Q

SAMPLE_BLOCKS = 10
SAMPLE_BLOCK_SIZE = 1_000
_QUERY_CANCELED = "57014"  # PostgreSQL: statement timeout


@dataclass(frozen=True)
class Total:
    value: int
    is_estimate: bool = False


class _TooSlow(Exception):
    pass


def at_most(queryset, count):
    """`queryset`, known to hold at most `count` rows — a search that named its few
    candidates says so. Such a total is counted exactly without a sample first: the sample
    would read every candidate, as the count does. (Query.clone copies the query's
    attributes, so the queryset's later clones know it too.)"""
    queryset = queryset.all()
    known = known_at_most(queryset)
    queryset.query.rows_at_most = count if known is None else min(known, count)
    return queryset


def known_at_most(queryset):
    """How many rows `queryset` holds at most, when a search said so (at_most); else None."""
    return getattr(queryset.query, "rows_at_most", None)


def is_short(queryset):
    """Whether `queryset` is known to hold few enough rows to be counted exactly at once."""
    known = known_at_most(queryset)
    return known is not None and known <= settings.COUNT_EXACT_UP_TO


def total(queryset, budget_ms=None):
    """The number of rows of `queryset`: exact when it is small enough and can be counted
    within the budget, otherwise an estimate (Total.is_estimate)."""
    budget_ms = settings.COUNT_BUDGET_MS if budget_ms is None else budget_ms
    rows = queryset.order_by()
    if is_short(rows):
        return _exact(rows, budget_ms, None)
    try:
        key = _RECENT.key(rows)
    except EmptyResultSet:  # a condition nothing can meet, such as "id in an empty list"
        return Total(0)
    recent = _RECENT.get(key)
    if recent is None:
        recent = _RECENT.put(key, _sampled_estimate(rows))
    estimate = recent.estimate
    if estimate is not None and (estimate > settings.COUNT_EXACT_UP_TO or recent.too_slow):
        return Total(estimate, is_estimate=True)
    found = _exact(rows, budget_ms, estimate)
    if found.is_estimate:
        recent.too_slow = True
    return found


def _exact(rows, budget_ms, estimate):
    """The exact count, or `estimate` when counting runs out of time. Without an estimate
    to fall back to (few candidates, or nothing in the sample) it is counted, however long
    it takes: a time limit would only make it count twice."""
    if estimate is None:
        return Total(rows.count())
    try:
        with _time_limit(rows.db, budget_ms):
            return Total(rows.count())
    except _TooSlow:
        return Total(estimate, is_estimate=True)


@dataclass
class _Recent:
    estimate: int | None
    at: float
    too_slow: bool = False  # its exact count ran out of time


class _RecentTotals:
    """What the last minutes taught about each list (by its query): its sampled estimate,
    kept ESTIMATE_MEMORY_S, and whether its exact count ran out of time, kept
    SLOW_COUNT_MEMORY_S. Paging through a list asks the same question for every page: the
    answer is an estimate either way, and the futile exact count is not tried again and
    again. Per process; the oldest entries beyond SIZE are forgotten."""

    SIZE = 512

    def __init__(self):
        self._seen = OrderedDict()

    def key(self, rows):
        sql, params = rows.query.sql_with_params()
        return rows.db, sql, tuple(map(repr, params))

    def get(self, key):
        recent = self._seen.get(key)
        if recent is None:
            return None
        age = time.monotonic() - recent.at
        kept = settings.SLOW_COUNT_MEMORY_S if recent.too_slow else settings.ESTIMATE_MEMORY_S
        if age >= kept:
            del self._seen[key]
            return None
        return recent

    def put(self, key, estimate):
        self._seen[key] = recent = _Recent(estimate, time.monotonic())
        self._seen.move_to_end(key)
        while len(self._seen) > self.SIZE:
            self._seen.popitem(last=False)
        return recent


_RECENT = _RecentTotals()


def forget_recent_totals():
    """Forget what was learned of every list (tests that compare one request with the
    next)."""
    _RECENT._seen.clear()


def _sampled_estimate(rows):
    low, high = _key_range(rows)
    if low is None:
        return None
    span = high - low + 1
    sampled = SAMPLE_BLOCKS * SAMPLE_BLOCK_SIZE
    if span <= sampled:
        return None
    step = span / SAMPLE_BLOCKS
    starts = [low + int(i * step) for i in range(SAMPLE_BLOCKS)]
    runs = reduce(or_, (Q(pk__gte=s, pk__lt=s + SAMPLE_BLOCK_SIZE) for s in starts))
    hits = rows.filter(runs).count()
    if not hits:
        return None
    return round_estimate(hits * span / sampled)


def _key_range(rows):
    """The smallest and largest primary key of the table, in one query. Each in its own
    scalar subquery: SQLite reads a MIN or MAX from the index only when it stands alone."""
    meta = rows.model._meta
    connection = connections[rows.db]
    table, key = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MIN({key}) FROM {table}), (SELECT MAX({key}) FROM {table})")
        return cursor.fetchone()


def round_estimate(value):
    """Two significant digits: an estimate should not look more precise than it is."""
    value = round(value)
    digits = len(str(value))
    return value if digits <= 2 else round(value, 2 - digits)


@contextmanager
def _time_limit(alias, budget_ms):
    """Run the block's query under a time limit; raise _TooSlow when it is exceeded."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [f"{int(budget_ms)}ms"],
                )
                previous = cursor.fetchone()[0]
                yield
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == _QUERY_CANCELED:
                raise _TooSlow from error
            raise
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        deadline = time.perf_counter() + budget_ms / 1000
        raw = connection.connection
        # Called every 10,000 virtual-machine steps; a true answer interrupts the query.
        raw.set_progress_handler(lambda: time.perf_counter() > deadline, 10_000)
        try:
            yield
        except OperationalError as error:
            if "interrupted" in str(error):
                raise _TooSlow from error
            raise
        finally:
            raw.set_progress_handler(None, 0)
    else:
        yield
