import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.filtersets import DayBoundFilter, Ordering, PersonFilter
from records.filtersets import RecordFilterSet

from .models import Interaction


def everyone(request):
    """Whoever may have written a record, those who have left included."""
    return get_user_model().objects.order_by("display_name", "username")


class InteractionFilterSet(RecordFilterSet):
    search_fields = ("subject", "content")
    # One person's records of some weeks (the activity report links here, issue 18).
    created_by = PersonFilter(field_name="created_by", label=_("Recorded by"), queryset=everyone)
    happened_after = DayBoundFilter(field_name="happened_at", label=_("Happened from"))
    happened_before = DayBoundFilter(
        field_name="happened_at", upper=True, label=_("Happened until")
    )
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
