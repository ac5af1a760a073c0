"""Timings of the app at scale, through the real request path, against the naive way.

Every measured operation is a request through Django's test client signed in with a real
session (middleware, session and user lookup, DRF authentication and permissions, the
FilterSet, the query, pagination with its count, serialisation, JSON or template
rendering): what a worker does for a request, minus the socket. The process is set up
as a worker is (config/wsgi.py: the garbage collector tuned by config/worker.py). Each is
warmed up once, then repeated `reps` times, or fewer when it has run longer than
`budget` seconds (and at least `min_reps` times); the table says how many.

The quick-search keywords are also run the naive way, as Django admin's `search_fields`
would: `icontains` over the name and the contacts' names with DISTINCT, the count and
then page 1 by name, as Django's paginator asks for them. That is timed as a bare ORM
query (no request around it), so the speed-up leans in the naive way's favour. Then,
untimed, the app's answer is compared with the plain `icontains` answer over the same
scope: the same total, the same first page and the same set of ids (the pool searches
names only, so its reference is name-only `icontains`).

Claim and batch-assign change data, so they run last; every customer they touched is put
back as it was afterwards (owner, claim time, update time), and their event rows are
deleted.
"""

import argparse
import datetime
import json
import math
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import (
    HEAVY_USERNAME,
    KEYWORDS,
    META_TABLE,
    POOL_MANAGER_USERNAME,
    ROOT,
    SUPERVISOR_USERNAME,
    database_url,
    setup_django,
)

HERE = Path(__file__).resolve().parent
DB_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The acceptance targets of the performance issue, p95 in ms.
TARGET_LIST_MS = 50
TARGET_CLAIM_MS = 20
TARGET_ASSIGN_MS = 1000
MIN_RATIO = 10
ASSIGN_BATCH = 1000
ASSIGN_TARGETS = 10
_STARTED = time.perf_counter()


def log(message):
    print(
        f"[measure +{time.perf_counter() - _STARTED:.0f}s] {message}", file=sys.stderr, flush=True
    )


