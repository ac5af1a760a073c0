"""The reports page (issue 18): each report's numbers, for a salesperson, a supervisor's
team and everything a person may open, equal a count made here by hand over the same
rows; each number's link opens a list of that many rows; nothing counts a customer its
reader may not open (peer's customer e, outside the supervisors' tree, has a row of every
kind); bad periods and scopes are said and replaced; the files and the API give the
page's numbers."""

import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Interaction
from audit.models import Action, AuditEntry
from customers import querysets
from customers.models import Share
from customers.testing import CustomerFactory, fresh, html
from dashboard import reports
from dashboard.pages import CONTRACTS, INTERACTIONS, OPPORTUNITIES, PAYMENTS, QUOTES, RECEIVABLES
from dashboard.testing import DAY, TODAY, contract, opportunity
from org.testing import UserFactory
from sales.models import Contract, Opportunity, Payment, Receivable
from settings_app.models import DictionaryItem, SystemSettings

from .test_home import list_total

ZERO = Decimal("0.00")


def local(day, hour=0, minute=0, second=0):
    """An aware moment at the site's local wall-clock time on `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))


def interaction(customer, person, when):
    return Interaction.objects.create(
        customer=customer, created_by=person, happened_at=when, subject="report call"
    )


def receivable(agreement, due, amount):
    return Receivable.objects.create(
        customer=agreement.customer,
        created_by=agreement.created_by,
        contract=agreement,
        due_on=due,
        amount=Decimal(amount),
    )


def payment(agreement, received, amount):
    return Payment.objects.create(
        customer=agreement.customer,
        created_by=agreement.created_by,
        contract=agreement,
        received_on=received,
        amount=Decimal(amount),
    )


# A Monday five weeks back: none of dashboard_world's records is in its week or the one before.
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday()) - 35 * DAY
# About half a year, whatever today is: every record of report_world but the old ones.
PERIOD = {"period_from": (TODAY - 200 * DAY).isoformat(), "period_to": TODAY.isoformat()}


@pytest.fixture
def report_world(dashboard_world, company):
    """dashboard_world and more: lost opportunities, one from before any period, contracts
    and payments over several months, receivables of every age, interactions in several
    weeks by several people (deputy and peer on rep's customer a), two of them a minute
    either side of the midnight that starts a week."""
    c = dashboard_world
    early, late = DictionaryItem.objects.filter(name__in=["zd early", "zd late"]).order_by(
        "sort_order"
    )
    opportunity(c["a"], late, "40", "lost")
    opportunity(c["d"], early, "60", "lost")
    opportunity(c["d"], early, "75", "won")
    opportunity(c["e"], late, "10", "lost")
    opportunity(c["a"], early, "500", "open", created=timezone.now() - 800 * DAY)
    b_contract = contract(company.rep, c["b"], "200", signed_on=TODAY - 95 * DAY)
    contract(company.rep, c["a"], "123", signed_on=TODAY - 800 * DAY)
    d_contract = Contract.objects.get(customer=c["d"])
    e_contract = Contract.objects.get(customer=c["e"])
    payment(b_contract, TODAY - 35 * DAY, "150")
    payment(e_contract, TODAY - 3 * DAY, "900")
    receivable(b_contract, TODAY - 45 * DAY, "100")  # paid by the 150
    receivable(b_contract, TODAY - 40 * DAY, "100")  # 50 of it paid
    receivable(d_contract, TODAY - 70 * DAY, "700")
    receivable(d_contract, TODAY - 120 * DAY, "30")
    receivable(e_contract, TODAY - 100 * DAY, "900")  # peer's: paid
    receivable(e_contract, TODAY - 50 * DAY, "77")
    for when, customer, person in [
        (local(MONDAY, 0, 0, 30), c["a"], company.rep),
        (local(MONDAY - DAY, 23, 59, 30), c["a"], company.rep),
        (local(MONDAY + 2 * DAY, 9), c["a"], company.deputy),
        (local(MONDAY + 3 * DAY, 15), c["a"], company.peer),
        (local(MONDAY - 30 * DAY, 11), c["b"], company.rep),
        (local(MONDAY - 30 * DAY, 12), c["d"], company.junior),
        (local(MONDAY + 4 * DAY, 8), c["e"], company.peer),
        (local(TODAY - 500 * DAY, 8), c["a"], company.rep),
    ]:
        interaction(customer, person, when)
    return c


# ------------------------------------------------------------------- counting by hand


def readable(company, person):
    """Who may open which customers of report_world, by hand."""
    tree = set("abcd")
    return {
        company.rep: tree,
        company.manager: tree,
        company.ceo: tree,
        company.peer: {"e"},
        company.junior: {"d"},
        company.deputy: set(),
    }[person]


def in_scope(world, company, person, scope):
    names = readable(company, person)
    team = {
        company.rep: {company.rep, company.junior},
        company.manager: {company.manager, company.rep, company.junior, company.deputy},
        company.ceo: {
            company.ceo,
            company.manager,
            company.rep,
            company.junior,
            company.deputy,
        },
    }.get(person, {person})
    if scope == "mine":
        names = {n for n in names if world[n].owner_id == person.pk}
    elif scope == "team":
        names = {n for n in names if world[n].owner in team}
    return {world[n].pk for n in names}


def within(day, choice):
    return choice.start <= day <= choice.end


def funnel_by_hand(customers, choice):
    rows = [
        o
        for o in Opportunity.objects.all()
        if o.customer_id in customers and within(timezone.localtime(o.created_at).date(), choice)
    ]
    found = {}
    for stage in DictionaryItem.objects.filter(kind="opportunity_stage"):
        open_here = [o for o in rows if o.status == "open" and o.stage_id == stage.pk]
        found[f"stage-{stage.pk}"] = [
            len(open_here),
            sum((o.expected_amount for o in open_here), ZERO),
        ]
    for status in ("open", "won", "lost"):
        mine = [o for o in rows if o.status == status]
        found[status] = [len(mine), sum((o.expected_amount for o in mine), ZERO)]
    (won, won_money), (lost, lost_money) = found["won"], found["lost"]

    def rate(part, whole):
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None

    found["win_rate"] = [rate(won, won + lost), rate(won_money, won_money + lost_money)]
    return found


def money_by_hand(customers, choice):
    found = defaultdict(lambda: [0, ZERO, 0, ZERO])
    for row in Contract.objects.filter(customer__in=customers, signed_on__isnull=False):
        if within(row.signed_on, choice):
            for key in (f"{row.signed_on:%Y-%m}", "total"):
                found[key][0] += 1
                found[key][1] += row.amount
    for row in Payment.objects.filter(customer__in=customers):
        if within(row.received_on, choice):
            for key in (f"{row.received_on:%Y-%m}", "total"):
                found[key][2] += 1
                found[key][3] += row.amount
    return found


def unpaid_by_hand():
    """{receivable id: what is still owed}: a contract's payments settle its receivables
    earliest first."""
    owed = {}
    for agreement in Contract.objects.all():
        paid = sum((p.amount for p in Payment.objects.filter(contract=agreement)), ZERO)
        for row in Receivable.objects.filter(contract=agreement).order_by("due_on", "pk"):
            settled = min(paid, row.amount)
            paid -= settled
            owed[row.pk] = row.amount - settled
    return owed


def ageing_by_hand(customers):
    owed = unpaid_by_hand()
    found = defaultdict(lambda: [0, ZERO])
    for row in Receivable.objects.filter(customer__in=customers):
        if owed[row.pk] <= 0:
            continue
        late = (TODAY - row.due_on).days
        if late <= 0:
            bucket = "not_due"
        elif late <= 30:
            bucket = "1_30"
        elif late <= 60:
            bucket = "31_60"
        elif late <= 90:
            bucket = "61_90"
        else:
            bucket = "over_90"
        for key in (bucket, "total"):
            found[key][0] += 1
            found[key][1] += owed[row.pk]
    return found


def activity_by_hand(customers, choice, only=None):
    """{(person's name, Monday as text): count}, and the totals under "Everyone"."""
    found = Counter()
    for row in Interaction.objects.filter(customer__in=customers).select_related("created_by"):
        day = timezone.localtime(row.happened_at).date()
        if not within(day, choice) or (only and row.created_by != only):
            continue
        monday = (day - datetime.timedelta(days=day.weekday())).isoformat()
        for who, week in [
            (row.created_by.label, monday),
            ("Everyone", monday),
            (row.created_by.label, "total"),
            ("Everyone", "total"),
        ]:
            found[who, week] += 1
    return found


# --------------------------------------------------------------------- reading the page


def tables(page):
    """{report: {"columns": [...], "rows": {row key: [(value, url), ...]}}} of the page."""
    found = {}
    for key, body in re.findall(r'data-testid="table-([a-z]+)">(.*?)</table>', page, re.S):
        head = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
        columns = [unescape(c) for c in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head)]
        rows = {}
        for row_key, cells in re.findall(r'<tr data-row="([^"]+)"[^>]*>(.*?)</tr>', body, re.S):
            row = []
            for cell in re.findall(r"<td>(.*?)</td>", cells, re.S):
                # A number shown as it is written has no data-value; "–" is none.
                value = re.search(r'data-value="([^"]*)"', cell)
                value = value.group(1) if value else cell.replace("–", "")
                url = re.search(r'href="([^"]*)"', cell)
                row.append(
                    (Decimal(value) if value else None, unescape(url.group(1)) if url else None)
                )
            rows[row_key] = row
        found[key] = {"columns": columns[1:], "rows": rows}
    return found


def values(table):
    return {key: [value for value, _url in cells] for key, cells in table["rows"].items()}


def activity_cells(table):
    """{(column, row key): count} of the activity table."""
    return {
        (column, key): value
        for key, cells in table["rows"].items()
        for column, (value, _url) in zip(table["columns"], cells, strict=True)
    }


def page_of(client, **query):
    return tables(html(client, "/reports/", query))


def a_choice(person, **query):
    choice = reports.choose(person, query)
    assert not choice.problems, choice.problems
    return choice


# -------------------------------------------------------------------------- the tests


def test_the_readable_customers_counted_by_hand_are_the_application_s(report_world, company):
    for person in (company.rep, company.manager, company.ceo, company.peer, company.junior):
        assert set(querysets.visible(person).values_list("pk", flat=True)) == in_scope(
            report_world, company, person, "all"
        ), person.username


CASES = [
    ("rep", "mine"),
    ("rep", "team"),  # rep supervises junior
    ("rep", "all"),
    ("manager", "team"),
    ("manager", "mine"),
    ("ceo", "all"),
    ("peer", "mine"),
    ("peer", "all"),
]


@pytest.mark.parametrize(("username", "scope"), CASES)
def test_every_report_equals_a_count_by_hand(report_world, company, browser, username, scope):
    person = getattr(company, username)
    customers = in_scope(report_world, company, person, scope)
    choice = a_choice(person, scope=scope)
    shown = page_of(browser(person), scope=scope)

    funnel = values(shown["funnel"])
    expected = funnel_by_hand(customers, choice)
    for key, row in funnel.items():
        assert row == expected.get(key, [0, ZERO]), key
    assert {key for key, row in expected.items() if row[0]} <= set(funnel)

    money = values(shown["money"])
    expected = money_by_hand(customers, choice)
    for key, row in money.items():
        assert row == expected.get(key, [0, ZERO, 0, ZERO]), key
    assert set(expected) <= set(money)
    assert list(money)[:-1] == [key for key, _f, _l in reports.months_of(choice.start, choice.end)]

    ageing = values(shown["ageing"])
    expected = ageing_by_hand(customers)
    assert {key: ageing[key] for key in ageing} == {
        key: expected.get(key, [0, ZERO]) for key in ageing
    }
    assert list(ageing) == ["not_due", "1_30", "31_60", "61_90", "over_90", "total"]

    table = shown["activity"]
    cells = activity_cells(table)
    expected = activity_by_hand(customers, choice, only=person if scope == "mine" else None)
    for (column, week), value in cells.items():
        assert value == expected.get((column, week), 0), (column, week)
    if scope == "mine":  # my column alone: no one else's, no total of everyone
        expected = {key: value for key, value in expected.items() if key[0] != "Everyone"}
    assert {key for key, value in expected.items() if value} <= set(cells)
    if scope == "mine":
        assert table["columns"] == [person.label]


@pytest.mark.parametrize("force", [True, False])
def test_a_report_reading_every_record_lists_the_same_records(report_world, company, rf, force):
    """The activity report reads its records with the customers as lists of ids
    (ListPage.rows(whole=True)); they are the very rows the list shows, for every reader
    and scope, with hierarchical sharing on and off, with a customer shared to a
    department and one in the recycle bin."""
    settings = SystemSettings.load()
    settings.force_hierarchical_sharing = force
    settings.save()
    shared = CustomerFactory(name="zr shared", owner=company.peer)
    Share.objects.create(customer=shared, department=company.sales, shared_by=company.peer)
    binned = CustomerFactory(name="zr binned", owner=company.junior, deleted_at=timezone.now())
    for customer in (shared, binned):
        interaction(customer, company.peer, local(TODAY, 9))
    for person in (company.rep, company.manager, company.ceo, company.junior, company.peer):
        request = rf.get("/reports/")
        request.user = person
        for params in ({}, {"scope": "mine"}, {"scope": "team"}):
            joined, whole = (
                set(INTERACTIONS.rows(request, params, whole=whole).values_list("pk", flat=True))
                for whole in (False, True)
            )
            assert whole == joined, (person.username, params)
    request.user = company.manager
    seen = set(INTERACTIONS.rows(request, {}, whole=True).values_list("customer_id", flat=True))
    assert shared.pk in seen and binned.pk not in seen


@pytest.mark.parametrize(
    "page",
    [INTERACTIONS, OPPORTUNITIES, QUOTES, CONTRACTS, RECEIVABLES, PAYMENTS],
    ids=lambda page: page.args[0],
)
def test_a_list_of_my_own_customers_records_is_read_from_my_customers_alone(
    report_world, company, rf, page
):
    """Asked for the records of my own customers (owner = me, or scope mine), a records list
    reads my live customers alone, not its whole visibility (access.readable(own=True)):
    the very rows of the whole list whose customer I own, for every reader, with a customer
    of mine in the recycle bin and records on customers I may read but do not own."""
    for person in (company.rep, company.junior):
        binned = CustomerFactory(name=f"zr binned {person.pk}", owner=person)
        interaction(binned, person, local(TODAY, 9))
        binned.deleted_at = timezone.now()
        binned.save(update_fields=["deleted_at"])
    for person in (company.rep, company.manager, company.ceo, company.junior, company.peer):
        request = rf.get("/records/")
        request.user = person
        everything = page.rows(request, {}).values_list("pk", "customer__owner_id")
        expected = {pk for pk, owner in everything if owner == person.pk}
        for params in ({"owner": person.pk}, {"scope": "mine"}):
            rows = page.rows(request, params)
            assert set(rows.values_list("pk", flat=True)) == expected, (person.username, params)
            assert Share._meta.db_table not in str(rows.query)  # not the list's visibility
    assert Interaction.everything.filter(customer__name__startswith="zr binned").count() == 2


def test_nothing_counts_a_customer_outside_what_the_reader_may_open(report_world, company, browser):
    """Peer's e has an opportunity, a contract, a payment, receivables and interactions (one
    by peer on rep's a too): none of them in the manager's numbers, at any scope."""
    for scope in ("team", "all"):
        shown = page_of(browser(company.manager), scope=scope, **PERIOD)
        assert values(shown["funnel"])["lost"] == [2, Decimal("100.00")]  # a's 40, d's 60
        assert values(shown["money"])["total"][3] == Decimal("550.00")  # not e's 900
        # a's 300 and 300, b's 50, d's 700 and 30; not e's 77
        assert values(shown["ageing"])["total"] == [5, Decimal("1380.00")]
        cells = activity_cells(shown["activity"])
        # Peer wrote on a (counted: a is the team's) and on e (not counted).
        assert cells["Peer Pan", "total"] == 1
    peer = values(page_of(browser(company.peer), scope="all", **PERIOD)["ageing"])
    assert peer["total"] == [1, Decimal("77.00")]


def test_the_week_starts_at_local_midnight_on_monday(report_world, company, browser):
    cells = activity_cells(page_of(browser(company.rep), scope="mine")["activity"])
    sunday_week = (MONDAY - 7 * DAY).isoformat()
    assert cells["Rep Li", MONDAY.isoformat()] == 1
    assert cells["Rep Li", sunday_week] == 1


@pytest.mark.parametrize("username", ["rep", "manager", "peer"])
def test_every_number_s_link_lists_that_many_rows(report_world, company, browser, username):
    """Over a short period, so every link is opened."""
    person = getattr(company, username)
    client = browser(person)
    period = {"period_from": (TODAY - 70 * DAY).isoformat(), "period_to": TODAY.isoformat()}
    opened = 0
    for scope, _label in reports.offered_scopes(person):
        shown = page_of(client, scope=scope, **period)
        for key, table in shown.items():
            for row_key, cells in table["rows"].items():
                for column, (value, url) in zip(table["columns"], cells, strict=True):
                    if url is None:  # a zero, or a number no list holds
                        assert value == 0 or row_key in ("win_rate", "stage-none"), (key, row_key)
                        continue
                    assert url.startswith("/records/")
                    if "amount" in column.lower():
                        continue  # the same list as the count beside it
                    assert list_total(client, url) == value, (username, scope, key, row_key, url)
                    opened += 1
    assert opened >= 5


def test_an_amount_links_to_the_list_its_count_does(report_world, company, browser):
    shown = page_of(browser(company.manager), scope="team")
    for key in ("funnel", "money", "ageing"):
        for row_key, cells in shown[key]["rows"].items():
            if row_key == "win_rate":
                continue
            urls = [url for _value, url in cells]
            assert urls[0::2] == urls[1::2], (key, row_key)


def test_the_scope_filter_of_the_record_lists(report_world, company, browser, api):
    client = browser(company.manager)
    assert list_total(client, "/records/opportunities/") == 9  # a b c d, every period
    assert list_total(client, "/records/opportunities/?scope=team") == 9
    assert list_total(client, "/records/opportunities/?scope=mine") == 0
    rep = browser(company.rep)
    assert list_total(rep, "/records/opportunities/?scope=mine") == 6  # a b c
    page = html(rep, "/records/opportunities/?scope=team")
    assert "My team&#x27;s customers" in page or "My team's customers" in page
    assert 'data-testid="active-filter-scope"' in page
    answer = api(company.rep).get("/api/opportunities/?scope=nobody")
    assert answer.status_code == 400
    assert api(company.rep).get("/api/opportunities/?scope=team").json()["count"] == 9
    assert api(company.peer).get("/api/opportunities/?scope=team").json()["count"] == 2


def test_the_interactions_list_filters_by_writer_and_day(report_world, company, browser):
    client = browser(company.manager)
    url = "/records/interactions/?created_by={}&happened_after={}&happened_before={}"
    assert list_total(client, url.format(company.rep.pk, MONDAY, MONDAY + 6 * DAY)) == 1
    assert list_total(client, url.format(company.rep.pk, MONDAY - 7 * DAY, MONDAY)) == 2
    assert list_total(client, url.format(company.rep.pk, MONDAY + DAY, MONDAY + 6 * DAY)) == 0
    company.deputy.is_active = False  # who has left is still found
    company.deputy.save()
    assert list_total(client, url.format(company.deputy.pk, MONDAY, MONDAY + 6 * DAY)) == 1


def test_the_team_s_activity_names_everyone_of_the_team_and_who_else_wrote(
    report_world, company, browser
):
    table = page_of(browser(company.manager), scope="team", **PERIOD)["activity"]
    assert table["columns"] == [
        "Manager Ma",
        "Deputy Du",
        "Junior Wu",
        "Peer Pan",
        "Rep Li",
        "Everyone",
    ]


def test_a_time_zone_with_summer_time(company, browser, settings):
    """Berlin's clocks change on 30 March and 26 October 2025: a record a minute either
    side of the midnight that starts a week is in its own week."""
    settings.TIME_ZONE = "Europe/Berlin"
    a = CustomerFactory(name="zd berlin", owner=company.rep)
    moments = [
        local(datetime.date(2025, 3, 30), 23, 59),  # Sunday, summer time
        local(datetime.date(2025, 3, 31), 0, 1),
        local(datetime.date(2025, 3, 30), 1, 30),  # before the change, winter time
        local(datetime.date(2025, 10, 26), 23, 59, 59),  # Sunday, winter time again
        local(datetime.date(2025, 10, 27), 0, 0, 0),
        local(datetime.date(2025, 10, 26), 2, 30),  # the hour that happens twice
        local(datetime.date(2025, 6, 1), 23, 59, 59),
        local(datetime.date(2025, 6, 2)),
    ]
    for when in moments:
        interaction(a, company.rep, when)
    query = {"period_from": "2025-03-01", "period_to": "2025-11-30", "scope": "mine"}
    cells = activity_cells(page_of(browser(company.rep), **query)["activity"])
    expected = activity_by_hand({a.pk}, a_choice(company.rep, **query))
    assert {key: value for key, value in cells.items() if value} == {
        key: value for key, value in expected.items() if key[0] != "Everyone"
    }
    assert cells["Rep Li", "2025-03-24"] == 2
    assert cells["Rep Li", "2025-03-31"] == 1
    assert cells["Rep Li", "2025-10-20"] == 2
    assert cells["Rep Li", "2025-10-27"] == 1


def test_the_queries_do_not_grow_with_the_rows(report_world, company, browser):
    client = browser(company.manager)
    client.get("/reports/?scope=team")
    with CaptureQueriesContext(connection) as before:
        client.get("/reports/?scope=team")
    for n in range(6):  # more people, weeks, months, stages and ages
        person = UserFactory(username=f"zr{n}", supervisor=company.manager)
        customer = CustomerFactory(name=f"zr {n}", owner=person)
        interaction(customer, person, local(TODAY - (7 * n + 1) * DAY, 10))
        stage = DictionaryItem.objects.create(kind="opportunity_stage", name=f"zr {n}")
        opportunity(customer, stage, "5", "open")
        agreement = contract(person, customer, "10", signed_on=TODAY - 31 * n * DAY)
        receivable(agreement, TODAY - 25 * n * DAY, "10")
        payment(agreement, TODAY - 31 * n * DAY, "1")
    with CaptureQueriesContext(connection) as after:
        answer = client.get("/reports/?scope=team")
    assert answer.status_code == 200
    assert len(after) == len(before) <= 18, [q["sql"][:120] for q in after.captured_queries]


def test_the_reports_as_a_function_ask_a_few_queries(
    report_world, company, rf, django_assert_max_num_queries
):
    """A grouped query a report (the activity report also reads its people), whatever the
    rows; one for the stages; the rest is the lists' visibility, read per list."""
    request = rf.get("/reports/")
    request.user = company.manager
    choice = a_choice(company.manager, scope="team")
    reports.build(request, choice)  # the system settings' row is written on first read
    request.user = type(company.manager).objects.get(pk=company.manager.pk)
    with django_assert_max_num_queries(14):
        reports.build(request, choice)


@pytest.mark.parametrize(
    ("query", "problem", "asked"),
    [
        ({"period_from": "yesterday"}, "period_from", {}),
        ({"period_to": "2025-02-30"}, "period_to", {}),
        ({"period_from": "0001-01-01"}, "period_from", {}),
        ({"period_from": "20260101"}, "period_from", {}),  # Python reads these, the
        ({"period_to": "2026-W01-1"}, "period_to", {}),  # message says YYYY-MM-DD
        ({"period_from": "2026-05-01", "period_to": "2026-04-01"}, "period_to", {}),
        ({"scope": "everyone"}, "scope", {}),
        ({"scope": "team"}, "scope", {}),  # peer supervises nobody
    ],
)
def test_a_bad_period_or_scope_is_said_and_the_defaults_shown(
    report_world, company, browser, api, query, problem, asked
):
    client = browser(company.peer)
    response = client.get("/reports/", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-problem="{problem}"' in page
    assert tables(page) == page_of(client)  # the defaults'
    start, end = reports.default_period(TODAY)
    assert f'value="{start.isoformat()}"' in page and f'value="{end.isoformat()}"' in page
    assert '<option value="mine" selected>' in page
    answer = api(company.peer).get("/api/reports/", query)
    assert answer.status_code == 400
    assert problem in answer.json()
    said = " ".join(answer.json()[problem])  # what is wrong, not what a page shows instead
    assert not any(word in said.lower() for word in ("showing", "starts on", "ends on"))
    assert said in page


def test_a_period_ending_before_it_starts_names_the_dates_it_shows(report_world, company, browser):
    client = browser(company.rep)
    page = html(client, "/reports/", {"period_from": "2026-06-01", "period_to": "2026-01-01"})
    start, end = reports.default_period(TODAY)
    assert f"Showing the default period, {start.isoformat()} to {end.isoformat()}" in page


def test_a_period_longer_than_three_years_is_cut(report_world, company, browser):
    client = browser(company.rep)
    page = html(client, "/reports/", {"period_from": "2015-01-01", "period_to": "2025-06-30"})
    assert 'data-problem="period_from"' in page
    assert 'value="2022-07-01"' in page and 'value="2025-06-30"' in page
    months = list(tables(page)["money"]["rows"])
    assert months[0] == "2022-07" and months[-2] == "2025-06"


def test_the_default_period_is_the_last_twelve_months():
    assert reports.default_period(datetime.date(2026, 3, 21)) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 21),
    )
    assert reports.default_period(datetime.date(2026, 12, 2)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 2),
    )


