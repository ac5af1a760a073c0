"""When a claimed customer goes back to the pool by itself (SPEC B1, issue 17).

A customer's due date, `Customer.returns_at`, is stored so that "my customers" sorts and
filters by it from an index and the sweep finds the customers due from another. It is
the earlier of the pool rules' two clocks, each with the days of the customer's category
(settings_app.CategoryReturnRule) or the pool's:
- no interaction record for N days, counted from the last one, or from the claim when
  there is none since;
- no deal for M days since the claim: a won opportunity or a signed contract since the
  claim stops this clock.
Both count from the claim, or from the end of a lock when that is later
(`Customer.clocks_from`).
None when the customer is unclaimed, locked, exempt (an executing contract, when the
rules say so) or every rule is off.

One SQL expression computes it for one customer or for all of them, so the page, the
sweep and a change of the rules cannot disagree. It is refreshed in the transaction of
every change it depends on: a claim or other move, an interaction record, a deal, a
lock. A change of the rules re-dates every claimed customer in a background job
(`refresh_all`): at hundreds of thousands of customers that takes longer than a request
may (benchmarks/RESULTS.md, "Pool rules"). Meanwhile the sweep dates each customer anew
before returning it, so a rule made more lenient never returns one by its old date."""

import datetime
import math
from functools import cached_property

from django.db import transaction
from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from notifications.models import Kind
from notifications.services import notification, notify_each
from settings_app.models import CategoryReturnRule, PoolRules

from ..models import Customer, Pool

# The reasons a return by the rules gives, stored untranslated and translated when shown.
NO_CONTACT = gettext_noop("returned by the pool rules: no interaction record in time")
NO_DEAL = gettext_noop("returned by the pool rules: no deal in time")


class Rules:
    """The rules of every pool as the due date needs them (issue 17): the company pool's,
    which every pool without rules of its own follows, and each own rules' days per
    customer category."""

    def __init__(self, company=None, own=None):
        self.company = company or PoolRules.load()
        if own is None:
            own = Pool.objects.filter(own_rules=True)
        self.own = {pool.pk: pool for pool in own}

    def of(self, pool_id):
        """The rules the customers of a pool (None: the company pool) follow."""
        return self.own.get(pool_id, self.company)

    def each(self):
        """(rules, the customers they govern as a Q), for every set of rules."""
        for rules in (self.company, *self.own.values()):
            yield rules, self.governed(rules)

    def governed(self, rules, field="pool"):
        """The customers `rules` govern, as a Q over `field`, their pool (another path to
        it from another model: "customer__pool")."""
        if rules is not self.company:
            return Q(**{field: rules.pk})
        return ~Q(**{f"{field}__in": list(self.own)}) if self.own else Q()

    @cached_property
    def by_category(self):
        """Each category's own days: (no-contact, no-deal), None for the pool's, 0 off."""
        return {
            rule.category_id: (rule.no_contact_days, rule.no_deal_days)
            for rule in CategoryReturnRule.objects.all()
        }

    @property
    def on(self):
        """Whether any pool's customers may return by themselves."""
        return any(rules.auto_return for rules, _where in self.each())

    @property
    def reason_required(self):
        """Whether any pool's rules require a reason to return a customer."""
        return any(rules.return_reason_required for rules, _where in self.each())

    def days(self, category_id, rules):
        """(no-contact days, no-deal days) of a category under `rules`; None where off."""
        pool = (rules.no_contact_days, rules.no_deal_days)
        own = self.by_category.get(category_id, (None, None))
        return tuple(pool[n] if days is None else (days or None) for n, days in enumerate(own))

    def _days(self, which, rules):
        """The days of one clock (0: no contact, 1: no deal) per category, as SQL."""
        default = (rules.no_contact_days, rules.no_deal_days)[which]
        whens = [
            When(category_id=category, then=_duration(self.days(category, rules)[which]))
            for category in self.by_category
            if self.days(category, rules)[which] != default
        ]
        return Case(*whens, default=_duration(default), output_field=DurationField())

    def expression(self):
        """returns_at of every customer, as SQL."""
        if not self.own:
            return self._expression(self.company)
        return Case(
            *[When(pool_id=pk, then=self._expression(pool)) for pk, pool in self.own.items()],
            default=self._expression(self.company),
            output_field=DateTimeField(),
        )

    def _expression(self, rules):
        """returns_at of the customers `rules` govern, as SQL."""
        if not rules.auto_return:
            return Value(None, output_field=DateTimeField())
        claimed = Coalesce("clocks_from", "claimed_at")
        since_contact = Greatest(claimed, Coalesce("last_contacted_at", claimed))
        no_contact = _later(since_contact, self._days(0, rules))
        no_deal = Case(
            When(last_deal_at__gte=claimed, then=Value(None, output_field=DateTimeField())),
            default=_later(claimed, self._days(1, rules)),
        )
        # The earlier of the two; Least is null on SQLite when either is.
        earlier = Least(Coalesce(no_contact, no_deal), Coalesce(no_deal, no_contact))
        never = Q(owner__isnull=True) | Q(locked_at__isnull=False)
        if rules.exempt_contracted:
            never |= Q(contract_signed_at__isnull=False)
        return Case(
            When(never, then=Value(None, output_field=DateTimeField())),
            default=earlier,
            output_field=DateTimeField(),
        )

    def reason(self, category_id, pool_id, clocks_from, last_contacted_at, now):
        """Why a customer due by `now` returns: the clock that ran out (NO_CONTACT first)."""
        contact_days, _deal_days = self.days(category_id, self.of(pool_id))
        if contact_days is not None:
            since = max(clocks_from, last_contacted_at or clocks_from)
            if since + datetime.timedelta(days=contact_days) <= now:
                return NO_CONTACT
        return NO_DEAL


