import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.filtersets import DayBoundFilter
from customers.normalize import fold


class RecordFilterSet(filters.FilterSet):
    """Module-wide lists: quick search over the record's own text fields and the customer's
    name, a date range on `date_field`, sorting by the listed columns."""

    search_fields: tuple = ()
    date_field = "created_at"

    search = filters.CharFilter(method="quick_search", label=_("Quick search"), max_length=100)
    customer = filters.NumberFilter(field_name="customer_id", label=_("Customer id"))
    created_after = DayBoundFilter(field_name="created_at", label=_("Created from"))
    created_before = DayBoundFilter(field_name="created_at", upper=True, label=_("Created until"))

    def quick_search(self, qs, name, value):
        keyword = value.strip()
        if not keyword:
            return qs
        condition = Q(customer__search_name__contains=fold(keyword))
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": keyword})
        return qs.filter(condition)
