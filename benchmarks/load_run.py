"""`make load`: Locust (benchmarks/locustfile.py) against the benchmark company, served by
one or two gunicorn servers on 127.0.0.1, for a bounded time; the figures go into the
"Load (make load)" section of benchmarks/RESULTS.md.

Each server is started as benchmarks/load.py's Server is (`gunicorn config.wsgi -w
WORKERS`, sync workers unless `--gunicorn-args` says otherwise, POOLCRM_DEBUG=0, a secret
key of its own); user n talks to server n mod SERVERS. The people, what they may open and
claim, and their tokens come from load.py (plans, tokens) before the clock starts; the
keyword mix is the stored `make bench` run's for this database (its seed is printed), or
is drawn from the data by `--seed` (benchmarks/truth.py) when there is none or another
seed is asked for.

Locust runs headless in a process of its own for `--seconds`, every user started at once
(`--rate` users a second); then no task starts and one still running may finish within
load.REQUEST_TIMEOUT. The figures count the requests that started between the moment
every user was running and the stop: requests per second, nearest-rank p50 / p95 / p99
of every one of them (as `make bench` computes them, not Locust's rounded ones), and the
failures. Beside them: the load average before and after, and the cores used meanwhile
by the load generator (its own CPU time), by the servers (gunicorn and its workers) and
by everything else on the machine (the PostgreSQL server, other people's work): on a
machine of two cores they all share them. The servers are stopped and what the claims
changed is put back whatever happens."""

import argparse
import datetime
import json
import os
import random
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import load, measure, report
from benchmarks.generate import ROOT, database_url, setup_django

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 200
SECTION = "## Load (make load)"
KINDS = ("list", "search", "detail", "claim", "return")
COLUMNS = (
    "run (UTC)",
    "commit",
    "database",
    "servers × workers",
    "users",
    "wait (s)",
    "seconds",
    "requests",
    "requests/s",
    "p50 / p95 / p99 (ms)",
    "p95 (ms): " + " / ".join(KINDS),
    "failures",
    "load average before → after",
    "cores used: generator / servers / rest",
    "note",
)
KEY = (2, 3, 4, 5)  # the columns that say which configuration a row measured
GENERATOR_BUSY = 0.8  # cores: Locust runs in one process, so near one it is the limit


def keyword_mix(json_dir, vendor, seed=None):
    """(seed, keywords): the stored `make bench` run's for this database unless another
    seed is asked for, else drawn from the data by the seed (the time by default)."""
    stored = Path(json_dir) / f"results-{vendor}.json"
    if stored.exists():
        result = json.loads(stored.read_text())
        if seed is None or seed == result["seed"]:
            measure.log(f"keywords of the stored make bench run of {stored.name}")
            return result["seed"], [k["text"] for k in result["keywords"]]
    from benchmarks.truth import Truth, draw_keywords

    seed = int(time.time()) if seed is None else seed
    measure.log(f"drawing the keyword mix from the data, seed {seed}")
    people = measure._people()
    truth = Truth(people["querysets"], people["readable"])
    return seed, [k.text for k in draw_keywords(truth, random.Random(seed))]


def cpu_reading(server_pids):
    """CPU seconds used so far by this process (in Locust's: the load generator), by the
    servers (each pid and its children) and by the whole machine, and the time."""
    import psutil

    own = resource.getrusage(resource.RUSAGE_SELF)
    servers = 0.0
    for pid in server_pids:
        try:
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                times = process.cpu_times()
                servers += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    machine = psutil.cpu_times()
    idle = machine.idle + getattr(machine, "iowait", 0)
    return {
        "time": time.time(),
        "generator": own.ru_utime + own.ru_stime,
        "servers": servers,
        "busy": sum(machine) - idle,
    }


def cores_used(first, last):
    """Cores used between two readings: by the generator, the servers and the rest."""
    wall = last["time"] - first["time"]
    used = {key: last[key] - first[key] for key in ("generator", "servers", "busy")}
    rest = max(0.0, used["busy"] - used["generator"] - used["servers"])
    return {
        "generator": round(used["generator"] / wall, 2),
        "servers": round(used["servers"] / wall, 2),
        "rest": round(rest / wall, 2),
    }