def test_only_a_supervisor_is_offered_the_team(company):
    assert [s for s, _l in reports.offered_scopes(company.manager)] == ["mine", "team", "all"]
    assert [s for s, _l in reports.offered_scopes(company.peer)] == ["mine", "all"]


def report_csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def report_sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


PREAMBLE = 4  # the report, its period, its scope, an empty line; then the table's header


@pytest.mark.parametrize("key", list(reports.REPORTS))
def test_the_files_hold_the_page_s_numbers(report_world, company, browser, key):
    client = browser(company.manager)
    query = {"scope": "team", **PERIOD}
    shown = page_of(client, **query)[key]
    expected = [[value for value, _url in cells] for cells in shown["rows"].values()]

    lines = report_csv(client.get(f"/reports/{key}/export/", {**query, "format": "csv"}))
    lines = lines[PREAMBLE:]
    assert lines[0][1:] == shown["columns"]
    assert len(lines) - 1 == len(expected)
    for line, numbers in zip(lines[1:], expected, strict=True):
        assert [Decimal(v.rstrip("%")) if v else None for v in line[1:]] == numbers

    recorded = AuditEntry.objects.filter(action=Action.EXPORT, object_label=f"report-{key}")
    asked = recorded.get().changes["query"]  # who exported what, how
    assert "scope=team" in asked and f"period_from={PERIOD['period_from']}" in asked

    sheet = report_sheet(client.get(f"/reports/{key}/export/", {**query, "format": "xlsx"}))
    rows = list(sheet.iter_rows(min_row=PREAMBLE + 1))
    assert [cell.value for cell in rows[0][1:]] == shown["columns"]
    assert len(rows) - 1 == len(expected)
    for line, numbers in zip(rows[1:], expected, strict=True):
        values = []
        for cell in line[1:]:
            if cell.value is None:
                values.append(None)
            elif cell.number_format == "0.0%":  # a percentage, as Excel holds one: 0.667
                values.append(Decimal(str(cell.value)) * 100)
            else:
                values.append(Decimal(str(cell.value)))
        assert values == numbers


