"""List totals (core.counting): exact when cheap, otherwise an estimate that says so."""

import pytest
from django.db import connection
from django.db.models import F
from django.test import override_settings

from core import counting
from core.paging import TailFriendlyPaginator
from customers.models import Customer
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts_run_out_of_time(monkeypatch):
    """Every time-limited count runs out of time; the list of those attempts."""
    attempts = []

    @counting.contextmanager
    def too_slow(alias, budget_ms):
        attempts.append(alias)
        raise counting._TooSlow
        yield

    monkeypatch.setattr(counting, "_time_limit", too_slow)
    return attempts


def test_small_lists_are_counted_exactly():
    CustomerFactory.create_batch(7)
    assert counting.total(Customer.objects.all()) == counting.Total(7, is_estimate=False)


def test_large_lists_are_estimated_from_a_sample(monkeypatch):
    monkeypatch.setattr(counting, "SAMPLE_BLOCKS", 4)
    monkeypatch.setattr(counting, "SAMPLE_BLOCK_SIZE", 5)
    CustomerFactory.create_batch(200)
    every_other = Customer.objects.annotate(odd=F("id") % 2).filter(odd=1)
    with override_settings(COUNT_EXACT_UP_TO=10):
        result = counting.total(every_other)
        assert result.is_estimate
        assert 70 <= result.value <= 130  # 100 really; 20 keys sampled
        nothing = counting.total(Customer.objects.filter(name="no such name"))
        assert nothing == counting.Total(0, is_estimate=False)


def test_a_list_known_to_be_small_is_counted_without_a_sample(monkeypatch):
    monkeypatch.setattr(counting, "SAMPLE_BLOCKS", 4)
    monkeypatch.setattr(counting, "SAMPLE_BLOCK_SIZE", 5)
    CustomerFactory.create_batch(100)
    sampled = []
    monkeypatch.setattr(counting, "_sampled_estimate", lambda rows: sampled.append(rows))
    rows = counting.at_most(Customer.objects.all(), 500).order_by("name")  # kept by clones
    assert counting.total(rows) == counting.Total(100, is_estimate=False)
    assert sampled == []
    # A bound that is wrong costs the estimate, never the exact count; the lower one holds.
    wrong = counting.at_most(counting.at_most(Customer.objects.all(), 20_000), 5)
    assert wrong.query.rows_at_most == 5
    assert counting.total(wrong) == counting.Total(100, is_estimate=False)
    counting.total(counting.at_most(Customer.objects.all(), 20_000))  # too many: sampled
    assert len(sampled) == 1


def test_a_total_with_no_estimate_to_fall_back_to_is_counted_once_without_a_limit(
    counts_run_out_of_time,
):
    CustomerFactory.create_batch(30)
    few = counting.at_most(Customer.objects.all(), 100)
    assert counting.total(few) == counting.Total(30, is_estimate=False)
    unsampled = Customer.objects.filter(name__startswith="")  # the table is below a sample
    assert counting.total(unsampled) == counting.Total(30, is_estimate=False)
    assert counts_run_out_of_time == []  # a limit would only have made each count run twice


def test_a_count_over_the_time_budget_gives_way_to_the_estimate(
    monkeypatch, counts_run_out_of_time
):
    monkeypatch.setattr(counting, "SAMPLE_BLOCKS", 4)
    monkeypatch.setattr(counting, "SAMPLE_BLOCK_SIZE", 5)
    CustomerFactory.create_batch(100)
    result = counting.total(Customer.objects.all())
    assert result.is_estimate and 50 <= result.value <= 150


def test_a_list_too_slow_to_count_is_not_counted_again_for_a_while(
    monkeypatch, counts_run_out_of_time
):
    monkeypatch.setattr(counting, "SAMPLE_BLOCKS", 4)
    monkeypatch.setattr(counting, "SAMPLE_BLOCK_SIZE", 5)
    CustomerFactory.create_batch(100)
    attempts = counts_run_out_of_time
    everyone = Customer.objects.all()
    assert counting.total(everyone).is_estimate and counting.total(everyone).is_estimate
    assert len(attempts) == 1  # the second time, straight to the estimate
    counting.total(Customer.objects.filter(name__gt="A"))  # another list: tried
    assert len(attempts) == 2
    with override_settings(SLOW_COUNT_MEMORY_S=0):  # forgotten: tried again
        counting.total(everyone)
    assert len(attempts) == 3