def percentile(samples, fraction):
    """Nearest-rank percentile: the smallest sample with `fraction` of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Timing:
    key: str
    label: str
    request: str
    target_ms: float | None
    reps: int
    samples: list = field(default_factory=list)

    def summary(self):
        return {
            "key": self.key,
            "label": self.label,
            "request": self.request,
            "target_ms": self.target_ms,
            "n": len(self.samples),
            "capped": len(self.samples) < self.reps,
            "p50": round(statistics.median(self.samples), 2),
            "p95": round(percentile(self.samples, 0.95), 2),
            "max": round(max(self.samples), 2),
        }


class Runner:
    def __init__(self, reps, budget, min_reps):
        self.reps, self.budget, self.min_reps = reps, budget, min_reps

    def time(self, key, label, request, call, target_ms=TARGET_LIST_MS):
        """Warm up once (`call(-1)`), then time `call(rep)` for rep = 0, 1, …"""
        call(-1)
        timing = Timing(key, label, request, target_ms, self.reps)
        started = time.perf_counter()
        for rep in range(self.reps):
            before = time.perf_counter()
            call(rep)
            timing.samples.append((time.perf_counter() - before) * 1000)
            spent = time.perf_counter() - started
            if spent > self.budget and len(timing.samples) >= self.min_reps:
                break
        summary = timing.summary()
        log(
            f"{label}: p50 {summary['p50']:.1f} ms, p95 {summary['p95']:.1f} ms "
            f"(n={summary['n']}{', capped' if summary['capped'] else ''})"
        )
        return summary


def _ok(response, what):
    if response.status_code != 200:
        raise AssertionError(f"{what} answered {response.status_code}: {response.content[:500]!r}")
    return response


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)  # a real session: every request loads it and the user
    return client


def _in_chunks(ids, size=5000):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _unclaimed_ids(rng, count):
    """`count` random live unclaimed customers, found by probing random ids."""
    from django.db.models import Max, Min

    from customers.models import Customer

    bounds = Customer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    population = range(bounds["lo"], bounds["hi"] + 1)
    probe = rng.sample(population, min(len(population), count * 4))
    found = []
    for chunk in _in_chunks(probe):
        free = set(
            Customer.live.filter(pk__in=chunk, owner__isnull=True).values_list("pk", flat=True)
        )
        found += [pk for pk in chunk if pk in free]
        if len(found) >= count:
            break
    return found[:count]


class Restorer:
    """Puts claimed/assigned customers back as they were, and drops the events written."""

    def __init__(self, ids):
        from django.db.models import Max

        from customers.models import Customer, OwnershipEvent

        self.rows = []
        for chunk in _in_chunks(ids):
            self.rows += list(Customer.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))
        self.last_event = OwnershipEvent.objects.aggregate(top=Max("pk"))["top"] or 0

    def restore(self):
        from django.db import connection, transaction

        from customers.models import OwnershipEvent

        adapt = connection.ops.adapt_datetimefield_value
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE customers_customer SET owner_id = NULL, claimed_at = NULL, "
                "updated_at = %s WHERE id = %s",
                [(adapt(updated), pk) for pk, updated in self.rows],
            )
            OwnershipEvent.objects.filter(pk__gt=self.last_event).delete()


def _people():
    from customers.models import Customer
    from org.hierarchy import subordinate_ids
    from org.models import User

    heavy = User.objects.get(username=HEAVY_USERNAME)
    supervisor = User.objects.get(username=SUPERVISOR_USERNAME)
    pool_manager = User.objects.get(username=POOL_MANAGER_USERNAME)
    below = subordinate_ids(supervisor)
    outsiders = list(
        User.objects.filter(username__startswith="bench_rep")
        .exclude(pk__in=below)
        .order_by("username")
    )
    if len(outsiders) < ASSIGN_TARGETS + 2:
        raise RuntimeError("the dataset lacks salespeople outside the supervisor's tree")
    owned = Customer.live.filter(owner=heavy).order_by("id").values_list("pk", flat=True)
    supervised = (
        Customer.live.filter(owner_id__in=below).order_by("id").values_list("pk", flat=True)
    )
    return {
        "heavy": heavy,
        "supervisor": supervisor,
        "pool_manager": pool_manager,
        "claimer": outsiders[0],
        "viewer": outsiders[1],
        "assignees": outsiders[2 : 2 + ASSIGN_TARGETS],
        "subordinates": len(below),
        "heavy_customers": list(owned[:200]),
        "supervised_customers": list(supervised[:200]),
        "heavy_total": Customer.live.filter(owner=heavy).count(),
    }


def _combined_params():
    from django.utils import timezone

    from settings_app.models import DictionaryItem

    today = timezone.localdate()
    return {
        "category": DictionaryItem.objects.get(kind="category", name="普通客户").pk,
        "region": DictionaryItem.objects.get(kind="region", name="上海").pk,
        "created_after": (today - datetime.timedelta(days=730)).isoformat(),
        "created_before": (today - datetime.timedelta(days=366)).isoformat(),
    }


def _search_path(scope):
    return {"pool": "/api/pool/", "mine": "/api/mine/", "shared": "/api/shared/"}[scope]


def _measure_requests(runner, people, rng):
    """Every request-path measurement. Returns (operations, last search answers)."""
    clients = {name: _client(people[name]) for name in ("viewer", "heavy", "supervisor")}
    viewer, heavy, supervisor = clients["viewer"], clients["heavy"], clients["supervisor"]

    def get(client, path, params=None):
        return lambda rep: _ok(client.get(path, params or {}), path)

    ops = []
    add = ops.append
    add(
        runner.time(
            "pool_first", "pool, page 1 by name", "GET /api/pool/", get(viewer, "/api/pool/")
        )
    )
    add(
        runner.time(
            "pool_last",
            "pool, last page",
            "GET /api/pool/?page=last",
            get(viewer, "/api/pool/", {"page": "last"}),
        )
    )
    add(
        runner.time(
            "pool_created_desc",
            "pool, sorted by created desc",
            "GET /api/pool/?ordering=-created_at",
            get(viewer, "/api/pool/", {"ordering": "-created_at"}),
        )
    )
    combined = _combined_params()
    add(
        runner.time(
            "pool_combined",
            "pool, category + region + created range",
            "GET /api/pool/?category&region&created_after&created_before",
            get(viewer, "/api/pool/", combined),
        )
    )
    add(
        runner.time(
            "mine",
            f"mine, user with {people['heavy_total']:,} customers",
            "GET /api/mine/",
            get(heavy, "/api/mine/"),
        )
    )
    add(
        runner.time(
            "shared",
            f"shared, supervisor over {people['subordinates']} people",
            "GET /api/shared/",
            get(supervisor, "/api/shared/"),
        )
    )

    def detail(client, ids):
        return lambda rep: _ok(client.get(f"/api/customers/{ids[rep % len(ids)]}/"), "detail")

    add(
        runner.time(
            "detail_owner",
            "customer detail (owner)",
            "GET /api/customers/{id}/",
            detail(heavy, people["heavy_customers"]),
        )
    )
    add(
        runner.time(
            "detail_supervisor",
            "customer detail (supervisor of the owner)",
            "GET /api/customers/{id}/",
            detail(supervisor, people["supervised_customers"]),
        )
    )
    add(runner.time("page_pool", "pool page (HTML)", "GET /pool/", get(viewer, "/pool/")))
    add(runner.time("page_mine", "my customers page (HTML)", "GET /mine/", get(heavy, "/mine/")))
    add(
        runner.time(
            "page_shared",
            "shared customers page (HTML)",
            "GET /shared/",
            get(supervisor, "/shared/"),
        )
    )

    answers = {}
    search_ops = []
    for keyword in KEYWORDS:
        client = {"pool": viewer, "mine": heavy, "shared": supervisor}[keyword.scope]
        path = _search_path(keyword.scope)

        def search(rep, client=client, path=path, keyword=keyword):
            answers[keyword.key] = _ok(client.get(path, {"search": keyword.text}), path)

        search_ops.append(
            runner.time(
                f"search_{keyword.key}",
                f"quick search “{keyword.text}”, {keyword.label}",
                f"GET {path}?search=…",
                search,
            )
        )

    return ops + search_ops, {k: r.json() for k, r in answers.items()}


def _measure_mutations(runner, people, rng):
    """Claim and batch-assign, last: their writes (and putting everything back) must not
    sit between the reads being compared."""
    clients = {name: _client(people[name]) for name in ("claimer", "pool_manager")}
    reps = runner.reps + 1  # the warm-up takes one too
    fresh = _unclaimed_ids(rng, reps * (ASSIGN_BATCH + 1))
    claims, rest = fresh[:reps], fresh[reps:]
    batch = min(ASSIGN_BATCH, len(rest) // reps)
    if batch < 1:
        raise RuntimeError("too few unclaimed customers to measure claim and assign")
    restorer = Restorer(fresh)
    to = [u.pk for u in people["assignees"]]

    def claim(rep):
        response = clients["claimer"].post("/api/customers/claim/", {"ids": [claims[rep + 1]]})
        done = _ok(response, "claim").json()["done"]
        if done != [claims[rep + 1]]:
            raise AssertionError(f"claim refused: {response.json()}")

    def assign(rep):
        ids = rest[(rep + 1) * batch : (rep + 2) * batch]
        response = clients["pool_manager"].post("/api/customers/assign/", {"ids": ids, "to": to})
        if len(_ok(response, "assign").json()["done"]) != len(ids):
            raise AssertionError(f"assign refused some: {response.json()['refused'][:3]}")

    try:
        return [
            runner.time("claim", "claim one", "POST /api/customers/claim/", claim, TARGET_CLAIM_MS),
            runner.time(
                "assign",
                f"batch-assign {batch:,} to {len(to)} users (pool manager)",
                "POST /api/customers/assign/",
                assign,
                TARGET_ASSIGN_MS,
            ),
        ]
    finally:
        restorer.restore()


def _scope(keyword, people):
    from customers import querysets

    if keyword.scope == "pool":
        return querysets.pool(people["viewer"])
    if keyword.scope == "mine":
        return querysets.mine(people["heavy"])
    return querysets.shared(people["supervisor"])


def first_page_and_count(rows, per_page=50):
    """What Django's Paginator runs for page 1: the count, then LIMIT min(per_page, count)
    (the same SQL as the request, whose plan can depend on that LIMIT)."""
    total = rows.count()
    return (list(rows[: min(per_page, total)]) if total else []), total


def naive_search(scope, text):
    """What Django admin's search_fields = ["name", "contacts__name"] would run."""
    from django.db.models import Q

    rows = scope.filter(Q(name__icontains=text) | Q(contacts__name__icontains=text))
    return rows.distinct().order_by("name", "id")


