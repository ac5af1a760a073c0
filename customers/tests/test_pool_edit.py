"""SPEC P8 (manual 4.1.1): pool managers, and the creator while it is unclaimed, correct
an unclaimed customer's public fields from the pool; nobody else, and never a claimed
one; the private fields are not on the form."""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.services import details
from customers.services.results import NotAllowed
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unclaimed(company):
    return CustomerFactory(name="Harbour Foods", created_by=company.rep, website="old.example")


@pytest.mark.parametrize(
    "who, allowed",
    [("marketer", True), ("rep", True), ("deputy", False), ("ceo", False), ("peer", False)],
)
def test_who_may_correct_an_unclaimed_customer(company, unclaimed, who, allowed):
    user = getattr(company, who)  # marketer: pool manager; rep: its creator
    assert (details.refuse_pool_edit(user, unclaimed) is None) is allowed
    if allowed:
        details.update_in_pool(user, unclaimed, {"name": "Harbour Foods Co."})
        assert Customer.objects.get(pk=unclaimed.pk).name == "Harbour Foods Co."
    else:
        with pytest.raises(NotAllowed):
            details.update_in_pool(user, unclaimed, {"name": "Harbour Foods Co."})
        assert Customer.objects.get(pk=unclaimed.pk).name == "Harbour Foods"


def test_a_claimed_customer_is_its_owners_to_edit(company, unclaimed):
    Customer.objects.filter(pk=unclaimed.pk).update(owner=company.deputy)
    unclaimed.refresh_from_db()
    for user in (company.marketer, company.rep):
        reason = details.refuse_pool_edit(user, unclaimed)
        assert reason == "Claimed by Deputy Du; its owner edits it."
        with pytest.raises(NotAllowed):
            details.update_in_pool(user, unclaimed, {"website": "new.example"})
    assert Customer.objects.get(pk=unclaimed.pk).website == "old.example"


def test_only_public_fields_are_corrected_from_the_pool(company, unclaimed):
    with pytest.raises(details.ServiceError, match="cannot be changed here: notes, phone"):
        details.update_in_pool(company.marketer, unclaimed, {"phone": "1", "notes": "x"})
    row = Customer.objects.get(pk=unclaimed.pk)
    assert (row.phone, row.notes) == (unclaimed.phone, "private notes")


def test_the_pool_page_offers_edit_only_to_who_may_and_saves(company, unclaimed, browser):
    detail = reverse("customers:pool-detail", args=[unclaimed.pk])
    edit = reverse("customers:pool-edit", args=[unclaimed.pk])
    assert 'data-testid="pool-edit"' not in browser(company.deputy).get(detail).content.decode()
    refused = browser(company.deputy).get(edit)
    assert refused.status_code == 403
    assert "Only pool managers and its creator" in refused.content.decode()

    client = browser(company.marketer)
    assert 'data-testid="pool-edit"' in client.get(detail).content.decode()
    form = client.get(edit).content.decode()
    assert 'name="website"' in form and 'name="phone"' not in form and 'name="notes"' not in form
    assert "save_and_opportunity" not in form
    response = client.post(edit, {"name": "Harbour Foods Co.", "website": "new.example"})
    assert response.status_code == 302 and response["Location"] == detail
    row = Customer.objects.get(pk=unclaimed.pk)
    assert (row.name, row.website, row.notes) == (
        "Harbour Foods Co.",
        "new.example",
        "private notes",
    )
    assert row.history.latest().history_user == company.marketer  # traced (H1)

    too_long = client.post(edit, {"name": "x" * 201})
    assert too_long.status_code == 200 and "at most 200 characters" in too_long.content.decode()
    assert Customer.objects.get(pk=unclaimed.pk).name == "Harbour Foods Co."


def test_the_api_patches_public_fields_with_the_same_rules(company, unclaimed, api):
    url = f"/api/pool/{unclaimed.pk}/"
    ok = api(company.rep).patch(url, {"name": "Harbour Foods Co.", "website": "new.example"})
    assert ok.status_code == 200 and ok.json()["name"] == "Harbour Foods Co."
    assert "phone" not in ok.json() and "notes" not in ok.json()  # the pool's view (C2)
    refused = api(company.peer).patch(url, {"website": "evil.example"}, format="json")
    assert refused.status_code == 403
    assert api(company.marketer).patch("/api/pool/999999/", {}, format="json").status_code == 404
    bad = api(company.marketer).patch(url, {"name": ""}, format="json")
    assert bad.status_code == 400
    row = Customer.objects.get(pk=unclaimed.pk)
    assert (row.name, row.website) == ("Harbour Foods Co.", "new.example")
