"""`{% returns_in customer pool_rules %}`: when a claimed customer goes back to the pool
by itself (issue 17), as its owner reads it: a warning within the warning days of its
pool's rules (`pool_rules`: customers.services.due.Rules),
the date further off, a lock when it is locked, a dash when it never returns."""

import math

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.templatetags.icons import icon

register = template.Library()


@register.simple_tag
def returns_in(customer, pool_rules):
    if customer.locked_at:
        return format_html(
            '<span class="status status-locked" data-testid="locked" title="{}">{}{}</span>',
            _("Locked: it does not return to the pool by itself."),
            icon("lock", 13),
            _("locked"),
        )
    if customer.returns_at is None:
        return "—"
    left = (customer.returns_at - timezone.now()).total_seconds() / 86400
    date = formats.date_format(timezone.localtime(customer.returns_at), "Y-m-d")
    if left > (pool_rules.of(customer.pool_id).warning_days or 0):
        return format_html('<span data-testid="returns-at">{}</span>', date)
    if left <= 0:
        text = _("returns at the next check")
    else:
        days = math.ceil(left)
        text = ngettext("returns in %(days)d day", "returns in %(days)d days", days) % {
            "days": days
        }
    return format_html(
        '<span class="status status-due" data-testid="returns-soon" title="{}">{}{}</span>',
        date,
        icon("alarm-clock", 13),
        text,
    )