def _duration(days):
    value = None if days is None else datetime.timedelta(days=days)
    return Value(value, output_field=DurationField())


def _later(moment, duration):
    return ExpressionWrapper(moment + duration, output_field=DateTimeField())


def refresh_all(chunk=5_000):
    """Re-date every customer that has or may have a date, `chunk` at a time in a
    transaction each, in id order, with the rules as they are when each chunk is written.
    Returns how many were written."""
    rows = Customer.live.filter(Q(owner__isnull=False) | Q(returns_at__isnull=False))
    written, last = 0, 0
    while True:
        ids = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return written
        with transaction.atomic():
            written += refresh(ids, Rules(), clear=True)
        last = ids[-1]


def refresh(ids, rules=None, *, clear=False):
    """Set returns_at of the live customers `ids` from the rules. Call it in the
    transaction that changed what it depends on. With the automatic return off, every date
    is already none (a change of the rules re-dates all: refresh_all), so there is nothing
    to write, unless `clear` says the dates are to be cleared."""
    rules = rules or Rules()
    if not rules.on and not clear:
        return 0
    rows = Customer.live.filter(pk__in=list(ids))
    return rows.update(returns_at=rules.expression())


def warn(now=None):
    """Tell each owner (and, if the rules say, their supervisor) of every customer of
    theirs that returns within the rules' warning days (issue 17); once per customer and
    date, however often it runs. Returns how many customers were due soon."""
    now = now or timezone.now()
    book = Rules()
    rows, count = [], 0
    for rules, governed in book.each():
        if not (rules.auto_return and rules.warning_days):
            continue
        soon = Customer.live.filter(
            governed,
            returns_at__gt=now,
            returns_at__lte=now + datetime.timedelta(days=rules.warning_days),
        ).values_list("pk", "name", "owner_id", "owner__supervisor_id", "returns_at")
        for pk, name, owner, supervisor, returns_at in soon:
            count += 1
            days = math.ceil((returns_at - now).total_seconds() / 86400)
            people = [owner, supervisor] if rules.warn_supervisors else [owner]
            rows += [
                notification(
                    person,
                    Kind.DUE,
                    names=[name],
                    days=days,
                    url=reverse("customers:detail", args=[pk]),
                    key=f"due:{pk}:{returns_at.timestamp():.0f}",
                )
                for person in people
                if person is not None
            ]
    notify_each(rows)
    return count
