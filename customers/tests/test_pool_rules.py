"""The pool rules (SPEC B1, issue 17): a claimed customer nobody follows up returns to the
pool by itself, with a date its owner sees before; limits on owning and claiming; a
cool-down for the previous owner; locks. Time is moved with freezegun, never slept."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import override
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from activities.services import interactions
from audit.models import Action, AuditEntry
from customers.models import Customer, OwnershipEvent
from customers.models.events import OwnershipAction as A
from customers.services import due, history, ownership
from customers.services.pool_rules import save_pool_rules
from customers.services.results import NotAllowed, ServiceError
from customers.testing import CustomerFactory
from sales.models import Contract, Opportunity
from sales.services import contracts, opportunities
from settings_app.models import CategoryReturnRule, DictionaryItem, PoolRules

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def rules(company, categories=None, **values):
    """The rules changed by the administrator, and the background job that re-dates every
    claimed customer run at once."""
    saved = save_pool_rules(company.admin, values, categories)
    due.refresh_all()
    return saved


def claimed(company, *names, user=None):
    """New pool customers claimed by `user` (the rep) through the service, now."""
    user = user or company.rep
    rows = [CustomerFactory(name=name) for name in names]
    result = ownership.claim(user, [c.pk for c in rows])
    assert result.done == sorted(c.pk for c in rows), result.refused
    return [Customer.objects.get(pk=c.pk) for c in rows]


def owner_of(customer):
    return Customer.objects.get(pk=customer.pk).owner_id


def returns_at(customer):
    return Customer.objects.get(pk=customer.pk).returns_at


@pytest.fixture
def clock():
    with freeze_time(START) as frozen:
        yield frozen


# ------------------------------------------------------------------- the due date


def test_with_every_rule_off_nothing_has_a_date_and_the_sweep_returns_nothing(company, clock):
    (acme,) = claimed(company, "Acme")
    assert returns_at(acme) is None
    clock.tick(DAY * 400)
    assert ownership.sweep().done == []
    assert owner_of(acme) == company.rep.pk


def test_a_claim_dates_the_return_from_the_no_contact_days(company, clock):
    rules(company, auto_return=True, no_contact_days=30)
    (acme,) = claimed(company, "Acme")
    assert returns_at(acme) == START + 30 * DAY


def test_an_interaction_record_starts_the_clock_again(company, clock):
    rules(company, auto_return=True, no_contact_days=30)
    (acme,) = claimed(company, "Acme")
    clock.tick(DAY * 10)
    interactions.create(company.rep, acme, {"subject": "call", "happened_at": timezone.now()})
    assert returns_at(acme) == START + 40 * DAY


def test_a_contact_before_the_claim_does_not_count(company, clock):
    acme = CustomerFactory(name="Acme", last_contacted_at=START - 100 * DAY)
    rules(company, auto_return=True, no_contact_days=30)
    ownership.claim(company.rep, [acme.pk])
    assert returns_at(acme) == START + 30 * DAY


def test_the_no_deal_clock_stops_at_a_won_opportunity(company, clock):
    rules(company, auto_return=True, no_contact_days=None, no_deal_days=60)
    (acme,) = claimed(company, "Acme")
    assert returns_at(acme) == START + 60 * DAY
    clock.tick(DAY)
    deal = opportunities.create(company.rep, acme, {"name": "Pumps"})
    assert returns_at(acme) == START + 60 * DAY  # open is not won
    opportunities.update(company.rep, deal, {"status": Opportunity.Status.WON})
    assert returns_at(acme) is None
    opportunities.delete(company.rep, Opportunity.objects.get(pk=deal.pk))
    assert returns_at(acme) == START + 60 * DAY


def test_the_earlier_clock_wins(company, clock):
    rules(company, auto_return=True, no_contact_days=30, no_deal_days=20)
    (acme,) = claimed(company, "Acme")
    assert returns_at(acme) == START + 20 * DAY


def test_an_executing_contract_exempts_when_the_rules_say(company, clock):
    rules(company, auto_return=True, no_contact_days=30, exempt_contracted=True)
    (acme,) = claimed(company, "Acme")
    contracts.create(
        company.rep,
        acme,
        {"title": "Supply", "amount": 100, "status": Contract.Status.EXECUTING},
    )
    assert returns_at(acme) is None
    rules(company, exempt_contracted=False)
    assert returns_at(acme) == START + 30 * DAY


def test_a_category_keeps_its_own_days(company, clock):
    key = DictionaryItem.objects.create(kind="category", name="Key account")
    rules(company, auto_return=True, no_contact_days=30)
    rules(company, {key: {"no_contact_days": 90, "no_deal_days": None}})
    acme, beta = claimed(company, "Acme", "Beta")
    Customer.objects.filter(pk=acme.pk).update(category=key)
    due.refresh([acme.pk])
    assert returns_at(acme) == START + 90 * DAY
    assert returns_at(beta) == START + 30 * DAY
    rules(company, {key: {"no_contact_days": 0}})  # off for key accounts
    assert returns_at(acme) is None
    rules(company, {})  # the category follows the pool again
    assert returns_at(acme) == START + 30 * DAY
    assert not CategoryReturnRule.objects.exists()


def test_turning_the_rule_off_clears_every_date(company, clock):
    rules(company, auto_return=True, no_contact_days=30)
    (acme,) = claimed(company, "Acme")
    rules(company, auto_return=False)
    assert returns_at(acme) is None


def test_a_change_of_the_dating_rules_queues_the_re_dating(
    company, django_capture_on_commit_callbacks
):
    jobs = DBTaskResult.objects.filter(task_path="customers.tasks.redate_customers")
    with django_capture_on_commit_callbacks(execute=True):
        save_pool_rules(company.admin, {"auto_return": True})
    assert jobs.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        save_pool_rules(company.admin, {"owner_limit": 10})  # no date depends on it
    assert jobs.count() == 1


def test_the_sweep_dates_each_customer_anew_before_returning_it(company, clock):
    rules(company, auto_return=True, no_contact_days=1)
    (acme,) = claimed(company, "Acme")
    clock.tick(DAY * 2)
    save_pool_rules(company.admin, {"no_contact_days": 30})  # not yet re-dated…
    assert returns_at(acme) == START + DAY
    assert ownership.sweep().done == []  # …yet not returned by the old date
    assert returns_at(acme) == START + 30 * DAY


def test_only_administrators_change_the_rules_and_each_change_is_traced(company):
    for who in ("rep", "manager", "marketer"):
        with pytest.raises(NotAllowed):
            save_pool_rules(getattr(company, who), {"auto_return": True})
    assert PoolRules.load().auto_return is False
    with pytest.raises(ServiceError):
        save_pool_rules(company.admin, {"no_such_rule": 1})
    rules(company, auto_return=True)
    assert AuditEntry.objects.filter(object_type="settings_app.poolrules", action=Action.CREATE)
    rules(company, no_contact_days=45)
    entry = AuditEntry.objects.filter(
        object_type="settings_app.poolrules", action=Action.UPDATE
    ).last()
    assert entry.changes["no_contact_days"] == [30, 45]


# ------------------------------------------------------------------- the sweep


def test_the_sweep_returns_the_customers_due_with_the_reason(company, clock):
    rules(company, auto_return=True, no_contact_days=30, no_deal_days=45)
    acme, beta = claimed(company, "Acme", "Beta")
    clock.tick(DAY * 20)
    interactions.create(company.rep, beta, {"subject": "visit", "happened_at": timezone.now()})
    clock.tick(DAY * 10)  # day 30: Acme is due, Beta was contacted on day 20
    assert ownership.sweep().done == [acme.pk]
    assert owner_of(acme) is None and owner_of(beta) == company.rep.pk
    event = OwnershipEvent.objects.get(customer=acme, action=A.RETURN)
    assert (event.actor_id, event.from_user_id, event.reason) == (
        None,
        company.rep.pk,
        due.NO_CONTACT,
    )
    clock.tick(DAY * 15)  # day 45: Beta has no deal
    assert ownership.sweep().done == [beta.pk]
    assert OwnershipEvent.objects.get(customer=beta, action=A.RETURN).reason == due.NO_DEAL
    returned = Customer.objects.get(pk=acme.pk)
    assert returned.returned_by_id == company.rep.pk and returned.returns_at is None


def test_the_sweep_is_idempotent(company, clock):
    rules(company, auto_return=True, no_contact_days=1)
    rows = claimed(company, "A", "B", "C")
    clock.tick(DAY * 2)
    assert ownership.sweep().done == sorted(c.pk for c in rows)
    assert ownership.sweep().done == []
    assert OwnershipEvent.objects.filter(action=A.RETURN).count() == 3
    audit = AuditEntry.objects.filter(action=Action.OWNERSHIP, changes__event="return")
    assert audit.count() == 1 and audit.get().actor_id is None


def test_a_locked_customer_never_returns_by_itself(company, clock):
    rules(company, auto_return=True, no_contact_days=1)
    acme, beta = claimed(company, "Acme", "Beta")
    assert ownership.lock(company.manager, [acme.pk]).done == [acme.pk]
    assert returns_at(acme) is None
    clock.tick(DAY * 5)
    assert ownership.sweep().done == [beta.pk]
    assert owner_of(acme) == company.rep.pk
    assert ownership.unlock(company.marketer, [acme.pk]).done == [acme.pk]
    assert returns_at(acme) == timezone.now() + DAY  # the owner has the rule's days again
    assert {e.action for e in OwnershipEvent.objects.filter(customer=acme)} >= {A.LOCK, A.UNLOCK}


def test_who_may_lock(company, clock):
    (acme,) = claimed(company, "Acme")
    pool_customer = CustomerFactory(name="Unclaimed")
    for who in ("rep", "peer", "deputy", "junior"):
        result = ownership.lock(getattr(company, who), [acme.pk])
        assert result.done == [] and result.refused[0]["reason"]
    refused = ownership.lock(company.marketer, [pool_customer.pk]).refused
    assert "only a claimed customer" in refused[0]["reason"]
    assert ownership.lock(company.ceo, [acme.pk]).done == [acme.pk]  # a supervisor's supervisor
    assert "already locked" in ownership.lock(company.manager, [acme.pk]).refused[0]["reason"]
    # Back in the pool, the lock ends with the ownership.
    ownership.return_to_pool(company.rep, [acme.pk])
    assert Customer.objects.get(pk=acme.pk).locked_at is None


# ------------------------------------------------------------------- claims


def test_the_cool_down_keeps_the_previous_owner_from_claiming_back(company, clock):
    rules(company, cooldown_days=7)
    (acme,) = claimed(company, "Acme")
    ownership.return_to_pool(company.rep, [acme.pk])
    refused = ownership.claim(company.rep, [acme.pk]).refused
    assert refused and "cool-down of 7 days" in refused[0]["reason"]
    assert owner_of(acme) is None
    clock.tick(DAY * 7)
    assert ownership.claim(company.rep, [acme.pk]).done == [acme.pk]


def test_the_cool_down_holds_after_a_reclaim_and_not_for_others(company, clock):
    rules(company, cooldown_days=7)
    (acme,) = claimed(company, "Acme")
    ownership.reclaim(company.manager, [acme.pk])
    assert ownership.claim(company.rep, [acme.pk]).refused
    assert ownership.claim(company.deputy, [acme.pk]).done == [acme.pk]


def test_the_owner_limit_refuses_by_name_beyond_it(company, clock):
    rules(company, owner_limit=2)
    claimed(company, "Acme")
    rows = [CustomerFactory(name=n) for n in ("B", "C", "D")]
    result = ownership.claim(company.rep, [c.pk for c in rows])
    assert result.done == [rows[0].pk]
    assert [r["name"] for r in result.refused] == ["C", "D"]
    assert "more than 2 customers" in result.refused[0]["reason"]
    assert Customer.objects.filter(owner=company.rep).count() == 2
    refusals = AuditEntry.objects.filter(action=Action.REFUSED, changes__action="claim")
    assert refusals.count() == 2


def test_customers_under_contract_may_be_left_out_of_the_limit(company, clock):
    rules(company, owner_limit=1, limit_counts_contracted=False)
    (acme,) = claimed(company, "Acme")
    contracts.create(
        company.rep, acme, {"title": "Supply", "amount": 1, "status": Contract.Status.EXECUTING}
    )
    assert ownership.claim(company.rep, [CustomerFactory(name="B").pk]).done


def test_the_daily_claim_limit(company, clock):
    rules(company, daily_claim_limit=2)
    a, b = claimed(company, "A", "B")
    ownership.return_to_pool(company.rep, [a.pk, b.pk])
    result = ownership.claim(company.rep, [CustomerFactory(name="C").pk])
    assert "more than 2 customers today" in result.refused[0]["reason"]
    clock.tick(DAY)
    assert ownership.claim(company.rep, [a.pk]).done == [a.pk]


def test_assigning_beyond_the_owner_limit(company, clock):
    rules(company, owner_limit=1)
    claimed(company, "Mine", user=company.deputy)
    rows = [CustomerFactory(name=n) for n in ("A", "B")]
    result = ownership.assign(company.marketer, [c.pk for c in rows], [company.deputy])
    assert result.done == [] and "Deputy Du would own more than 1" in result.refused[0]["reason"]
    rules(company, assign_may_exceed_limit=True)
    result = ownership.assign(company.marketer, [c.pk for c in rows], [company.deputy])
    assert result.done == sorted(c.pk for c in rows)
    # The setting is for pool managers: a supervisor still may not pass the limit.
    (mine,) = claimed(company, "Rep's", user=company.rep)
    result = ownership.assign(company.manager, [mine.pk], [company.deputy])
    assert result.refused


# ------------------------------------------------------------------- return reasons


def reason(name):
    return DictionaryItem.objects.get(kind="return_reason", name=name)


def test_the_return_reasons_come_with_the_installation():
    names = DictionaryItem.objects.filter(kind="return_reason").values_list(
        "name_zh_hans", flat=True
    )
    assert {"价格不合适", "无需求", "联系不上"} <= set(names)


def test_a_return_keeps_its_reason_and_the_pool_card_tells_it(company, clock):
    (acme,) = claimed(company, "Acme")
    unreachable = reason("Cannot be reached")
    ownership.return_to_pool(company.rep, [acme.pk], "moved away, call Mr Zhang", unreachable)
    event = OwnershipEvent.objects.get(customer=acme, action=A.RETURN)
    assert (event.reason_item, event.reason) == (unreachable, "moved away, call Mr Zhang")
    clock.tick(DAY)
    ownership.claim(company.deputy, [acme.pk])
    ownership.reclaim(company.manager, [acme.pk])
    fact = history.times_back_in_pool(Customer.objects.get(pk=acme.pk))
    assert fact["count"] == 2 and fact["why"] == ""  # the reclaim gave no reason from the list
    clock.tick(DAY)
    ownership.claim(company.deputy, [acme.pk])
    ownership.return_to_pool(company.deputy, [acme.pk], "secret words", unreachable)
    fact = history.times_back_in_pool(Customer.objects.get(pk=acme.pk))
    assert (fact["count"], fact["why"]) == (3, "Cannot be reached")  # never the own words
    with override("zh-hans"):
        assert history.times_back_in_pool(Customer.objects.get(pk=acme.pk))["why"] == "联系不上"
    entries = history.ownership_entries(Customer.objects.get(pk=acme.pk))
    assert "Cannot be reached: moved away, call Mr Zhang" in [e["reason"] for e in entries]


def test_the_rules_may_require_a_reason(company, clock):
    (acme,) = claimed(company, "Acme")
    rules(company, return_reason_required=True)
    with pytest.raises(ServiceError) as refused:
        ownership.return_to_pool(company.rep, [acme.pk], "no reason from the list")
    assert refused.value.field == "reason_item"
    assert owner_of(acme) == company.rep.pk
    not_a_reason = DictionaryItem.objects.create(kind="category", name="Key account")
    with pytest.raises(ServiceError):
        ownership.return_to_pool(company.rep, [acme.pk], "", not_a_reason)
    assert ownership.return_to_pool(company.rep, [acme.pk], "", reason("No need")).done


def test_a_required_reason_is_not_required_while_the_list_is_empty(company, clock):
    (acme,) = claimed(company, "Acme")
    rules(company, return_reason_required=True)
    DictionaryItem.objects.filter(kind="return_reason").update(is_active=False)
    assert ownership.return_to_pool(company.rep, [acme.pk], "moved away").done == [acme.pk]


def test_a_return_by_the_rules_tells_its_reason_on_the_pool_card(company, clock):
    rules(company, auto_return=True, no_contact_days=1)
    (acme,) = claimed(company, "Acme")
    clock.tick(DAY * 2)
    ownership.sweep()
    fact = history.times_back_in_pool(Customer.objects.get(pk=acme.pk))
    assert (fact["count"], fact["why"]) == (1, due.NO_CONTACT)
