"""Several pools (SPEC B1, issue 17): a pool besides the company pool is seen and claimed
from by its members and managers only; its managers manage its customers; its rules are
its own or the company pool's; customers move between pools one event each; deleting a
pool loses no customer."""

import datetime

import pytest
from freezegun import freeze_time

from audit.models import Action, AuditEntry
from customers import querysets
from customers.models import Customer, OwnershipEvent, Pool
from customers.models.events import OwnershipAction as A
from customers.services import due, ownership
from customers.services.pool_rules import save_pool_rules
from customers.services.pools import delete_pool, save_pool
from customers.services.results import NotAllowed, ServiceError
from customers.testing import CustomerFactory, fresh, in_pool, new_pool

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def pool_ids(user):
    return set(querysets.pool(fresh(user)).values_list("pk", flat=True))


# ------------------------------------------------------------------- who sees what


def test_with_no_pool_added_everyone_sees_every_customer(company):
    acme = CustomerFactory(name="Acme")
    assert querysets.pool_access(company.peer) == querysets.PoolAccess()
    assert acme.pk in pool_ids(company.peer)


def test_a_pool_is_seen_by_its_members_departments_and_managers_only(company):
    east = new_pool(company.admin, members=[company.peer], departments=[company.marketing])
    (acme,) = in_pool(east, "Acme")
    open_one = CustomerFactory(name="Open")
    assert acme.pk in pool_ids(company.peer)  # a member
    assert acme.pk in pool_ids(company.marketer)  # their department, and a pool manager
    assert acme.pk not in pool_ids(company.rep)  # neither
    assert open_one.pk in pool_ids(company.rep)  # the company pool is everyone's
    assert acme.pk in pool_ids(company.admin)
    assert [p.name for p in querysets.pools(fresh(company.rep))] == []
    assert [p.name for p in querysets.pools(fresh(company.peer))] == ["East"]


def test_a_company_pool_manager_sees_every_pool(company):
    east = new_pool(company.admin)
    (acme,) = in_pool(east, "Acme")
    assert acme.pk in pool_ids(company.marketer)


def test_a_non_member_cannot_claim_from_a_pool_and_is_told_why(company):
    east = new_pool(company.admin, members=[company.peer])
    (acme,) = in_pool(east, "Acme")
    result = ownership.claim(fresh(company.rep), [acme.pk])
    assert result.done == []
    assert "East" in result.refused[0]["reason"]
    assert "not a member" in result.refused[0]["reason"]
    assert ownership.claim(fresh(company.peer), [acme.pk]).done == [acme.pk]


def test_a_pools_manager_manages_its_customers_and_no_others(company):
    east = new_pool(company.admin, managers=[company.peer])
    (acme,) = in_pool(east, "Acme")
    (other,) = [CustomerFactory(name="Other")]
    peer = fresh(company.peer)
    result = ownership.assign(peer, [acme.pk, other.pk], [company.rep])
    assert result.done == [acme.pk]
    assert "pool managers" in result.refused[0]["reason"]
    assert Customer.objects.get(pk=acme.pk).owner_id == company.rep.pk
    assert ownership.reclaim(fresh(company.peer), [acme.pk]).done == [acme.pk]


# ------------------------------------------------------------------- moving


def test_a_pool_manager_moves_customers_between_pools_one_event_each(company):
    east = new_pool(company.admin)
    acme, beta = CustomerFactory(name="Acme"), CustomerFactory(name="Beta")
    ownership.claim(company.rep, [beta.pk])
    result = ownership.move_to_pool(fresh(company.marketer), [acme.pk, beta.pk], east, "regions")
    assert result.done == sorted([acme.pk, beta.pk])
    assert set(Customer.objects.filter(pool=east).values_list("pk", flat=True)) == {
        acme.pk,
        beta.pk,
    }
    assert Customer.objects.get(pk=beta.pk).owner_id == company.rep.pk  # the owner keeps it
    events = OwnershipEvent.objects.filter(action=A.MOVE)
    assert sorted(events.values_list("customer_id", "to_pool_id")) == sorted(
        [(acme.pk, east.pk), (beta.pk, east.pk)]
    )
    entry = AuditEntry.objects.get(action=Action.OWNERSHIP, changes__event=A.MOVE)
    assert entry.changes["to_pool"] == "East"
    again = ownership.move_to_pool(fresh(company.marketer), [acme.pk], east)
    assert again.refused[0]["reason"] == "It is already in that pool."


