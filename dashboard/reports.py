"""Reports (issue 18, SPEC B5): the sales funnel, contracts and payments per month,
receivables ageing and activity per salesperson per week, over a period and for a scope
(me, my team, all I may open).

As on the home page, every number is a total of a list page read through that page's own
view and filters (dashboard.figures.ListPage), here grouped in the database, one query a
report: so no number counts a record its reader may not open, and each links to the list
it counts with the same filters. The scope is one of those filters (records.filtersets
.Scope), so a link carries it. The page, its exports and the API show the same Reports."""

import calendar
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import NotSupportedError
from django.db.models import Case, CharField, Count, Func, IntegerField, Sum, Value, When
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from customers import querysets
from records.filtersets import Scope
from records.templatetags.record_cells import grouped, money
from settings_app import dictionary
from settings_app.models import DictionaryKind
from transfers.exporting import COUNT_FORMAT, PERCENT_FORMAT, Columns, Number, neutralised

from . import charts, snapshots
from .pages import CONTRACTS, INTERACTIONS, OPPORTUNITIES, PAYMENTS, RECEIVABLES

# --------------------------------------------------------------------- period and scope

MINE, TEAM, ALL = Scope.MINE.value, Scope.TEAM.value, "all"
SCOPE_LABELS = {
    MINE: gettext_lazy("Me"),
    TEAM: gettext_lazy("Me and my team"),
    ALL: gettext_lazy("All I can open"),
}
MAX_YEARS = 3
# Dates a report may start or end on: far enough for any history, near enough that a
# week's or a month's bounds are dates too.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2199, 12, 31)


