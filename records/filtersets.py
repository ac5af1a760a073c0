from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.filtersets import (
    DayBoundFilter,
    PersonFilter,
    RowIdFilter,
    TextSearchFilterSet,
    active_people,
)
from customers.normalize import fold


class RecordFilterSet(TextSearchFilterSet):
    """Module-wide lists and the customer's tab of a module: quick search over the
    record's own text fields (`search_fields`) and the customer's name, a date range on
    `date_field`, sorting by the listed columns."""

    date_field = "created_at"

    customer = RowIdFilter(field_name="customer_id", label=_("Customer id"))
    # Records of the customers one person owns (the dashboard's "mine" and per-person
    # figures link here, issue 18).
    owner = PersonFilter(
        field_name="customer__owner", label=_("Customer owner"), queryset=active_people
    )
    created_after = DayBoundFilter(field_name="created_at", label=_("Created from"))
    created_before = DayBoundFilter(field_name="created_at", upper=True, label=_("Created until"))

    def search_condition(self, keyword):
        return Q(customer__search_name__contains=fold(keyword)) | super().search_condition(keyword)