def _reference(keyword, scope):
    """The plain-icontains answer the app must give: names only for the pool (it does not
    search contacts), names and contact names for mine and shared."""
    if keyword.scope == "pool":
        return scope.filter(name__icontains=keyword.text).order_by("name", "id")
    return naive_search(scope, keyword.text)


def _app_search(keyword, scope):
    from customers.filtersets import CustomerFilterSet, PoolFilterSet

    filterset_class = PoolFilterSet if keyword.scope == "pool" else CustomerFilterSet
    filterset = filterset_class(data={"search": keyword.text}, queryset=scope)
    if not filterset.is_valid():
        raise AssertionError(f"search {keyword.text!r} refused: {filterset.errors}")
    return filterset.qs


def _compare_searches(runner, people, answers, search_timings):
    from core.paging import TailFriendlyPaginator
    from customers.querysets import with_list_relations

    rows = []
    for keyword in KEYWORDS:
        scope = _scope(keyword, people)
        naive = naive_search(scope, keyword.text)

        def run_naive(rep, naive=naive):
            first_page_and_count(naive)

        naive_timing = runner.time(
            f"naive_{keyword.key}", f"naive {keyword.text}", "ORM query", run_naive, None
        )

        def run_app_query(rep, keyword=keyword, scope=scope):
            # Planned afresh each time, as a request does (the plan reads the name index).
            rows = with_list_relations(_app_search(keyword, scope)).order_by("name", "id")
            list(TailFriendlyPaginator(rows, 50).page(1).object_list)

        app_query_timing = runner.time(
            f"query_{keyword.key}", f"app query {keyword.text}", "ORM query", run_app_query, None
        )
        reference = _reference(keyword, scope)
        app_ids = _app_search(keyword, scope).order_by().values_list("pk", flat=True)
        reference_ids = reference.order_by().values_list("pk", flat=True)
        answer = answers[keyword.key]
        total = reference.count()
        first_page = list(reference.values_list("pk", flat=True)[:50])
        missing = reference_ids.difference(app_ids).count()
        extra = app_ids.difference(reference_ids).count()
        app = search_timings[f"search_{keyword.key}"]
        row = {
            "key": keyword.key,
            "keyword": keyword.text,
            "label": keyword.label,
            "scope": keyword.scope,
            "hits": total,
            "app": {k: app[k] for k in ("p50", "p95", "n", "capped")},
            "app_query": {k: app_query_timing[k] for k in ("p50", "p95", "n", "capped")},
            "naive": {k: naive_timing[k] for k in ("p50", "p95", "n", "capped")},
            "ratio": round(naive_timing["p50"] / app["p50"], 2),
            # An estimated total (core.counting) is marked as such and is not compared;
            # the app's query itself must still select exactly `total` customers.
            "count_is_estimate": answer["count_is_estimate"],
            "shown_total": answer["count"],
            "same_total": app_ids.count() == total
            and (answer["count_is_estimate"] or answer["count"] == total),
            "same_first_page": [r["id"] for r in answer["results"]] == first_page,
            "same_ids": missing == 0 and extra == 0,
            "missing": missing,
            "extra": extra,
        }
        rows.append(row)
        log(
            f"check {keyword.text}: {total:,} hits, ratio {row['ratio']}, "
            f"same total {row['same_total']}, first page {row['same_first_page']}, "
            f"ids {row['same_ids']} (missing {missing}, extra {extra})"
        )
    return rows


