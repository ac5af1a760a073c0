from django import forms

from core.forms import StyledFormMixin
from customers.forms.records import active_items

from .models import Interaction


class InteractionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["happened_at", "kind", "subject", "contact", "content", "next_follow_up"]
        widgets = {
            "happened_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "next_follow_up": forms.DateInput(attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = active_items("interaction", self.instance.kind_id)
        self.fields["contact"].queryset = customer.contacts.all()
