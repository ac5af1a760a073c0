"""How fast are the reports for the people who see the most? (issue 18: at 1M customers,
each report ≤ 500 ms on both databases.)

On a copy of the generated dataset (benchmarks.import_speed.copy_dataset), dropped at the
end:
1. the home page benchmark's working records are added in bulk (not timed,
   benchmarks.dashboard.add_working_records): for the customers of the user who owns
   2,000 and of the supervisor's subordinates (at most CUSTOMERS of them), interaction
   records of the last 60 days, an opportunity each, contracts of the last 90 days with
   receivables and payments; the tables are analysed;
2. each report (dashboard.reports.REPORTS) on its own, for the user who owns 2,000, the
   supervisor and the administrator at each scope they may choose, over the default
   period (the last 12 months), REPS rounds in a random order, each with the person
   read afresh (as a request's middleware would); each answer is checked: the funnel's
   open, won and lost opportunities of the scope "mine" are those counted directly;
3. the whole page, GET /reports/?scope=…, the same way, so what rendering adds is seen.

    .venv/bin/python -m benchmarks.reports [--db sqlite|postgres] [--size 1000000]
        [--customers 60000] [--reps 10] [--seed N]
"""

import argparse
import random
import sys
import time

from benchmarks.dashboard import add_working_records, settle
from benchmarks.pool_rules import ms, on_a_copy, p95, spread

TARGET_MS = 500


def opportunities_counted_directly(user, choice):
    """The opportunities on `user`'s own customers created in the period, counted without
    the lists."""
    import datetime

    from django.utils import timezone

    from sales.models import Opportunity

    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return Opportunity.objects.filter(
        customer__owner=user,
        customer__deleted_at__isnull=True,
        created_at__gte=midnight(choice.start),
        created_at__lt=midnight(choice.end + datetime.timedelta(days=1)),
    ).count()


def check(report, user, choice):
    """Raises when `report` is not what its person and scope are due: the funnel of the
    scope "mine" holds the opportunities counted directly; every other report's last row
    is the sum of the rows above it."""
    if report.key == "funnel":
        if choice.scope == "mine":
            rows = [row for row in report.rows if row.key in ("open", "won", "lost")]
            shown = sum(row.cells[0].value for row in rows)
            counted = opportunities_counted_directly(user, choice)
            if shown != counted:
                raise RuntimeError(f"{user.username}: the funnel shows {shown}, not {counted}")
        return
    *rows, total = report.rows
    for n, cell in enumerate(total.cells):
        if cell.value != sum(row.cells[n].value for row in rows):
            raise RuntimeError(f"{user.username} {choice.scope}: {report.key} column {n}")


def measure(customers, reps, seed):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client, RequestFactory

    from benchmarks.generate import ADMIN_USERNAME, HEAVY_USERNAME, SUPERVISOR_USERNAME
    from dashboard import reports
    from org.hierarchy import subordinate_ids

    rng = random.Random(seed)
    users = get_user_model().objects
    people = {
        "heavy user": users.get(username=HEAVY_USERNAME),
        "supervisor": users.get(username=SUPERVISOR_USERNAME),
        "administrator": users.get(username=ADMIN_USERNAME),
    }
    result = {"supervisor: people below": len(subordinate_ids(people["supervisor"]))}

    started = time.perf_counter()
    with transaction.atomic():
        result["records added"] = add_working_records(
            rng, people["heavy user"], people["supervisor"], customers
        )
    settle()
    result["setup (s)"] = round(time.perf_counter() - started, 1)

    scopes = {
        label: [scope for scope, _name in reports.offered_scopes(user)]
        for label, user in people.items()
    }
    result["scopes"] = {label: "+".join(offered) for label, offered in scopes.items()}

    factory = RequestFactory()

    def run(label, scope, key):
        request = factory.get("/reports/")
        request.user = users.get(pk=people[label].pk)
        choice = reports.choose(request.user, {"scope": scope})
        started = time.perf_counter()
        (report,) = reports.build(request, choice, [key])
        elapsed = time.perf_counter() - started
        check(report, request.user, choice)
        return elapsed

    runs = [
        (label, scope, key)
        for label in people
        for scope in scopes[label]
        for key in reports.REPORTS
    ]
    for one in runs:  # warm-up, not counted
        run(*one)
    timings = {one: [] for one in runs}
    for _round in range(reps):
        for one in rng.sample(runs, len(runs)):
            timings[one].append(run(*one))

    clients = {}
    for label, user in people.items():
        clients[label] = Client()
        clients[label].force_login(user)

    def get(label, scope):
        started = time.perf_counter()
        response = clients[label].get("/reports/", {"scope": scope})
        elapsed = time.perf_counter() - started
        page = response.content.decode()
        if response.status_code != 200 or "data-problem" in page:
            raise RuntimeError(f"{label} {scope}: {response.status_code}")
        for key in reports.REPORTS:
            if f'data-testid="table-{key}"' not in page:
                raise RuntimeError(f"{label} {scope}: no {key} report")
        return elapsed, len(response.content)

    pages = [(label, scope) for label in people for scope in scopes[label]]
    for one in pages:
        get(*one)
    page_timings = {one: [] for one in pages}
    sizes = {}
    for _round in range(reps):
        for one in rng.sample(pages, len(pages)):
            elapsed, sizes[one] = get(*one)
            page_timings[one].append(elapsed)

    over = []
    result["each report p95 (ms)"] = {
        f"{label}, {scope}: {key}": ms(p95(timings[label, scope, key]))
        for label, scope, key in runs
    }
    for label, scope in pages:
        name = f"reports, {label}, {scope}"
        per_report = {key: timings[label, scope, key] for key in reports.REPORTS}
        result[f"{name}: each report p50 / p95 (ms)"] = {
            key: spread(s) for key, s in per_report.items()
        }
        result[f"{name}: slowest report"] = max(per_report, key=lambda key: p95(per_report[key]))
        samples = page_timings[label, scope]
        result[f"{name}: page p50 / p95 (ms)"] = spread(samples)
        result[f"{name}: page size (kB)"] = round(sizes[label, scope] / 1024)
        over += [f"{name}: {key}" for key, s in per_report.items() if ms(p95(s)) > TARGET_MS]
    result[f"over the {TARGET_MS} ms p95 target"] = over
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=60_000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--json", help="write the result here too")
    args = parser.parse_args(argv)
    print(f"seed {args.seed}", file=sys.stderr)
    return on_a_copy(args, lambda: measure(args.customers, args.reps, args.seed))


if __name__ == "__main__":
    sys.exit(main())
