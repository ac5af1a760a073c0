"""The pool rules' benchmark at a tiny size, so it keeps working. No timing assertions:
it checks its own answers (exactly the customers due are swept, every claim done)."""

import pytest

from benchmarks import generate, pool_rules
from customers.models import Customer


@pytest.mark.django_db(transaction=True)
def test_the_pool_rules_benchmark_runs_at_a_tiny_size():
    generate.generate(1000, seed=3, analyze=False)
    claimed = Customer.live.filter(owner__isnull=False).count()
    result = pool_rules.measure(sweep_size=10, claims=3, reps=2, seed=5)
    assert result["swept"] == 10
    assert result["claimed customers dated"] == claimed
    assert Customer.live.filter(owner__isnull=False).count() == claimed - 10
    assert {
        "sweep (s)",
        "limits add to claim p95 (ms)",
        "mine by return date p50 / p95 (ms)",
    } <= set(result)
