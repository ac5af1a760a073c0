"""`make bench`, the measuring step: the app at scale, request by request, every answer
checked against a ground truth computed in Python (benchmarks/truth.py).

Every request goes through DRF's APIClient in this process, signed in with a real session
(middleware, session and user, authentication, the FilterSet, the query, the capped total,
serialisation, JSON or template rendering): what a worker does, minus the socket. Each is
warmed up once, then repeated `reps` times, or fewer (at least `min_reps`) once it has run
`budget` seconds.

- Lists: the pool, mine (the heavy user), shared (a supervisor) and shared (a
  salesperson), in every order the list offers, both ways (customers.sorting): the first
  page, the next, the last (`cursor=last`), a page 20 `next` links in, and a page read
  from a cursor built from the row halfway down the list (at most JUMP rows down).
- Quick search: the keyword mix drawn from the data by the seed, on each of those lists.
  The naive way is timed too: `icontains` on the name (the pool) or on the name and the
  contacts' names with DISTINCT (mine and shared), the exact count and the first page,
  as a bare ORM query.
- Details, the HTML list pages, a combined query; claim one and batch-assign, last, and
  undone afterwards; the module pages' customer picker (benchmarks/picker.py).

Exactness: each measured page must hold the rows the ground truth puts there, and its
total must be right; for each order of each list and each keyword on each list, walking
the whole list with `next` links (up to WALK_LIMIT rows, otherwise its first pages) and
back from `cursor=last` must give each row once, in the ground truth's order."""

import argparse
import datetime
import gc
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import (
    DICTIONARY,
    HEAVY_USERNAME,
    META_TABLE,
    POOL_MANAGER_USERNAME,
    ROOT,
    SUPERVISOR_USERNAME,
    database_url,
    setup_django,
)
from benchmarks.picker import measure_picker
from benchmarks.tabs import measure_tabs

HERE = Path(__file__).resolve().parent
TARGET_MS = 100  # every row's p95
TARGET_MEDIAN_MS = 30  # the median row's p50
TARGET_CLAIM_MS = 20
TARGET_ASSIGN_MS = 1000
MIN_RATIO = 10
ASSIGN_BATCH = 1000
ASSIGN_TARGETS = 10
PAGE = 50  # the API's default page size
DEEP = 20  # `next` links followed for a deep page
JUMP = 500_000  # how far down the list the cursor of a jump is built, at most
WALK_LIMIT = 2000
WALK_PAGE = 100
NAIVE_REPS = 3
_STARTED = time.perf_counter()


def log(message):
    elapsed = time.perf_counter() - _STARTED
    print(f"[measure +{elapsed:.0f}s] {message}", file=sys.stderr, flush=True)


def percentile(samples, fraction):
    """Nearest-rank percentile: the smallest sample with `fraction` of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Runner:
    def __init__(self, reps, budget, min_reps):
        self.reps, self.budget, self.min_reps = reps, budget, min_reps

    def time(self, call, *, reps=None, warm_up=True):
        """Times `call(rep)`; returns the figures and the last answer."""
        reps = reps or self.reps
        # What the benchmark itself built since the last measurement (an order of a
        # million ids, its sort keys) is out of the collector's sight while timing, as a
        # worker's start-up objects are in a steady state.
        gc.collect()
        gc.freeze()
        answer = call(-1) if warm_up else None
        samples = []
        started = time.perf_counter()
        for rep in range(reps):
            before = time.perf_counter()
            answer = call(rep)
            samples.append((time.perf_counter() - before) * 1000)
            if time.perf_counter() - started > self.budget and len(samples) >= self.min_reps:
                break
        figures = {
            "n": len(samples),
            "capped": len(samples) < reps,
            "p50": round(statistics.median(samples), 2),
            "p95": round(percentile(samples, 0.95), 2),
        }
        return figures, answer


def _ok(response, what=""):
    if response.status_code != 200:
        raise AssertionError(f"{what} answered {response.status_code}: {response.content[:300]!r}")
    return response


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)  # a real session: every request loads it and the user
    return client


@dataclass
class Listing:
    key: str
    label: str
    path: str
    user: object
    sorts: tuple
    contacts: bool  # whether its quick search reads contact names

    def __post_init__(self):
        self.client = _client(self.user)

    def get(self, request):
        """One request: the list's parameters, or a `next`/`previous` link as answered."""
        if isinstance(request, str):
            return _ok(self.client.get(request), self.label)
        return _ok(self.client.get(self.path, request), self.label)


