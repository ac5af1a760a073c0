from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from records.views import ModuleListPage

from .module import INTERACTIONS


class ScheduleView(ModuleListPage):
    """My schedule (SPEC §9 日程): my follow-ups due from today."""

    default_ordering = ("next_follow_up", "id")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, module=INTERACTIONS.key)
        self.title = _("My schedule")

    def base_queryset(self):
        """Follow-ups on my own customers, and those I wrote on customers shared with me;
        not my subordinates' appointments."""
        user = self.request.user
        mine = Q(customer__owner=user) | Q(created_by=user)
        return super().base_queryset().filter(mine, next_follow_up__gte=timezone.localdate())
