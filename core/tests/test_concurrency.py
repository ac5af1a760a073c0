"""Two people editing one row: the second save from an older version is refused with who
changed it, never silently overwriting (issue: last writer wins). API: ETag / If-Match →
412; pages: the version the form showed → 409 with the form kept."""

import pytest

from customers.testing import CustomerFactory
from records.testing import tab_url

pytestmark = pytest.mark.django_db


def test_the_api_refuses_an_edit_from_an_older_version(company, api):
    customer = CustomerFactory(name="Contested", owner=company.rep, notes="first")
    client = api(company.rep)
    url = f"/api/customers/{customer.pk}/"
    seen = client.get(url)
    assert seen["ETag"] == '"1"' and seen.json()["version"] == 1
    first = client.patch(url, {"notes": "mine"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200 and first["ETag"] == '"2"'
    late = client.patch(url, {"notes": "theirs"}, format="json", HTTP_IF_MATCH='"1"')
    assert late.status_code == 412, late.content
    assert "Rep Li changed it meanwhile" in late.json()["detail"]
    assert client.get(url).json()["notes"] == "mine"
    assert client.patch(url, {"notes": "x"}, HTTP_IF_MATCH="soon").status_code == 400
    # Without If-Match the client did not ask to be protected.
    assert client.patch(url, {"notes": "anyway"}, format="json").status_code == 200


def test_a_record_edit_from_an_older_version_is_refused(company, api, book):
    client = api(company.rep)
    contract = book.rows["contracts"]
    url = tab_url(book.customer, "contracts", contract.pk)
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "A"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    late = client.patch(url, {"title": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 412 and client.get(url).json()["title"] == "A"


def test_a_page_keeps_the_form_and_says_who_changed_it_meanwhile(company, browser, api, book):
    page = browser(company.rep)
    customer = book.customer
    form = page.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in form
    assert (
        api(company.rep)
        .patch(f"/api/customers/{customer.pk}/", {"notes": "from the API"}, format="json")
        .status_code
        == 200
    )
    late = page.post(
        f"/customers/{customer.pk}/edit/",
        {"name": customer.name, "notes": "typed on the page", "version": "1"},
    )
    assert late.status_code == 409
    html = late.content.decode()
    assert "changed it meanwhile" in html and "typed on the page" in html
    customer.refresh_from_db()
    assert customer.notes == "from the API"

    interaction = book.rows["interactions"]
    url = f"/customers/{customer.pk}/interactions/{interaction.pk}/edit/"
    assert 'name="version" value="1"' in page.get(url).content.decode()
    from records.testing import example

    data = {**example("interactions").form("late", book.rows), "version": "1"}
    assert page.post(url, data).status_code == 302  # still version 1: saved
    assert page.post(url, data).status_code == 409  # from version 1 again: refused