def _locust(plan_path, users, rate, seconds, log_path):
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        str(load.REQUEST_TIMEOUT),
        "--only-summary",
        "--exit-code-on-error",
        "0",  # the failures are counted here
    ]
    env = {**os.environ, "POOLCRM_LOAD_PLAN": str(plan_path), "PYTHONPATH": str(ROOT)}
    with open(log_path, "w") as output:
        completed = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=seconds + load.REQUEST_TIMEOUT + 120,
        )
    return completed.returncode


def figures(samples, start, end):
    """The run's figures from Locust's samples: those that started while every user ran,
    from `start` to `end` (times)."""
    kept = [s for s in samples if start <= s[1] < end]
    failed = [s for s in kept if s[3]]
    times = [s[2] for s in kept]

    def spread(values):
        return [round(measure.percentile(values, f), 1) for f in (0.5, 0.95, 0.99)]

    by_kind = {}
    for kind in KINDS:
        of_kind = [s[2] for s in kept if s[0] == kind]
        if of_kind:
            by_kind[kind] = {"requests": len(of_kind), "p95": spread(of_kind)[1]}
    failures = {}
    for name, _start, _ms, message in failed:
        failures.setdefault(f"{name}: {message}", 0)
        failures[f"{name}: {message}"] += 1
    p50, p95, p99 = spread(times) if times else (0, 0, 0)
    return {
        "seconds": round(end - start, 1),
        "requests": len(kept),
        "per_second": round(len(kept) / (end - start), 1) if end > start else 0,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "by_kind": by_kind,
        "failures": len(failed),
        "failure_samples": sorted(failures.items(), key=lambda item: -item[1])[:5],
    }


def run(
    url,
    *,
    servers=1,
    workers=load.WORKERS,
    gunicorn_args="",
    users=50,
    seconds=60,
    rate=None,
    wait=0.0,
    seed=None,
    json_dir=HERE / "results",
):
    """One load run against the dataset at `url` (Django set up on it). Returns its row."""
    from django.db import connection

    load_before = os.getloadavg()[0]  # before anything of ours runs
    vendor = connection.vendor
    seed, keywords = keyword_mix(json_dir, vendor, seed)
    print(f"load seed {seed}", flush=True)
    measure._settle()  # PostgreSQL: VACUUM ANALYZE, as earlier runs' claims left dead rows
    people, claimable = load.plans(users, random.Random(seed))
    restorer = measure.Restorer(claimable)
    started = [load.Server(url, workers, shlex.split(gunicorn_args)) for _ in range(servers)]
    try:
        for server in started:
            server.wait_ready()
        tokens = load.tokens(started[0], people)
        connection.close()  # nothing of ours holds the database during the run
        with tempfile.TemporaryDirectory(prefix="poolcrm-load-") as work:
            work = Path(work)
            plan = {
                "hosts": [f"http://127.0.0.1:{server.port}" for server in started],
                "people": [{"plan": p, "token": t} for p, t in zip(people, tokens, strict=True)],
                "keywords": keywords,
                "seed": seed,
                "wait": wait,
                "samples": str(work / "samples.json"),
                "server_pids": [server.process.pid for server in started],
            }
            (work / "plan.json").write_text(json.dumps(plan))
            measure.log(
                f"load: {users} users for {seconds} s against {servers} server(s) of "
                f"{workers} workers ({', '.join(plan['hosts'])})"
            )
            code = _locust(work / "plan.json", users, rate or users, seconds, work / "locust.log")
            load_after = os.getloadavg()[0]
            output = (work / "locust.log").read_text(errors="replace")
            print(output[-6000:], file=sys.stderr)
            if not (work / "samples.json").exists():
                raise RuntimeError(f"locust wrote no samples (exit {code}): {output[-2000:]}")
            recorded = json.loads((work / "samples.json").read_text())
    finally:
        for server in started:
            server.stop()
        restorer.restore()
    window = recorded["window"]
    if "start" not in window or "end" not in window:
        raise RuntimeError(f"locust never ran every user: {output[-2000:]}")
    row = figures(recorded["samples"], window["start"]["time"], window["end"]["time"])
    cores = cores_used(window["start"], window["end"])
    row.update(
        {
            "measured_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
            "app": measure.app_version(),
            "database": measure._database(),
            "machine": measure.machine(),
            "servers": servers,
            "workers": workers,
            "gunicorn_args": gunicorn_args,
            "users": users,
            "wait": wait,
            "seed": seed,
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "cores": cores,
        }
    )
    measure.log(
        f"load: {row['requests']:,} requests in {row['seconds']} s, {row['per_second']} per "
        f"second, p50 / p95 / p99 {row['p50']} / {row['p95']} / {row['p99']} ms, "
        f"{row['failures']} failures; cores used: generator {cores['generator']}, servers "
        f"{cores['servers']}, rest {cores['rest']}"
    )
    for failure, count in row["failure_samples"]:
        measure.log(f"FAILED {count}× {failure[:300]}")
    if cores["generator"] >= GENERATOR_BUSY:
        measure.log("the load generator used about a core: it may have been the limit")
    return row


