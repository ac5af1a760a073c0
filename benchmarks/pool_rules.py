"""How fast are the pool rules at scale? (issue 17: at 1M customers with 300k claimed, a
sweep that returns 10,000 customers within 60 s on both databases; the "returns in"
column and filter keep My customers within the list targets; the limits add at most 5 ms
to a claim's p95.)

On a copy of the generated dataset (benchmarks.import_speed.copy_dataset), dropped at the
end:
1. the administrator turns the automatic return on (3,650 days without an interaction
   record: nothing the generator made is due), and the job it queues dates every
   claimed customer;
2. SWEEP claimed customers drawn at random get clocks that started 11 years ago, so they
   and only they are due; one sweep returns them;
3. once the re-dating and the sweep have settled (checkpoint, vacuum), claims with every
   limit off and with the owner and daily limits and the cool-down on, each of a
   customer not claimed before, by the user who owns 2,000 (their owner limit counts
   2,000 rows), in pairs of a random order;
4. My customers of that user through the API, ordered by the date both ways and filtered
   by it.

    .venv/bin/python -m benchmarks.pool_rules [--db sqlite|postgres] [--size 1000000]
        [--sweep 10000] [--claims 200] [--reps 30] [--seed N]
"""

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from pathlib import Path

from benchmarks.import_speed import as_worker, copy_dataset

NO_CONTACT_DAYS = 3650


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def ms(seconds):
    return round(seconds * 1000, 1)


def spread(samples):
    """The median and the 95th percentile of `samples` (seconds), in ms: "p50 / p95"."""
    return f"{ms(statistics.median(samples))} / {ms(p95(samples))}"


def settle():
    """What the re-dating and the sweep left to do, done before claims are timed: SQLite's
    write-ahead log folded back, PostgreSQL's dead rows vacuumed (its autovacuum would
    otherwise run amid the claims)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE customers_customer")


def measure(sweep_size, claims, reps, seed):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from benchmarks.generate import ADMIN_USERNAME, HEAVY_USERNAME
    from customers.models import Customer
    from customers.services import due, ownership
    from customers.services.pool_rules import save_pool_rules
    from settings_app.models import PoolRules

    rng = random.Random(seed)
    users = get_user_model().objects
    admin, heavy = users.get(username=ADMIN_USERNAME), users.get(username=HEAVY_USERNAME)
    result = {}

    started = time.perf_counter()
    save_pool_rules(admin, {"auto_return": True, "no_contact_days": NO_CONTACT_DAYS})
    result["turn on (the request) (s)"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    due.refresh_all()  # the background job the change queues
    result["re-date every claimed customer (the job) (s)"] = round(time.perf_counter() - started, 1)
    result["claimed customers dated"] = Customer.live.filter(returns_at__isnull=False).count()

    claimed = list(Customer.live.filter(owner__isnull=False).values_list("pk", flat=True))
    chosen = rng.sample(claimed, sweep_size)
    long_ago = timezone.now() - datetime.timedelta(days=NO_CONTACT_DAYS + 365)
    for start in range(0, len(chosen), 5_000):
        ids = chosen[start : start + 5_000]
        Customer.objects.filter(pk__in=ids).update(clocks_from=long_ago, last_contacted_at=None)
        due.refresh(ids)
    due_now = Customer.live.filter(returns_at__lte=timezone.now()).count()
    if due_now != sweep_size:
        raise RuntimeError(f"{due_now} customers are due, not {sweep_size}")
    started = time.perf_counter()
    swept = ownership.sweep()
    result["sweep (s)"] = round(time.perf_counter() - started, 1)
    result["swept"] = len(swept.done)
    if sorted(swept.done) != sorted(chosen):
        raise RuntimeError("the sweep returned other customers than the ones due")

    # Claims of customers never claimed by this user, so the cool-down lets them through.
    pool = list(Customer.live.filter(owner__isnull=True).values_list("pk", flat=True)[:50_000])
    targets = iter(rng.sample(pool, 2 * claims))
    limits = {"owner_limit": 100_000, "daily_claim_limit": 100_000, "cooldown_days": 7}
    off = dict.fromkeys(limits)
    timings = {"off": [], "on": []}
    rules = PoolRules.objects.filter(pk=1)
    settle()
    # Each pair of claims in a random order, so that neither mode is always the one that
    # runs after the other.
    modes = [mode for _pair in range(claims) for mode in rng.sample(("off", "on"), 2)]
    for mode in modes:
        rules.update(**(limits if mode == "on" else off))  # the dates do not change
        customer = next(targets)
        started = time.perf_counter()
        done = ownership.claim(heavy, [customer]).done
        timings[mode].append(time.perf_counter() - started)
        if done != [customer]:
            raise RuntimeError(f"claim of {customer} refused")
        ownership.return_to_pool(heavy, [customer])
    for mode in ("off", "on"):
        result[f"claim p50, limits {mode} (ms)"] = ms(statistics.median(timings[mode]))
        result[f"claim p95, limits {mode} (ms)"] = ms(p95(timings[mode]))
    result["limits add to claim p95 (ms)"] = ms(p95(timings["on"]) - p95(timings["off"]))

    client = Client()
    client.force_login(heavy)
    week = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    lists = {
        "mine by name (for comparison)": {"ordering": "name"},
        "mine by return date": {"ordering": "returns_at"},
        "mine by return date, last first": {"ordering": "-returns_at"},
        "mine due within a week": {"returns_before": week, "ordering": "returns_at"},
    }
    for label, query in lists.items():
        samples = []
        for _ in range(reps):
            started = time.perf_counter()
            response = client.get("/api/mine/", query)
            samples.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{label}: {response.status_code}")
        result[f"{label} p50 / p95 (ms)"] = spread(samples)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--sweep", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)
    return on_a_copy(args, lambda: measure(args.sweep, args.claims, args.reps, args.seed))


def on_a_copy(args, run):
    """`run()` on a copy of the dataset of `args.db` and `args.size`, dropped after; prints
    its result with the database, size and seed, and writes it to `args.json` when the
    command line names a file there (a step of `make bench` reads it)."""
    from benchmarks.generate import database_url

    url, drop = copy_dataset(database_url(args.db, args.size))
    with as_worker(url):
        try:
            result = run()
        finally:
            from django.db import connections

            connections.close_all()
            drop()
    result.update(db=args.db, size=args.size, seed=args.seed)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if getattr(args, "json", None):
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
