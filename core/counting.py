"""List totals (SPEC L4): exact when the list is short, otherwise a lower bound, "More
than 1,000".
Counting a million rows exactly would take longer than reading the page itself; reading
at most COUNT_CAP + 1 of them never does. Paging does not depend on the total
(core.keyset)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Total:
    value: int
    is_capped: bool = False  # there are more than `value`


def capped_total(queryset, cap=None):
    cap = settings.COUNT_CAP if cap is None else cap
    found = queryset.order_by()[: cap + 1].count()
    return Total(cap, is_capped=True) if found > cap else Total(found)