def test_a_list_paged_through_is_estimated_once_a_minute(monkeypatch):
    monkeypatch.setattr(counting, "SAMPLE_BLOCKS", 4)
    monkeypatch.setattr(counting, "SAMPLE_BLOCK_SIZE", 5)
    CustomerFactory.create_batch(200)
    samples = []
    sample = counting._sampled_estimate

    def counted_sample(rows):
        samples.append(rows)
        return sample(rows)

    monkeypatch.setattr(counting, "_sampled_estimate", counted_sample)
    with override_settings(COUNT_EXACT_UP_TO=10):
        first = counting.total(Customer.objects.all())
        assert counting.total(Customer.objects.all()) == first and first.is_estimate
        assert len(samples) == 1
        with override_settings(ESTIMATE_MEMORY_S=0):
            counting.total(Customer.objects.all())
        assert len(samples) == 2
    # A small list is counted exactly every time, whatever was remembered of it.
    counting.total(Customer.objects.all())
    CustomerFactory()
    assert counting.total(Customer.objects.all()) == counting.Total(201, is_estimate=False)


def test_the_time_limit_stops_a_slow_query():
    slow = {
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 100000000) SELECT COUNT(*) FROM n",
        "postgresql": "SELECT pg_sleep(2)",
    }[connection.vendor]
    with pytest.raises(counting._TooSlow), counting._time_limit("default", 20):
        with connection.cursor() as cursor:
            cursor.execute(slow)
            cursor.fetchall()
    with connection.cursor() as cursor:  # the connection is fine afterwards
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_estimates_are_rounded_to_two_significant_digits():
    assert counting.round_estimate(987_654.2) == 990_000
    assert counting.round_estimate(1234) == 1200
    assert counting.round_estimate(87) == 87


def test_the_paginator_marks_an_estimated_total(monkeypatch):
    monkeypatch.setattr(counting, "total", lambda rows: counting.Total(1_000_000, is_estimate=True))
    monkeypatch.setattr("core.paging.total", counting.total)
    CustomerFactory.create_batch(5)
    paginator = TailFriendlyPaginator(Customer.objects.order_by("name", "id"), 2)
    assert paginator.count == 1_000_000 and paginator.count_is_estimate
    last = paginator.page(paginator.num_pages)
    # The last page of an estimated list is its last rows in list order.
    assert [c.pk for c in last.object_list] == list(
        Customer.objects.order_by("name", "id").values_list("pk", flat=True)
    )[-2:]


@pytest.fixture
def estimated(monkeypatch):
    """Every list total comes back as an estimate of 987,000."""
    monkeypatch.setattr("core.paging.total", lambda rows: counting.Total(987_000, True))


def test_the_api_says_whether_the_total_is_an_estimate(company, api, monkeypatch):
    CustomerFactory.create_batch(3)
    answer = api(company.rep).get("/api/pool/").json()
    assert (answer["count"], answer["count_is_estimate"]) == (3, False)
    monkeypatch.setattr("core.paging.total", lambda rows: counting.Total(987_000, True))
    answer = api(company.rep).get("/api/pool/").json()
    assert (answer["count"], answer["count_is_estimate"]) == (987_000, True)
    assert len(answer["results"]) == 3


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_page_marks_an_estimated_total(company, client, estimated, language):
    CustomerFactory.create_batch(3)
    client.force_login(company.rep)
    page = client.get("/pool/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-testid="estimated-total"' in page
    # Numbers are formatted the language's way: 987,000 in English, 987000 in Chinese.
    expected = {"en": "≈ 987,000 in all (estimated)", "zh-hans": "约 987000 条（估算）"}
    assert expected[language] in page
