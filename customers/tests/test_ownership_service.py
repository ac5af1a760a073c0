"""Unit tests of the ownership service: rules, events and shares (SPEC P2–P6, M4–M6, H1)."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import ServiceError
from customers import querysets, rules
from customers.models import Customer, OwnershipEvent, Share
from customers.services import ownership
from customers.testing import CustomerFactory, ShareFactory
from org.testing import UserFactory

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


def test_customers_go_to_no_administrator_and_no_deactivated_person(company, api):
    """The pickers offer neither (querysets.assignees); the service refuses them too, so a
    hand-made request cannot give an administrator customers to chase."""
    fresh = CustomerFactory.create_batch(2)
    ids = [c.pk for c in fresh]
    company.junior.is_active = False
    company.junior.save()
    for target in (company.admin, company.junior):
        with pytest.raises(ServiceError, match="cannot receive customers"):
            ownership.assign(company.marketer, ids, [company.rep, target])
    answer = api(company.marketer).post(
        "/api/customers/assign/", {"ids": ids, "to": [company.admin.pk]}, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert not Customer.objects.filter(pk__in=ids, owner__isnull=False).exists()


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


# --- Every answer a batch action gives ------------------------------------------------------


def run(action, user, ids, company):
    """One batch action as the page and the API call it, targets chosen for the case."""
    calls = {
        "claim": lambda: ownership.claim(user, ids),
        "return": lambda: ownership.return_to_pool(user, ids),
        "reclaim": lambda: ownership.reclaim(user, ids),
        "assign": lambda: ownership.assign(user, ids, [company.deputy]),
        "share": lambda: ownership.share(user, ids, users=[company.peer]),
        "unshare": lambda: ownership.unshare(user, ids, users=[company.peer]),
        "delete": lambda: ownership.delete(user, ids),
        "restore": lambda: ownership.restore(user, ids),
    }
    return calls[action]()


def snapshot(customer_ids):
    """Everything a batch action may write about these customers."""
    return (
        list(
            Customer.objects.filter(pk__in=customer_ids)
            .order_by("pk")
            .values_list("pk", "owner_id", "claimed_at", "deleted_at", "updated_at")
        ),
        sorted(Share.objects.filter(customer_id__in=customer_ids).values_list("pk", flat=True)),
        OwnershipEvent.objects.filter(customer_id__in=customer_ids).count(),
    )


REFUSALS = [
    ("claim", "rep", "rep", False, "You already own it."),
    ("claim", "rep", "deputy", False, "Already claimed by Deputy Du."),
    ("claim", "rep", None, True, "No such customer."),
    ("return", "rep", "deputy", False, "You do not own it, so you cannot return it."),
    ("return", "rep", None, False, "You do not own it, so you cannot return it."),
    ("reclaim", "marketer", None, False, "It is not claimed, so there is nothing to reclaim."),
    (
        "reclaim",
        "peer",
        "rep",
        False,
        "Only pool managers and the owner's supervisors may reclaim it.",
    ),
    (
        "assign",
        "peer",
        "rep",
        False,
        "Only pool managers, its owner and the owner's supervisors may assign it.",
    ),
    (
        "assign",
        "rep",
        None,
        False,
        "Only pool managers, its owner and the owner's supervisors may assign it.",
    ),
    ("assign", "marketer", "deputy", False, "It already belongs to Deputy Du."),
    ("assign", "marketer", "rep", True, "No such customer."),
    ("share", "deputy", "rep", False, "Only its owner may share it or remove its shares."),
    ("share", "rep", "rep", True, "No such customer."),
    ("unshare", "deputy", "rep", False, "Only its owner may share it or remove its shares."),
    ("unshare", "rep", "rep", False, "It is not shared with the chosen users or departments."),
    ("delete", "rep", None, False, "Only pool managers may delete customers."),
    (
        "delete",
        "marketer",
        "rep",
        False,
        "Claimed by Rep Li; only unclaimed customers can be deleted.",
    ),
    ("delete", "marketer", None, True, "No such customer."),
    ("restore", "rep", None, True, "Only pool managers may restore customers."),
    ("restore", "marketer", None, False, "It is not in the recycle bin."),
]


@pytest.mark.parametrize(("action", "actor", "owner", "deleted", "reason"), REFUSALS)
def test_each_refusal_names_the_customer_gives_the_reason_and_writes_nothing(
    company, action, actor, owner, deleted, reason
):
    customer = CustomerFactory(
        name="Held Co",
        owner=getattr(company, owner) if owner else None,
        deleted_at=timezone.now() if deleted else None,
    )
    if owner:
        ShareFactory(customer=customer, department=company.support, shared_by=customer.owner)
    before = snapshot([customer.pk])

    result = run(action, getattr(company, actor), [customer.pk], company)

    # A customer in the recycle bin is unknown to everything but a pool manager's restore:
    # no name shown.
    hidden = deleted and (action != "restore" or actor != "marketer")
    name = None if hidden else "Held Co"
    assert result.done == []
    assert result.refused == [{"id": customer.pk, "name": name, "reason": reason}]
    assert snapshot([customer.pk]) == before


@pytest.mark.parametrize(
    "action", ["claim", "return", "reclaim", "assign", "share", "unshare", "delete", "restore"]
)
def test_an_unknown_id_is_refused_as_no_such_customer(company, action):
    actor = company.marketer if action in ("delete", "restore", "reclaim") else company.rep
    result = run(action, actor, [987654321], company)
    assert result.done == []
    assert result.refused == [{"id": 987654321, "name": None, "reason": "No such customer."}]
    assert not OwnershipEvent.objects.exists()


@pytest.mark.parametrize(
    "action", ["claim", "return", "reclaim", "assign", "share", "unshare", "delete", "restore"]
)
def test_an_empty_batch_answers_nothing_and_writes_nothing(company, action):
    CustomerFactory(owner=company.rep)
    CustomerFactory()
    before = snapshot(list(Customer.objects.values_list("pk", flat=True)))
    with CaptureQueriesContext(connection) as captured:
        result = run(action, company.marketer, [], company)
    assert (result.done, result.refused) == ([], [])
    writes = [q["sql"] for q in captured if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert snapshot(list(Customer.objects.values_list("pk", flat=True))) == before


def test_a_mixed_batch_answers_every_id_once_in_order_and_writes_only_the_winners(company):
    free = CustomerFactory.create_batch(3)
    taken = CustomerFactory(name="Taken Co", owner=company.deputy)
    mine = CustomerFactory(name="Mine Co", owner=company.rep)
    binned = CustomerFactory(name="Binned Co", deleted_at=timezone.now())
    ids = [free[2].pk, taken.pk, 987654321, free[0].pk, binned.pk, free[2].pk, mine.pk]
    ids += [taken.pk, free[1].pk, free[0].pk]
    before = snapshot([taken.pk, mine.pk, binned.pk])

    result = ownership.claim(company.rep, ids, reason="cold call")

    assert result.done == sorted(c.pk for c in free)
    assert result.refused == [
        {"id": taken.pk, "name": "Taken Co", "reason": "Already claimed by Deputy Du."},
        {"id": 987654321, "name": None, "reason": "No such customer."},
        {"id": binned.pk, "name": None, "reason": "No such customer."},
        {"id": mine.pk, "name": "Mine Co", "reason": "You already own it."},
    ]
    assert snapshot([taken.pk, mine.pk, binned.pk]) == before
    claimed = Customer.objects.filter(pk__in=result.done)
    assert set(claimed.values_list("owner_id", flat=True)) == {company.rep.pk}
    assert not claimed.filter(claimed_at__isnull=True).exists()
    recorded = OwnershipEvent.objects.values_list(
        "customer_id", "action", "actor_id", "from_user_id", "to_user_id", "reason"
    )
    assert sorted(recorded) == [
        (c.pk, "claim", company.rep.pk, None, company.rep.pk, "cold call") for c in free
    ]


def test_assigning_from_several_owners_records_each_previous_owner_and_ends_their_shares(
    company,
):
    from_rep = CustomerFactory(owner=company.rep)
    from_junior = CustomerFactory(owner=company.junior)
    unclaimed = CustomerFactory()
    kept = CustomerFactory(owner=company.rep)
    ShareFactory(customer=from_rep, user=company.peer, shared_by=company.rep)
    kept_share = ShareFactory(customer=kept, user=company.peer, shared_by=company.rep)
    moved = [from_junior, unclaimed, from_rep]

    result = ownership.assign(company.marketer, [c.pk for c in moved], [company.deputy])

    assert result.done == sorted(c.pk for c in moved) and result.refused == []
    owners = dict(Customer.objects.values_list("pk", "owner_id"))
    assert [owners[c.pk] for c in moved] == [company.deputy.pk] * 3
    assert owners[kept.pk] == company.rep.pk
    assigned = OwnershipEvent.objects.filter(action="assign").values_list(
        "customer_id", "from_user_id", "to_user_id"
    )
    assert sorted(assigned) == sorted(
        [
            (from_rep.pk, company.rep.pk, company.deputy.pk),
            (from_junior.pk, company.junior.pk, company.deputy.pk),
            (unclaimed.pk, None, company.deputy.pk),
        ]
    )
    assert list(Share.objects.values_list("pk", flat=True)) == [kept_share.pk]
    (unshared,) = OwnershipEvent.objects.filter(action="unshare")
    assert (unshared.customer_id, unshared.to_user_id, unshared.reason) == (
        from_rep.pk,
        company.peer.pk,
        "owner changed",
    )


def test_the_same_customer_twice_is_one_customer(company):
    customer = CustomerFactory(owner=company.rep)
    # One customer, even named twice, is what an owner may assign.
    result = ownership.assign(company.rep, [customer.pk, customer.pk], [company.deputy])
    assert (result.done, result.refused) == ([customer.pk], [])
    result = ownership.return_to_pool(company.deputy, [customer.pk] * 3)
    assert (result.done, result.refused) == ([customer.pk], [])
    assert [e.action for e in events(customer)] == ["assign", "return"]


def test_delete_records_the_bin_and_hides_the_customer_from_every_action(company):
    customers = CustomerFactory.create_batch(2)
    result = ownership.delete(company.marketer, [c.pk for c in customers], reason="stale")
    assert (result.done, result.refused) == (sorted(c.pk for c in customers), [])
    assert not Customer.objects.filter(deleted_at__isnull=True).exists()
    deleted = OwnershipEvent.objects.values_list("action", "actor_id", "from_user_id", "reason")
    assert list(deleted) == [("delete", company.marketer.pk, None, "stale")] * 2


def test_restore_answers_in_the_order_asked_and_refuses_a_taken_name(company):
    first, clash, last = (
        CustomerFactory(name=name, deleted_at=timezone.now())
        for name in ("First Co", "Clash Co", "Last Co")
    )
    live = ownership.create(company.rep, {"name": "clash co."}, claim=True)
    result = ownership.restore(company.marketer, [last.pk, clash.pk, first.pk], reason="oops")
    assert result.done == [last.pk, first.pk]
    assert result.refused == [
        {
            "id": clash.pk,
            "name": "Clash Co",
            "reason": f'A customer named "clash co." (id {live.pk}) already exists, '
            "owned by Rep Li.",
        }
    ]
    assert set(Customer.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True)) == {
        first.pk,
        last.pk,
        live.pk,
    }
    restored = OwnershipEvent.objects.filter(action="restore").values_list("customer_id", "reason")
    assert sorted(restored) == sorted([(first.pk, "oops"), (last.pk, "oops")])


def test_unshare_by_share_id_removes_only_that_share(company):
    customer = CustomerFactory(owner=company.rep)
    other = CustomerFactory(owner=company.rep)
    to_peer = ShareFactory(customer=customer, user=company.peer, shared_by=company.rep)
    to_support = ShareFactory(customer=customer, department=company.support, shared_by=company.rep)
    elsewhere = ShareFactory(customer=other, user=company.peer, shared_by=company.rep)

    result = ownership.unshare(company.rep, [customer.pk], share_ids=[to_peer.pk, elsewhere.pk])

    assert (result.done, result.refused) == ([customer.pk], [])
    remaining = set(Share.objects.values_list("pk", flat=True))
    assert remaining == {to_support.pk, elsewhere.pk}
    (event,) = events(customer, "unshare")
    assert (event.to_user_id, event.to_department_id) == (company.peer.pk, None)
    again = ownership.unshare(company.rep, [other.pk], share_ids=[to_support.pk])
    assert again.done == [] and again.refused[0]["reason"].startswith("It is not shared")


def test_share_with_a_department_and_users(company):
    customer = CustomerFactory(owner=company.rep)
    result = ownership.share(
        company.rep, [customer.pk], users=[company.peer], departments=[company.support]
    )
    assert (result.done, result.refused) == ([customer.pk], [])
    assert set(Share.objects.values_list("user_id", "department_id", "shared_by_id")) == {
        (company.peer.pk, None, company.rep.pk),
        (None, company.support.pk, company.rep.pk),
    }


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, ids: ownership.assign(c.marketer, ids, []), "to"),
        (lambda c, ids: ownership.assign(c.rep, ids, [c.deputy]), None),
        (lambda c, ids: ownership.assign(c.rep, ids[:1], [c.deputy, c.peer]), None),
        (lambda c, ids: ownership.share(c.rep, ids), None),
        (lambda c, ids: ownership.unshare(c.rep, ids), None),
    ],
    ids=["assign-to-nobody", "batch-assign", "distribute", "share-nobody", "unshare-nobody"],
)
def test_a_request_that_cannot_be_met_is_an_error_and_changes_nothing(company, call, field):
    customers = CustomerFactory.create_batch(2, owner=company.rep)
    ShareFactory(customer=customers[0], user=company.peer, shared_by=company.rep)
    ids = [c.pk for c in customers]
    before = snapshot(ids)
    with pytest.raises(ServiceError) as raised:
        call(company, ids)
    assert raised.value.field == field
    assert snapshot(ids) == before


def test_create_needs_a_name(company):
    with pytest.raises(ServiceError, match="needs a name") as raised:
        ownership.create(company.rep, {"name": "   "})
    assert raised.value.field == "name"
    assert not Customer.objects.exists()


def test_a_name_saved_by_someone_else_after_our_check_is_still_refused(company, monkeypatch):
    check = ownership.check_name_free

    def check_then_someone_else_saves(name, exclude_id=None):
        check(name, exclude_id)
        CustomerFactory(name="ACME LTD", owner=company.deputy)

    monkeypatch.setattr(ownership, "check_name_free", check_then_someone_else_saves)
    with pytest.raises(ServiceError, match="owned by Deputy Du") as raised:
        ownership.create(company.rep, {"name": "Acme Ltd"}, claim=True)
    assert raised.value.field == "name"
    assert list(Customer.objects.values_list("name", "owner_id")) == [
        ("ACME LTD", company.deputy.pk)
    ]
    assert not OwnershipEvent.objects.exists()


def test_a_clash_only_the_unique_index_sees_is_refused_in_general_words(company, monkeypatch):
    CustomerFactory(name="Acme Ltd")
    monkeypatch.setattr(ownership, "find_duplicate", lambda name, exclude_id=None: None)
    with pytest.raises(ServiceError) as raised:
        ownership.create(company.rep, {"name": "acme ltd"})
    assert str(raised.value) == "A customer with this name already exists."
    assert Customer.objects.count() == 1


def test_find_duplicate_can_leave_out_the_customer_itself(company):
    customer = CustomerFactory(name="Acme Ltd")
    assert ownership.find_duplicate("ACME ltd.") == customer
    assert ownership.find_duplicate("ACME ltd.", exclude_id=customer.pk) is None


def test_load_states_reads_live_customers_and_the_bin_only_when_asked(company):
    nameless = UserFactory(username="nameless", display_name="")
    live = CustomerFactory(name="Live Co", owner=nameless)
    binned = CustomerFactory(name="Binned Co", deleted_at=timezone.now())
    ids = [live.pk, binned.pk, 987654321]
    assert ownership.load_states(ids) == {
        live.pk: rules.CustomerState(live.pk, "Live Co", nameless.pk, "nameless", False)
    }
    states = ownership.load_states(ids, include_deleted=True)
    assert set(states) == {live.pk, binned.pk}
    assert states[binned.pk] == rules.CustomerState(binned.pk, "Binned Co", None, None, True)
