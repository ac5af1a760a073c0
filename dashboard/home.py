"""What a person's home page shows (issue 18, SPEC B5): my day for everyone, my team for
supervisors, the pool for pool managers, the company for administrators. Each figure is a
list page's total (dashboard.figures), so it links to that list and counts only what its
reader may open."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_tasks_db.models import DBTaskResult

from activities.models import Interaction
from audit.models import Action
from customers import querysets, rules
from customers.models import OwnershipEvent
from customers.services import due
from settings_app import dictionary
from settings_app.models import DictionaryKind, SystemSettings

from . import charts, snapshots
from .charts import series
from .figures import Figure, by_group, count
from .pages import AUDIT, CONTRACTS, MINE, OPPORTUNITIES, POOL, QUOTES, RECEIVABLES, SCHEDULE, TEAM


@dataclass
class Section:
    key: str
    title: str
    figures: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    lists: list = field(default_factory=list)  # (title, [(label, url)]) lists of names


def chart(key, title, kind, categories, series, empty=None, note=None, **options):
    """A chart as templates/core/_chart.html and static/app/charts.js take it; `empty` says
    why there is nothing to draw, when there is nothing; `note` when it was counted, where
    not at this moment."""
    return {
        "id": key,
        "title": title,
        "empty": empty,
        "note": note,
        "data": charts.data(kind, categories, series, **options),
    }


def _stage_names():
    return {item.pk: item.label for item in dictionary.of_kind(DictionaryKind.OPPORTUNITY_STAGE)}


def my_day(request):
    """Everyone's: my customers, follow-ups, customers due back, my open opportunities by
    stage, quotes and contracts this month, receivables due and overdue."""
    me, today = request.user.pk, timezone.localdate()
    month_start, month_end = snapshots.month_of(today)
    mine = {"owner": me}
    section = Section("me", _("My day"))
    pool_rules = due.Rules()
    if pool_rules.on:
        due_back = count(
            request,
            "due_back",
            _("Due back in the pool within 7 days"),
            MINE,
            {"returns_before": today + datetime.timedelta(days=7), "ordering": "returns_at"},
        )
    else:
        due_back = count(
            request,
            "due_back",
            _("Not contacted for 30 days"),
            MINE,
            {"quiet_until": today - datetime.timedelta(days=31)},
        )
    section.figures = [
        count(request, "my_customers", _("My customers"), MINE, {}),
        count(
            request,
            "follow_ups_today",
            _("Follow-ups due today"),
            SCHEDULE,
            {"follow_up_after": today, "follow_up_before": today},
        ),
        count(
            request, "follow_ups_overdue", _("Follow-ups overdue"), SCHEDULE, {"overdue": "true"}
        ),
        due_back,
        count(
            request,
            "open_opportunities",
            _("My open opportunities"),
            OPPORTUNITIES,
            {**mine, "status": "open"},
            amount="expected_amount",
        ),
        count(
            request,
            "quotes_this_month",
            _("Quotes this month"),
            QUOTES,
            {**mine, "date_after": month_start, "date_before": month_end},
        ),
        count(
            request,
            "contracts_this_month",
            _("Contracts signed this month"),
            CONTRACTS,
            {**mine, "signed_after": month_start, "signed_before": month_end},
            amount="amount",
        ),
        count(
            request,
            "receivables_due",
            _("Receivables due within 30 days"),
            RECEIVABLES,
            {
                **mine,
                "unpaid": "true",
                "due_after": today,
                "due_before": today + datetime.timedelta(days=30),
            },
            amount="unpaid",
        ),
        count(
            request,
            "receivables_overdue",
            _("Receivables overdue"),
            RECEIVABLES,
            {**mine, "unpaid": "true", "due_before": today - datetime.timedelta(days=1)},
            amount="unpaid",
        ),
    ]
    stages = _stage_names()
    open_by_stage = by_group(
        request, OPPORTUNITIES, {**mine, "status": "open"}, "stage", "stage", "expected_amount"
    )
    shown = [pk for pk in stages if pk in open_by_stage]
    section.charts.append(
        chart(
            "my-opportunities",
            _("My open opportunities by stage"),
            "bar",
            [stages[pk] for pk in shown],
            [
                series(
                    _("Opportunities"),
                    [open_by_stage[pk][0] for pk in shown],
                    [open_by_stage[pk][2] for pk in shown],
                ),
            ],
        )
    )
    return section


def _counted_at(at):
    return _("counted at %(time)s") % {"time": time_format(localtime(at))}


def team(request):
    """A supervisor's: one bar per person of their team, and who has not followed up
    anything this week."""
    subordinates = rules.Actor.of(request.user).subordinates
    if not subordinates:
        return None
    today = timezone.localdate()
    week_start = today - datetime.timedelta(days=today.weekday())
    month_start, month_end = snapshots.month_of(today)
    people = list(
        get_user_model()
        .objects.filter(pk__in=subordinates, is_active=True)
        .order_by("display_name", "username")
    )
    ids = [person.pk for person in people]
    in_team = {"scope": querysets.SCOPE_SUBORDINATES}
    owned_params = {**in_team, "team_owned": "true"}
    open_params = {"status": "open"}
    month_params = {"signed_after": month_start, "signed_before": month_end}
    # Each person's customers, open opportunities and contracts of this month, and the
    # team's customers, as the hourly job counted them today, with the time: grouped live
    # over a team's 158,000 customers they took 300 ms and more on PostgreSQL (benchmark
    # row "dashboard, supervisor"). Live before the job's first count of the day, and
    # live when hierarchical sharing is off: the job counts everything each person owns,
    # of which the supervisor then opens only what is shared with them (SPEC O3).
    forced = SystemSettings.load().force_hierarchical_sharing
    counted = snapshots.owned_today(subordinates) if forced else None
    if counted is None:
        customers = by_group(request, TEAM, in_team, "owner", "owner", among=ids)
        opportunities = by_group(
            request, OPPORTUNITIES, open_params, "customer__owner", "owner", among=ids
        )
        contracts = by_group(
            request,
            CONTRACTS,
            month_params,
            "customer__owner",
            "owner",
            amount="amount",
            among=ids,
        )
        owned = count(request, "team_customers", _("Customers my team owns"), TEAM, owned_params)
        note = None
    else:
        note = _counted_at(counted.at)
        members = [pk for pk in ids if pk in counted.per_owner]  # the active ones

        def grouped(page, params, n, money=lambda row: Decimal(0)):
            rows = {pk: counted.per_owner[pk] for pk in members if n(counted.per_owner[pk])}
            urls = page.urls(params, "owner", rows)
            return {pk: (n(row), money(row), urls[pk]) for pk, row in rows.items()}

        customers = grouped(TEAM, in_team, lambda row: row.customers)
        opportunities = grouped(OPPORTUNITIES, open_params, lambda row: row.open_opportunities)
        contracts = grouped(
            CONTRACTS, month_params, lambda row: row.contracts, lambda row: row.contract_amount
        )
        owned = Figure(  # those who left count too
            "team_customers",
            _("Customers my team owns"),
            counted.total,
            TEAM.url(owned_params),
            note=note,
        )
    names = [person.label for person in people]

    nothing = (0, Decimal(0), None)  # a person with none: no rows, no money

    def bars(name, groups, at=0):
        return series(
            name,
            [groups.get(pk, nothing)[at] for pk in ids],
            [groups.get(pk, nothing)[2] for pk in ids],
        )

    section = Section("team", _("My team"))
    # Those they own, not every one they created too, which read every customer.
    section.figures = [owned]
    section.charts = [
        chart(
            "team-customers",
            _("Customers and open opportunities per person"),
            "bar",
            names,
            [
                # "Customers" alone is the customers menu (客户管理); here, how many.
                bars(pgettext("how many", "Customers"), customers),
                bars(_("Open opportunities"), opportunities),
            ],
            horizontal=True,
            note=note,
        ),
        chart(
            "team-contracts",
            _("Contracts signed this month per person"),
            "bar",
            names,
            [bars(_("Amount"), contracts, at=1)],
            horizontal=True,
            note=note,
        ),
    ]
    # A range on the column, not its __date: the date of each row kept the index out.
    since = timezone.make_aware(datetime.datetime.combine(week_start, datetime.time()))
    active = set(
        Interaction.objects.filter(created_by__in=ids, happened_at__gte=since)
        .values_list("created_by", flat=True)
        .order_by()  # the model's ordering would make each record distinct
        .distinct()
    )
    quiet = [person for person in people if person.pk not in active]
    urls = TEAM.urls(in_team, "owner", [person.pk for person in quiet])
    quiet = [(person.label, urls[person.pk]) for person in quiet]
    section.lists.append((_("No interaction recorded this week"), quiet))
    return section


def pool(request):
    """A pool manager's: claimed and unclaimed now, never claimed, claims and returns per
    day, the customers returned most often."""
    user = request.user
    if not user.is_pool_manager:
        return None
    section = Section("pool", _("The pool"))
    # The pool's sizes as the hourly job counted them today, with the time: counted live
    # at 1M, claimed and unclaimed read every customer and never claimed is a NOT EXISTS
    # over every unclaimed one (benchmark row "dashboard, pool manager"). Live before the
    # job's first count of the day.
    kinds = (
        ("claimed", pgettext("customers", "Claimed"), {"status": "claimed"}),
        ("unclaimed", _("Unclaimed"), {"status": "unclaimed"}),
        ("never_claimed", _("Never claimed"), {"never_claimed": "true"}),
    )
    counted = snapshots.counted_today(user)
    if counted is None:
        section.figures = [count(request, key, label, POOL, params) for key, label, params in kinds]
    else:
        note = _counted_at(counted.at)
        section.figures = [
            Figure(key, label, getattr(counted, key), POOL.url(params), note=note)
            for key, label, params in kinds
        ]
    days = snapshots.last_days(snapshots.TREND_DAYS)
    sizes = snapshots.sizes(user, days)
    counted_days = [day for day in days if day in sizes]
    section.charts.append(
        chart(
            "pool-size",
            _("Pool size over time"),
            "stacked",
            [day.isoformat() for day in counted_days],
            [
                series(pgettext("customers", "Claimed"), [sizes[day][0] for day in counted_days]),
                series(_("Unclaimed"), [sizes[day][1] for day in counted_days]),
            ],
            empty=_("The pool is counted once an hour; its first count is not in yet."),
        )
    )
    per_day = snapshots.moves(days)
    # Contexts: alone, "Claimed" is the list column of when a customer was claimed.
    names = {
        "claims": pgettext("moves", "Claimed"),
        "assigns": pgettext("moves", "Assigned"),
        "returns": pgettext("moves", "Returned"),
    }
    section.charts.append(
        chart(
            "pool-moves",
            _("Claims and returns per day"),
            "line",
            [day.isoformat() for day in days],
            [series(names[kind], [per_day[day][kind] for day in days]) for kind in names],
        )
    )
    section.lists.append(
        (
            _("Returned most often in 30 days"),
            [
                (f"{name} ({n})", reverse("customers:pool-detail", args=[pk]))
                for pk, name, n in most_returned(user, 10)
            ],
        )
    )
    return section


def most_returned(user, limit):
    """[(customer id, name, returns)] of the `limit` customers of the pools `user` sees
    returned most often in the last TREND_DAYS days, most first. The returns are ranked
    per customer first and only the leaders' customers read: joined to the customer before
    grouping, each of 11,600 returned customers was read (150–230 ms on PostgreSQL at 1M,
    benchmark row "dashboard, pool manager")."""
    since = timezone.now() - datetime.timedelta(days=snapshots.TREND_DAYS)
    ranked = (
        OwnershipEvent.objects.filter(action__in=snapshots.MOVES["returns"], at__gte=since)
        .values_list("customer")
        .annotate(n=Count("pk"))
        .order_by("-n", "customer")
    )
    found, start, size = [], 0, limit * 5
    while len(found) < limit:
        batch = list(ranked[start : start + size])
        names = dict(
            querysets.pool(user).filter(pk__in=[pk for pk, _n in batch]).values_list("pk", "name")
        )
        found += [(pk, names[pk], n) for pk, n in batch if pk in names]
        if len(batch) < size:
            break
        start, size = start + size, size * 4  # a pool manager who sees few pools
    return found[:limit]


def company(request):
    """An administrator's: people, sign-ins and background jobs."""
    if not request.user.is_administrator:
        return None
    week_ago = timezone.localdate() - datetime.timedelta(days=6)
    people = get_user_model().objects
    section = Section("company", _("The company"))
    section.figures = [
        Figure(
            "active_users",
            _("Active users"),
            people.filter(is_active=True).count(),
            reverse("org:users") + "?active=1",
        ),
        count(
            request,
            "sign_ins",
            _("Sign-ins in 7 days"),
            AUDIT,
            {"action": Action.LOGIN, "at_after": week_ago},
        ),
        count(
            request,
            "failed_sign_ins",
            _("Failed sign-ins in 7 days"),
            AUDIT,
            {"action": Action.LOGIN_FAILED, "at_after": week_ago},
        ),
    ]
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        jobs = DBTaskResult.objects
        section.figures += [
            Figure("jobs_waiting", _("Jobs waiting"), jobs.ready().count(), None),
            Figure("jobs_running", _("Jobs running"), jobs.running().count(), None),
            Figure(
                "jobs_failed",
                _("Jobs failed in 7 days"),
                jobs.failed().filter(finished_at__date__gte=week_ago).count(),
                None,
            ),
        ]
    return section


def sections(request):
    found = (my_day(request), team(request), pool(request), company(request))
    return [section for section in found if section is not None]
