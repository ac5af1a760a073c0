"""SPEC P3, manual: the recycle bin shows when and by whom each customer was deleted, on
the page and in the API (pool managers only), most recently deleted first."""

import pytest

from customers.services import ownership
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def binned(company):
    older, newer = CustomerFactory(name="Old Binned Co"), CustomerFactory(name="New Binned Co")
    assert ownership.delete(company.marketer, [older.pk]).done == [older.pk]
    assert ownership.delete(company.marketer, [newer.pk]).done == [newer.pk]
    CustomerFactory(name="Live Co")
    return older, newer


def test_the_bin_page_shows_deleted_at_and_by_without_sort_links(company, binned, browser):
    page = browser(company.marketer).get("/recycle-bin/").content.decode()
    assert "Deleted by" in page and page.count("Marketer Mo") >= 2
    assert page.index("New Binned Co") < page.index("Old Binned Co")
    assert "Live Co" not in page
    assert "ordering=" not in page  # the bin has one order: most recently deleted first
    assert "Search name or category" in page  # like the pool, names only (C2)


def test_the_api_lists_the_bin_for_pool_managers(company, binned, api):
    older, newer = binned
    body = api(company.marketer).get("/api/recycle-bin/").json()
    assert (body["count"], body["count_is_capped"]) == (2, False)
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert first["deleted_by"] == {"id": company.marketer.pk, "display_name": "Marketer Mo"}
    assert first["deleted_at"] and "phone" not in first and "notes" not in first
    searched = api(company.marketer).get("/api/recycle-bin/", {"search": "Old"}).json()
    assert [row["id"] for row in searched["results"]] == [older.pk]


def test_the_api_refuses_the_bin_to_everyone_else(company, binned, api):
    refused = api(company.rep).get("/api/recycle-bin/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only pool managers may open the recycle bin."


def test_a_refused_restore_does_not_name_what_is_in_the_bin(company, api):
    """The refusal once named the binned customer to a salesperson who may not see it."""
    from customers.services import ownership

    binned = ownership.create(company.marketer, {"name": "Secret Binned Lead"}, claim=False)
    ownership.delete(company.marketer, [binned.pk])
    answer = api(company.rep).post("/api/customers/restore/", {"ids": [binned.pk]}, format="json")
    assert answer.status_code == 200
    (refusal,) = answer.json()["refused"]
    assert refusal["name"] is None and "Secret" not in answer.content.decode()
