"""Unit tests of the ownership service: rules, events and shares (SPEC P2–P6, M4–M6, H1)."""

from collections import Counter

import pytest

from core.errors import ServiceError
from customers import querysets
from customers.models import Customer, OwnershipEvent, Share
from customers.services import ownership
from customers.testing import CustomerFactory, ShareFactory

pytestmark = pytest.mark.django_db


def events(customer, action=None):
    rows = OwnershipEvent.objects.filter(customer=customer)
    return list(rows.filter(action=action) if action else rows)


def test_claim_records_who_from_whom_and_refuses_by_name(company):
    free = CustomerFactory(name="Free One")
    taken = CustomerFactory(name="Taken One", owner=company.deputy)
    result = ownership.claim(company.rep, [free.pk, taken.pk, free.pk])
    assert result.done == [free.pk]
    assert result.refused == [
        {"id": taken.pk, "name": "Taken One", "reason": "Already claimed by Deputy Du."}
    ]
    (event,) = events(free, "claim")
    assert (event.actor, event.from_user, event.to_user) == (company.rep, None, company.rep)
    free.refresh_from_db()
    assert free.owner == company.rep and free.claimed_at is not None
    assert events(taken) == []


def test_return_clears_shares_and_records_it(company):
    customer = CustomerFactory(owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    ShareFactory(customer=customer, department=company.support, shared_by=company.rep)
    result = ownership.return_to_pool(company.rep, [customer.pk], reason="done with it")
    assert result.done == [customer.pk]
    customer.refresh_from_db()
    assert customer.owner is None and customer.claimed_at is None
    assert not Share.objects.filter(customer=customer).exists()
    unshared = events(customer, "unshare")
    assert {(e.to_user_id, e.to_department_id) for e in unshared} == {
        (company.deputy.pk, None),
        (None, company.support.pk),
    }
    assert events(customer, "return")[0].reason == "done with it"


def test_fair_distribution_is_even_and_skips_current_owner(company):
    reps = [company.rep, company.deputy, company.junior]
    already = CustomerFactory.create_batch(2, owner=company.rep)
    fresh = CustomerFactory.create_batch(8)
    ids = [c.pk for c in already + fresh]
    result = ownership.assign(company.marketer, ids, reps)
    assert sorted(result.done) == sorted(ids) and result.refused == []
    owners = Counter(Customer.objects.filter(pk__in=ids).values_list("owner_id", flat=True))
    assert sorted(owners.values()) in ([3, 3, 4], [3, 4, 3])
    assert max(owners.values()) - min(owners.values()) <= 1
    for customer in already:
        customer.refresh_from_db()
        assert customer.owner != company.rep


def test_only_pool_managers_assign_batches(company):
    mine = CustomerFactory.create_batch(2, owner=company.rep)
    with pytest.raises(ServiceError):
        ownership.assign(company.rep, [c.pk for c in mine], [company.deputy])
    assert Customer.objects.filter(owner=company.rep).count() == 2
    single = ownership.assign(company.rep, [mine[0].pk], [company.deputy])
    assert single.done == [mine[0].pk]


def test_supervisor_reclaims_and_assigns_subordinate_customers(company):
    customer = CustomerFactory(owner=company.junior)
    result = ownership.assign(company.manager, [customer.pk], [company.deputy])
    assert result.done == [customer.pk]
    result = ownership.reclaim(company.ceo, [customer.pk])
    assert result.done == [customer.pk]
    result = ownership.reclaim(company.peer, [CustomerFactory(owner=company.rep).pk])
    assert result.done == [] and "supervisors" in result.refused[0]["reason"]


def test_share_is_idempotent_and_never_to_self(company):
    customer = CustomerFactory(owner=company.rep)
    ownership.share(company.rep, [customer.pk], users=[company.deputy, company.rep])
    ownership.share(company.rep, [customer.pk], users=[company.deputy])
    assert list(Share.objects.filter(customer=customer).values_list("user_id", flat=True)) == [
        company.deputy.pk
    ]
    assert len(events(customer, "share")) == 1


def test_unshare_hides_at_once_and_refuses_when_nothing_to_remove(company):
    customer = CustomerFactory(owner=company.rep)
    ownership.share(company.rep, [customer.pk], users=[company.peer])
    assert querysets.visible(company.peer).filter(pk=customer.pk).exists()
    result = ownership.unshare(company.rep, [customer.pk], users=[company.peer])
    assert result.done == [customer.pk]
    assert not querysets.visible(company.peer).filter(pk=customer.pk).exists()
    again = ownership.unshare(company.rep, [customer.pk], users=[company.peer])
    assert again.done == [] and again.refused[0]["reason"].startswith("It is not shared")


def test_delete_and_restore_through_the_recycle_bin(company):
    free = CustomerFactory(name="Bin Me")
    claimed = CustomerFactory(name="Keep Me", owner=company.rep)
    result = ownership.delete(company.marketer, [free.pk, claimed.pk])
    assert result.done == [free.pk]
    assert "Rep Li" in result.refused[0]["reason"]
    assert not querysets.pool(company.rep).filter(pk=free.pk).exists()
    assert ownership.claim(company.rep, [free.pk]).refused[0]["reason"] == "No such customer."
    ownership.create(company.rep, {"name": "BIN ME"})
    refused = ownership.restore(company.marketer, [free.pk])
    assert refused.done == [] and "already exists" in refused.refused[0]["reason"]
    Customer.objects.filter(name="BIN ME").delete()
    assert ownership.restore(company.marketer, [free.pk]).done == [free.pk]
    assert [e.action for e in events(free)] == ["delete", "restore"]


def test_create_and_claim_in_one_step(company):
    customer = ownership.create(company.rep, {"name": "  New Co  "}, claim=True)
    assert customer.name == "New Co" and customer.owner == company.rep
    (event,) = events(customer)
    assert (event.action, event.to_user) == ("create", company.rep)
    with pytest.raises(ServiceError, match="Rep Li"):
        ownership.create(company.peer, {"name": "new co."})
