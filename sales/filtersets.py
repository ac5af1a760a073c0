import django_filters as filters
from django.utils.translation import gettext_lazy as _

from customers.filtersets import Ordering
from records.filtersets import RecordFilterSet

from .models import Contract, Expense, Opportunity, Payment, Quote, Receivable


def ordering(*names):
    return Ordering(fields=tuple((n, n.split("__")[0]) for n in names))


class OpportunityFilterSet(RecordFilterSet):
    search_fields = ("name",)
    status = filters.ChoiceFilter(choices=Opportunity.Status.choices, label=_("Status"))
    ordering = ordering("name", "expected_amount", "expected_close", "status", "created_at")

    class Meta:
        model = Opportunity
        fields = []


class QuoteFilterSet(RecordFilterSet):
    search_fields = ("number", "notes", "lines__product")
    status = filters.ChoiceFilter(choices=Quote.Status.choices, label=_("Status"))
    ordering = ordering("number", "date", "total", "status")

    class Meta:
        model = Quote
        fields = []


class ContractFilterSet(RecordFilterSet):
    search_fields = ("number", "title")
    status = filters.ChoiceFilter(choices=Contract.Status.choices, label=_("Status"))
    ordering = ordering("number", "title", "amount", "signed_on", "ends_on", "status")

    class Meta:
        model = Contract
        fields = []


class ReceivableFilterSet(RecordFilterSet):
    search_fields = ("contract__number", "notes")
    ordering = ordering("due_on", "amount")

    class Meta:
        model = Receivable
        fields = []


class PaymentFilterSet(RecordFilterSet):
    search_fields = ("contract__number", "notes")
    method = filters.ChoiceFilter(choices=Payment.Method.choices, label=_("Method"))
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
