"""Working records are never hard-deleted (issue: money and working records vanished with no
trace): a deleted row of any module goes to the customer's recycle bin, from which its
owner — or a pool manager, once the customer is nobody's — brings it back. A contract and
its payments: sales/tests/test_recycle_bin_money.py."""

import pytest

from audit.models import Action, AuditEntry
from customers.services import ownership
from records import registry
from records.testing import (
    MODULES,
    OPEN_TO_SHAREES,
    OWNER_ONLY,
    bin_url,
    binned,
    example,
    model,
    restore_url,
    tab_url,
)

pytestmark = pytest.mark.django_db


def fresh(company, book, key, user=None):
    return example(key).make(user or company.rep, book.customer, "fresh", book.rows)


@pytest.mark.parametrize("key", MODULES)
def test_a_deleted_row_waits_in_the_bin_and_comes_back_whole(company, api, book, key):
    row = fresh(company, book, key)
    client = api(company.rep)
    before = api(company.rep).get(tab_url(book.customer, key, row.pk)).json()

    assert client.delete(tab_url(book.customer, key, row.pk)).status_code == 204
    stored = model(key).everything.get(pk=row.pk)
    assert stored.deleted_at is not None and stored.deleted_by == company.rep
    assert client.get(tab_url(book.customer, key, row.pk)).status_code == 404
    listed = [r["id"] for r in client.get(tab_url(book.customer, key)).json()["results"]]
    assert row.pk not in listed
    assert row.pk not in [r["id"] for r in client.get(f"/api/{key}/").json()["results"]]
    entry = binned(api, company.rep, book.customer)[(key, row.pk)]
    assert entry["label"] == str(row) and entry["may_restore"] is True
    assert entry["deleted_by"] == company.rep.label

    response = client.post(restore_url(book.customer, key, row.pk))
    assert response.status_code == 200, response.content
    after = client.get(tab_url(book.customer, key, row.pk)).json()
    assert {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }
    assert (key, row.pk) not in binned(api, company.rep, book.customer)
    trail = AuditEntry.objects.filter(object_id=str(row.pk), customer=book.customer)
    kind = f"{row._meta.app_label}.{row._meta.model_name}"
    actions = list(trail.filter(object_type=kind).order_by("id"))
    assert [e.action for e in actions][-2:] == [Action.DELETE, Action.RESTORE]


def test_deleting_twice_or_restoring_twice_changes_nothing(company, api, book):
    key = OWNER_ONLY[-1]
    row = fresh(company, book, key)
    client = api(company.rep)
    url = tab_url(book.customer, key, row.pk)
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert client.post(f"{url}restore/").status_code == 200
    again = client.post(f"{url}restore/")
    assert again.status_code == 400 and again.json()["detail"]
    assert AuditEntry.objects.filter(object_id=str(row.pk), action=Action.RESTORE).count() == 1


def test_only_those_who_may_change_it_restore_it(company, api, book):
    key = OWNER_ONLY[0]
    row = fresh(company, book, key)
    assert api(company.rep).delete(tab_url(book.customer, key, row.pk)).status_code == 204
    url = restore_url(book.customer, key, row.pk)
    # A stranger learns nothing; a supervisor reads but does not write the record.
    assert api(company.peer).post(url).status_code == 404
    assert api(company.peer).get(bin_url(book.customer)).status_code == 404
    refused = api(company.manager).post(url)
    assert refused.status_code == 403
    assert binned(api, company.manager, book.customer)[(key, row.pk)]["may_restore"] is False
    assert model(key).everything.get(pk=row.pk).deleted_at is not None
    # A pool manager does not restore records of a customer someone owns.
    assert api(company.marketer).post(url).status_code == 404


@pytest.mark.parametrize("key", OPEN_TO_SHAREES)
def test_a_sharee_restores_what_they_wrote(company, api, book, key):
    from customers.testing import ShareFactory

    ShareFactory(customer=book.customer, user=company.deputy, shared_by=company.rep)
    theirs = fresh(company, book, key, user=company.deputy)
    owners = fresh(company, book, key)
    for row in (theirs, owners):
        registry.module_for(key).service.delete(company.rep, row)
    client = api(company.deputy)
    assert client.post(restore_url(book.customer, key, owners.pk)).status_code == 403
    assert client.post(restore_url(book.customer, key, theirs.pk)).status_code == 200


@pytest.mark.parametrize("key", MODULES)
def test_a_pool_manager_restores_records_of_a_customer_nobody_owns(company, api, book, client, key):
    row = book.rows[key]
    registry.module_for(key).service.delete(company.rep, row, with_dependents=True)
    assert ownership.return_to_pool(company.rep, [book.customer.pk]).done

    listed = binned(api, company.marketer, book.customer)
    entry = listed[(key, row.pk)]
    # Kind and number only: the pool never shows a private field (C2).
    assert entry["label"] == f"#{row.pk}" and entry["may_restore"] is True
    planted = example(key).planted("zqbook", row)
    assert planted and not any(text in str(listed) for text in planted)
    assert api(company.peer).get(bin_url(book.customer)).status_code == 404

    client.force_login(company.marketer)
    page = client.get(f"/pool/{book.customer.pk}/").content.decode()
    assert 'data-testid="pool-record-bin"' in page
    assert not any(text in page for text in planted)
    response = client.post(f"/customers/{book.customer.pk}/{key}/{row.pk}/restore/")
    assert response.status_code == 302 and response.url == f"/pool/{book.customer.pk}/"
    assert model(key).objects.filter(pk=row.pk).exists()