@pytest.mark.parametrize("key", list(reports.REPORTS))
def test_a_report_s_file_says_which_report_period_and_scope(report_world, company, browser, key):
    client = browser(company.manager)
    query = {"scope": "team", **PERIOD}
    title = {
        "funnel": "Sales funnel",
        "money": "Contracts and payments per month",
        "ageing": "Receivables ageing",
        "activity": "Activity per salesperson per week",
    }[key]
    if key == "ageing":  # of today's unpaid receivables, whatever the period
        when = f"As of: {TODAY.isoformat()}"
        covered = TODAY.isoformat()
    else:
        when = f"Period: {PERIOD['period_from']} – {PERIOD['period_to']}"
        covered = f"{PERIOD['period_from']}-{PERIOD['period_to']}"
    said = [[f"Report: {title}"], [when], ["Scope: Me and my team"], []]

    response = client.get(f"/reports/{key}/export/", {**query, "format": "csv"})
    named = title.lower().replace(" ", "-")
    assert response["Content-Disposition"] == f'attachment; filename="{named}-{covered}.csv"'
    assert report_csv(response)[:PREAMBLE] == said

    response = client.get(f"/reports/{key}/export/", {**query, "format": "xlsx"})
    assert f'filename="{named}-{covered}.xlsx"' in response["Content-Disposition"]
    sheet = report_sheet(response)
    top = [
        [c for c in row if c is not None] for row in sheet.iter_rows(max_row=4, values_only=True)
    ]
    assert top == said
    assert len(sheet.title) <= 31 and sheet.title.startswith(title.split()[0])
    assert sheet.freeze_panes == f"A{PREAMBLE + 2}"  # the header stays in sight
    assert all(cell.font.b for cell in sheet[PREAMBLE + 1])