# ---------------------------------------------------------------------------- RESULTS.md


def _cells(row, note):
    app = row["app"]
    kinds = " / ".join(
        report._ms(row["by_kind"][k]["p95"]) if k in row["by_kind"] else "–" for k in KINDS
    )
    cores = row["cores"]
    generator = f"{cores['generator']:.2f}"
    if cores["generator"] >= GENERATOR_BUSY:
        generator += " (the limit?)"
    p95 = report._ms(row["p95"]) + (" ✓" if row["p95"] <= TARGET_P95_MS else " ✗")
    return [
        row["measured_at"],
        f"`{app['commit']}`" + (" + changes" if app["changed"] else ""),
        row["database"]["label"],
        f"{row['servers']} × {row['workers']}"
        + (f" (`{row['gunicorn_args']}`)" if row.get("gunicorn_args") else ""),
        str(row["users"]),
        f"{row['wait']:g}",
        f"{row['seconds']:.0f}",
        f"{row['requests']:,}",
        f"{row['per_second']:.1f}",
        f"{report._ms(row['p50'])} / {p95} / {report._ms(row['p99'])}",
        kinds,
        str(row["failures"]),
        " → ".join(f"{v:.1f}" for v in row["load_average"]),
        f"{generator} / {cores['servers']:.2f} / {cores['rest']:.2f} of {row['machine']['cores']}",
        note.replace("|", "/"),
    ]


def _table_rows(section):
    """The cells of each row of the section's table."""
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| run (UTC)", "|---")):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return [cells for cells in rows if len(cells) == len(COLUMNS)]


def _number(text):
    return float(re.sub(r"[^0-9.]", "", text.split("/")[0]) or 0)


def _ratios(rows):
    """Two servers ÷ one, for each configuration measured both ways."""
    lines = []
    by_key = {tuple(cells[i] for i in KEY): cells for cells in rows}
    for key, two in by_key.items():
        servers, workers = key[1].split(" × ")
        if servers != "2":
            continue
        one = by_key.get((key[0], f"1 × {workers}", *key[2:]))
        if one is None:
            continue
        ratio = _number(two[8]) / _number(one[8]) if _number(one[8]) else 0
        p95_one, p95_two = (cells[9].split(" / ")[1] for cells in (one, two))
        lines.append(
            f"- {key[0]}, {key[2]} users: two servers of {workers} workers served "
            f"**{ratio:.2f}×** the requests per second of one ({two[8]} ÷ {one[8]}); "
            f"p95 {p95_one} → {p95_two} ms."
        )
    return lines


