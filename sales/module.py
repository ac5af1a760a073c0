from django.utils.translation import gettext_lazy as _

from records.modules import Module

from . import api, filtersets, forms, services
from .models import Contract, customer_money_summary, with_received_totals

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
        (_("Name"), "name"),
        (_("Stage"), "stage.name"),
        (_("Expected amount"), "expected_amount"),
        (_("Expected close"), "expected_close"),
        (_("Probability (%)"), "probability"),
        (_("Status"), "get_status_display"),
    ),
    related=("stage", "customer"),
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
        (_("Number"), "number"),
        (_("Date"), "date"),
        (_("Valid until"), "valid_until"),
        (_("Total"), "total"),
        (_("Status"), "get_status_display"),
    ),
    related=("customer",),
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
        (_("Number"), "number"),
        (_("Title"), "title"),
        (_("Amount"), "amount"),
        (_("Received"), "received"),
        (_("Outstanding"), "outstanding"),
        (_("Signed"), "signed_on"),
        (_("End"), "ends_on"),
        (_("Status"), "get_status_display"),
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
        (_("Contract"), "contract.number"),
        (_("Due"), "due_on"),
        (_("Amount"), "amount"),
        (_("Notes"), "notes"),
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
        (_("Contract"), "contract.number"),
        (_("Received"), "received_on"),
        (_("Amount"), "amount"),
        (_("Method"), "get_method_display"),
        (_("Notes"), "notes"),
    ),
    related=("contract", "customer"),
)