def test_a_report_s_workbook_holds_amounts_counts_and_rates_as_numbers(
    report_world, company, browser
):
    client = browser(company.manager)
    query = {"scope": "team", **PERIOD, "format": "xlsx"}
    sheet = report_sheet(client.get("/reports/funnel/export/", query))
    assert sheet.title == "Sales funnel"
    by_label = {row[0].value: row for row in sheet.iter_rows(min_row=PREAMBLE + 2)}
    won = by_label["Won"]
    assert isinstance(won[1].value, int) and won[1].number_format == "#,##0"
    assert isinstance(won[2].value, int | float) and won[2].number_format == "#,##0.00"
    rate = by_label["Win rate: won ÷ (won + lost)"][1]
    assert 0 <= rate.value <= 1 and rate.number_format == "0.0%"

    sheet = report_sheet(client.get("/reports/money/export/", query))
    assert sheet.title == "Contracts and payments per…"  # Excel allows 31 characters
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"]
    assert all(6 <= width <= 60 for width in widths), widths


def test_a_file_never_holds_a_formula(report_world, company, browser):
    stage = DictionaryItem.objects.create(
        kind="opportunity_stage", name="=HYPERLINK(1)", sort_order=0
    )
    opportunity(report_world["a"], stage, "1", "open")
    response = browser(company.rep).get("/reports/funnel/export/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    sheet = report_sheet(browser(company.rep).get("/reports/funnel/export/", {"format": "xlsx"}))
    labels = [cell for (cell,) in sheet.iter_rows(min_col=1, max_col=1) if cell.value]
    assert "'=HYPERLINK(1)" in [cell.value for cell in labels]
    assert not [cell for cell in labels if cell.data_type == "f"]  # no formula anywhere


def test_an_unknown_report_or_format(company, browser):
    client = browser(company.rep)
    assert client.get("/reports/nothing/export/?format=csv").status_code == 404
    assert client.get("/reports/funnel/export/?format=pdf").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"scope": "team"},  # not offered to a salesperson
        {"period_from": "2026-13-01"},
        {"period_from": "2026-06-01", "period_to": "2026-01-01"},
    ],
)
def test_an_export_of_a_query_the_page_would_correct_is_refused_with_why(company, browser, query):
    """The page says what it put in place of a wrong choice; a file cannot, so it is not
    made (as the API refuses it), and nothing is recorded as exported."""
    client = browser(company.peer)  # no team of their own
    response = client.get("/reports/funnel/export/", {**query, "format": "csv"})
    assert response.status_code == 400
    assert "Nothing exported" in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()
    assert client.get("/reports/funnel/export/", {"format": "csv"}).status_code == 200
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