def default_period(today):
    """The last 12 months: from the first day of the month 11 months ago through today."""
    months = today.year * 12 + today.month - 1 - 11
    return datetime.date(months // 12, months % 12 + 1, 1), today


def _years_before(day, years):
    """The day after the same date `years` years before `day` (29 February: 1 March)."""
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:
        earlier = day.replace(year=day.year - years, day=28)
    return earlier + datetime.timedelta(days=1)


def offered_scopes(user):
    """(value, label) of the scopes `user` may choose: my team only for a supervisor."""
    scopes = [MINE]
    if querysets.subordinate_ids(user):  # rules.Actor.of(user).subordinates, without its pools
        scopes.append(TEAM)
    scopes.append(ALL)
    return tuple((scope, SCOPE_LABELS[scope]) for scope in scopes)


@dataclass(frozen=True)
class Problem:
    """What was wrong with a parameter of the query string (`wrong`), and what the page
    shows instead (`instead`): the page says both, the API and the exports, which refuse
    the request, the first alone."""

    name: str
    wrong: str
    instead: str

    @property
    def message(self):
        return f"{self.wrong} {self.instead}"


@dataclass(frozen=True)
class Choice:
    """The period and scope a report covers, and what was wrong with what was asked (each
    a Problem); the page shows them, the API and the exports refuse the request."""

    start: datetime.date
    end: datetime.date
    scope: str
    scopes: tuple
    problems: tuple = ()

    @property
    def scope_label(self):
        return SCOPE_LABELS[self.scope]

    @property
    def scope_params(self):
        """The record lists' filter for the scope: none for all I may open."""
        return {} if self.scope == ALL else {"scope": self.scope}

    @property
    def params(self):
        """The query string of the page (and of its exports) for this choice."""
        return {
            "period_from": self.start.isoformat(),
            "period_to": self.end.isoformat(),
            "scope": self.scope,
        }

    @property
    def query(self):
        return urlencode(self.params)


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _date(raw):
    raw = raw.strip()
    if not ISO_DAY.fullmatch(raw):  # fromisoformat also reads 20260101 and 2026-W01-1
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def choose(user, query):
    """The Choice of the query string `query` (period_from, period_to, scope) for `user`.
    Whatever is wrong is replaced by its default and said: a date that is not one (or out
    of 1900–2199), a period that ends before it starts, one longer than MAX_YEARS years
    (cut to its last MAX_YEARS years), a scope not offered to `user` (my team for a
    supervisor, otherwise Me, as when none is asked)."""
    today = timezone.localdate()
    default_start, default_end = default_period(today)
    problems = []
    bounds = {}
    for name, default, instead in (
        ("period_from", default_start, _("The period starts on %(day)s.")),
        ("period_to", default_end, _("The period ends on %(day)s.")),
    ):
        raw = query.get(name, "")
        day = _date(raw) if raw else default
        if day is None:
            day = default
            wrong = _("“%(value)s” is not a date (YYYY-MM-DD, 1900–2199).") % {"value": raw[:40]}
            problems.append(Problem(name, wrong, instead % {"day": default.isoformat()}))
        bounds[name] = day
    start, end = bounds["period_from"], bounds["period_to"]
    if start > end:
        wrong = _("The period ends (%(end)s) before it starts (%(start)s).") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        instead = _("Showing the default period, %(start)s to %(end)s, instead.") % {
            "start": default_start.isoformat(),
            "end": default_end.isoformat(),
        }
        problems.append(Problem("period_to", wrong, instead))
        start, end = default_start, default_end
    earliest = _years_before(end, MAX_YEARS)
    if start < earliest:
        wrong = _("A report covers at most %(years)d years.") % {"years": MAX_YEARS}
        instead = _("The period starts on %(day)s.") % {"day": earliest.isoformat()}
        problems.append(Problem("period_from", wrong, instead))
        start = earliest
    scopes = offered_scopes(user)
    # A supervisor's own customers are often few or none (a CEO's): their team's first.
    default = TEAM if TEAM in dict(scopes) else MINE
    scope = query.get("scope", "") or default
    if scope not in dict(scopes):
        wrong = _("“%(value)s” is not a scope you may choose.") % {"value": scope[:40]}
        instead = _("Showing %(scope)s.") % {"scope": SCOPE_LABELS[default]}
        problems.append(Problem("scope", wrong, instead))
        scope = default
    return Choice(start, end, scope, scopes, tuple(problems))


# ------------------------------------------------------------------ figures and tables

COUNT, MONEY, PERCENT = "count", "money", "percent"
ZERO = Decimal("0.00")
TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)  # thousands of them: no __dict__ each
class Cell:
    """A number of a report's table: a count, an amount of money or a percentage, with the
    list it counts. None for `url` where no list holds it, and where it holds nothing: a
    zero is not a link (an activity table of a large team is mostly zeros)."""

    value: int | Decimal | None
    url: str | None = None
    kind: str = COUNT

    @property
    def raw(self):
        """The value as a file or the API gives it, unlocalised; "" for none."""
        return "" if self.value is None else str(self.value)

    @property
    def text(self):
        value = self.value
        if value is None:
            return "–"
        if self.kind == COUNT:
            # Most counts are small: no thousands to group, no locale to ask.
            return str(value) if value < 1000 else grouped(value)
        if self.kind == PERCENT:
            return formats.number_format(value, 1) + "%"
        return money(value)  # grouped in Chinese too, as the record lists are

    def html(self):
        # Written here, not by the template: a team's activity table has thousands of cells,
        # most of them a bare 0.
        raw, text = escape(self.raw), escape(self.text)
        if self.url:
            return f'<a href="{escape(self.url)}" data-value="{raw}">{text}</a>'
        if raw == text or self.value is None:
            return text
        return f'<span data-value="{raw}">{text}</span>'


NONE = Cell(0)  # most cells of a large team's activity: one object for all of them


def linked(n, url):
    """`url` for a count of `n` rows, None for none."""
    return url if n else None


@dataclass(frozen=True)
class Row:
    key: str  # the same in every language: a stage's id, a month, a bucket, a week
    label: str
    cells: list
    total: bool = False  # a sum of the rows above

    def cells_html(self):
        # Each cell escapes what it holds.
        return mark_safe("".join(f"<td>{cell.html()}</td>" for cell in self.cells))


@dataclass
class Report:
    key: str
    title: str
    note: str  # what is counted, in a sentence
    heading: str  # of the column of row labels
    columns: list
    rows: list
    chart: dict = field(default_factory=dict)  # as static/app/charts.js draws it
    wide: bool = False  # a table as wide as the page, under its chart
    as_of: datetime.date | None = None  # the day it counts, for one not of the period

    @property
    def drawn(self):
        """Whether its chart has a number to draw: all zeros drew a bare axis, or a funnel
        of equal blocks."""
        return any(value for one in self.chart.get("series", ()) for value in one["values"])


def series(name, cells):
    return charts.series(name, [cell.value for cell in cells], [cell.url for cell in cells])


def _money(value):
    return (value or ZERO).quantize(ZERO)


