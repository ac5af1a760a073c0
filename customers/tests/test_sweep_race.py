"""The pool rules' sweep against people acting on the same customers at the same moment
(issue 17): two sweeps, owners returning, others claiming, all at once, each a thread with
its own database connection. Every customer ends with one owner or none, every change has
its event, and nothing is returned twice.

Time is not slept: the customers' clocks are set in the past, so they are due now."""

import datetime
import threading
import traceback

import pytest
from django.db import connection, transaction
from django.utils import timezone

from customers.models import Customer, OwnershipEvent
from customers.models.events import OwnershipAction as A
from customers.services import due, ownership, pool_views
from customers.services.pool_rules import save_pool_rules
from customers.services.results import NotAllowed
from customers.testing import CustomerFactory
from org.models import User
from org.testing import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 60
TIMEOUT = 120


def run_at_once(jobs):
    """Each job on a thread of its own, with its own connection, released together."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=TIMEOUT)
            job()
        except Exception:
            barrier.abort()
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, "\n\n".join(errors)


def replay(customer_id):
    """The owner the customer's events lead to, checking each change starts from the owner
    the previous left: a second return of one claim would start from nobody."""
    owner = None
    for event in OwnershipEvent.objects.filter(customer_id=customer_id).order_by("at", "id"):
        if event.action in (A.CLAIM, A.ASSIGN):
            assert event.from_user_id == owner, (customer_id, event.action, event.from_user_id)
            owner = event.to_user_id
        elif event.action in (A.RETURN, A.RECLAIM):
            assert owner is not None and event.from_user_id == owner, (customer_id, event.action)
            owner = None
    return owner


def test_sweeps_claims_and_returns_at_once(company):
    admin = company.admin
    reps = [UserFactory(username=f"racer{n}") for n in range(3)]
    save_pool_rules(admin, {"auto_return": True, "no_contact_days": 1})
    long_ago = timezone.now() - datetime.timedelta(days=3)
    with transaction.atomic():
        rows = [CustomerFactory(name=f"Due {n:03d}") for n in range(COUNT)]
        ids = [c.pk for c in rows]
        for n, customer in enumerate(rows):
            ownership.claim(reps[n % 3], [customer.pk])
        Customer.objects.filter(pk__in=ids).update(claimed_at=long_ago, clocks_from=long_ago)
        due.refresh(ids)
    assert Customer.objects.filter(pk__in=ids, returns_at__lte=timezone.now()).count() == COUNT

    def sweeper():
        ownership.sweep()

    def returner(user_id):
        user = User.objects.get(pk=user_id)
        ownership.return_to_pool(user, ids[user_id % 3 :: 3])

    def claimer(user_id):
        user = User.objects.get(pk=user_id)
        for chunk in (ids[:20], ids[20:40], ids[40:]):
            ownership.claim(user, list(reversed(chunk)))

    jobs = [sweeper, sweeper]
    jobs += [lambda pk=rep.pk: returner(pk) for rep in reps]
    jobs += [lambda pk=pk: claimer(pk) for pk in (company.deputy.pk, company.peer.pk)]
    run_at_once(jobs)

    for customer in Customer.objects.filter(pk__in=ids):
        assert replay(customer.pk) == customer.owner_id
        if customer.owner_id is None:
            assert customer.returns_at is None
    returns = OwnershipEvent.objects.filter(customer_id__in=ids, action=A.RETURN)
    by_rule = returns.filter(actor__isnull=True).count()
    by_owner = returns.filter(actor__isnull=False).count()
    # Each customer was returned once from its first owner, by the rules or by the owner;
    # a later claimer's claim was fresh, so not yet due.
    first_owner_returns = returns.filter(from_user__in=reps).count()
    assert first_owner_returns == COUNT
    assert by_rule + by_owner == returns.count()
    assert (
        OwnershipEvent.objects.filter(customer_id__in=ids, action=A.CLAIM).count()
        == COUNT + Customer.objects.filter(pk__in=ids, owner__isnull=False).count()
    )


def test_two_claims_at_once_cannot_pass_the_owner_limit_together(company):
    save_pool_rules(company.admin, {"owner_limit": 5})
    rep = company.rep
    with transaction.atomic():
        for n in range(4):
            ownership.claim(rep, [CustomerFactory(name=f"Owned {n}").pk])
        free = [CustomerFactory(name=f"Free {n}").pk for n in range(6)]
    results = []
    run_at_once(
        [
            lambda pk=pk: results.append(ownership.claim(User.objects.get(pk=rep.pk), [pk]))
            for pk in free
        ]
    )
    assert sum(len(r.done) for r in results) == 1
    assert Customer.live.filter(owner=rep).count() == 5
    refusals = [r.refused[0]["reason"] for r in results if r.refused]
    assert len(refusals) == 5 and all("more than 5 customers" in why for why in refusals)


def test_cards_opened_at_once_cannot_pass_the_view_quota_together(company):
    save_pool_rules(company.admin, {"pool_view_quota": 3})
    with transaction.atomic():
        cards = [CustomerFactory(name=f"Card {n}") for n in range(6)]
    opened, refused = [], []

    def open_card(card):
        try:
            pool_views.count_view(User.objects.get(pk=company.peer.pk), card, readable=False)
            opened.append(card.pk)
        except NotAllowed:
            refused.append(card.pk)

    run_at_once([lambda card=card: open_card(card) for card in cards])
    assert (len(opened), len(refused)) == (3, 3)