def _people():
    from django.db.models import Count

    from customers import querysets
    from org.hierarchy import subordinate_ids
    from org.models import User

    supervisor = User.objects.get(username=SUPERVISOR_USERNAME)
    below = subordinate_ids(supervisor)
    # Salespeople outside the supervisor's tree, the one owning the most first.
    reps = User.objects.filter(username__startswith="bench_rep").exclude(pk__in=below)
    reps = reps.annotate(owned=Count("owned_customers")).order_by("-owned", "username")
    reps = list(reps[: ASSIGN_TARGETS + 1])
    if len(reps) < ASSIGN_TARGETS + 1:
        raise RuntimeError("the dataset lacks salespeople outside the supervisor's tree")
    heavy = User.objects.get(username=HEAVY_USERNAME)
    return {
        "heavy": heavy,
        "supervisor": supervisor,
        "rep": reps[0],
        "assignees": reps[1:],
        "pool_manager": User.objects.get(username=POOL_MANAGER_USERNAME),
        "subordinates": len(below),
        "querysets": {
            "pool": querysets.pool(reps[0]),
            "mine": querysets.mine(heavy),
            "shared": querysets.shared(supervisor),
            "shared_rep": querysets.shared(reps[0]),
        },
        "readable": {"shared": querysets.visible(supervisor)},
    }


def _listings(people, truth):
    from customers.sorting import PUBLIC_SORTS, RECORD_SORTS

    size = {key: f"{len(ids):,} customers" for key, ids in truth.members.items()}
    return [
        Listing("pool", f"pool ({size['pool']})", "/api/pool/", people["rep"], PUBLIC_SORTS, False),
        Listing(
            "mine", f"mine ({size['mine']})", "/api/mine/", people["heavy"], RECORD_SORTS, True
        ),
        Listing(
            "shared",
            f"shared, supervisor over {people['subordinates']} people ({size['shared']})",
            "/api/shared/",
            people["supervisor"],
            RECORD_SORTS,
            True,
        ),
        Listing(
            "shared_rep",
            f"shared, salesperson ({size['shared_rep']})",
            "/api/shared/",
            people["rep"],
            RECORD_SORTS,
            True,
        ),
    ]


# ---------------------------------------------------------------------------- exactness


def _page_problem(response, expected, total=None):
    """What is wrong with a page that should hold `expected` (and count `total`)."""
    from django.conf import settings

    body = response.json()
    got = [row["id"] for row in body["results"]]
    problems = []
    if got != expected:
        problems.append(f"page holds {_difference(got, expected)}")
    if total is not None:
        cap = settings.COUNT_CAP
        want = (min(total, cap), total > cap)
        if (body["count"], body["count_is_capped"]) != want:
            problems.append(f"total {body['count']} capped {body['count_is_capped']}, not {want}")
    return problems


def _difference(got, expected):
    repeated = len(got) - len(set(got))
    missing, extra = len(set(expected) - set(got)), len(set(got) - set(expected))
    order = "" if repeated or missing or extra else ", in another order"
    return (
        f"{len(got)} rows for {len(expected)}: {repeated} repeated, {missing} missing, "
        f"{extra} not expected{order}"
    )


def _walk(listing, params, backwards):
    """Ids of up to WALK_LIMIT rows, following `next` links from the first page (or
    `previous` links from the last), in list order; and whether the list ended."""
    query = {**params, "page_size": WALK_PAGE, **({"cursor": "last"} if backwards else {})}
    response = listing.get(query)
    pages = []
    while True:
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        link = body["previous" if backwards else "next"]
        if link is None or sum(map(len, pages)) >= WALK_LIMIT:
            break
        response = listing.get(link)
    if backwards:
        pages.reverse()
    return [pk for page in pages for pk in page], link is None


