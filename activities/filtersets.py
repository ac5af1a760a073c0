import django_filters as filters
from django.utils.translation import gettext_lazy as _

from customers.filtersets import Ordering
from records.filtersets import RecordFilterSet

from .models import Interaction


class InteractionFilterSet(RecordFilterSet):
    search_fields = ("subject", "content")
    follow_up_after = filters.DateFilter(
        field_name="next_follow_up", lookup_expr="gte", label=_("Follow-up from")
    )
    ordering = Ordering(
        fields=(
            ("happened_at", "happened_at"),
            ("subject", "subject"),
            ("customer__sort_name", "customer"),  # Chinese names by pinyin
            ("next_follow_up", "next_follow_up"),
        )
    )

    class Meta:
        model = Interaction
        fields = []