def test_the_api_gives_the_page_s_numbers(report_world, company, browser, api):
    query = {"scope": "team", **PERIOD}
    shown = page_of(browser(company.manager), **query)
    body = api(company.manager).get("/api/reports/", query).json()
    assert body["scope"] == "team" and body["period_from"] == PERIOD["period_from"]
    assert [s["value"] for s in body["scopes"]] == ["mine", "team", "all"]
    assert [r["key"] for r in body["reports"]] == list(reports.REPORTS)
    for report in body["reports"]:
        table = shown[report["key"]]
        for row in report["rows"]:  # a count is an integer, money and rates exact strings
            for cell in row["cells"]:
                wanted = int if cell["kind"] == "count" else str
                assert cell["value"] is None or type(cell["value"]) is wanted, (row, cell)
        assert report["columns"] == table["columns"]
        assert {
            row["key"]: [
                (Decimal(c["value"]) if c["value"] is not None else None, c["url"])
                for c in row["cells"]
            ]
            for row in report["rows"]
        } == {
            key: [
                (value.quantize(ZERO) if value is not None else None, url) for value, url in cells
            ]
            for key, cells in table["rows"].items()
        }


def test_the_api_is_documented_and_needs_a_sign_in(company, api):
    schema = api(company.rep).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/reports/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period_from", "period_to", "scope"}
    assert api().get("/api/reports/").status_code in (401, 403)


