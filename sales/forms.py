from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone

from core.forms import StyledFormMixin
from customers.forms.records import active_items
from records.forms import RecordForm

from .models import (
    CENT,
    ZERO,
    Contract,
    Expense,
    Opportunity,
    Payment,
    Quote,
    QuoteLine,
    Receivable,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CustomerScopedForm(RecordForm):
    """Links to other records offer only those of the same customer."""

    scoped = {}  # field → model whose rows of this customer may be chosen
    today_fields = ()  # date fields a new record starts with today in

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, model in self.scoped.items():
            self.fields[field].queryset = model.objects.filter(customer=self.customer)
        if self.instance.pk is None:
            for field in self.today_fields:
                self.initial.setdefault(field, timezone.localdate())


class OpportunityForm(CustomerScopedForm):
    class Meta:
        model = Opportunity
        fields = ["name", "stage", "expected_amount", "expected_close", "probability", "status"]
        widgets = {"expected_close": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = active_items("opportunity_stage", self.instance.stage_id)


# What a quote line is made of (the inline formset adds its quote to the form's own list).
LINE_FIELDS = ("product", "quantity", "unit_price", "discount")


class QuoteLineForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = QuoteLine
        fields = LINE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No pre-filled 0, so an untouched spare line counts as empty, not as half-filled.
        self.fields["discount"].required = False
        self.fields["discount"].initial = None

    def clean_discount(self):
        return self.cleaned_data["discount"] or ZERO


QuoteLineFormSet = forms.inlineformset_factory(
    Quote,
    QuoteLine,
    form=QuoteLineForm,
    extra=3,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


class QuoteForm(CustomerScopedForm):
    """The quote's header, and its lines in a formset (`lines`) that is checked, saved and
    shown with it."""

    scoped = {"opportunity": Opportunity}
    today_fields = ("date",)
    extra_template = "sales/_quote_lines.html"

    class Meta:
        model = Quote
        fields = ["date", "valid_until", "status", "opportunity", "notes"]
        widgets = {"date": DATE, "valid_until": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.lines = QuoteLineFormSet(data, instance=self.instance, prefix="lines")

    def is_valid(self):
        header, lines = super().is_valid(), self.lines.is_valid()
        return header and lines

    def service_data(self):
        kept = [line for line in self.lines.cleaned_data if line and not line.get("DELETE")]
        lines = [{name: line[name] for name in LINE_FIELDS if name in line} for line in kept]
        return {**super().service_data(), "lines": lines}


class ContractForm(CustomerScopedForm):
    scoped = {"quote": Quote, "opportunity": Opportunity}

    class Meta:
        model = Contract
        fields = [
            "title",
            "amount",
            "status",
            "signed_on",
            "starts_on",
            "ends_on",
            "quote",
            "opportunity",
        ]
        widgets = {"signed_on": DATE, "starts_on": DATE, "ends_on": DATE}


class ReceivableForm(CustomerScopedForm):
    scoped = {"contract": Contract}

    class Meta:
        model = Receivable
        fields = ["contract", "due_on", "amount", "notes"]
        widgets = {"due_on": DATE}


class PaymentForm(CustomerScopedForm):
    scoped = {"contract": Contract}

    today_fields = ("received_on",)

    class Meta:
        model = Payment
        fields = ["contract", "received_on", "amount", "method", "notes"]
        widgets = {"received_on": DATE}


class ExpenseForm(CustomerScopedForm):
    today_fields = ("spent_on",)

    class Meta:
        model = Expense
        fields = ["spent_on", "type", "amount", "payee", "notes"]
        widgets = {"spent_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = active_items("expense_type", self.instance.type_id)
        self.fields["amount"].min_value = CENT
        self.fields["amount"].validators.append(MinValueValidator(CENT))
