from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from org.models import Department
from settings_app.models import DictionaryItem

from ..models import DICTIONARY_FIELDS, Contact, Customer, SocialRelation
from ..services.details import POOL_EDITABLE_FIELDS


def active_items(kind, current=None):
    """Active items of a list, plus the one already chosen even if since disabled."""
    rows = DictionaryItem.objects.filter(kind=kind, is_active=True)
    if current is not None:
        rows = rows | DictionaryItem.objects.filter(pk=current)
    return rows.order_by("sort_order", "name")


class CustomerForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "category",
            "industry",
            "source",
            "region",
            "phone",
            "website",
            "address",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DICTIONARY_FIELDS:
            current = getattr(self.instance, f"{name}_id", None)
            self.fields[name].queryset = active_items(name, current)
        self.fields["name"].widget.attrs.update(autofocus=True, maxlength=200)

    def cleaned_changes(self):
        return {name: self.cleaned_data[name] for name in self.changed_data}


class PoolCustomerForm(CustomerForm):
    """P8: the public fields of an unclaimed customer, corrected from the pool."""

    class Meta(CustomerForm.Meta):
        fields = list(POOL_EDITABLE_FIELDS)


class ContactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "mobile", "phone", "email", "notes", "is_primary"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class RelationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SocialRelation
        fields = ["relation_type", "person_name", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation_type"].queryset = active_items("relation")


class ShareForm(forms.Form):
    users = forms.ModelMultipleChoiceField(
        label=_("Colleagues"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("display_name"),
        required=False,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"), queryset=Department.objects.all(), required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("users") and not data.get("departments"):
            raise forms.ValidationError(_("Choose at least one colleague or department."))
        return data
