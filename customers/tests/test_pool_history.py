"""Pool managers read who had any customer before, in the pool or the recycle bin
(SPEC H1, P3), with the edits of public fields only (C2); nobody else does."""

import pytest

from customers.models import Customer
from customers.services import details, ownership

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(company):
    """Created by the rep, claimed, its phone and name edited, returned with a reason."""
    customer = ownership.create(company.rep, {"name": "Old Lead", "phone": "zq-111"}, claim=True)
    details.update(company.rep, customer, {"phone": "zq-222", "name": "Old Lead Ltd"})
    ownership.return_to_pool(company.rep, [customer.pk], reason="went quiet")
    return Customer.objects.get(pk=customer.pk)


def test_a_pool_manager_reads_who_had_it_and_its_public_edits(company, api, worked):
    response = api(company.marketer).get(f"/api/pool/{worked.pk}/history/")
    assert response.status_code == 200, response.content
    entries = response.json()["results"]
    assert [e["action"] for e in entries] == ["return", "edit", "create"]
    assert entries[0]["actor"] == "Rep Li" and entries[0]["reason"] == "went quiet"
    assert entries[1]["changes"] == [{"field": "name", "old": "Old Lead", "new": "Old Lead Ltd"}]
    assert "zq-" not in response.content.decode()  # the phone is not public
    found = api(company.marketer).get(f"/api/pool/{worked.pk}/history/", {"search": "quiet"})
    assert found.json()["count"] == 1


def test_the_history_of_a_customer_in_the_recycle_bin_too(company, api, browser, worked):
    ownership.delete(company.marketer, [worked.pk], reason="duplicate")
    response = api(company.marketer).get(f"/api/pool/{worked.pk}/history/")
    assert [e["action"] for e in response.json()["results"]][:2] == ["delete", "return"]
    page = browser(company.marketer).get(f"/pool/{worked.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="in-bin"' in html
    assert 'data-testid="pool-history"' in html and "went quiet" in html and "duplicate" in html
    assert 'value="claim"' not in html and 'data-testid="pool-edit"' not in html
    assert "zq-" not in html


def test_nobody_else_reads_it(company, api, browser, worked):
    for person in (company.rep, company.manager, company.peer):
        assert api(person).get(f"/api/pool/{worked.pk}/history/").status_code == 403
        page = browser(person).get(f"/pool/{worked.pk}/").content.decode()
        assert 'data-testid="pool-history"' not in page and "went quiet" not in page
    assert api(company.marketer).get("/api/pool/999999/history/").status_code == 404
    ownership.delete(company.marketer, [worked.pk])
    assert browser(company.rep).get(f"/pool/{worked.pk}/").status_code == 404
