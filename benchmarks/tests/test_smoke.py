"""The benchmark at a small size, so it keeps working: generation, every measured request,
the naive runs and the correctness checks, and the report. No timing assertions."""

import pytest
from django.db.models import Count, Q

from benchmarks import generate, measure
from customers.models import Contact, Customer, Share
from org.models import User

SIZE = 3000


@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_at_a_small_size(tmp_path):
    stats = generate.generate(SIZE, seed=7, analyze=False)

    counts = stats["counts"]
    assert Customer.objects.count() == SIZE
    assert Contact.objects.count() == counts["contacts"]
    assert 1.3 * SIZE < counts["contacts"] < 1.7 * SIZE
    assert User.objects.count() == generate.USER_COUNT
    assert Share.objects.count() == round(SIZE * generate.SHARES_PER_CUSTOMER)
    assert counts["supervisor_subordinates"] > 200
    heavy = User.objects.get(username=generate.HEAVY_USERNAME)
    assert Customer.live.filter(owner=heavy).count() == generate.heavy_customer_count(SIZE)
    claimed = Customer.live.filter(owner__isnull=False).count()
    assert 0.25 * SIZE < claimed < 0.35 * SIZE
    primaries = Customer.objects.annotate(
        n=Count("contacts"), primary=Count("contacts", filter=Q(contacts__is_primary=True))
    ).filter(n__gt=0)
    assert not primaries.exclude(primary=1).exists()
    sample = Customer.objects.order_by("?")[:50]
    for customer in sample:  # the derived columns are what save() would write
        stored = (customer.name_key, customer.search_name)
        customer.save()
        assert (customer.name_key, customer.search_name) == stored

    result = measure.run(reps=2, budget=5, min_reps=1, dataset=stats)

    assert result["failures"] == []
    searches = {s["key"]: s for s in result["searches"]}
    assert set(searches) == {k.key for k in generate.KEYWORDS}
    for row in searches.values():
        assert row["same_total"] and row["same_first_page"] and row["same_ids"], row
        assert row["hits"] > 0, row
    assert searches["common_cjk"]["hits"] > SIZE / 2
    assert {op["key"] for op in result["operations"]} >= {
        "pool_first",
        "pool_last",
        "pool_created_desc",
        "pool_combined",
        "mine",
        "shared",
        "detail_owner",
        "claim",
        "assign",
    }
    assert Customer.live.filter(owner__isnull=False).count() == claimed  # restored

    markdown = tmp_path / "RESULTS.md"
    measure.write(result, tmp_path / "json", markdown)
    text = markdown.read_text()
    for heading in ("## Machine", "## Operations: p50 / p95 (ms)", "## Peak memory"):
        assert heading in text
    assert "有限公司" in text and "Median speed-up" in text