def _rate(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------ the funnel


def funnel(request, choice):
    """Opportunities created in the period: the open ones by stage (the data dictionary's
    order), won and lost, and the win rate won ÷ (won + lost), by number and by amount."""
    params = {**choice.scope_params, "created_after": choice.start, "created_before": choice.end}
    rows = OPPORTUNITIES.rows(request, params)
    groups = {}
    for group in (
        rows.values("status", "stage")
        .annotate(n=Count("pk"), money=Sum("expected_amount"))
        .order_by()
    ):
        groups[group["status"], group["stage"]] = (group["n"], _money(group["money"]))

    def of(status):
        found = [value for (s, _stage), value in groups.items() if s == status]
        return sum(n for n, _m in found), sum((m for _n, m in found), ZERO)

    def cells(n, money, url):
        return [Cell(n, linked(n, url)), Cell(money, linked(n, url), MONEY)]

    table, funnel_cells, names = [], [], []
    stages = dictionary.of_kind(DictionaryKind.OPPORTUNITY_STAGE)
    for stage in stages:
        n, money = groups.get(("open", stage.pk), (0, ZERO))
        if not (stage.is_active or n):
            continue
        url = OPPORTUNITIES.url({**params, "status": "open", "stage": stage.pk})
        table.append(Row(f"stage-{stage.pk}", stage.label, cells(n, money, url)))
        funnel_cells.append(Cell(n, linked(n, url)))
        names.append(stage.label)
    if ("open", None) in groups:  # no list filters on "no stage": counted, not linked
        n, money = groups["open", None]
        table.append(Row("stage-none", _("No stage"), cells(n, money, None)))
    totals = {}
    for status, label in (("open", _("Open, every stage")), ("won", _("Won")), ("lost", _("Lost"))):
        n, money = totals[status] = of(status)
        url = OPPORTUNITIES.url({**params, "status": status})
        table.append(Row(status, label, cells(n, money, url), total=status == "open"))
    (won, won_money), (lost, lost_money) = totals["won"], totals["lost"]
    table.append(
        Row(
            "win_rate",
            _("Win rate: won ÷ (won + lost)"),
            [
                Cell(_rate(won, won + lost), kind=PERCENT),
                Cell(_rate(won_money, won_money + lost_money), kind=PERCENT),
            ],
        )
    )
    funnel_cells.append(Cell(won, linked(won, OPPORTUNITIES.url({**params, "status": "won"}))))
    names.append(_("Won"))
    return Report(
        "funnel",
        _("Sales funnel"),
        _(
            "Opportunities created in the period: the open ones by stage, those won and "
            "lost, and the win rate by number and by expected amount."
        ),
        _("Stage"),
        [pgettext("how many", "Opportunities"), _("Expected amount")],
        table,
        charts.data("funnel", names, [series(_("Opportunities"), funnel_cells)]),
    )


# ------------------------------------------------------------------ money per month


class MonthOf(Func):
    """The month of a date column as text, "2026-03", on SQLite and PostgreSQL (Django's
    TruncMonth is a Python function a row on SQLite)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime(%s, {sql})", ["%Y-%m", *params]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql}, %s)", [*params, "YYYY-MM"]

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"MonthOf is written for SQLite and PostgreSQL, not {connection}")


def months_of(start, end):
    """(key "2026-03", first day, last day) of each month of the period, cut to it."""
    months = []
    first = start
    while first <= end:
        _first, month_end = snapshots.month_of(first)
        months.append((f"{first:%Y-%m}", first, min(end, month_end)))
        first = month_end + datetime.timedelta(days=1)
    return months


def _sum(groups):
    """(count, amount) of all `groups`, {key: (count, amount)}."""
    return sum(n for n, _m in groups.values()), sum((m for _n, m in groups.values()), ZERO)


def _by_month(rows, day_field):
    found = (
        rows.annotate(month=MonthOf(day_field))
        .values("month")
        .annotate(n=Count("pk"), money=Sum("amount"))
        .order_by()
    )
    return {group["month"]: (group["n"], _money(group["money"])) for group in found}


def money_by_month(request, choice):
    """Contracts signed (by their signing day) and payments received (by the day received)
    in each month of the period."""
    scope = choice.scope_params
    signed = {**scope, "signed_after": choice.start, "signed_before": choice.end}
    received = {**scope, "received_after": choice.start, "received_before": choice.end}
    contracts = _by_month(CONTRACTS.rows(request, signed), "signed_on")
    payments = _by_month(PAYMENTS.rows(request, received), "received_on")

    def cells(key, first, last):
        n, money = contracts.get(key, (0, ZERO)) if key else _sum(contracts)
        paid, amount = payments.get(key, (0, ZERO)) if key else _sum(payments)
        signed_url = CONTRACTS.url({**scope, "signed_after": first, "signed_before": last})
        paid_url = PAYMENTS.url({**scope, "received_after": first, "received_before": last})
        return [
            Cell(n, linked(n, signed_url)),
            Cell(money, linked(n, signed_url), MONEY),
            Cell(paid, linked(paid, paid_url)),
            Cell(amount, linked(paid, paid_url), MONEY),
        ]

    table = [
        Row(key, key, cells(key, first, last))
        for key, first, last in months_of(choice.start, choice.end)
    ]
    months = [row.label for row in table]
    table.append(Row("total", _("Total"), cells(None, choice.start, choice.end), total=True))
    by_month = table[:-1]
    return Report(
        "money",
        _("Contracts and payments per month"),
        _(
            "Contracts by the day they were signed, payments by the day they were "
            "received, in each month of the period."
        ),
        _("Month"),
        [
            pgettext("how many", "Contracts signed"),
            _("Contract amount"),
            pgettext("how many", "Payments"),
            _("Amount received"),
        ],
        table,
        charts.data(
            "bar",
            months,
            [
                series(_("Contract amount"), [row.cells[1] for row in by_month]),
                series(_("Amount received"), [row.cells[3] for row in by_month]),
            ],
        ),
    )


# -------------------------------------------------------------- receivables ageing


def ageing_buckets(today):
    """(key, label, due_after, due_before) of each age of an unpaid receivable on `today`:
    not yet due (due today or later), then overdue by 1–30, 31–60, 61–90 and over 90
    days."""

    def ago(days):
        return today - datetime.timedelta(days=days)

    return (
        ("not_due", _("Not yet due"), today, None),
        ("1_30", _("1–30 days overdue"), ago(30), ago(1)),
        ("31_60", _("31–60 days overdue"), ago(60), ago(31)),
        ("61_90", _("61–90 days overdue"), ago(90), ago(61)),
        ("over_90", _("Over 90 days overdue"), None, ago(91)),
    )


def ageing_short_labels():
    """The ages of ageing_buckets, in its order, short enough to go under a chart's bars
    at phone width (the table's labels were cut to "1–30 d…")."""
    return [
        pgettext("ageing, short", "Not due"),
        pgettext("ageing, short", "1–30 days"),
        pgettext("ageing, short", "31–60 days"),
        pgettext("ageing, short", "61–90 days"),
        pgettext("ageing, short", "90+ days"),
    ]


def ageing(request, choice):
    """Unpaid receivables as of today, by how long they are overdue; the amount is the
    part still owed (sales.models.with_unpaid: payments settle the earliest first)."""
    today = timezone.localdate()
    buckets = ageing_buckets(today)
    params = {**choice.scope_params, "unpaid": "true"}
    rows = RECEIVABLES.rows(request, params)
    age = Case(
        *(
            When(due_on__gte=after, then=Value(n))
            for n, (_k, _l, after, _b) in enumerate(buckets)
            if after is not None
        ),
        default=Value(len(buckets) - 1),
        output_field=IntegerField(),
    )
    found = {
        group["age"]: (group["n"], _money(group["money"]))
        for group in rows.annotate(age=age)
        .values("age")
        .annotate(n=Count("pk"), money=Sum("unpaid"))
        .order_by()
    }
    table = []
    for n, (key, label, after, before) in enumerate(buckets):
        bounds = {"due_after": after, "due_before": before}
        url = RECEIVABLES.url({**params, **{k: v for k, v in bounds.items() if v is not None}})
        count, money = found.get(n, (0, ZERO))
        url = linked(count, url)
        table.append(Row(key, label, [Cell(count, url), Cell(money, url, MONEY)]))
    count, money = _sum(found)
    url = linked(count, RECEIVABLES.url(params))
    table.append(Row("total", _("Total"), [Cell(count, url), Cell(money, url, MONEY)], total=True))
    return Report(
        "ageing",
        _("Receivables ageing"),
        _("Receivables not yet paid in full, as of today (%(day)s), by how long they are overdue.")
        % {"day": today.isoformat()},
        _("Age"),
        [pgettext("how many", "Receivables"), _("Unpaid amount")],
        table,
        charts.data(
            "bar",
            ageing_short_labels(),
            [series(_("Unpaid amount"), [row.cells[1] for row in table[:-1]])],
        ),
        as_of=today,
    )


# --------------------------------------------------------------- activity per week

WEEK_SECONDS = 7 * 86_400
CHART_PEOPLE = 10  # more, and the stacks are of colours nobody tells apart


class EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC of a timestamp column, on SQLite and PostgreSQL
    (Django's TruncWeek is a Python function a row on SQLite)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime(%s, {sql}) AS INTEGER)", ["%s", *params]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {sql})) AS BIGINT)", params

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(
            f"EpochSeconds is written for SQLite and PostgreSQL, not {connection}"
        )


def _offset(second, zone):
    moment = datetime.datetime.fromtimestamp(second, datetime.UTC)
    return int(moment.astimezone(zone).utcoffset().total_seconds())


def utc_offsets(first, last, zone):
    """(offset in seconds at `first`, [(second it changes at, new offset), …]) of `zone`
    between the epoch seconds `first` and `last`: its summer-time changes, found a day at
    a time and then to the second."""
    start = current = _offset(first, zone)
    changes = []
    second = first
    while second < last:
        following = min(second + 86_400, last)
        if _offset(following, zone) != current:
            low, high = second, following  # the offset changes after low, by high
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(middle, zone) == current:
                    low = middle
                else:
                    high = middle
            current = _offset(high, zone)
            changes.append((high, current))
        second = following
    return start, changes


def week_of(column, monday, start, end):
    """The week of the timestamp `column`, 0 for the week starting on the date `monday`,
    as the site's time zone counts days (the lists' day bounds do too): the moment's local
    wall-clock time is its UTC seconds plus the zone's offset then (a CASE over the
    summer-time changes of the period), and a week is 604,800 of those seconds."""
    zone = timezone.get_current_timezone()
    first = int(
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)).timestamp()
    )
    last = int(
        timezone.make_aware(
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
        ).timestamp()
    )
    offset, changes = utc_offsets(first, last, zone)
    shift = Value(offset)
    if changes:
        shift = Case(
            *(
                When(
                    **{f"{column}__gte": datetime.datetime.fromtimestamp(s, datetime.UTC)},
                    then=Value(o),
                )
                for s, o in reversed(changes)
            ),
            default=Value(offset),
            output_field=IntegerField(),
        )
    local_monday = calendar.timegm(monday.timetuple())
    return (EpochSeconds(column) + shift - Value(local_monday)) / Value(WEEK_SECONDS)


def weeks_of(start, end):
    """(Monday, first day, last day) of each week of the period, cut to it."""
    monday = start - datetime.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        sunday = monday + datetime.timedelta(days=6)
        weeks.append((monday, max(monday, start), min(sunday, end)))
        monday += datetime.timedelta(days=7)
    return weeks


def activity(request, choice):
    """Interaction records per person who wrote them and per week (from Monday) of the
    period, on the customers of the scope: for Me, mine alone; for my team, each of my
    team and anyone else who wrote; for all I may open, each person who wrote. The chart
    stacks the CHART_PEOPLE who wrote most and everyone else together."""
    me = request.user
    params = {**choice.scope_params, "happened_after": choice.start, "happened_before": choice.end}
    weeks = weeks_of(choice.start, choice.end)
    # A team's records are read whole (ListPage.rows); my own scope keeps the list's
    # visibility as it is: read whole, a supervisor's own activity listed the ids of the
    # team's 158,000 customers for none of their own (SQLite 5 → 153 ms).
    rows = INTERACTIONS.rows(request, params, whole=choice.scope != MINE)
    if choice.scope == MINE:
        rows = rows.filter(created_by=me.pk)
    counts, per_week, per_person = {}, Counter(), Counter()
    for group in (
        rows.annotate(week=week_of("happened_at", weeks[0][0], choice.start, choice.end))
        .values("created_by", "week")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        person, week, n = group["created_by"], group["week"], group["n"]
        counts[person, week] = n
        per_week[week] += n
        per_person[person] += n
    if choice.scope == MINE:
        people = [me]
    else:
        writers = {person for person in per_person if person is not None}
        wanted = writers | (
            {me.pk, *querysets.subordinate_ids(me)} if choice.scope == TEAM else set()
        )
        team = get_user_model().objects.filter(pk__in=wanted)
        if choice.scope == TEAM:  # who has left and wrote nothing is no longer of the team
            team = team.filter(pk__in=writers) | team.filter(is_active=True)
        people = sorted(team, key=lambda person: (person.pk != me.pk, person.label.casefold()))
    with_total = choice.scope != MINE

    # Thousands of links for a large team: the list's address with the scope once, then
    # each cell's person and days (the same query string as ListPage.url would write).
    base = INTERACTIONS.url(choice.scope_params)
    base += "&" if "?" in base else "?"

    def link(n, person, first, last):
        if not n:
            return None
        who = f"created_by={person}&" if person is not None else ""
        return f"{base}{who}happened_after={first}&happened_before={last}"

    table = []
    ids = [person.pk for person in people]
    for week, (monday, first, last) in enumerate(weeks):
        cells = []
        for pk in ids:
            n = counts.get((pk, week), 0)
            cells.append(Cell(n, link(n, pk, first, last)) if n else NONE)
        if with_total:
            n = per_week[week]
            cells.append(Cell(n, link(n, None, first, last)))
        table.append(Row(monday.isoformat(), monday.isoformat(), cells))
    totals = []
    for person in people:
        n = per_person[person.pk]
        totals.append(Cell(n, link(n, person.pk, choice.start, choice.end)))
    if with_total:
        n = sum(per_week.values())
        totals.append(Cell(n, link(n, None, choice.start, choice.end)))
    by_week = list(table)
    table.append(Row("total", _("Total"), totals, total=True))
    columns = [person.label for person in people] + ([_("Everyone")] if with_total else [])

    charted = list(range(len(people)))
    if len(people) > CHART_PEOPLE + 1:
        charted = sorted(charted, key=lambda i: -per_person[people[i].pk])[:CHART_PEOPLE]
    bars = [series(people[i].label, [row.cells[i] for row in by_week]) for i in sorted(charted)]
    if len(charted) < len(people):
        shown = [people[i].pk for i in charted]
        others = [
            Cell(per_week[week] - sum(counts.get((pk, week), 0) for pk in shown))
            for week in range(len(weeks))
        ]
        bars.append(series(_("Everyone else"), others))
    return Report(
        "activity",
        _("Activity per salesperson per week"),
        _(
            "Interaction records by who wrote them, per week from Monday, on the customers "
            "of the scope."
        ),
        _("Week from"),
        columns,
        table,
        charts.data("stacked", [row.label for row in by_week], bars),
        wide=True,
    )


# ---------------------------------------------------------------------------- all


class ReportColumns(Columns):
    """A report's table as transfers.exporting writes it to CSV or XLSX, under lines naming
    the report, its period (or the day it is of) and its scope: the row labels, never read
    as a formula, then the numbers as numbers (in a CSV file a percentage as "66.7%", in a
    workbook as a percentage)."""

    def __init__(self, report, choice):
        self.report, self.choice = report, choice

    @property
    def title(self):
        return self.report.title

    @property
    def preamble(self):
        report, choice = self.report, self.choice
        if report.as_of:
            when = _("As of: %(day)s") % {"day": report.as_of.isoformat()}
        else:
            when = _("Period: %(start)s – %(end)s") % {
                "start": choice.start.isoformat(),
                "end": choice.end.isoformat(),
            }
        return [
            _("Report: %(title)s") % {"title": report.title},
            when,
            _("Scope: %(scope)s") % {"scope": choice.scope_label},
        ]

    def file_name(self, file_format):
        """The report's title and what it covers, e.g. sales-funnel-2026-01-01-2026-12-02.csv
        (in the reader's language)."""
        report, choice = self.report, self.choice
        covered = report.as_of or f"{choice.start}-{choice.end}"
        return f"{slugify(report.title, allow_unicode=True)}-{covered}.{file_format}"

    @property
    def labels(self):
        return [neutralised(label) for label in (self.report.heading, *self.report.columns)]

    def values(self, row):
        return [neutralised(row.label), *(self._value(cell) for cell in row.cells)]

    @staticmethod
    def _value(cell):
        if cell.value is None:
            return ""
        return f"{cell.value}%" if cell.kind == PERCENT else cell.value

    def cells(self, row):
        return [row.label, *(self._typed(cell) for cell in row.cells)]

    @staticmethod
    def _typed(cell):
        if cell.value is None:
            return None
        if cell.kind == PERCENT:
            return Number(cell.value / 100, PERCENT_FORMAT)
        if cell.kind == COUNT:
            return Number(cell.value, COUNT_FORMAT)
        return cell.value  # an amount: a Decimal


REPORTS = {
    "funnel": funnel,
    "money": money_by_month,
    "ageing": ageing,
    "activity": activity,
}


def build(request, choice, keys=None):
    """The Reports `keys` (all by default) for `request.user` under `choice`."""
    return [REPORTS[key](request, choice) for key in keys or REPORTS]
