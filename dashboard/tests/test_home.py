"""The home page (issue 18): each role's figures, computed by hand on a small company,
equal the page's and the API's; each figure's link opens a list whose total is the figure;
nothing counts a customer its reader may not open."""

import re
from decimal import Decimal

from customers.testing import CustomerFactory, html


def figures(client):
    """{key: (value, amount, url)} of the home page."""
    page = html(client, "/home/")
    found = {}
    for match in re.finditer(r'data-testid="figure-(?!value|link|amount)([a-z_]+)"', page):
        key = match.group(1)
        value = re.search(rf'data-testid="figure-value-{key}" data-value="(-?\d+)"', page)
        amount = re.search(rf'data-testid="figure-amount-{key}" data-value="([\d.]+)"', page)
        url = re.search(rf'href="([^"]+)" data-testid="figure-link-{key}"', page)
        found[key] = (
            int(value.group(1)),
            Decimal(amount.group(1)) if amount else None,
            url.group(1).replace("&amp;", "&") if url else None,
        )
    return found


def list_total(client, url):
    page = html(client, url)
    match = re.search(r'data-testid="total">\s*(\d+)', page)
    if match is None:
        match = re.search(r'data-testid="total">[^<]*?(\d+)', page)
    assert match, f"{url} shows a total"
    return int(match.group(1))


def test_a_salesperson_sees_their_day_and_their_team(dashboard_world, company, browser):
    shown = figures(browser(company.rep))
    assert {key: value for key, (value, _a, _u) in shown.items()} == {
        "my_customers": 3,
        "follow_ups_today": 1,
        "follow_ups_overdue": 1,
        "due_back": 2,  # no pool rules: not contacted for 30 days (a, b; c was just now)
        "open_opportunities": 3,
        "quotes_this_month": 1,
        "contracts_this_month": 2,
        "receivables_due": 1,
        "receivables_overdue": 1,
        "team_customers": 1,  # junior's d: rep supervises junior
    }
    assert shown["open_opportunities"][1] == Decimal("400.00")
    assert shown["contracts_this_month"][1] == Decimal("1300.00")
    assert shown["receivables_overdue"][1] == Decimal("300.00")  # 400 due, 100 of it paid
    assert shown["receivables_due"][1] == Decimal("300.00")
    page = html(browser(company.rep), "/home/")
    assert 'data-testid="section-team"' in page
    assert 'data-testid="section-pool"' not in page
    assert 'data-testid="section-company"' not in page


def test_every_figure_link_opens_a_list_of_that_many(dashboard_world, company, browser):
    for person in (company.rep, company.manager, company.marketer):
        client = browser(person)
        for key, (value, _amount, url) in figures(client).items():
            if url is None or url.startswith("/settings/"):
                continue
            assert list_total(client, url) == value, (person.username, key, url)


def test_a_supervisor_sees_each_person_of_the_team(dashboard_world, company, browser):
    # Created by junior, now in the pool: listed under the team, not owned by it.
    CustomerFactory(name="zd junior's, returned", created_by=company.junior, owner=None)
    client = browser(company.manager)
    page = html(client, "/home/")
    assert 'data-testid="section-team"' in page
    shown = figures(client)
    # rep's three, junior's one (manager supervises both), deputy's none.
    assert shown["team_customers"][0] == 4
    assert list_total(client, shown["team_customers"][2]) == 4
    assert shown["my_customers"][0] == 0
    # Who recorded nothing this week: every interaction above is ten days old.
    quiet = re.search(r'data-testid="list-1-team">(.*?)</div>', page, re.S).group(1)
    for name in ("Rep Li", "Junior Wu", "Deputy Du"):
        assert name in quiet


def test_the_team_chart_counts_each_persons_customers(dashboard_world, company, api):
    body = api(company.manager).get("/api/dashboard/").json()
    team = next(s for s in body["sections"] if s["key"] == "team")
    chart = next(c for c in team["charts"] if c["key"] == "team-customers")
    per_person = dict(zip(chart["categories"], chart["series"][0]["values"], strict=True))
    assert per_person == {"Deputy Du": 0, "Junior Wu": 1, "Rep Li": 3}
    opportunities = dict(zip(chart["categories"], chart["series"][1]["values"], strict=True))
    assert opportunities["Rep Li"] == 3 and opportunities["Junior Wu"] == 1
    # Counts are integers, money exact decimal strings, a person with none too.
    money = next(c for c in team["charts"] if c["key"] == "team-contracts")["series"][0]
    assert money["values"] and all(isinstance(v, str) for v in money["values"])
    assert all(Decimal(v) >= 0 for v in money["values"])


