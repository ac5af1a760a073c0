"""Changes to the pool rules (SPEC B1, issue 17), from the settings page and the API alike,
by administrators. The rules themselves are settings_app's models; they live here because
a change re-dates every claimed customer (customers.services.due.refresh_all, a background
job queued when the change commits). The audit rows come from audit.signals, as for the
other settings: who, and each field before and after."""

from django.db import transaction
from django.utils.translation import gettext as _

from settings_app.models import CategoryReturnRule, DictionaryKind, PoolRules

from ..tasks import redate_customers
from .results import NotAllowed, ServiceError

RULE_FIELDS = (
    "auto_return",
    "no_contact_days",
    "no_deal_days",
    "warning_days",
    "warn_supervisors",
    "exempt_contracted",
    "owner_limit",
    "limit_counts_contracted",
    "assign_may_exceed_limit",
    "daily_claim_limit",
    "cooldown_days",
    "return_reason_required",
    "pool_view_quota",
)
# A pool's rules of its own (customers.Pool): all but the view quota, which is a person's.
POOL_RULE_FIELDS = tuple(field for field in RULE_FIELDS if field != "pool_view_quota")
CATEGORY_FIELDS = ("no_contact_days", "no_deal_days")
# The rules a customer's date depends on (customers.services.due).
DATING_FIELDS = ("auto_return", "no_contact_days", "no_deal_days", "exempt_contracted")


def save_pool_rules(actor, values, categories=None):
    """Sets the rules in `values` (names of RULE_FIELDS, already checked by a form or
    serializer); the others keep theirs. `categories`, when given, replaces the days per
    category: {category item: {"no_contact_days": n, "no_deal_days": m}}, each None for
    the pool's days or 0 for off; a category left out follows the pool. Returns the
    rules."""
    if not actor.is_administrator:
        raise NotAllowed(_("Only administrators may change the pool rules."))
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ServiceError(_("Unknown rules: %s.") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        pool = PoolRules.load()
        before = [getattr(pool, field) for field in DATING_FIELDS]
        for field, value in values.items():
            setattr(pool, field, value)
        pool.save()
        redate = before != [getattr(pool, field) for field in DATING_FIELDS]
        if categories is not None:
            redate |= _replace_category_rules(categories)
        if redate:
            transaction.on_commit(redate_customers.enqueue)
    return pool


def _replace_category_rules(categories):
    """Whether any category's days changed."""
    for item in categories:
        if item.kind != DictionaryKind.CATEGORY:
            raise ServiceError(
                _("“%(name)s” is not a customer category.") % {"name": item.label},
                field="categories",
            )
    kept, changed = [], False
    for item, days in categories.items():
        days = {field: days.get(field) for field in CATEGORY_FIELDS}
        rule = CategoryReturnRule.objects.filter(category=item).first()
        if rule is None:
            rule = CategoryReturnRule.objects.create(category=item, **days)
            changed = True
        elif any(getattr(rule, field) != value for field, value in days.items()):
            for field, value in days.items():
                setattr(rule, field, value)
            rule.save()
            changed = True
        kept.append(rule.pk)
    for rule in CategoryReturnRule.objects.exclude(pk__in=kept):
        rule.delete()  # one by one: each deletion is traced
        changed = True
    return changed
