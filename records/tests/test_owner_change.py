"""Records belong to the customer (SPEC §9, M6, P4–P6): when it changes owner they stay
with it and become the new owner's to work; the old owner loses them; nothing is deleted.
For every module in records.registry, through the API."""

import pytest

from customers.models import Customer
from customers.services import ownership
from customers.testing import CustomerFactory, ShareFactory
from records.testing import MODULES, OPEN_TO_SHAREES, counts, create, example, fill, ids, tab_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def change_owner(company, customer, how):
    """Move `customer` (owned by rep) as `how` says; returns (new owner, what the old
    owner now gets when reading a row)."""
    pk = customer.pk
    if how == "return then claim":  # M4, P4
        assert ownership.return_to_pool(company.rep, [pk]).done == [pk]
        assert ownership.claim(company.deputy, [pk]).done == [pk]
        return company.deputy, 404
    if how == "assign":  # M6: the owner hands it over
        assert ownership.assign(company.rep, [pk], [company.deputy]).done == [pk]
        return company.deputy, 404
    if how == "reclaim then claim":  # P5 by the owner's supervisor, then P4
        assert ownership.reclaim(company.manager, [pk]).done == [pk]
        assert ownership.claim(company.peer, [pk]).done == [pk]
        return company.peer, 404
    if how == "pool manager assigns to a subordinate":  # P6; rep still reads as supervisor
        assert ownership.assign(company.marketer, [pk], [company.junior]).done == [pk]
        return company.junior, 200
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    ["return then claim", "assign", "reclaim then claim", "pool manager assigns to a subordinate"],
)
def test_records_stay_with_the_customer_and_pass_to_the_new_owner(company, api, how):
    customer = CustomerFactory(name="Moving Customer", owner=company.rep)
    rows = fill(company.rep, customer, "zqmove")
    owned_rows = {key: {row.pk} for key, row in rows.items()}
    # Rows a sharee wrote before the move stay too.
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    for key in OPEN_TO_SHAREES:
        note = create(api(company.deputy), customer, key, rows, tag="by deputy")
        assert note.status_code == 201
        owned_rows[key].add(note.json()["id"])
    before = counts()

    new_owner, old_owner_reads = change_owner(company, customer, how)
    assert Customer.objects.get(pk=customer.pk).owner_id == new_owner.pk
    assert counts() == before, "nothing is deleted when the owner changes"

    new, old = api(new_owner), api(company.rep)
    for key in MODULES:
        assert ids(new.get(tab_url(customer, key))) == owned_rows[key], key
        assert owned_rows[key] <= ids(new.get(f"/api/{key}/", {"page_size": 200})), key
        old_listed = ids(old.get(f"/api/{key}/", {"page_size": 200}))
        assert bool(owned_rows[key] & old_listed) is (old_owner_reads == 200), key
        change = example(key).change
        for pk in owned_rows[key]:
            assert old.get(tab_url(customer, key, pk)).status_code == old_owner_reads, key
            refused_status = 403 if old_owner_reads == 200 else 404
            assert old.delete(tab_url(customer, key, pk)).status_code == refused_status, key
            if change is None:  # never changed (see test_permissions)
                continue
            old_change = old.patch(tab_url(customer, key, pk), change, format="json")
            assert old_change.status_code == refused_status, (key, old_change.content[:200])
            changed = new.patch(tab_url(customer, key, pk), change, format="json")
            assert changed.status_code == 200, (key, changed.content[:300])
    assert counts() == before

    # The new owner works the record: adds to every module (against the rows it refers
    # to, such as the old contract), then deletes what was added and what was there,
    # later modules first, as they may refer to earlier ones.
    added = {}
    for key in MODULES:
        response = create(new, customer, key, rows, tag="by the new owner")
        assert response.status_code == 201, (key, response.content[:300])
        added[key] = response.json()["id"]
    for key in reversed(MODULES):
        for pk in [added[key], *sorted(owned_rows[key])]:
            assert new.delete(tab_url(customer, key, pk)).status_code == 204, key


def test_the_new_owner_is_offered_edit_and_delete_on_every_inherited_row(company, browser, api):
    """The customer's tab, for every module: the rows the old owner and a sharee wrote
    are the new owner's to change, so each shows its Delete button (and Edit where the
    module edits)."""
    customer = CustomerFactory(name="Inherited Customer", owner=company.rep)
    rows = fill(company.rep, customer, "zqinherit")
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    written = {key: [row.pk] for key, row in rows.items()}
    for key in OPEN_TO_SHAREES:
        written[key].append(create(api(company.deputy), customer, key, rows).json()["id"])
    assert ownership.assign(company.rep, [customer.pk], [company.peer]).done == [customer.pk]

    client = browser(company.peer)
    for key in MODULES:
        page = client.get(f"/customers/{customer.pk}/", {"tab": key}).content.decode()
        for pk in written[key]:
            assert f"/customers/{customer.pk}/{key}/{pk}/delete/" in page, (key, pk)