def _settle():
    """Start every run from the same state. On PostgreSQL, VACUUM: an earlier run's claims
    and assignments (and putting them back) touched most heap pages, which clears their
    visibility bits and makes every count and index-only scan visit the heap until
    autovacuum, which 60k dead rows do not trigger soon, comes by."""
    from django.db import connection

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        log(f"VACUUM (ANALYZE) took {time.perf_counter() - started:.1f} s")


def _database():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    else:
        version = sqlite3.sqlite_version
    return {"vendor": connection.vendor, "label": DB_LABELS[connection.vendor], "version": version}


def _dataset_meta():
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, value FROM {META_TABLE}")
            meta = dict(cursor.fetchall())
    except Exception:  # no table: not a generated benchmark database
        return None
    meta["stats"] = json.loads(meta.get("stats", "{}"))
    return meta


def machine():
    cpu = "unknown"
    memory_kb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def app_version():
    """The commit measured, and the tracked files changed since: the app moves on."""

    def git(*args):
        command = ["git", "-C", str(ROOT), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "changed": []}
    return {"commit": commit, "changed": sorted(line[3:] for line in changed)}


def _peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(*, reps=30, budget=60.0, min_reps=5, seed=1, dataset=None):
    """Measure the default database, which holds a generated dataset. Returns the result
    (what write() stores); `dataset` describes it when there is no stored description."""
    from customers.models import Contact, Customer

    started = time.perf_counter()
    runner = Runner(reps, budget, min_reps)
    rng = random.Random(seed)
    result = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "app": app_version(),
        "database": _database(),
        "reps": reps,
        "budget_s": budget,
        "min_reps": min_reps,
        "load_before": list(os.getloadavg()),
        "dataset": _dataset_meta() or {"stats": dataset or {}},
        "customers": Customer.objects.count(),
        "contacts": Contact.objects.count(),
    }
    log(f"{result['database']['label']}: {result['customers']:,} customers")
    _settle()
    people = _people()
    ops, answers = _measure_requests(runner, people, rng)
    result["peak_rss_serving_mb"] = _peak_rss_mb()
    search_timings = {op["key"]: op for op in ops}
    result["searches"] = _compare_searches(runner, people, answers, search_timings)
    result["median_ratio"] = round(statistics.median(r["ratio"] for r in result["searches"]), 2)
    result["operations"] = ops + _measure_mutations(runner, people, rng)
    result["peak_rss_total_mb"] = _peak_rss_mb()
    result["load_after"] = list(os.getloadavg())
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["failures"] = [
        f"{r['keyword']}: total {r['same_total']}, first page {r['same_first_page']}, "
        f"ids {r['same_ids']} (missing {r['missing']}, extra {r['extra']})"
        for r in result["searches"]
        if not (r["same_total"] and r["same_first_page"] and r["same_ids"])
    ]
    return result