def test_moving_needs_the_management_of_both_pools(company):
    east = new_pool(company.admin, managers=[company.peer])
    west = new_pool(company.admin, "West")
    (acme,) = in_pool(east, "Acme")
    (open_one,) = [CustomerFactory(name="Open")]
    peer = fresh(company.peer)
    into_west = ownership.move_to_pool(peer, [acme.pk], west)
    assert "West" in into_west.refused[0]["reason"]
    out_of_company = ownership.move_to_pool(fresh(company.peer), [open_one.pk], east)
    assert "company pool" in out_of_company.refused[0]["reason"]
    rep = ownership.move_to_pool(fresh(company.rep), [acme.pk], None)
    assert rep.done == []
    assert Customer.objects.get(pk=acme.pk).pool_id == east.pk
    assert not OwnershipEvent.objects.filter(action=A.MOVE).exists()
    # Refusals are traced, as every refused batch action is.
    assert AuditEntry.objects.filter(action=Action.REFUSED).count() == 3


def test_a_return_goes_to_its_pool_or_a_chosen_one_for_those_who_may(company):
    east = new_pool(company.admin, members=[company.rep], managers=[company.peer])
    (acme,) = in_pool(east, "Acme")
    ownership.claim(fresh(company.rep), [acme.pk])
    ownership.return_to_pool(fresh(company.rep), [acme.pk])
    assert Customer.objects.get(pk=acme.pk).pool_id == east.pk
    ownership.claim(fresh(company.rep), [acme.pk])
    with pytest.raises(ServiceError) as refused:
        ownership.return_to_pool(fresh(company.rep), [acme.pk], to_pool=None)
    assert refused.value.field == "pool"
    assert Customer.objects.get(pk=acme.pk).owner_id == company.rep.pk  # nothing changed
    ownership.assign(fresh(company.peer), [acme.pk], [company.peer])
    ownership.return_to_pool(fresh(company.peer), [acme.pk], to_pool=east)  # already there
    ownership.claim(fresh(company.peer), [acme.pk])
    ownership.return_to_pool(fresh(company.marketer), [acme.pk])  # not theirs: refused
    marketer_owned = CustomerFactory(name="Beta")
    ownership.claim(fresh(company.marketer), [marketer_owned.pk])
    ownership.return_to_pool(fresh(company.marketer), [marketer_owned.pk], to_pool=east)
    beta = Customer.objects.get(pk=marketer_owned.pk)
    assert (beta.owner_id, beta.pool_id) == (None, east.pk)
    actions = OwnershipEvent.objects.filter(customer=beta).values_list("action", flat=True)
    assert list(actions)[-2:] == [A.RETURN, A.MOVE]


# ------------------------------------------------------------------- rules per pool


def test_a_pool_with_rules_of_its_own_dates_its_customers_by_them(company):
    with freeze_time(START):
        save_pool_rules(company.admin, {"auto_return": True, "no_contact_days": 30})
        east = new_pool(
            company.admin,
            members=[company.rep],
            own_rules=True,
            auto_return=True,
            no_contact_days=5,
        )
        west = new_pool(company.admin, "West", members=[company.rep])  # the company pool's rules
        (acme,) = in_pool(east, "Acme")
        (beta,) = in_pool(west, "Beta")
        gamma = CustomerFactory(name="Gamma")
        ownership.claim(fresh(company.rep), [acme.pk, beta.pk, gamma.pk])
        dates = dict(Customer.objects.values_list("name", "returns_at"))
        assert dates == {
            "Acme": START + 5 * DAY,
            "Beta": START + 30 * DAY,
            "Gamma": START + 30 * DAY,
        }
    with freeze_time(START + 6 * DAY):
        assert ownership.sweep().done == [acme.pk]
        event = OwnershipEvent.objects.get(customer=acme, action=A.RETURN)
        assert event.reason == due.NO_CONTACT
        assert Customer.objects.get(pk=acme.pk).pool_id == east.pk  # back in its own pool


