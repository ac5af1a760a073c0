"""The home page's benchmark at a tiny size, so it keeps working. No timing assertions: it
checks its own answers (every answer 200 with the sections its person is due)."""

import pytest

from activities.models import Interaction
from benchmarks import dashboard, generate
from customers.models import Customer, OwnershipEvent
from org.models import User
from sales.models import Contract, Opportunity


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_benchmark_runs_at_a_tiny_size():
    generate.generate(1000, seed=3, analyze=False)
    heavy = User.objects.get(username=generate.HEAVY_USERNAME)
    events = OwnershipEvent.objects.count()
    result = dashboard.measure(customers=100, events=300, reps=1, seed=5)
    added = result["records added"]
    assert added["customers"] == 100
    assert added["interactions"] == Interaction.objects.count() >= 200
    assert added["opportunities"] == Opportunity.objects.count() == 100
    assert added["contracts"] == Contract.objects.count() > 0
    assert added["ownership events"] == OwnershipEvent.objects.count() - events == 300
    owned = Customer.live.filter(owner=heavy).count()
    assert Opportunity.objects.filter(customer__owner=heavy).count() == owned
    assert result["supervisor: people below"] > 200
    assert result["dashboard, heavy user: sections"] == "me"
    assert result["dashboard, supervisor: sections"] == "me+team"
    assert result["dashboard, administrator: sections"].startswith("me+")
    assert "company" in result["dashboard, administrator: sections"]
    assert "pool" in result["dashboard, pool manager: sections"]
    for person in ("heavy user", "supervisor", "pool manager", "administrator"):
        assert f"dashboard, {person} p50 / p95 (ms)" in result
        assert result[f"dashboard, {person}: slowest section"] in dashboard.SECTION_KEYS
    assert set(result["p95 (ms)"]) == {"heavy user", "supervisor", "pool manager", "administrator"}
    assert all(value > 0 for value in result["p95 (ms)"].values())
    assert isinstance(result["over the 200 ms p95 target"], list)
