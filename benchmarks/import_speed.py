"""How fast does an import of a big file go into the benchmark's company? (issue: 100,000
rows with 5 % duplicates into a pool of 1M customers within 60 s, worker peak memory
within 300 MB.)

It works on a copy of the generated dataset (`benchmarks.generate`), never on the dataset
itself: SQLite's file is copied with the backup API, PostgreSQL's database is created
from it as a template. A CSV file is written with ROWS names never seen (drawn like the
generator's), a share of them names of existing live customers and a few repeated in the
file; the pool manager imports it into the pool, in this process, through the same code
as the job worker (transfers.importing.run). The copy is dropped at the end.

    .venv/bin/python -m benchmarks.import_speed [--db sqlite|postgres] [--rows 100000]
        [--size 1000000] [--duplicates 0.05] [--profile FILE] [--probe SECONDS]
        [--nice N]

With --probe, list pages are timed (benchmarks.list_probe, another process) for SECONDS
alone, then for as long as the import runs: the issue wants their p95 within 2x.
"""

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
POOL_MANAGER_USERNAME = "bench_pool_manager"


@contextlib.contextmanager
def as_worker(url):
    """Django set up on the database at `url` as a job worker runs in production (DEBUG
    off: on, it keeps every query in memory), migrated, its files under a temporary
    directory, which it yields."""
    os.environ["DATABASE_URL"] = url
    os.environ["POOLCRM_DEBUG"] = "0"
    os.environ.setdefault("POOLCRM_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["POOLCRM_VAR_DIR"] = tmp
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield Path(tmp)


def copy_dataset(source_url):
    """A copy of the dataset at `source_url`: (url, drop)."""
    parsed = urlparse(source_url)
    if parsed.scheme == "sqlite":
        target = Path(parsed.path).with_name("bench-import-copy.sqlite3")
        source, copy = sqlite3.connect(parsed.path), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return f"sqlite:///{target}", lambda: [
            Path(f"{target}{suffix}").unlink(missing_ok=True) for suffix in ("", "-wal", "-shm")
        ]
    import psycopg

    name = parsed.path.lstrip("/")
    admin = source_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}_import"')
        db.execute(f'CREATE DATABASE "{name}_import" TEMPLATE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}_import"')

    return source_url.rsplit("/", 1)[0] + f"/{name}_import", drop


def write_file(path, rows, duplicates, rng):
    """ROWS rows: new names, a `duplicates` share of existing live names, shuffled."""
    from customers.models import Customer

    count = int(rows * duplicates)
    last = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    picked = rng.sample(range(1, last + 1), count * 2)
    existing = list(Customer.live.filter(pk__in=picked).values_list("name", flat=True)[:count])
    body = [
        [
            f"导入测试客户{i:07d}{rng.choice('甲乙丙丁戊己')}有限公司",
            "",
            f"021-{i:08d}",
            f"联系人{i}",
        ]
        for i in range(rows - len(existing))
    ]
    body += [[name, "", "", ""] for name in existing]
    rng.shuffle(body)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["客户名称", "行业", "电话", "联系人"])
        writer.writerows(body)
    return len(existing)


def start_probe(tmp, name, *extra):
    """benchmarks.list_probe in a process of its own: (process, where it writes)."""
    out = tmp / f"{name}.json"
    command = [sys.executable, "-m", "benchmarks.list_probe", str(out), *extra]
    return subprocess.Popen(command, cwd=ROOT), out


def probed(process, out):
    if process.wait(timeout=600) != 0:
        raise SystemExit("the list probe failed")
    return json.loads(out.read_text())


def measure(rows, duplicates, seed, tmp, profile=None, probe=0, nice=0):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from org.models import User
    from transfers import importing
    from transfers.models import ImportJob

    rng = random.Random(seed)
    path = tmp / "import.csv"
    existing = write_file(path, rows, duplicates, rng)
    manager = User.objects.get(username=POOL_MANAGER_USERNAME)
    lists = {}
    if probe:  # the list pages alone first, then beside the import
        lists["idle"] = probed(*start_probe(tmp, "idle", "--seconds", str(probe)))
        stop = tmp / "stop"
        beside = start_probe(tmp, "beside", "--until", str(stop))
    if nice:  # as the README's worker unit runs (Nice=), the list pages beside it not
        os.nice(nice)
    started = time.perf_counter()
    job = importing.prepare(manager, SimpleUploadedFile(path.name, path.read_bytes()))
    ImportJob.objects.filter(pk=job.pk).update(state="queued", target="pool")
    prepared = time.perf_counter()
    if profile:
        import cProfile

        cProfile.runctx("importing.run(job.pk)", globals(), locals(), profile)
    else:
        importing.run(job.pk)
    finished = time.perf_counter()
    if probe:
        stop.touch()
        lists["during the import"] = probed(*beside)
        lists["p95 ratio"] = round(lists["during the import"]["p95"] / lists["idle"]["p95"], 2)
    job.refresh_from_db()
    from django.db import connection

    settings_of_server = {}
    if connection.vendor == "postgresql":  # the one the list pages beside it depend on
        with connection.cursor() as cursor:
            cursor.execute("SHOW shared_buffers")
            settings_of_server["shared_buffers"] = cursor.fetchone()[0]
    return {
        "rows": rows,
        "existing_duplicates": existing,
        "state": job.state,
        "imported": job.imported,
        "skipped": job.skipped,
        "refused": job.refused,
        "prepare_s": round(prepared - started, 1),
        "run_s": round(finished - prepared, 1),
        "rows_per_s": round(rows / (finished - prepared)),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **({"list pages": lists} if probe else {}),
        **settings_of_server,
    }


def report(result, json_path=None):
    """Prints a step's result (and writes it to `json_path`); the exit code says whether
    its job finished."""
    print(json.dumps(result, indent=1))
    if json_path:
        Path(json_path).write_text(json.dumps(result))
    return 0 if result["state"] == "done" else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--profile", help="write the import's cProfile statistics here")
    parser.add_argument("--nice", type=int, default=0, help="import at this CPU niceness")
    parser.add_argument(
        "--probe",
        type=float,
        default=0,
        help="time list pages (benchmarks.list_probe) this many seconds idle, then during "
        "the import",
    )
    parser.add_argument("--json", help="write the result here too")
    args = parser.parse_args(argv)

    from benchmarks.generate import database_url

    url, drop = copy_dataset(database_url(args.db, args.size))
    with as_worker(url) as tmp:
        try:
            result = measure(
                args.rows,
                args.duplicates,
                args.seed,
                Path(tmp),
                args.profile,
                args.probe,
                args.nice,
            )
        finally:
            from django.db import connections

            connections.close_all()
            drop()
    result.update(db=args.db, size=args.size, seed=args.seed)
    return report(result, args.json)


if __name__ == "__main__":
    sys.exit(main())
