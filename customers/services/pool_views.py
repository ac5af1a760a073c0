"""The pool view quota (issue 17): at most so many pool customers' cards a day for one
person, so that no one copies out the pool card by card. Off unless the pool rules set it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from settings_app.models import PoolRules

from ..models import PoolCardView
from .ownership import hold_people
from .results import NotAllowed


def count_view(user, customer, readable):
    """Count `user` opening `customer`'s pool card today, or refuse it (NotAllowed, traced
    by the page or API that shows the refusal) when the quota is used up. Not counted:
    pool managers and administrators, who keep the pool, and a customer the person may
    read in full anyway (`readable`)."""
    quota = PoolRules.load().pool_view_quota
    if not quota or readable or user.is_pool_manager or user.is_administrator:
        return
    today = timezone.localdate()
    seen = PoolCardView.objects.filter(user=user, day=today)
    if seen.filter(customer=customer).exists():
        return
    with transaction.atomic():
        # Cards opened at once are counted one after the other (the person's row lock).
        hold_people([user.pk])
        if seen.count() >= quota:
            raise NotAllowed(
                _(
                    "You have opened %(quota)d customers of the pool today, the most one may. "
                    "Try again tomorrow, or ask a pool manager."
                )
                % {"quota": quota}
            )
        PoolCardView.objects.bulk_create(
            [PoolCardView(user=user, customer=customer, day=today)], ignore_conflicts=True
        )
