from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from records.modules import Column, Module, RowLink

from . import api, filtersets, forms, services
from .models import (
    Contract,
    customer_expense_total,
    customer_money_summary,
    open_pipeline,
    with_received_totals,
)


def quote_print_url(quote):
    return reverse("sales:quote-print", args=[quote.customer_id, quote.pk])


OPPORTUNITIES = Module(
    key="opportunities",
    position=20,
    label=_("Opportunities"),
    singular=_("opportunity"),
    service=services.opportunities,
    form_class=forms.OpportunityForm,
    serializer_class=api.OpportunitySerializer,
    filterset_class=filtersets.OpportunityFilterSet,
    columns=(
        Column(_("Name"), "name"),
        Column(_("Stage"), "stage.label"),
        Column(_("Expected amount"), "expected_amount"),
        Column(_("Expected close"), "expected_close"),
        Column(_("Probability (%)"), "probability"),
        Column(_("Status"), "get_status_display"),
    ),
    related=("stage", "customer"),
    headline=lambda customer: [(_("Open opportunities"), open_pipeline(customer))],
)
QUOTES = Module(
    key="quotes",
    position=30,
    label=_("Quotes"),
    singular=_("quote"),
    service=services.quotes,
    form_class=forms.QuoteForm,
    serializer_class=api.QuoteSerializer,
    filterset_class=filtersets.QuoteFilterSet,
    columns=(
        Column(_("Number"), "number"),
        Column(_("Date"), "date"),
        Column(_("Valid until"), "valid_until"),
        Column(_("Total"), "total"),
        Column(_("Status"), "get_status_display"),
    ),
    related=("customer",),
    row_links=(RowLink(_("Print"), quote_print_url, new_tab=True),),
)
CONTRACTS = Module(
    key="contracts",
    position=40,
    label=_("Contracts"),
    singular=_("contract"),
    service=services.contracts,
    form_class=forms.ContractForm,
    serializer_class=api.ContractSerializer,
    filterset_class=filtersets.ContractFilterSet,
    columns=(
        Column(_("Number"), "number"),
        Column(_("Title"), "title"),
        Column(_("Amount"), "amount"),
        Column(_("Received"), "received"),
        Column(_("Outstanding"), "outstanding"),
        Column(_("Signed"), "signed_on"),
        Column(_("End"), "ends_on"),
        Column(_("Status"), "get_status_display"),
    ),
    related=("customer",),
    decorate=with_received_totals,
    summary=lambda customer: list(
        zip(
            (_("Contracted"), _("Received"), _("Outstanding")),
            customer_money_summary(customer),
            strict=True,
        )
    ),
    tab_filters=(("status", _("Status"), Contract.Status.choices),),
    headline=lambda customer: [(_("Outstanding"), customer_money_summary(customer)[2])],
)
RECEIVABLES = Module(
    key="receivables",
    position=50,
    label=_("Receivables"),
    singular=_("receivable"),
    service=services.receivables,
    form_class=forms.ReceivableForm,
    serializer_class=api.ReceivableSerializer,
    filterset_class=filtersets.ReceivableFilterSet,
    columns=(
        Column(_("Contract"), "contract.number"),
        Column(_("Due"), "due_on"),
        Column(_("Amount"), "amount"),
        Column(_("Notes"), "notes"),
    ),
    related=("contract", "customer"),
)
PAYMENTS = Module(
    key="payments",
    position=60,
    label=_("Received payments"),
    singular=_("payment"),
    service=services.payments,
    form_class=forms.PaymentForm,
    serializer_class=api.PaymentSerializer,
    filterset_class=filtersets.PaymentFilterSet,
    columns=(
        Column(_("Contract"), "contract.number"),
        Column(_("Received"), "received_on"),
        Column(_("Amount"), "amount"),
        Column(_("Method"), "get_method_display"),
        Column(_("Notes"), "notes"),
    ),
    related=("contract", "customer"),
)
EXPENSES = Module(
    key="expenses",
    position=65,
    label=_("Costs and expenses"),
    singular=_("expense"),
    service=services.expenses,
    form_class=forms.ExpenseForm,
    serializer_class=api.ExpenseSerializer,
    filterset_class=filtersets.ExpenseFilterSet,
    columns=(
        Column(_("Date"), "spent_on"),
        Column(_("Type"), "type.label"),
        Column(_("Amount"), "amount"),
        Column(_("Payee"), "payee"),
        Column(_("Notes"), "notes"),
    ),
    related=("type", "customer"),
    summary=lambda customer: [(_("Spent"), customer_expense_total(customer))],
)