def render(rows, machine):
    order = {"SQLite": 0, "PostgreSQL": 1}
    rows = sorted(rows, key=lambda c: (order.get(c[2], 9), c[3], int(c[4]), c[5]))
    lines = [
        SECTION,
        "",
        "Written by `make load` (benchmarks/load_run.py, benchmarks/locustfile.py): one row per "
        "database, servers, workers, users and wait, the latest run of each. Locust users, "
        "each a person of the benchmark company with an API token, send list pages 60 %, "
        "quick searches 25 %, details 10 % and a claim with its return 5 % (the choices of "
        "`make bench`'s load run), with no wait between tasks unless `wait` says so: a closed "
        "loop, so requests/s is what the servers manage with `users` requests in flight, and "
        "the percentiles include the wait behind the other users. User n talks to server n "
        f"mod the servers. Target: p95 ≤ {TARGET_P95_MS} ms (✓/✗). Percentiles are "
        "nearest-rank over every request that started while every user ran. Each server is "
        "`gunicorn config.wsgi -w WORKERS` (sync workers unless the row names other options, "
        "`POOLCRM_DEBUG=0`) on 127.0.0.1. "
        "Cores used: CPU seconds per second of the run by the load generator (Locust, one "
        "process), by the servers (gunicorn and its workers; SQLite runs inside them) and by "
        "everything else on the machine (the PostgreSQL server, anyone else's work): they all "
        "share the machine's cores.",
        "",
        "```sh",
        "make load DB=sqlite SERVERS=1 USERS=50 SECONDS=60",
        "make load DB=postgres SERVERS=1 USERS=50 SECONDS=60",
        "make load DB=postgres SERVERS=2 USERS=50 SECONDS=60",
        "```",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" if n in (0, 1, 2, 14) else "---:" for n in range(len(COLUMNS))) + "|",
        *("| " + " | ".join(cells) + " |" for cells in rows),
        "",
    ]
    ratios = _ratios(rows)
    if ratios:
        lines += [*ratios, ""]
    lines += [
        f"Machine of the latest run: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory_gb']} GB, Python {machine['python']}, Django {machine['django']}.",
        "",
    ]
    return "\n".join(lines)


def write(row, markdown_path, note=""):
    """Put `row` into the section (replacing the row of the same configuration), which
    lives after RESULTS.md's KEPT line so that `make bench` keeps it."""
    path = Path(markdown_path)
    text = path.read_text() if path.exists() else ""
    at = text.find(SECTION)
    if at >= 0:
        following = text.find("\n## ", at + len(SECTION))
        end = len(text) if following < 0 else following + 1
        before, section, after = text[:at], text[at:end], text[end:]
    else:
        if report.KEPT not in text:
            text = text.rstrip("\n") + ("\n\n" if text else "") + report.KEPT + "\n"
        before, section, after = text.rstrip("\n") + "\n\n", "", ""
    cells = _cells(row, note)
    rows = [c for c in _table_rows(section) if [c[i] for i in KEY] != [cells[i] for i in KEY]]
    rendered = render([*rows, cells], row["machine"])
    path.write_text(before + rendered + ("\n" + after if after else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="customers of the dataset")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--servers", type=int, choices=(1, 2), default=1)
    parser.add_argument("--workers", type=int, default=load.WORKERS, help="per server")
    parser.add_argument("--gunicorn-args", default="", help="more of gunicorn's options")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=float, help="users started a second; default: all")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds between tasks")
    parser.add_argument("--seed", type=int, help="draw the keyword mix afresh by this seed")
    parser.add_argument("--note", default="", help="a word for the row, e.g. 'trial'")
    parser.add_argument("--json-dir", default=str(HERE / "results"), help="make bench's runs")
    parser.add_argument("--markdown", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    url = database_url(args.db, args.size)
    setup_django(url)
    row = run(
        url,
        servers=args.servers,
        workers=args.workers,
        gunicorn_args=args.gunicorn_args,
        users=args.users,
        seconds=args.seconds,
        rate=args.rate,
        wait=args.wait,
        seed=args.seed,
        json_dir=args.json_dir,
    )
    write(row, args.markdown, args.note)
    measure.log(f"wrote {args.markdown}")
    return 1 if row["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
