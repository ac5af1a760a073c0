from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext

from core.forms import StyledFormMixin
from core.widgets import option_tags
from org.models import Department, person_choices
from settings_app.models import PoolRules

from .. import querysets
from ..models import Pool
from ..services.pool_rules import POOL_RULE_FIELDS
from ..services.pools import PEOPLE_FIELDS, POOL_FIELDS
from .pool_rules import off_when_empty


class PoolForm(StyledFormMixin, forms.ModelForm):
    """A pool as administrators set it up (issue 17): its name, its people, and its rules
    of its own, used while `own_rules` is ticked. The rules (a name taken, who may) are
    customers.services.pools.save_pool's."""

    class Meta:
        model = Pool
        fields = ["name", *PEOPLE_FIELDS, "own_rules", *POOL_RULE_FIELDS]

    def __init__(self, *args, actor, **kwargs):
        instance = kwargs.get("instance")
        if instance is None or instance.pk is None:
            # A new pool's rules of its own start as the company pool's.
            company = PoolRules.load()
            initial = {name: getattr(company, name) for name in POOL_RULE_FIELDS}
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        people, self.former = self._people(actor)
        for name in ("members", "managers"):
            self.fields[name].queryset = people
        self.fields["departments"].queryset = Department.objects.order_by("name")
        off_when_empty(self)

    def _people(self, actor):
        """Whom the pool may have as members and managers: the people customers may be
        given to, and those it has now though since deactivated or made administrators
        (kept, not dropped by a save that meant to change something else); and {id of
        each of the latter: how they are named, saying why they are no longer offered}."""
        offered = querysets.assignees(actor)
        current = set()
        if self.instance.pk:
            for name in ("members", "managers"):
                current |= set(getattr(self.instance, name).values_list("pk", flat=True))
        former = {}
        if current:
            rows = get_user_model().objects.filter(pk__in=current).exclude(pk__in=offered)
            for pk, is_active in rows.values_list("pk", "is_active"):
                former[pk] = (
                    gettext("%s (deactivated)") if not is_active else gettext("%s (administrator)")
                )
        people = get_user_model().objects.filter(Q(pk__in=offered.values("pk")) | Q(pk__in=former))
        return people.order_by("display_name", "username"), former

    def validate_unique(self):
        """A name taken is save_pool's to say, in its own words."""

    def _choices(self, name):
        field = self.fields[name]
        if name == "departments":
            return [(d.pk, d.name) for d in field.queryset]
        return [
            (pk, self.former[pk] % label if pk in self.former else label)
            for pk, label in person_choices(field.queryset)
        ]

    def pickers(self):
        """(bound field, its <option> tags) of each people picker: written directly, as a
        company's thousands of people are (core.widgets)."""
        rows = []
        for name in PEOPLE_FIELDS:
            bound = self[name]
            selected = [str(value) for value in bound.value() or ()]
            rows.append((bound, option_tags(self._choices(name), selected)))
        return rows

    def rule_fields(self):
        return [self[name] for name in POOL_RULE_FIELDS]

    def values(self):
        """What save_pool is given: the pool's fields…"""
        return {name: self.cleaned_data[name] for name in POOL_FIELDS}

    def people(self):
        """…and its people."""
        return {name: list(self.cleaned_data[name]) for name in PEOPLE_FIELDS}
