"""The benchmark at a tiny size, so it keeps working: generation, every measurement with
its exactness checks, a short load run and the report. No timing assertions."""

import pytest
from django.db import connection
from django.db.models import Count, Q

from activities.models import Interaction
from benchmarks import generate, load, measure, picker, report, tabs, truth
from customers.models import Contact, Customer, Share
from org.models import User

SIZE = 1000


def database_url():
    """The test database, for the load run's server."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_at_a_tiny_size(tmp_path, monkeypatch):
    assert sum(count for _kind, count, _draw in truth.MIX) >= 40
    # The same code with fewer requests: shorter walks, one keyword of each kind.
    monkeypatch.setattr(measure, "DEEP", 3)
    monkeypatch.setattr(measure, "WALK_LIMIT", 300)
    monkeypatch.setattr(truth, "MIX", [(kind, 1, draw) for kind, _count, draw in truth.MIX])
    small = {key: 45 for key in tabs.TAB_ROWS}  # three pages each
    monkeypatch.setattr(tabs, "TAB_ROWS", small)
    stats = generate.generate(SIZE, seed=7, analyze=False)

    counts = stats["counts"]
    assert Customer.objects.count() == SIZE
    assert Contact.objects.count() == counts["contacts"]
    assert User.objects.count() == generate.USER_COUNT
    assert Share.objects.count() == round(SIZE * generate.SHARES_PER_CUSTOMER)
    assert counts["supervisor_subordinates"] > 200
    heavy = User.objects.get(username=generate.HEAVY_USERNAME)
    assert Customer.live.filter(owner=heavy).count() == generate.heavy_customer_count(SIZE)
    claimed = Customer.live.filter(owner__isnull=False).count()
    primaries = Customer.objects.annotate(
        n=Count("contacts"), primary=Count("contacts", filter=Q(contacts__is_primary=True))
    ).filter(n__gt=0)
    assert not primaries.exclude(primary=1).exists()
    for customer in Customer.objects.order_by("?")[:20]:  # derived columns as save() writes
        derived = ("name_key", "search_name", "sort_name", "sort_status")
        stored = [getattr(customer, column) for column in derived]
        customer.save()
        customer.refresh_from_db()
        assert [getattr(customer, column) for column in derived] == stored

    result = measure.run(seed=11, reps=1, budget=5, min_reps=1)

    assert measure.failures(result) == []
    assert [k["kind"] for k in result["keywords"]] == [kind for kind, _n, _d in truth.MIX]
    rows = result["rows"]
    assert {r["section"] for r in rows} == {"list", "search", "other", "picker", "tabs"}
    assert sum(r["section"] == "picker" for r in rows) == picker.PICKER_KEYWORDS + 1
    tab_rows = [r for r in rows if r["section"] == "tabs"]
    assert {r["key"].split(":")[1] for r in tab_rows} == set(tabs.TAB_ROWS)
    assert any("search=" in r["key"] for r in tab_rows)
    assert not Interaction.objects.exists()  # the worked customer's rows were rolled back
    assert {r["page"] for r in rows if r["section"] == "list"} == {
        "first",
        "next",
        "deep",
        "last",
        "jump",
    }
    assert sum(r["section"] == "search" for r in rows) == 4 * len(result["keywords"])
    assert any(r["hits"] > 50 for r in rows if r["section"] == "search")  # walks cross pages
    assert Customer.live.filter(owner__isnull=False).count() == claimed  # claims undone
    assert Customer.live.filter(owner=heavy).count() == generate.heavy_customer_count(SIZE)

    result["load"] = load.run(database_url(), result, seconds=2, clients=2)

    assert result["load"]["requests"] > 0
    assert result["load"]["error_samples"] == []
    assert Customer.live.filter(owner__isnull=False).count() == claimed
    markdown = tmp_path / "RESULTS.md"
    kept = f"{report.KEPT}\n\n## Wrong-password flood\n\nfigures\n"
    markdown.write_text("# an older run\n\n" + kept)
    report.write(result, tmp_path / "json", markdown)
    text = markdown.read_text()
    for heading in ("## Summary", "lists, p50 / p95", "quick search (seed 11)", "load run"):
        assert heading in text
    assert "an older run" not in text and text.endswith(kept)  # other benchmarks' kept


def test_the_import_and_export_figures_are_summarised_against_their_targets():
    lists = {"idle": {"p95": 40.0}, "during the import": {"p95": 90.0}, "p95 ratio": 2.25}
    transfers = {
        "import": {"run_s": 41.2, "peak_rss_mb": 190, "list pages": lists},
        "export": [
            {"format": "csv", "seconds": 29.0, "rows": 995043, "peak_rss_mb": 90},
            {"format": "xlsx", "seconds": 99.0, "rows": 995043, "peak_rss_mb": 95},
        ],
    }
    figures = report.transfer_figures(transfers)
    assert set(figures) <= set(report.TARGETS)
    assert figures["import 100,000 rows, time"] == ("41 s", True)
    assert figures["list pages during the import, p95 ÷ idle p95"][1] is False  # over 2
    assert figures["export the pool to CSV, time"] == ("29 s for 995,043 rows", True)
    assert figures["export, peak memory (CSV, XLSX)"] == ("90 MB, 95 MB", True)


def test_the_home_page_and_report_figures_are_summarised_against_their_targets():
    home = {
        "dashboard": {"p95 (ms)": {"heavy user": 150.0, "supervisor": 210.4}},
        "reports": {
            "each report p95 (ms)": {
                "supervisor, team: activity": 480.0,
                "heavy user, mine: funnel": 20.0,
            }
        },
    }
    figures = report.home_figures(home)
    assert set(figures) <= set(report.TARGETS)
    assert figures["home page, slowest person, p95"] == (
        "210 ms: supervisor (of 2 people)",
        False,  # over 200
    )
    assert figures["reports, slowest report, p95"] == (
        "480 ms: supervisor, team: activity (of 2)",
        True,
    )
