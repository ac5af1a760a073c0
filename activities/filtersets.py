import django_filters as filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.filtersets import Ordering
from records.filtersets import RecordFilterSet

from .models import Interaction


class InteractionFilterSet(RecordFilterSet):
    search_fields = ("subject", "content")
    follow_up_after = filters.DateFilter(
        field_name="next_follow_up", lookup_expr="gte", label=_("Follow-up from")
    )
    follow_up_before = filters.DateFilter(
        field_name="next_follow_up", lookup_expr="lte", label=_("Follow-up until")
    )
    overdue = filters.BooleanFilter(method="by_overdue", label=_("Follow-up overdue"))
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

    def by_overdue(self, qs, name, value):
        """Overdue: the follow-up day has passed and the customer was not contacted on it or
        since (a later interaction record moves its last contact)."""
        if value is None:
            return qs
        late = Q(next_follow_up__lt=timezone.localdate()) & (
            Q(customer__last_contacted_at__isnull=True)
            | Q(customer__last_contacted_at__date__lt=F("next_follow_up"))
        )
        return qs.filter(late) if value else qs.exclude(late)