def walk_problems(listing, params, expected):
    """Both walks of a list against its expected ids in order."""
    problems = []
    for backwards in (False, True):
        got, ended = _walk(listing, params, backwards)
        if ended:
            want = expected
        else:
            want = expected[-len(got) :] if backwards else expected[: len(got)]
        if got != want:
            way = "back from the last page" if backwards else "forwards"
            problems.append(f"walking {way}: {_difference(got, want)}")
    return problems


# ---------------------------------------------------------------------------- lists


def _measure_list(runner, truth, listing, ordering, calls):
    """The five pages of one order of one list, and both walks. Returns rows."""
    from core.keyset import NEXT, KeysetPaginator
    from customers.models import Customer
    from customers.sorting import sort_for

    sort = sort_for(ordering, listing.sorts)
    expected = truth.order(listing.key, sort)
    pages = {"first": ({"ordering": ordering}, expected[:PAGE], "first page")}
    links = []  # links[d - 1] leads to page d + 1
    link = listing.get({"ordering": ordering}).json()["next"]
    while link and len(links) < DEEP:
        links.append(link)
        link = listing.get(link).json()["next"] if len(links) < DEEP else None
    if links:
        pages["next"] = (links[0], expected[PAGE : 2 * PAGE], "next page")
    if len(links) > 1:
        depth = len(links)
        deep = expected[depth * PAGE : (depth + 1) * PAGE]
        pages["deep"] = (links[-1], deep, f"page {depth + 1}")
    pages["last"] = ({"ordering": ordering, "cursor": "last"}, expected[-PAGE:], "last page")
    if len(expected) > 2:
        position = min(JUMP, len(expected) // 2)
        row = Customer.objects.get(pk=expected[position])
        cursor = KeysetPaginator(Customer.objects.all(), sort, PAGE).encode(NEXT, row)
        pages["jump"] = (
            {"ordering": ordering, "cursor": cursor},
            expected[position + 1 : position + 1 + PAGE],
            f"from row {position:,}",
        )
    rows = []
    for kind, (request, want, label) in pages.items():
        key = f"{listing.key} {ordering} {kind}"
        calls[key] = lambda rep, request=request: listing.get(request)
        figures, answer = runner.time(calls[key])
        problems = _page_problem(answer, want, len(expected) if kind == "first" else None)
        if kind == "first":
            problems += walk_problems(listing, {"ordering": ordering}, expected)
        rows.append(
            {
                "key": key,
                "section": "list",
                "list": listing.label,
                "ordering": ordering,
                "page": kind,
                "label": f"{listing.label}, by {ordering}, {label}",
                "request": f"GET {listing.path}?ordering={ordering}",
                "target": TARGET_MS,
                **figures,
                "problems": problems,
            }
        )
        _log_row(rows[-1])
    return rows


def measure_lists(runner, truth, listings, calls):
    rows = []
    for listing in listings:
        for param, _label, _keys in listing.sorts:
            for ordering in (param, f"-{param}"):
                rows += _measure_list(runner, truth, listing, ordering, calls)
    return rows


# ---------------------------------------------------------------------------- search


def naive_search(scope, text, contacts):
    """What Django admin's `search_fields` would run: icontains on the name, and on the
    contacts' names (with DISTINCT) where the list searches them."""
    from django.db.models import Q

    if not contacts:
        return scope.filter(name__icontains=text).order_by("sort_name", "id")
    rows = scope.filter(Q(name__icontains=text) | Q(contacts__name__icontains=text))
    return rows.distinct().order_by("sort_name", "id")


def _first_page_and_count(rows):
    """What Django's Paginator runs for page 1: the exact count, then the page."""
    total = rows.count()
    return (list(rows[: min(PAGE, total)]) if total else []), total


def measure_searches(runner, truth, listings, keywords, querysets, calls):
    from customers.sorting import sort_for

    rows = []
    for keyword in keywords:
        for listing in listings:
            sort = sort_for("", listing.sorts)
            expected = truth.search(listing.key, sort, keyword.text, listing.contacts)
            params = {"search": keyword.text}
            key = f"{listing.key} search {keyword.text}"
            calls[key] = lambda rep, listing=listing, params=params: listing.get(params)
            figures, answer = runner.time(calls[key])
            naive = naive_search(querysets[listing.key], keyword.text, listing.contacts)
            naive_figures, _answer = runner.time(
                lambda rep, naive=naive: _first_page_and_count(naive),
                reps=min(NAIVE_REPS, runner.reps),
                warm_up=False,
            )
            problems = _page_problem(answer, expected[:PAGE], len(expected))
            problems += walk_problems(listing, params, expected)
            rows.append(
                {
                    "key": key,
                    "section": "search",
                    "list": listing.label,
                    "list_key": listing.key,
                    "keyword": keyword.text,
                    "kind": keyword.kind,
                    "hits": len(expected),
                    "label": f"{listing.label}, search “{keyword.text}” ({keyword.kind})",
                    "request": f"GET {listing.path}?search=…",
                    "target": TARGET_MS,
                    **figures,
                    "naive_p50": naive_figures["p50"],
                    "ratio": round(naive_figures["p50"] / figures["p50"], 1),
                    "problems": problems,
                }
            )
            _log_row(rows[-1])
    return rows


# ---------------------------------------------------------------------------- others


def _combined_params():
    from django.utils import timezone

    from settings_app.models import DictionaryItem

    today = timezone.localdate()
    return {
        "category": DictionaryItem.objects.get(kind="category", name=DICTIONARY["category"][1]).pk,
        "region": DictionaryItem.objects.get(kind="region", name=DICTIONARY["region"][1]).pk,
        "created_after": (today - datetime.timedelta(days=730)).isoformat(),
        "created_before": (today - datetime.timedelta(days=366)).isoformat(),
    }


def measure_others(runner, truth, people, calls):
    rep, heavy, supervisor = (_client(people[k]) for k in ("rep", "heavy", "supervisor"))
    owned = truth.members["mine"][:200]
    supervised = [
        pk
        for pk in truth.members["shared"]
        if pk in truth.readable["shared"] and truth.rows[pk].owner_id != people["supervisor"].pk
    ][:200]
    operations = [
        ("detail_owner", "customer detail (owner)", "GET /api/customers/{id}/", heavy, owned),
        (
            "detail_supervisor",
            "customer detail (supervisor)",
            "GET /api/customers/{id}/",
            supervisor,
            supervised,
        ),
        ("page_pool", "pool page (HTML)", "GET /pool/", rep, None),
        ("page_mine", "my customers page (HTML)", "GET /mine/", heavy, None),
        ("page_shared", "shared customers page (HTML)", "GET /shared/", supervisor, None),
        (
            "pool_combined",
            "pool, category + region + created range",
            "GET /api/pool/?category&region&created_after&created_before",
            rep,
            _combined_params(),
        ),
    ]
    rows = []
    for key, label, request, client, ids in operations:
        path = request.split()[1].split("?")[0]
        if isinstance(ids, list):

            def call(rep, client=client, ids=ids):
                return _ok(client.get(f"/api/customers/{ids[rep % len(ids)]}/"), "detail")
        else:

            def call(rep, client=client, path=path, params=ids or {}):
                return _ok(client.get(path, params), path)

        calls[key] = call
        figures, _answer = runner.time(call)
        rows.append(
            {
                "key": key,
                "section": "other",
                "label": label,
                "request": request,
                "target": TARGET_MS,
                **figures,
                "problems": [],
            }
        )
        _log_row(rows[-1])
    return rows


def _in_chunks(ids, size=5000):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def unclaimed_ids(rng, count):
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
    return found[:count]


class Restorer:
    """Puts claimed or assigned customers back as they were (unclaimed, their update
    time) and drops the ownership events written meanwhile."""

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


def measure_mutations(runner, people, rng):
    """Claim one and batch-assign, last, so that their writes never sit between the reads
    being measured; everything they changed is put back afterwards."""
    claimer, manager = _client(people["rep"]), _client(people["pool_manager"])
    reps = runner.reps + 1  # the warm-up takes one too
    fresh = unclaimed_ids(rng, reps * (ASSIGN_BATCH + 1))
    claims, rest = fresh[:reps], fresh[reps:]
    batch = min(ASSIGN_BATCH, len(rest) // reps)
    if batch < 1:
        raise RuntimeError("too few unclaimed customers to measure claim and assign")
    to = [u.pk for u in people["assignees"]]

    def claim(rep):
        response = claimer.post("/api/customers/claim/", {"ids": [claims[rep + 1]]})
        if _ok(response, "claim").json()["done"] != [claims[rep + 1]]:
            raise AssertionError(f"claim refused: {response.json()}")

    def assign(rep):
        ids = rest[(rep + 1) * batch : (rep + 2) * batch]
        response = manager.post("/api/customers/assign/", {"ids": ids, "to": to})
        if len(_ok(response, "assign").json()["done"]) != len(ids):
            raise AssertionError(f"assign refused some: {response.json()['refused'][:3]}")

    restorer = Restorer(fresh)
    rows = []
    try:
        for key, label, request, call, target in (
            ("claim", "claim one", "POST /api/customers/claim/", claim, TARGET_CLAIM_MS),
            (
                "assign",
                f"batch-assign {batch:,} to {len(to)} users (pool manager)",
                "POST /api/customers/assign/",
                assign,
                TARGET_ASSIGN_MS,
            ),
        ):
            figures, _answer = runner.time(call)
            rows.append(
                {
                    "key": key,
                    "section": "other",
                    "label": label,
                    "request": request,
                    "target": target,
                    **figures,
                    "problems": [],
                }
            )
            _log_row(rows[-1])
    finally:
        restorer.restore()
    return rows


def _log_row(row):
    mark = "" if row["p95"] <= row["target"] else " OVER TARGET"
    wrong = f" WRONG: {'; '.join(row['problems'])}" if row["problems"] else ""
    figures = f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms (n={row['n']})"
    log(f"{row['label']}: {figures}{mark}{wrong}")


# ---------------------------------------------------------------------------- plans


def explain(call):
    """The slowest query one call runs and the database's plan for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        call(0)
    request_ms = (time.perf_counter() - started) * 1000
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    sql = slowest["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [line for (line,) in cursor.fetchall()]
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            depth = {0: -1}
            plan = []
            for node, parent, _unused, detail in cursor.fetchall():
                depth[node] = depth.get(parent, -1) + 1
                plan.append("  " * depth[node] + detail)
    return {
        "request_ms": round(request_ms, 1),
        "queries": len(captured.captured_queries),
        "ms": round(float(slowest["time"]) * 1000, 1),
        "sql": sql,
        "plan": plan,
    }


# ---------------------------------------------------------------------------- the run


def _settle():
    """On PostgreSQL, VACUUM first: an earlier run's claims and assignments (and putting
    them back) cleared the visibility bits of most heap pages, so every count and
    index-only scan would visit the heap until autovacuum came by."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def _database():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
    else:
        version = sqlite3.sqlite_version
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    return {"vendor": connection.vendor, "label": label, "version": version}


def _dataset():
    from django.db import connection

    from customers.models import Contact, Customer

    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, value FROM {META_TABLE}")
            meta = dict(cursor.fetchall())
    except Exception:  # no such table: not a generated benchmark database
        meta = {}
    stats = json.loads(meta.get("stats", "{}"))
    return {
        "customers": Customer.objects.count(),
        "contacts": Contact.objects.count(),
        "generated_seed": meta.get("seed"),
        "generated_in_s": float(meta.get("seconds_total", 0)) or None,
        "counts": stats.get("counts", {}),
    }


def machine():
    cpu, memory_kb = "unknown", 0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(
            line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def app_version():
    """The commit measured, and whether tracked files outside benchmarks/ differ from it."""

    def git(*args):
        command = ["git", "-C", str(ROOT), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = git(
            "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks"
        )
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "changed": []}
    return {"commit": commit, "changed": sorted(line[3:] for line in changed.splitlines())}


def run(*, seed, reps=30, budget=60.0, min_reps=5):
    """Measure the default database, which holds a generated dataset. Returns the result
    that report.write() stores."""
    from benchmarks.truth import Truth, draw_keywords

    started = time.perf_counter()
    result = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "machine": machine(),
        "app": app_version(),
        "database": _database(),
        "reps": reps,
        "budget_s": budget,
        "load_average": [list(os.getloadavg())],
        "dataset": _dataset(),
    }
    log(f"{result['database']['label']}: {result['dataset']['customers']:,} customers; seed {seed}")
    _settle()
    people = _people()
    truth = Truth(people["querysets"], people["readable"])
    keywords = draw_keywords(truth, random.Random(seed))
    result["keywords"] = [{"text": k.text, "kind": k.kind} for k in keywords]
    log(f"ground truth read; {len(keywords)} keywords: {' '.join(k.text for k in keywords)}")
    # The ground truth is millions of objects a worker does not hold: out of the garbage
    # collector's sight, so that collections during requests take as long as in a worker.
    gc.freeze()
    runner = Runner(reps, budget, min_reps)
    listings = _listings(people, truth)
    calls = {}
    rows = measure_lists(runner, truth, listings, calls)
    rows += measure_searches(runner, truth, listings, keywords, people["querysets"], calls)
    rows += measure_others(runner, truth, people, calls)
    for row in rows:
        if row["p95"] > row["target"]:
            row["plan"] = explain(calls[row["key"]])
    for measure_section in SECTIONS.values():
        rows += measure_section(runner, people, seed)
    gc.unfreeze()
    result["rows"] = rows
    result["load_average"].append(list(os.getloadavg()))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _section(measure_rows):
    """A section measured with a person of the dataset inside a rolled-back transaction."""

    def rows(runner, people, seed):
        options = {"target": TARGET_MS, "client_for": _client, "ok": _ok, "log_row": _log_row}
        return measure_rows(runner, people, random.Random(seed), **options)

    return rows


SECTIONS = {
    # Last, so that their writes never sit between the reads measured; each undoes them.
    "mutations": lambda runner, people, seed: measure_mutations(
        runner, people, random.Random(seed)
    ),
    "picker": _section(measure_picker),
    "tabs": _section(measure_tabs),
}


def failures(result):
    return [f"{row['label']}: {problem}" for row in result["rows"] for problem in row["problems"]]


def main(argv=None):
    from benchmarks import load, report

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, help="draws the keyword mix; default: the time")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--min-reps", type=int, default=5)
    parser.add_argument(
        "--load", type=float, metavar="SECONDS", help="only the load run, this long"
    )
    parser.add_argument("--clients", type=int, default=8, help="clients of the load run")
    parser.add_argument(
        "--only",
        choices=tuple(SECTIONS),
        help="only this section's rows, put in place of those of the stored result",
    )
    parser.add_argument("--json-dir", default=str(HERE / "results"))
    parser.add_argument("--markdown", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    url = database_url(args.db, args.size)
    setup_django(url)
    if args.load:
        result = report.read(args.json_dir, _database()["vendor"])
        result["load"] = load.run(url, result, seconds=args.load, clients=args.clients)
        report.write(result, args.json_dir, args.markdown)
        return 0 if load.within_target(result["load"]) else 1
    seed = int(time.time()) if args.seed is None else args.seed
    log(f"seed {seed}")
    if args.only:
        result = report.read(args.json_dir, _database()["vendor"])
        runner = Runner(args.reps, args.budget, args.min_reps)
        section_rows = SECTIONS[args.only](runner, _people(), seed)
        # A section's rows by their section, or by key where they share one ("other").
        new_keys = {r["key"] for r in section_rows}
        kept = [r for r in result["rows"] if r["section"] != args.only and r["key"] not in new_keys]
        result["rows"] = kept + section_rows
        result.setdefault("measured_apart", {})[args.only] = {"seed": seed, "app": app_version()}
        report.write(result, args.json_dir, args.markdown)
        return 1 if failures(result) else 0
    result = run(seed=seed, reps=args.reps, budget=args.budget, min_reps=args.min_reps)
    report.write(result, args.json_dir, args.markdown)
    for failure in failures(result):
        log(f"WRONG ANSWER {failure}")
    log(f"wrote {args.markdown}")
    return 1 if failures(result) else 0


if __name__ == "__main__":
    sys.exit(main())
