"""Opportunities, quotes, contracts, receivables, payments and expenses (SPEC §9). Money is Decimal
with two places; the currency is a system setting."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from records.models import CustomerRecord
from settings_app.models import dictionary_field

CENT = Decimal("0.01")
ZERO = Decimal("0")
MONEY_MAX = Decimal("999999999999.99")  # what money_field's 14 digits, 2 of them decimals, hold
QUANTITY_MAX = Decimal("9999999999.99")


def in_range(table, field, high, low=ZERO):
    """A database CHECK that `field` holds only what its column declares: SQLite would keep
    any number in a decimal column, and a total computed past it would break every list
    that reads the row."""
    bounds = {f"{field}__gte": low, f"{field}__lte": high}
    return models.CheckConstraint(condition=models.Q(**bounds), name=f"{table}_{field}_in_range")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


class Opportunity(CustomerRecord):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("opportunity status", "Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=200)
    stage = dictionary_field("opportunity_stage", _("stage"))
    expected_amount = money_field(_("expected amount"), default=ZERO)
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=50, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [in_range("opportunity", "expected_amount", MONEY_MAX)]

    def __str__(self):
        return self.name


class Quote(CustomerRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    date = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    total = money_field(_("total"), default=ZERO, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [in_range("quote", "total", MONEY_MAX)]

    def __str__(self):
        return self.number


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.CharField(_("product"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    unit_price = money_field(_("unit price"))
    discount = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            in_range("quoteline", "quantity", QUANTITY_MAX, CENT),
            in_range("quoteline", "unit_price", MONEY_MAX),
            in_range("quoteline", "discount", Decimal("100")),
        ]

    def __str__(self):
        return self.product

    @property
    def amount(self):
        gross = self.quantity * self.unit_price
        return (gross * (Decimal("100") - self.discount) / Decimal("100")).quantize(
            CENT, rounding=ROUND_HALF_UP
        )


class Contract(CustomerRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EXECUTING = "executing", _("Executing")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    amount = money_field(_("amount"))
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, db_index=True
    )
    quote = models.ForeignKey(
        Quote,
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )

    # What was paid so far, when the row was read through with_received_totals(): lists
    # annotate it to spare a query a row.
    received_total = None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [in_range("contract", "amount", MONEY_MAX)]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def received(self):
        """What was paid so far."""
        if self.received_total is not None:
            return self.received_total
        return amount_total(self.payments.all())

    @property
    def outstanding(self):
        return self.amount - self.received


class Receivable(CustomerRecord):
    """应收: a planned instalment of an executing contract."""

    contract = models.ForeignKey(
        # A contract with planned receivables is not deleted silently with them (PROTECT).
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="receivables",
    )
    due_on = models.DateField(_("due"))
    amount = money_field(_("amount"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        constraints = [in_range("receivable", "amount", MONEY_MAX)]

    def __str__(self):
        return f"{self.contract.number} {self.due_on}"


class Payment(CustomerRecord):
    """已收: money received against a contract."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        OTHER = "other", _("Other")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="payments"
    )
    received_on = models.DateField(_("received"))
    amount = money_field(_("amount"))
    method = models.CharField(_("method"), max_length=10, choices=Method, default=Method.TRANSFER)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [in_range("payment", "amount", MONEY_MAX)]

    def __str__(self):
        return f"{self.contract.number} {self.amount}"


class Expense(CustomerRecord):
    """成本费用: money spent on winning or serving the customer (travel, samples, gifts …).
    Receipts go to the customer's attachments."""

    spent_on = models.DateField(_("date"))
    type = dictionary_field("expense_type", _("type"))
    amount = money_field(_("amount"))
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("cost or expense")
        verbose_name_plural = _("costs and expenses")
        constraints = [in_range("expense", "amount", MONEY_MAX)]

    def __str__(self):
        return f"{self.spent_on} {self.amount}"


def amount_total(rows):
    """The sum of the rows' amounts, zero for none."""
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


def customer_expense_total(customer):
    """What was spent on one customer."""
    return amount_total(Expense.objects.filter(customer=customer))


def with_received_totals(contracts):
    return contracts.annotate(
        # A join reads every payment: the ones in the recycle bin are left out here.
        received_total=Coalesce(
            Sum("payments__amount", filter=models.Q(payments__deleted_at__isnull=True)),
            ZERO,
            output_field=models.DecimalField(),
        )
    )


def with_unpaid(receivables):
    """Each receivable with `unpaid`, the part of it still owed: a contract's payments
    settle its receivables in due order, earliest first. Counted over all of the
    contract's live receivables, whatever else `receivables` is filtered by."""
    money = models.DecimalField(max_digits=16, decimal_places=2)
    paid = Payment.objects.filter(contract=OuterRef("contract")).values("contract")
    due_by_then = Receivable.objects.filter(contract=OuterRef("contract")).filter(
        models.Q(due_on__lt=OuterRef("due_on"))
        | models.Q(due_on=OuterRef("due_on"), pk__lte=OuterRef("pk"))
    )
    zero = Value(ZERO, output_field=money)
    rows = receivables.annotate(
        paid_in_all=Coalesce(Subquery(paid.annotate(s=Sum("amount")).values("s")), zero),
        due_by_then=Subquery(due_by_then.values("contract").annotate(s=Sum("amount")).values("s")),
    )
    owed = ExpressionWrapper(F("due_by_then") - F("paid_in_all"), output_field=money)
    return rows.annotate(unpaid=Least(F("amount"), Greatest(owed, zero), output_field=money))


def open_pipeline(customer):
    """What the customer's open opportunities are expected to bring."""
    rows = Opportunity.objects.filter(customer=customer, status=Opportunity.Status.OPEN)
    return rows.aggregate(total=Sum("expected_amount"))["total"] or ZERO


def customer_money_summary(customer):
    """Contracted, received and outstanding money of one customer (SPEC §9)."""
    live = Contract.objects.filter(customer=customer).exclude(status=Contract.Status.TERMINATED)
    contracted = amount_total(live)
    received = amount_total(Payment.objects.filter(customer=customer))
    return contracted, received, contracted - received
