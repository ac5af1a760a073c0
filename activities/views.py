from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import querysets
from records.views import ModuleListPage

from .module import INTERACTIONS


class ScheduleView(ModuleListPage):
    """My schedule (SPEC §9 日程): my follow-ups due from today."""

    default_ordering = ("next_follow_up", "id")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, module=INTERACTIONS.key)
        self.title = _("My schedule")

    # Any of these in the query string chooses the days; without them, from today on.
    day_filters = ("follow_up_after", "follow_up_before", "overdue")

    def base_queryset(self):
        """Follow-ups on my own customers, and those I wrote on customers shared with me;
        not my subordinates' appointments."""
        user = self.request.user
        # My customers as a list of ids, not the joined customer's owner: an OR over two
        # tables kept the indexes out (a supervisor's follow-up figures, 420–560 ms at 1M
        # on PostgreSQL, benchmark row "dashboard, supervisor").
        mine = Q(customer__in=querysets.mine(user).order_by().values("pk")) | Q(created_by=user)
        rows = super().base_queryset().filter(mine, next_follow_up__isnull=False)
        if any(self.request.GET.get(name) for name in self.day_filters):
            return rows
        return rows.filter(next_follow_up__gte=timezone.localdate())
