"""A small company's working records for the home page's tests (issue 18): rep owns a, b,
c; junior (rep's subordinate) owns d; peer owns e; f and g are in the pool, g claimed once
and returned twice."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import Interaction
from customers.models import OwnershipEvent
from customers.models.events import OwnershipAction
from customers.testing import CustomerFactory
from sales.models import Contract, Opportunity, Payment, Quote, Receivable
from settings_app.models import DictionaryItem

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def serial(prefix, n=[0]):  # noqa: B006 (a counter for unique numbers)
    n[0] += 1
    return f"{prefix}-T-{n[0]:06d}"


def interaction(user, customer, follow_up):
    return Interaction.objects.create(
        customer=customer,
        created_by=user,
        happened_at=timezone.now() - 10 * DAY,
        subject="call",
        next_follow_up=follow_up,
    )


def opportunity(customer, stage, amount, status, created=None):
    """An opportunity its customer's owner wrote; `created` moves its creation time."""
    row = Opportunity.objects.create(
        customer=customer,
        created_by=customer.owner,
        name="opp",
        stage=stage,
        expected_amount=Decimal(amount),
        status=status,
    )
    if created is not None:
        Opportunity.objects.filter(pk=row.pk).update(created_at=created)
    return row


def contract(user, customer, amount, signed_on=TODAY, status="executing"):
    return Contract.objects.create(
        customer=customer,
        created_by=user,
        number=serial("C"),
        title="deal",
        amount=Decimal(amount),
        signed_on=signed_on,
        status=status,
    )


@pytest.fixture
def dashboard_world(company):
    rep, junior, peer = company.rep, company.junior, company.peer
    c = {
        name: CustomerFactory(name=f"zd {name}", owner=owner)
        for name, owner in [
            ("a", rep),
            ("b", rep),
            ("c", rep),
            ("d", junior),
            ("e", peer),
            ("f", None),
            ("g", None),
        ]
    }
    OwnershipEvent.objects.create(
        customer=c["g"], action=OwnershipAction.CLAIM, actor=rep, to_user=rep
    )
    for _n in range(2):
        OwnershipEvent.objects.create(
            customer=c["g"], action=OwnershipAction.RETURN, actor=rep, from_user=rep
        )
    # Follow-ups: a today; b overdue (never contacted); c's date passed but it was contacted
    # since; d today but junior's; e today but peer's.
    interaction(rep, c["a"], TODAY)
    interaction(rep, c["b"], TODAY - 3 * DAY)
    interaction(rep, c["c"], TODAY - 5 * DAY)
    type(c["c"]).objects.filter(pk=c["c"].pk).update(last_contacted_at=timezone.now())
    interaction(junior, c["d"], TODAY)
    interaction(peer, c["e"], TODAY)
    early = DictionaryItem.objects.create(kind="opportunity_stage", name="zd early", sort_order=1)
    late = DictionaryItem.objects.create(kind="opportunity_stage", name="zd late", sort_order=2)
    for customer, stage, amount, status in [
        (c["a"], early, "100", "open"),
        (c["a"], late, "250", "open"),
        (c["b"], early, "50", "open"),
        (c["b"], early, "999", "won"),
        (c["d"], late, "70", "open"),
        (c["e"], early, "80", "open"),
    ]:
        opportunity(customer, stage, amount, status)
    Quote.objects.create(customer=c["a"], created_by=rep, number=serial("Q"), date=TODAY)
    Quote.objects.create(customer=c["a"], created_by=rep, number=serial("Q"), date=TODAY - 40 * DAY)
    paid_in_part = contract(rep, c["a"], "1000")
    contract(rep, c["b"], "300")
    contract(rep, c["b"], "500", signed_on=TODAY - 60 * DAY)
    contract(junior, c["d"], "700")
    contract(peer, c["e"], "900")
    # a's contract: 300 overdue and paid, 400 overdue of which 100 paid, 300 due in 10 days.
    for due, amount in [
        (TODAY - 20 * DAY, "300"),
        (TODAY - 5 * DAY, "400"),
        (TODAY + 10 * DAY, "300"),
    ]:
        Receivable.objects.create(
            customer=c["a"],
            created_by=rep,
            contract=paid_in_part,
            due_on=due,
            amount=Decimal(amount),
        )
    Payment.objects.create(
        customer=c["a"],
        created_by=rep,
        contract=paid_in_part,
        received_on=TODAY,
        amount=Decimal("400"),
    )
    return c