def test_moving_a_customer_dates_it_by_its_new_pools_rules(company):
    with freeze_time(START):
        east = new_pool(company.admin, own_rules=True, auto_return=True, no_contact_days=5)
        acme = CustomerFactory(name="Acme")
        ownership.claim(company.rep, [acme.pk])
        assert Customer.objects.get(pk=acme.pk).returns_at is None  # company rules off
        ownership.move_to_pool(fresh(company.marketer), [acme.pk], east)
        assert Customer.objects.get(pk=acme.pk).returns_at == START + 5 * DAY


def test_limits_count_the_customers_of_the_pools_the_rules_govern(company):
    save_pool_rules(company.admin, {"owner_limit": 1})
    east = new_pool(company.admin, members=[company.rep], own_rules=True, owner_limit=2)
    a1, a2, a3 = in_pool(east, "East 1", "East 2", "East 3")
    c1, c2 = CustomerFactory(name="Company 1"), CustomerFactory(name="Company 2")
    result = ownership.claim(fresh(company.rep), [a1.pk, a2.pk, a3.pk, c1.pk, c2.pk])
    assert result.done == sorted([a1.pk, a2.pk, c1.pk])
    reasons = {row["id"]: row["reason"] for row in result.refused}
    assert "more than 2 customers" in reasons[a3.pk]
    assert "more than 1 customers" in reasons[c2.pk]


def test_a_cool_down_follows_the_pool_of_the_customer(company):
    with freeze_time(START):
        east = new_pool(company.admin, members=[company.rep], own_rules=True, cooldown_days=7)
        (acme,) = in_pool(east, "Acme")
        beta = CustomerFactory(name="Beta")
        ownership.claim(fresh(company.rep), [acme.pk, beta.pk])
        ownership.return_to_pool(fresh(company.rep), [acme.pk, beta.pk])
        result = ownership.claim(fresh(company.rep), [acme.pk, beta.pk])
        assert result.done == [beta.pk]  # the company pool has no cool-down
        assert "cool-down of 7 days" in result.refused[0]["reason"]


def test_a_return_reason_is_required_only_where_the_pools_rules_say(company):
    east = new_pool(
        company.admin, members=[company.rep], own_rules=True, return_reason_required=True
    )
    (acme,) = in_pool(east, "Acme")
    beta = CustomerFactory(name="Beta")
    ownership.claim(fresh(company.rep), [acme.pk, beta.pk])
    assert ownership.return_to_pool(fresh(company.rep), [beta.pk]).done == [beta.pk]
    with pytest.raises(ServiceError):
        ownership.return_to_pool(fresh(company.rep), [acme.pk])


