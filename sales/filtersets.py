import django_filters as filters
from django.utils.translation import gettext_lazy as _

from customers.filtersets import DayBoundFilter, DictionaryFilter, Ordering
from records.filtersets import RecordFilterSet
from settings_app.models import DictionaryItem

from .models import Contract, Expense, Opportunity, Payment, Quote, Receivable, with_unpaid


def ordering(*names):
    return Ordering(fields=tuple((n, n.split("__")[0]) for n in names))


def day_range(field, label_from, label_until):
    """A from–until pair of filters on the day field `field` (the dashboard's "this
    month" figures link to them, issue 18)."""
    return (
        DayBoundFilter(field_name=field, label=label_from),
        DayBoundFilter(field_name=field, upper=True, label=label_until),
    )


class OpportunityFilterSet(RecordFilterSet):
    search_fields = ("name",)
    status = filters.ChoiceFilter(choices=Opportunity.Status.choices, label=_("Status"))
    stage = DictionaryFilter(
        field_name="stage",
        kind="opportunity_stage",
        queryset=DictionaryItem.objects.filter(kind="opportunity_stage"),
        label=_("Stage"),
    )
    ordering = ordering("name", "expected_amount", "expected_close", "status", "created_at")

    class Meta:
        model = Opportunity
        fields = []


class QuoteFilterSet(RecordFilterSet):
    search_fields = ("number", "notes", "lines__product")
    status = filters.ChoiceFilter(choices=Quote.Status.choices, label=_("Status"))
    date_after, date_before = day_range("date", _("Dated from"), _("Dated until"))
    ordering = ordering("number", "date", "total", "status")

    class Meta:
        model = Quote
        fields = []


class ContractFilterSet(RecordFilterSet):
    search_fields = ("number", "title")
    status = filters.ChoiceFilter(choices=Contract.Status.choices, label=_("Status"))
    signed_after, signed_before = day_range("signed_on", _("Signed from"), _("Signed until"))
    ordering = ordering("number", "title", "amount", "signed_on", "ends_on", "status")

    class Meta:
        model = Contract
        fields = []


class ReceivableFilterSet(RecordFilterSet):
    search_fields = ("contract__number", "notes")
    due_after, due_before = day_range("due_on", _("Due from"), _("Due until"))
    unpaid = filters.BooleanFilter(method="by_unpaid", label=_("Not yet paid"))
    ordering = ordering("due_on", "amount")

    class Meta:
        model = Receivable
        fields = []

    def by_unpaid(self, qs, name, value):
        if value is None:
            return qs
        rows = with_unpaid(qs)
        return rows.filter(unpaid__gt=0) if value else rows.filter(unpaid=0)


class PaymentFilterSet(RecordFilterSet):
    search_fields = ("contract__number", "notes")
    method = filters.ChoiceFilter(choices=Payment.Method.choices, label=_("Method"))
    received_after, received_before = day_range(
        "received_on", _("Received from"), _("Received until")
    )
    ordering = ordering("received_on", "amount")

    class Meta:
        model = Payment
        fields = []


class ExpenseFilterSet(RecordFilterSet):
    search_fields = ("payee", "notes", "type__name", "type__name_zh_hans")
    ordering = ordering("spent_on", "amount", "payee")

    class Meta:
        model = Expense
        fields = []
