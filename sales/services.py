"""Rules of the sales records and expenses (SPEC §9): generated numbers, totals in Decimal, dates in
order, receivables only for executing contracts, no payment beyond what is owed."""

import uuid

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from audit.models import Action
from core.errors import ServiceError
from customers.services.details import set_deals
from records.services import RecordService

from .models import (
    MONEY_MAX,
    ZERO,
    Contract,
    Expense,
    Opportunity,
    Payment,
    Quote,
    QuoteLine,
    Receivable,
)


def _same_customer(customer, record, field, noun):
    if record is not None and record.customer_id != customer.pk:
        raise ServiceError(
            _("That %(noun)s belongs to another customer.") % {"noun": noun}, field=field
        )


def _in_order(data, instance, first, last, message):
    start = data.get(first, getattr(instance, first, None))
    end = data.get(last, getattr(instance, last, None))
    if start and end and end < start:
        raise ServiceError(message, field=last)


class NumberedService(RecordService):
    """A unique number from the row's id, e.g. Q-2026-000042."""

    prefix = ""

    def after_save(self, record, created):
        if created:
            year = timezone.localtime(record.created_at).year
            record.number = f"{self.prefix}-{year}-{record.pk:06d}"
            record.save(update_fields=["number"])
        super().after_save(record, created)

    def create(self, user, customer, data):
        # A unique placeholder until the id is known.
        return super().create(user, customer, {**data, "number": f"new-{uuid.uuid4().hex[:20]}"})


def refresh_deals(customer_id):
    """What the pool rules read of a customer's sales (issue 17): when a won opportunity or
    a signed (executing or completed) contract was last recorded, and when the newest
    executing contract was, if any. The time a record was saved, not a date typed in it:
    an old contract keyed in today is still a deal recorded by today's owner."""
    live = {"customer_id": customer_id, "deleted_at__isnull": True}
    won = Opportunity.objects.filter(status=Opportunity.Status.WON, **live)
    signed = (Contract.Status.EXECUTING, Contract.Status.COMPLETED)
    contracts = Contract.objects.filter(**live).aggregate(
        signed=Max("updated_at", filter=Q(status__in=signed)),
        executing=Max("updated_at", filter=Q(status=Contract.Status.EXECUTING)),
    )
    deals = [won.aggregate(at=Max("updated_at"))["at"], contracts["signed"]]
    last_deal = max((at for at in deals if at is not None), default=None)
    set_deals(customer_id, last_deal, contracts["executing"])


class DealService(RecordService):
    """A record that may be a deal: saving or deleting it updates the pool rules' facts."""

    def after_save(self, record, created):
        super().after_save(record, created)
        refresh_deals(record.customer_id)

    def after_delete(self, record):
        super().after_delete(record)
        refresh_deals(record.customer_id)


class OpportunityService(DealService):
    model = Opportunity


MAX_QUOTE_LINES = 200


class QuoteService(NumberedService):
    model = Quote
    prefix = "Q"

    def check(self, customer, data, instance=None):
        _in_order(
            data, instance, "date", "valid_until", _("A quote cannot expire before its date.")
        )
        _same_customer(customer, data.get("opportunity"), "opportunity", _("opportunity"))
        if "lines" in data and not data["lines"]:
            raise ServiceError(_("A quote needs at least one line."), field="lines")
        if len(data.get("lines") or ()) > MAX_QUOTE_LINES:
            raise ServiceError(
                _("A quote has at most %(count)d lines.") % {"count": MAX_QUOTE_LINES},
                field="lines",
            )
        total = sum((QuoteLine(**line).amount for line in data.get("lines") or ()), ZERO)
        if total > MONEY_MAX:
            raise ServiceError(
                _("The lines add up to %(total)s, more than a quote can hold (%(max)s).")
                % {"total": total, "max": MONEY_MAX},
                field="lines",
            )

    def create(self, user, customer, data):
        data = dict(data)
        lines = data.pop("lines", None)
        self.check(customer, {**data, "lines": lines or []})
        with transaction.atomic():
            quote = super().create(user, customer, data)
            self.replace_lines(user, quote, lines)
        return quote

    def update(self, user, record, data, version=None):
        data = dict(data)
        lines = data.pop("lines", None)
        if lines is not None:
            self.check(record.customer, {"lines": lines})
        with transaction.atomic():
            quote = super().update(user, record, data, version)
            if lines is not None:
                self.replace_lines(user, quote, lines)
        return quote

    def replace_lines(self, user, quote, lines):
        if lines is None:
            return
        before = {"lines": _described(quote.lines.all()), "total": trail.shown(quote.total)}
        quote.lines.all().delete()
        rows = [QuoteLine(quote=quote, **line) for line in lines]
        QuoteLine.objects.bulk_create(rows)
        quote.total = sum((row.amount for row in rows), ZERO)
        quote.save(update_fields=["total"])
        after = {"lines": _described(rows), "total": trail.shown(quote.total)}
        changes = trail.changes_between(before, after)
        if changes:
            trail.record(user, Action.UPDATE, quote, customer_id=quote.customer_id, changes=changes)