def test_a_pool_manager_sees_the_pool(dashboard_world, company, browser):
    shown = figures(browser(company.marketer))
    assert shown["claimed"][0] == 5
    assert shown["unclaimed"][0] == 2
    assert shown["never_claimed"][0] == 1  # f; g was claimed once
    page = html(browser(company.marketer), "/home/")
    most = re.search(r'data-testid="list-1-pool">(.*?)</div>', page, re.S).group(1)
    assert "zd g (2)" in most


def test_an_administrator_sees_the_company(dashboard_world, company, browser):
    shown = figures(browser(company.admin))
    assert shown["active_users"][0] == 8
    assert "jobs_failed" in shown


def test_nothing_counts_a_customer_its_reader_may_not_open(dashboard_world, company, browser, api):
    shown = figures(browser(company.peer))
    assert shown["my_customers"][0] == 1
    assert shown["open_opportunities"][0] == 1
    assert shown["contracts_this_month"][1] == Decimal("900.00")
    body = api(company.peer).get("/api/dashboard/").json()
    assert [s["key"] for s in body["sections"]] == ["me"]
    chart = body["sections"][0]["charts"][0]
    assert chart["categories"] == ["zd early"] and chart["series"][0]["values"] == [1]


def test_the_api_gives_the_page_s_figures(dashboard_world, company, browser, api):
    page = figures(browser(company.rep))
    body = api(company.rep).get("/api/dashboard/").json()
    api_figures = {f["key"]: f for s in body["sections"] for f in s["figures"]}
    assert {key: f["value"] for key, f in api_figures.items()} == {
        key: value for key, (value, _a, _u) in page.items()
    }
    assert api_figures["contracts_this_month"]["amount"] == "1300.00"


def test_signing_in_lands_on_the_home_page(company, client):
    company.rep.set_password("pw-123456-x")
    company.rep.save()
    answer = client.post("/login/", {"username": "rep", "password": "pw-123456-x"})
    assert answer["Location"] == "/home/"
    assert client.get("/")["Location"] == "/home/"


def test_the_home_page_needs_a_sign_in(client, api):
    assert client.get("/home/")["Location"].startswith("/login/")
    assert api().get("/api/dashboard/").status_code in (401, 403)


def test_large_figures_are_grouped_by_thousands_in_chinese_too():
    from django.utils import translation

    from records.templatetags.record_cells import grouped, money

    with translation.override("zh-hans"):
        assert grouped(694739) == "694,739"
        assert money(Decimal("1367000")) == "1,367,000.00"
    with translation.override("en"):
        assert grouped(999) == "999"


def test_the_team_charts_from_the_hourly_count_equal_the_live_ones(
    dashboard_world, company, api, browser
):
    from dashboard import snapshots

    def team_charts():
        body = api(company.manager).get("/api/dashboard/").json()
        team = next(s for s in body["sections"] if s["key"] == "team")
        figure = team["figures"][0]
        return {chart["key"]: chart for chart in team["charts"]}, figure

    live, live_figure = team_charts()
    assert live_figure["note"] is None
    # Something to count in every chart: open opportunities and this month's contracts.
    opportunities = live["team-customers"]["series"][1]["values"]
    amounts = live["team-contracts"]["series"][0]["values"]
    assert any(opportunities) and any(float(amount) for amount in amounts)
    snapshots.take()
    counted, counted_figure = team_charts()
    assert counted_figure["note"] and counted_figure["value"] == live_figure["value"]
    for key in ("team-customers", "team-contracts"):  # each says when it was counted
        assert live[key].pop("note") is None and counted[key].pop("note").startswith("counted")
    assert counted == live  # the same bars, the same links
    page = html(browser(company.manager), "/home/")
    assert 'data-testid="chart-note-team-customers"' in page