# ---------------------------------------------------------------------------- report


def write(result, json_dir, markdown_path):
    """Store this run as results-<vendor>.json in `json_dir` and render every stored run
    there (one per database) into `markdown_path`."""
    json_dir = Path(json_dir)
    json_dir.mkdir(parents=True, exist_ok=True)
    path = json_dir / f"results-{result['database']['vendor']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    results = [json.loads(p.read_text()) for p in sorted(json_dir.glob("results-*.json"))]
    order = {"sqlite": 0, "postgresql": 1}
    results.sort(key=lambda r: order.get(r["database"]["vendor"], 9))
    Path(markdown_path).write_text(render(results))
    return path


def _ms(value):
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _verdict(op):
    if op["target_ms"] is None:
        return ""
    return "✓" if op["p95"] <= op["target_ms"] else "✗"


def render(results):
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (see benchmarks/README.md); do not edit by hand.",
        "Times are wall-clock milliseconds per request through Django's test client with a",
        "real session (middleware, auth, FilterSet, query, count, serialisation, rendering),",
        "measured in one process against a warm database. p95 is the nearest-rank 95th",
        "percentile of n repetitions; n below the requested count means the measurement",
        "was capped by its time budget. Targets are the acceptance figures of the",
        "performance issue (p95: lists, searches and details 50 ms, claim 20 ms,",
        "batch-assign 1 s; quick search ≥ 10× faster than the naive way).",
        "",
        "## Machine",
        "",
    ]
    first = results[0]["machine"]
    versions = ", ".join(f"{r['database']['label']} {r['database']['version']}" for r in results)
    lines += [
        f"- CPU: {first['cpu']}, {first['cores']} cores; RAM {first['memory_gb']} GB",
        f"- {first['os']}; Python {first['python']}; Django {first['django']}",
        f"- Databases: {versions} (PostgreSQL on the same machine, default configuration)",
        f"- App measured: {_app_line(results)}",
        "- Shared machine: other people's test suites ran at the same time. Load average "
        "(1, 5, 15 min) at start → end of each run: "
        + "; ".join(
            f"{r['database']['label']} {_load(r['load_before'])} → {_load(r['load_after'])}"
            for r in results
        ),
        "",
        "## Datasets",
        "",
        "| database | customers | contacts | claimed | shares | users | generated in "
        "| of which loading | measured at | run took |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        stats = r["dataset"].get("stats", {})
        counts = stats.get("counts", {})
        seconds = stats.get("seconds", {})
        total = r["dataset"].get("seconds_total")
        lines.append(
            f"| {r['database']['label']} | {r['customers']:,} | {r['contacts']:,} "
            f"| {counts.get('claimed', 0):,} | {counts.get('shares', 0):,} "
            f"| {counts.get('users', 0)} | {_seconds(total)} "
            f"| {_seconds(seconds.get('total_load'))} | {r['measured_at']} | {r['seconds']:.0f} s |"
        )
    lines.append("")
    for r in results:
        counts = r["dataset"].get("stats", {}).get("counts", {})
        if counts:
            lines.append(
                f"- {r['database']['label']}: {counts['departments']} departments, 5-level "
                f"hierarchy; the heavy user owns {counts['heavy_user_customers']:,} customers, "
                f"the supervisor has {counts['supervisor_subordinates']} people below; "
                f"{counts['deleted']:,} customers in the recycle bin; seed "
                f"{r['dataset']['stats'].get('seed')}."
            )
    lines += ["", "## Operations: p50 / p95 (ms)", ""]
    header = "| operation | request | target p95 |"
    rule = "|---|---|---:|"
    for r in results:
        header += f" {r['database']['label']} p50 | p95 | n | |"
        rule += "---:|---:|---:|---|"
    lines += [header, rule]
    keys = [op["key"] for op in results[0]["operations"]]
    by_db = [{op["key"]: op for op in r["operations"]} for r in results]
    for key in keys:
        base = by_db[0][key]
        line = f"| {base['label']} | `{base['request']}` | {_ms(base['target_ms'])} |"
        for ops in by_db:
            op = ops.get(key)
            if op is None:
                line += " — | — | — | |"
                continue
            n = f"{op['n']}{'*' if op['capped'] else ''}"
            line += f" {_ms(op['p50'])} | {_ms(op['p95'])} | {n} | {_verdict(op)} |"
        lines.append(line)
    lines += ["", "`*` = capped by the time budget (see n).", ""]
    capped = [
        f"{r['database']['label']}: {op['label']}, {op['n']} of {r['reps']} repetitions "
        f"(p50 {_ms(op['p50'])} ms; budget {r['budget_s']:.0f} s per measurement)"
        for r in results
        for op in r["operations"]
        if op["capped"]
    ]
    if capped:
        lines += ["Capped measurements:", "", *[f"- {c}" for c in capped], ""]
    lines += ["## Quick search: the app against the naive way", ""]
    for r in results:
        lines += [
            f"### {r['database']['label']}",
            "",
            "| keyword | kind | list | hits | total shown | app p50 | app p95 "
            "| app query p50 | naive p50 | naive p95 | speed-up | same total, first page, ids |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for s in r["searches"]:
            same = "✓" if s["same_total"] and s["same_first_page"] and s["same_ids"] else "✗"
            if same == "✗":
                same += f" (missing {s['missing']}, extra {s['extra']})"
            shown = f"≈ {s['shown_total']:,}" if s.get("count_is_estimate") else "exact"
            lines.append(
                f"| {s['keyword']} | {s['label']} | {s['scope']} | {s['hits']:,} | {shown} "
                f"| {_ms(s['app']['p50'])} | {_ms(s['app']['p95'])} "
                f"| {_ms(s['app_query']['p50'])} "
                f"| {_ms(s['naive']['p50'])} | {_ms(s['naive']['p95'])}"
                f"{'*' if s['naive']['capped'] else ''} | {s['ratio']:.2f}× | {same} |"
            )
        verdict = "✓" if r["median_ratio"] >= MIN_RATIO else "✗"
        lines += [
            "",
            f"Median speed-up over the keyword mix: **{r['median_ratio']:.2f}×** "
            f"(target ≥ {MIN_RATIO}× {verdict}).",
            "",
        ]
    lines += [
        "App = the whole request through the API (`search=` on the list named). App query =",
        "the app's FilterSet query alone, planned and paged as a request does (total, then",
        "page 1). Total shown = what the API answered: exact, or an estimate marked",
        "`count_is_estimate` where a sample put the list above 10,000 rows or counting it",
        "exactly would have taken longer than the count budget (core/counting.py).",
        "Naive = the bare",
        'ORM query Django admin\'s `search_fields = ["name", "contacts__name"]` would run:',
        "`.filter(Q(name__icontains=kw) | Q(contacts__name__icontains=kw)).distinct()` over",
        "the same scope (`Customer.live` for the pool): the count, then page 1 by name.",
        "Page 1 is asked for as Django's paginator (DRF's and admin's) does: LIMIT 50, or",
        "LIMIT count when fewer match, which can change the plan.",
        "Speed-up = naive p50 ÷ app p50 (the whole request), so it leans in the naive way's",
        "favour. The correctness column compares the app's full result with plain",
        "`icontains` over the same scope (names only for the pool, which does not search",
        "contacts): the same total, the same first page and the same set of ids.",
        "",
        "## Peak memory of the worker",
        "",
        "| database | after the list, detail and search requests "
        "| at the end (naive runs, checks, claim and assign too) |",
        "|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']['label']} | {r['peak_rss_serving_mb']:.0f} MB "
            f"| {r['peak_rss_total_mb']:.0f} MB |"
        )
    lines += [
        "",
        "Peak resident set size of the measuring process (`ru_maxrss`), which is the",
        "worker: Django, the app and, for SQLite, the database engine itself.",
        "",
    ]
    failures = [f"{r['database']['label']}: {f}" for r in results for f in r["failures"]]
    if failures:
        lines += ["## Wrong answers", "", *[f"- {f}" for f in failures], ""]
    return "\n".join(lines)


def _app_line(results):
    """Which code was measured, leaving out the harness's own files."""
    parts = []
    for r in results:
        app = r.get("app", {"commit": "?", "changed": []})
        changed = [path for path in app["changed"] if not path.startswith("benchmarks/")]
        part = f"{r['database']['label']} at commit {app['commit']}"
        if changed:
            part += f" with uncommitted changes to {', '.join(changed)}"
        parts.append(part)
    commits = sorted({r.get("app", {}).get("commit", "?") for r in results})
    if len(commits) == 2:
        command = ["git", "-C", str(ROOT), "diff", "--name-only", *commits, "--", "."]
        try:
            listing = subprocess.run(
                [*command, ":(exclude)benchmarks"], capture_output=True, text=True, check=True
            ).stdout.split()
        except (OSError, subprocess.CalledProcessError):
            listing = None
        if listing == []:
            parts.append("the two commits differ only in benchmarks/")
        elif listing:
            parts.append(f"outside benchmarks/ the two commits differ in {', '.join(listing)}")
    return "; ".join(parts)


def _load(values):
    return "/".join(f"{v:.1f}" for v in values)


def _seconds(value):
    if value in (None, ""):
        return "—"
    value = float(value)
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--min-reps", type=int, default=5)
    parser.add_argument("--json-dir", default=str(HERE / "results"))
    parser.add_argument("--markdown", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    setup_django(database_url(args.db, args.size))
    from config.worker import tune_garbage_collector

    tune_garbage_collector()  # as config/wsgi.py does for every serving process
    result = run(reps=args.reps, budget=args.budget, min_reps=args.min_reps)
    write(result, args.json_dir, args.markdown)
    log(f"wrote {args.markdown}; median ratio {result['median_ratio']}")
    for failure in result["failures"]:
        log(f"WRONG ANSWER {failure}")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
