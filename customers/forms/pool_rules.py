from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from settings_app.models import CategoryReturnRule, DictionaryItem, DictionaryKind, PoolRules

from ..services.pool_rules import CATEGORY_FIELDS, RULE_FIELDS

# The numbers of the rules that switch off when empty, from 1 up.
LIMITS = (
    "no_contact_days",
    "no_deal_days",
    "owner_limit",
    "daily_claim_limit",
    "cooldown_days",
    "pool_view_quota",
)


def off_when_empty(form):
    """The rules' numbers among `form`'s fields count from 1: 0 would be no limit, which
    empty says."""
    for name in LIMITS:
        if name in form.fields:
            form.fields[name].min_value = 1
            form.fields[name].widget.attrs["min"] = 1


CATEGORY_LABELS = {
    "no_contact_days": _("days without an interaction record"),
    "no_deal_days": _("days without a deal"),
}


class PoolRulesForm(StyledFormMixin, forms.ModelForm):
    """The pool rules (issue 17), and each customer category's own days of the automatic
    return: empty for the pool's, 0 for off."""

    class Meta:
        model = PoolRules
        fields = list(RULE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = {rule.category_id: rule for rule in CategoryReturnRule.objects.all()}
        # A disabled category keeps its days, shown so that saving the page keeps them.
        self.categories = list(
            DictionaryItem.objects.filter(kind=DictionaryKind.CATEGORY).filter(
                Q(is_active=True) | Q(pk__in=own)
            )
        )
        off_when_empty(self)
        for item in self.categories:
            rule = own.get(item.pk)
            for field in CATEGORY_FIELDS:
                self.fields[self.category_field(item, field)] = forms.IntegerField(
                    label=f"{item.label}: {CATEGORY_LABELS[field]}",
                    min_value=0,
                    max_value=3650,
                    required=False,
                    initial=getattr(rule, field) if rule else None,
                    widget=forms.NumberInput(
                        attrs={"class": "form-control form-control-sm", "placeholder": "—"}
                    ),
                )

    @staticmethod
    def category_field(item, field):
        return f"category_{item.pk}_{field}"

    def rule_fields(self):
        return [self[name] for name in RULE_FIELDS]

    def category_rows(self):
        """(category, its two bound fields) for the page's table."""
        return [
            (item, [self[self.category_field(item, f)] for f in CATEGORY_FIELDS])
            for item in self.categories
        ]

    def category_rules(self):
        """{item: days} of the categories given days of their own, for the service."""
        rules = {}
        for item in self.categories:
            days = {f: self.cleaned_data.get(self.category_field(item, f)) for f in CATEGORY_FIELDS}
            if any(value is not None for value in days.values()):
                rules[item] = days
        return rules

    def rules(self):
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}
