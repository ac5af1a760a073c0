"""The reports' benchmark at a tiny size, so it keeps working. No timing assertions: it
checks its own answers (each report's totals, the funnel against a direct count, every
page 200 with its four reports)."""

import pytest

from benchmarks import generate, reports
from dashboard.reports import REPORTS
from sales.models import Opportunity


@pytest.mark.django_db(transaction=True)
def test_the_reports_benchmark_runs_at_a_tiny_size():
    generate.generate(1000, seed=3, analyze=False)
    result = reports.measure(customers=100, reps=2, seed=5)
    assert result["records added"]["opportunities"] == Opportunity.objects.count() == 100
    assert result["supervisor: people below"] > 200
    assert result["scopes"] == {
        "heavy user": "mine+all",
        "supervisor": "mine+team+all",
        "administrator": "mine+all",
    }
    for person, scopes in result["scopes"].items():
        for scope in scopes.split("+"):
            name = f"reports, {person}, {scope}"
            assert set(result[f"{name}: each report p50 / p95 (ms)"]) == set(REPORTS)
            assert result[f"{name}: slowest report"] in REPORTS
            assert f"{name}: page p50 / p95 (ms)" in result
    runs = sum(len(scopes.split("+")) for scopes in result["scopes"].values()) * len(REPORTS)
    assert len(result["each report p95 (ms)"]) == runs
    assert "supervisor, team: activity" in result["each report p95 (ms)"]
    assert isinstance(result["over the 500 ms p95 target"], list)
