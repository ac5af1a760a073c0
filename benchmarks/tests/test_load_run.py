"""`make load` at a tiny size, so it keeps working: Locust against two servers for a few
seconds, and the figures and RESULTS.md section made from its samples. No timing
assertions."""

import importlib.util

import pytest

from benchmarks import generate, load_run, report
from benchmarks.tests.test_smoke import database_url
from customers.models import Customer


def _row(**figures):
    row = load_run.figures(
        [
            ("list", 100.0, 40.0, None),
            ("search", 101.0, 60.0, None),
            ("detail", 102.0, 500.0, "404: no such customer"),
            ("claim", 99.0, 10.0, "started before every user ran"),
        ],
        start=100.0,
        end=110.0,
    )
    row.update(
        measured_at="2026-12-02 10:00",
        app={"commit": "abc1234", "changed": []},
        database={"label": "PostgreSQL"},
        machine={"cpu": "a CPU", "cores": 2, "memory_gb": 8, "python": "3.11", "django": "5.2"},
        servers=1,
        workers=2,
        users=50,
        wait=0.0,
        load_average=[0.5, 1.5],
        cores={"generator": 0.1, "servers": 1.5, "rest": 0.3},
    )
    row.update(figures)
    return row


def test_figures_count_what_started_while_every_user_ran():
    row = _row()
    assert (row["requests"], row["seconds"], row["per_second"]) == (3, 10.0, 0.3)
    assert (row["p50"], row["p95"]) == (60.0, 500.0)
    assert set(row["by_kind"]) == {"list", "search", "detail"}
    assert row["failures"] == 1
    assert row["failure_samples"] == [("detail: 404: no such customer", 1)]


def test_each_configuration_keeps_its_latest_row_after_the_kept_line(tmp_path):
    markdown = tmp_path / "RESULTS.md"
    markdown.write_text(f"# make bench's\n\n{report.KEPT}\n\n## Pool rules\n\nfigures\n")
    load_run.write(_row(per_second=40.0), markdown)
    load_run.write(_row(per_second=50.0), markdown, note="quiet")  # replaces the row above
    load_run.write(_row(per_second=80.0, servers=2), markdown)
    text = markdown.read_text()
    kept = text.index(report.KEPT)
    assert kept < text.index("## Pool rules") < text.index(load_run.SECTION)
    rows = [line for line in text.splitlines() if line.startswith("| 2026-12-02")]
    assert len(rows) == 2
    assert "| 1 × 2 |" in rows[0] and "| 50.0 |" in rows[0] and rows[0].endswith("| quiet |")
    assert "| 2 × 2 |" in rows[1] and "| 80.0 |" in rows[1]
    assert "60.0 / 500 ✗ / 500" in rows[0]  # p50 / p95 / p99, p95 against 200 ms
    assert "**1.60×** the requests per second of one (80.0 ÷ 50.0)" in text


@pytest.mark.skipif(
    not importlib.util.find_spec("locust"), reason="the `load` extra is not installed"
)
@pytest.mark.django_db(transaction=True)
def test_make_load_runs_at_a_tiny_size(tmp_path):
    generate.generate(1000, seed=7, analyze=False)
    claimed = Customer.live.filter(owner__isnull=False).count()

    row = load_run.run(
        database_url(), servers=2, workers=1, users=4, seconds=3, seed=11, json_dir=tmp_path
    )

    assert row["requests"] > 0 and row["seed"] == 11
    assert row["failure_samples"] == []
    assert set(row["by_kind"]) <= set(load_run.KINDS) and "list" in row["by_kind"]
    assert set(row["cores"]) == {"generator", "servers", "rest"}
    assert row["cores"]["servers"] > 0
    assert Customer.live.filter(owner__isnull=False).count() == claimed  # claims put back
    load_run.write(row, tmp_path / "RESULTS.md")
    assert "| 2 × 1 | 4 |" in (tmp_path / "RESULTS.md").read_text()
