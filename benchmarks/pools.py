"""How fast is the pool list when pools hide part of it? (issue 17: several pools; the
list targets hold for a member who sees only some pools.)

On a copy of the generated dataset (benchmarks.import_speed.copy_dataset), dropped at the
end:
1. POOLS pools are added; each customer of a region drawn for a pool is put in it (most
   customers end up in a pool, the rest stay in the company pool);
2. a pool manager moves MOVE customers into a pool in one batch (the service, timed);
3. the first page of the pool list through the API, for the user who owns 2,000 as a
   member of one pool (the others hidden) and, for comparison, as a member of every pool
   (nothing hidden: the SQL of one pool), in every public order both ways, in a random
   order, REPS rounds; each answer's count is checked against a count of its own.

    .venv/bin/python -m benchmarks.pools [--db sqlite|postgres] [--size 1000000]
        [--pools 4] [--move 1000] [--reps 5] [--seed N]
"""

import argparse
import random
import sys
import time

from benchmarks.pool_rules import ms, on_a_copy, spread


def measure(pools, move, reps, seed):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from benchmarks.generate import ADMIN_USERNAME, HEAVY_USERNAME
    from customers import querysets
    from customers.models import Customer
    from customers.services import ownership
    from customers.services.pools import save_pool
    from customers.sorting import PUBLIC_SORTS
    from settings_app.models import DictionaryItem, DictionaryKind

    rng = random.Random(seed)
    users = get_user_model().objects
    admin, heavy = users.get(username=ADMIN_USERNAME), users.get(username=HEAVY_USERNAME)
    manager = users.filter(groups__permissions__codename="manage_pool").first()
    result = {}

    regions = list(DictionaryItem.objects.filter(kind=DictionaryKind.REGION))
    rng.shuffle(regions)
    created = []
    for n in range(pools):
        pool = save_pool(admin, None, {"name": f"Pool {n + 1}"}, {})
        created.append(pool)
        # Setup, not what is measured: a region's customers put in the pool in one UPDATE.
        Customer.objects.filter(region__in=regions[n :: pools + 1]).update(pool=pool)
    result["customers in a pool"] = Customer.live.filter(pool__isnull=False).count()
    result["customers in the company pool"] = Customer.live.filter(pool__isnull=True).count()

    company = list(Customer.live.filter(pool__isnull=True).values_list("pk", flat=True)[:100_000])
    started = time.perf_counter()
    moved = ownership.move_to_pool(manager, rng.sample(company, move), created[0])
    result[f"move {move:,} customers to a pool (s)"] = round(time.perf_counter() - started, 2)
    if len(moved.done) != move:
        raise RuntimeError(f"{len(moved.refused)} moves refused")

    orders = [sign + param for param, _label, _keys in PUBLIC_SORTS for sign in ("", "-")]
    timings = {"one pool of several": [], "every pool (nothing hidden)": []}
    by_order = {}
    setups = {
        "one pool of several": lambda: created[0].members.set([heavy]),
        "every pool (nothing hidden)": lambda: [p.members.set([heavy]) for p in created],
    }
    for mode in rng.sample(list(setups), len(setups)):
        for pool in created:
            pool.members.clear()
        setups[mode]()
        fresh = users.get(pk=heavy.pk)
        expected = querysets.pool(fresh).count()
        client = APIClient()
        client.force_login(heavy)
        for _round in range(reps):
            for ordering in rng.sample(orders, len(orders)):
                started = time.perf_counter()
                response = client.get("/api/pool/", {"ordering": ordering})
                timings[mode].append(time.perf_counter() - started)
                by_order.setdefault((mode, ordering), []).append(timings[mode][-1])
                if response.status_code != 200:
                    raise RuntimeError(f"{ordering}: {response.status_code}")
                body = response.json()
                count = body["count"]
                if body["count_is_capped"]:
                    if expected < count:
                        raise RuntimeError(f"{ordering}: {count}+ of {expected}")
                elif count != expected:
                    raise RuntimeError(f"{ordering}: count {count}, not {expected}")
        result[f"{mode}: customers seen"] = expected
    for mode, samples in timings.items():
        result[f"pool list, {mode} p50 / p95 (ms)"] = spread(samples)
        slowest = sorted(
            ((max(times), order) for (m, order), times in by_order.items() if m == mode),
            reverse=True,
        )[:3]
        result[f"pool list, {mode}: slowest orders (ms)"] = {o: ms(t) for t, o in slowest}
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--pools", type=int, default=4)
    parser.add_argument("--move", type=int, default=1_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)
    return on_a_copy(args, lambda: measure(args.pools, args.move, args.reps, args.seed))


if __name__ == "__main__":
    sys.exit(main())
