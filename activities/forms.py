from django import forms
from django.utils import timezone

from customers.forms.records import active_items
from records.forms import RecordForm

from .models import Interaction


class InteractionForm(RecordForm):
    class Meta:
        model = Interaction
        fields = ["happened_at", "kind", "subject", "contact", "content", "next_follow_up"]
        widgets = {
            "happened_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "next_follow_up": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = active_items("interaction", self.instance.kind_id)
        self.fields["contact"].queryset = self.customer.contacts.all()
        if self.instance.pk is None:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("happened_at", now.strftime("%Y-%m-%dT%H:%M"))
