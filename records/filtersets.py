import django_filters as filters
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers import querysets
from customers.filtersets import (
    DayBoundFilter,
    PersonFilter,
    RowIdFilter,
    TextSearchFilterSet,
    active_people,
)
from customers.normalize import fold


class Scope(models.TextChoices):
    """Whose customers' records a list holds, among those its reader may open (the
    reports' scope, issue 18): the customers I own, or those my team and I own."""

    MINE = "mine", _("My customers")
    TEAM = "team", _("My team's customers")


class RecordFilterSet(TextSearchFilterSet):
    """Module-wide lists and the customer's tab of a module: quick search over the
    record's own text fields (`search_fields`) and the customer's name, a date range on
    `date_field`, sorting by the listed columns."""

    date_field = "created_at"

    customer = RowIdFilter(field_name="customer_id", label=_("Customer id"))
    # Records of the customers one person owns (the dashboard's "mine" and per-person
    # figures link here, issue 18).
    owner = PersonFilter(
        field_name="customer__owner",
        label=_("Customer owner"),
        queryset=active_people,
        method="by_owner",
    )
    # Coerced to a Scope, whose label the list's filter badge shows.
    scope = filters.TypedChoiceFilter(
        choices=Scope.choices, coerce=Scope, method="by_scope", label=_("Scope")
    )
    created_after = DayBoundFilter(field_name="created_at", label=_("Created from"))
    created_before = DayBoundFilter(field_name="created_at", upper=True, label=_("Created until"))

    # Set by the list's view when its reader reads most of the rows (a report over a
    # period): the scope is then written as querysets.owned_through(whole=True) says.
    whole = False

    def by_scope(self, qs, name, value: str):  # the hint: a string in the API schema
        """The records of the customers I own, or (team) that I or anyone below me in the
        supervisor tree owns; the list's own visibility still applies."""
        user = self.request.user
        owners = [user.pk]
        if value == Scope.TEAM:
            owners = sorted({user.pk, *querysets.subordinate_ids(user)})
        return qs.filter(querysets.owned_through(owners, whole=self.whole))

    def by_owner(self, qs, name, person):  # called only with a person (django-filter)
        return qs.filter(querysets.owned_through([person.pk]))

    def search_condition(self, keyword):
        return Q(customer__search_name__contains=fold(keyword)) | super().search_condition(keyword)