def test_changing_a_pools_rules_re_dates_its_customers(company, django_capture_on_commit_callbacks):
    east = new_pool(company.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        save_pool(company.admin, east, {"name": "East"}, {})
    assert callbacks == []  # nothing a date depends on changed
    with django_capture_on_commit_callbacks() as callbacks:
        save_pool(company.admin, east, {"own_rules": True, "auto_return": True}, {})
    assert len(callbacks) == 1


# ------------------------------------------------------------------- the pools themselves


def test_only_administrators_add_change_and_delete_pools(company):
    with pytest.raises(NotAllowed):
        save_pool(company.marketer, None, {"name": "East"}, {})
    east = new_pool(company.admin)
    with pytest.raises(NotAllowed):
        delete_pool(company.marketer, east)
    assert Pool.objects.count() == 1


def test_a_pool_name_is_needed_and_unique(company):
    new_pool(company.admin)
    with pytest.raises(ServiceError) as refused:
        new_pool(company.admin, "East")
    assert refused.value.field == "name"
    with pytest.raises(ServiceError):
        new_pool(company.admin, "   ")
    assert Pool.objects.count() == 1


def test_a_pools_creation_and_changes_are_traced_with_its_people(company):
    east = new_pool(company.admin, members=[company.rep], managers=[company.peer])
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="customers.pool")
    assert created.changes["members"] == [None, "Rep Li"]
    assert created.changes["managers"] == [None, "Peer Pan"]
    save_pool(
        company.admin, east, {"name": "East region"}, {"members": [company.rep, company.junior]}
    )
    changed = AuditEntry.objects.get(action=Action.UPDATE, object_type="customers.pool")
    assert changed.changes["name"] == ["East", "East region"]
    assert changed.changes["members"] == ["Rep Li", "Junior Wu, Rep Li"]


def test_deleting_a_pool_moves_its_customers_to_the_company_pool(company):
    east = new_pool(company.admin)
    acme, binned = in_pool(east, "Acme", "Binned")
    ownership.delete(company.marketer, [binned.pk])
    assert delete_pool(company.admin, east) == 2
    assert not Pool.objects.exists()
    assert set(
        Customer.objects.filter(pk__in=[acme.pk, binned.pk]).values_list("pool", flat=True)
    ) == {None}
    assert OwnershipEvent.objects.filter(action=A.MOVE, to_pool=None).count() == 2
    assert AuditEntry.objects.filter(action=Action.DELETE, object_type="customers.pool").exists()


# ------------------------------------------------------------------- a person's own limit


def test_a_persons_own_limit_replaces_the_rules_limit(company):
    save_pool_rules(company.admin, {"owner_limit": 5})
    company.rep.customer_limit = 1
    company.rep.save()
    a, b = CustomerFactory(name="A"), CustomerFactory(name="B")
    result = ownership.claim(fresh(company.rep), [a.pk, b.pk])
    assert result.done == [a.pk]
    assert "more than 1 customers" in result.refused[0]["reason"]
    c, d = CustomerFactory(name="C"), CustomerFactory(name="D")
    assert ownership.claim(fresh(company.deputy), [c.pk]).done == [c.pk]  # the rules' 5
    refused = ownership.assign(fresh(company.marketer), [d.pk], [fresh(company.rep)])
    assert "Rep Li would own more than 1 customers" in refused.refused[0]["reason"]


def test_a_persons_own_limit_holds_with_every_rule_off(company):
    company.rep.customer_limit = 1
    company.rep.save()
    a, b = CustomerFactory(name="A"), CustomerFactory(name="B")
    assert ownership.claim(fresh(company.rep), [a.pk, b.pk]).done == [a.pk]


def test_a_move_shows_in_the_history_with_the_pool_it_went_to(company, browser):
    east = new_pool(company.admin)
    acme = CustomerFactory(name="Acme")
    ownership.claim(company.rep, [acme.pk])
    ownership.move_to_pool(fresh(company.marketer), [acme.pk], east, "regions")
    ownership.move_to_pool(fresh(company.marketer), [acme.pk], None)
    page = browser(company.rep).get(f"/customers/{acme.pk}/?tab=history")
    text = page.content.decode()
    assert "moved to another pool" in text
    assert "East" in text and "Company pool" in text


def test_a_pools_manager_may_not_put_customers_in_the_company_pool(company):
    east = new_pool(company.admin, managers=[company.peer])
    (acme,) = in_pool(east, "Acme")
    result = ownership.move_to_pool(fresh(company.peer), [acme.pk], None)
    assert result.refused[0]["reason"] == (
        "Only pool managers may put customers in the company pool."
    )
