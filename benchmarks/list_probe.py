"""List pages timed while something else runs (issue 16: list pages served during an import
stay within 2x of their idle p95). Run as its own process, on the database DATABASE_URL
names, so that the import beside it shares the machine and the database but not the
interpreter:

    DATABASE_URL=… .venv/bin/python -m benchmarks.list_probe OUT.json --seconds 30
    DATABASE_URL=… .venv/bin/python -m benchmarks.list_probe OUT.json --until STOPFILE

One request after another through DRF's APIClient, signed in with a real session: the
first page of the pool, of the heavy user's customers and of the supervisor's shared
list, in an order drawn from those each list offers, either way. Writes the times (ms),
their p50 and p95 as JSON."""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from benchmarks.generate import HEAVY_USERNAME, ROOT, SUPERVISOR_USERNAME
from benchmarks.measure import percentile


def lists():
    """(url, who, the orders it offers) of the probed lists."""
    from customers.sorting import PUBLIC_SORTS, RECORD_SORTS

    public = [param for param, _label, _keys in PUBLIC_SORTS]
    record = [param for param, _label, _keys in RECORD_SORTS]
    return [
        ("/api/pool/", HEAVY_USERNAME, public),
        ("/api/mine/", HEAVY_USERNAME, record),
        ("/api/shared/", SUPERVISOR_USERNAME, record),
    ]


def probe(seconds=None, until=None, seed=None):
    from rest_framework.test import APIClient

    from org.models import User

    rng = random.Random(seed)
    clients = {}
    for username in (HEAVY_USERNAME, SUPERVISOR_USERNAME):
        client = APIClient()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    times, by_list = [], {}
    started = time.monotonic()
    while True:
        if seconds is not None and time.monotonic() - started >= seconds:
            break
        if until is not None and Path(until).exists():
            break
        url, who, orders = rng.choice(lists())
        ordering = rng.choice(["", "-"]) + rng.choice(orders)
        begun = time.perf_counter()
        response = clients[who].get(url, {"ordering": ordering})
        times.append((time.perf_counter() - begun) * 1000)
        by_list.setdefault(f"{url}?ordering={ordering}", []).append(times[-1])
        if response.status_code != 200:
            raise SystemExit(f"{url}?ordering={ordering}: {response.status_code}")
    return {
        "requests": len(times),
        "seconds": round(time.monotonic() - started, 1),
        "p50": round(percentile(times, 0.5), 1),
        "p95": round(percentile(times, 0.95), 1),
        "slowest orders, p95": dict(
            sorted(
                ((name, round(percentile(t, 0.95), 1)) for name, t in by_list.items()),
                key=lambda item: -item[1],
            )[:5]
        ),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--until", help="stop once this file exists")
    parser.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["POOLCRM_DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result = probe(args.seconds, args.until, args.seed)
    Path(args.out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
