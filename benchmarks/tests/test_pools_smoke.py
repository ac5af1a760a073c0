"""The pools' benchmark at a tiny size, so it keeps working. No timing assertions: it
checks its own answers (every move done, every list's count exact)."""

import pytest

from benchmarks import generate, pools
from customers.models import Customer


@pytest.mark.django_db(transaction=True)
def test_the_pools_benchmark_runs_at_a_tiny_size():
    generate.generate(1000, seed=3, analyze=False)
    result = pools.measure(pools=2, move=10, reps=1, seed=5)
    everyone = Customer.live.count()
    assert result["customers in a pool"] + result["customers in the company pool"] == everyone
    assert 0 < result["customers in a pool"] < everyone
    seen = result["one pool of several: customers seen"]
    assert seen < result["every pool (nothing hidden): customers seen"] == everyone
    assert "pool list, one pool of several p50 / p95 (ms)" in result