def _described(lines):
    """A quote's lines as the trail keeps them: one text, a line each."""
    return (
        "\n".join(
            f"{line.product} × {line.quantity} @ {line.unit_price} -{line.discount}%"
            for line in lines
        )
        or None
    )


class ContractService(NumberedService, DealService):
    model = Contract
    prefix = "C"

    def check(self, customer, data, instance=None):
        _in_order(
            data, instance, "starts_on", "ends_on", _("A contract cannot end before it starts.")
        )
        _same_customer(customer, data.get("quote"), "quote", _("quote"))
        _same_customer(customer, data.get("opportunity"), "opportunity", _("opportunity"))
        if instance is not None and "amount" in data and data["amount"] < instance.received:
            raise ServiceError(
                _("%(received)s has already been received; the amount cannot be less.")
                % {"received": instance.received},
                field="amount",
            )


def _contract_of(customer, data, instance):
    """The contract a receivable or payment is (or will be) for, if it is this customer's."""
    contract = data.get("contract", getattr(instance, "contract", None))
    _same_customer(customer, contract, "contract", _("contract"))
    return contract


class ReceivableService(RecordService):
    model = Receivable

    def check(self, customer, data, instance=None):
        contract = _contract_of(customer, data, instance)
        if contract is not None and contract.status != Contract.Status.EXECUTING:
            raise ServiceError(
                _("Receivables are planned for executing contracts; %(number)s is %(status)s.")
                # The label heads a column ("Completed"); here it is in the sentence.
                % {"number": contract.number, "status": contract.get_status_display().lower()},
                field="contract",
            )


class PaymentService(RecordService):
    model = Payment

    def check(self, customer, data, instance=None):
        contract = _contract_of(customer, data, instance)
        moved = (
            instance is not None and contract is not None and instance.contract_id != contract.pk
        )
        if contract is None or not ("amount" in data or moved):
            return
        amount = data["amount"] if "amount" in data else instance.amount
        # Lock the contract so two payments entered at once cannot both fit.
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        owed = contract.outstanding
        if instance is not None and instance.contract_id == contract.pk:
            owed += instance.amount
        if amount > owed:
            raise ServiceError(
                _("%(amount)s is more than the %(owed)s still owed on %(number)s.")
                % {"amount": amount, "owed": owed, "number": contract.number},
                field="amount" if "amount" in data else "contract",
            )

    def create(self, user, customer, data):
        with transaction.atomic():
            return super().create(user, customer, data)

    def update(self, user, record, data, version=None):
        with transaction.atomic():
            return super().update(user, record, data, version)

    def check_restore(self, record):
        # Other payments may have been entered while this one was in the recycle bin.
        contract = Contract.objects.select_for_update().get(pk=record.contract_id)
        if contract.outstanding < ZERO:
            raise ServiceError(
                _("Back, it would pay %(over)s more than %(number)s is for.")
                % {"over": -contract.outstanding, "number": contract.number}
            )


class ExpenseService(RecordService):
    # Written by the customer's owner, as quotes are.
    model = Expense


opportunities = OpportunityService()
quotes = QuoteService()
contracts = ContractService()
receivables = ReceivableService()
payments = PaymentService()
expenses = ExpenseService()
