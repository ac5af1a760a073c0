from django import forms
from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import (
    BASE_PUBLIC_FIELDS,
    NAME_MAX_LENGTH,
    OPTIONAL_PUBLIC_FIELDS,
    SystemSettings,
)


def field_label(name):
    """A customer field's name as the customer forms show it, in the current language."""
    if name == "status":
        return _("Status")
    return capfirst(apps.get_model("customers", "Customer")._meta.get_field(name).verbose_name)


class SystemSettingsForm(StyledFormMixin, forms.ModelForm):
    """Every system parameter; the pool's extra public fields (SPEC C2) as tick boxes."""

    extra_public_fields = forms.MultipleChoiceField(
        label=_("Also public in the pool"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SystemSettings
        fields = [
            "force_hierarchical_sharing",
            "require_two_factor_for_administrators",
            "extra_public_fields",
            "currency",
            "attachment_max_mb",
            "blocked_extensions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        public = self.fields["extra_public_fields"]
        public.choices = [(name, field_label(name)) for name in OPTIONAL_PUBLIC_FIELDS]
        public.widget.attrs["class"] = "form-check-input"
        always = ", ".join(str(field_label(name)) for name in BASE_PUBLIC_FIELDS if name != "id")
        public.help_text = _(
            "Everyone sees these in the customer pool, besides what is always public: "
            "%(always)s. Phones, notes, addresses and contacts are never public."
        ) % {"always": always}
        for name in ("currency", "attachment_max_mb", "blocked_extensions"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"


class DictionaryItemForm(StyledFormMixin, forms.Form):
    """An item's name in each language; the service checks that one is given and that no
    other item of the list has it."""

    name = forms.CharField(label=_("English name"), max_length=NAME_MAX_LENGTH, required=False)
    name_zh_hans = forms.CharField(
        label=_("Chinese name"), max_length=NAME_MAX_LENGTH, required=False
    )

    @classmethod
    def of(cls, item):
        return cls(initial={field: getattr(item, field) for field in ("name", "name_zh_hans")})