def test_the_page_in_chinese(report_world, company, browser):
    response = browser(company.manager).get("/reports/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans"' in page
    assert set(tables(page)) == set(reports.REPORTS)
    # Count columns say they count; the ageing chart's ages are short.
    for heading in ("机会数", "签订合同数", "回款笔数", "应收笔数"):
        assert f">{heading}<" in page, heading
    assert "未到期" in page and "90 天以上" in page


def test_the_ageing_chart_names_each_age_short(report_world, company, api):
    body = api(company.manager).get("/api/reports/", {"scope": "team", **PERIOD}).json()
    ageing = next(r for r in body["reports"] if r["key"] == "ageing")
    ages = [row["key"] for row in ageing["rows"] if not row["total"]]
    assert ageing["chart"]["categories"] == reports.ageing_short_labels()
    assert len(ages) == len(ageing["chart"]["categories"]) == 5
    assert all(len(label) <= 10 for label in ageing["chart"]["categories"])


def test_the_page_needs_a_sign_in_and_is_in_the_menu(company, client, browser):
    assert client.get("/reports/")["Location"].startswith("/login/")
    page = html(browser(company.rep), "/home/")
    assert 'data-testid="nav-reports"' in page and 'href="/reports/"' in page
    page = html(browser(company.rep), "/reports/")
    assert "data-print" in page and 'data-testid="chart-empty-funnel"' in page  # no records


def test_a_report_of_nothing_but_zeros_says_so_instead_of_drawing(report_world, company, browser):
    """All zeros drew a bare axis, or a funnel of equal blocks; the table stays."""
    empty = browser(UserFactory(username="newcomer")).get("/reports/")
    page = empty.content.decode()
    for key in reports.REPORTS:
        assert (
            f'data-testid="chart-empty-{key}"' in page and f'data-testid="chart-{key}"' not in page
        )
        assert f'data-testid="table-{key}"' in page
    full = browser(company.manager).get("/reports/", {"scope": "team", **PERIOD}).content.decode()
    assert 'data-testid="chart-funnel"' in full and 'data-testid="chart-empty-funnel"' not in full


def test_a_supervisor_s_reports_open_on_their_team(company, browser, api):
    """A supervisor's own customers are often few or none (a CEO's): with no scope asked,
    or one not offered, their team; anyone else's, their own."""
    assert reports.choose(fresh(company.manager), {}).scope == reports.TEAM
    assert reports.choose(fresh(company.peer), {}).scope == reports.MINE
    wrong = reports.choose(fresh(company.manager), {"scope": "company"})
    assert wrong.scope == reports.TEAM and wrong.problems[0].name == "scope"
    assert api(company.manager).get("/api/reports/").json()["scope"] == reports.TEAM
    page = browser(company.manager).get("/reports/").content.decode()
    assert '<option value="team" selected>' in page
