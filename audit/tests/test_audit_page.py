"""The audit trail as a page for administrators (issue 16: "the audit page" exports): the
entries newest first, filtered as the API filters them, paged by keyset, exported as
CSV from the page with its filters, its total shown as the other lists show theirs (and
equal to the figure of the home page that links to it); nobody else opens it."""

import re

import pytest
from django.test import Client

from audit import trail
from audit.models import Action, AuditEntry
from dashboard.tests.test_home import figures
from org.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(company):
    made = [
        trail.record(company.rep, Action.UPDATE, company.rep, reason=f"change {n:02d}")
        for n in range(60)
    ]
    made.append(trail.record(company.admin, Action.DELETE, company.peer, reason="gone"))
    return made


def test_an_administrator_reads_it_newest_first_page_by_page(company, browser, entries):
    admin = browser(company.admin)
    first = admin.get("/settings/audit/")
    assert first.status_code == 200
    rows = first.context["page"].rows
    newest = list(AuditEntry.objects.order_by("-at", "-id").values_list("pk", flat=True)[:50])
    assert [row.pk for row in rows] == newest
    seen = [row.pk for row in rows]
    cursor = first.context["page"].next_cursor
    while cursor:
        page = admin.get("/settings/audit/", {"cursor": cursor}).context["page"]
        seen += [row.pk for row in page.rows]
        cursor = page.next_cursor
    assert sorted(seen) == sorted(AuditEntry.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))  # each entry on exactly one page
    stale = admin.get("/settings/audit/", {"cursor": "not-a-cursor"})
    assert stale.status_code == 200 and stale.context["page"].rows[0].pk == newest[0]


def test_it_filters_as_the_api_does(company, browser, entries):
    admin = browser(company.admin)
    page = admin.get("/settings/audit/", {"action": "delete"})
    assert [row.reason for row in page.context["page"].rows] == ["gone"]
    page = admin.get("/settings/audit/", {"search": "change 07"})
    assert [row.reason for row in page.context["page"].rows] == ["change 07"]
    nothing = admin.get("/settings/audit/", {"search": "no such words"}).content.decode()
    assert 'data-testid="no-entries"' in nothing


def test_the_page_exports_what_it_shows(company, browser, entries):
    admin = browser(company.admin)
    answer = admin.get("/settings/audit/export/", {"format": "csv", "action": "delete"})
    assert answer.status_code == 200
    text = b"".join(answer.streaming_content).decode()
    assert text.startswith("\ufeff") and "gone" in text and "change 07" not in text
    exported = AuditEntry.objects.get(action=Action.EXPORT)
    assert exported.changes["list"] == "audit" and "action=delete" in exported.changes["query"]
    page = admin.get("/settings/audit/").content.decode()
    assert "/settings/audit/export/?format=csv" in page


@pytest.mark.parametrize("who", ["rep", "manager", "ceo", "marketer"])
def test_nobody_else_opens_or_exports_it(company, browser, entries, who):
    client = browser(getattr(company, who))
    assert client.get("/settings/audit/").status_code == 403
    assert client.get("/settings/audit/export/", {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def shown_total(page):
    """The total under the list, as the other lists show theirs."""
    match = re.search(r'data-testid="total">([^<]*?(\d[\d,]*)[^<]*)<', page)
    assert match, "the list shows a total"
    return int(match.group(2).replace(",", ""))


def test_the_page_shows_its_total(company, browser, entries):
    admin = browser(company.admin)
    everything = AuditEntry.objects.all()
    for query, naive in (
        ({}, everything),
        ({"action": "delete"}, everything.filter(action="delete")),
        ({"actor": company.admin.pk}, everything.filter(actor=company.admin)),
        ({"search": "no such words"}, everything.none()),
    ):
        page = admin.get("/settings/audit/", query)
        assert shown_total(page.content.decode()) == len(list(naive)), query
    page = admin.get("/settings/audit/")
    assert len(page.context["page"].rows) < len(everything)  # the whole list's, not a page's


def test_a_long_trail_s_total_is_capped_as_the_customer_lists_are(
    company, browser, entries, settings
):
    settings.COUNT_CAP = 10
    page = browser(company.admin).get("/settings/audit/").content.decode()
    assert 'data-testid="capped-total"' in page and "More than 10" in page
    few = browser(company.admin).get("/settings/audit/", {"action": "delete"}).content.decode()
    assert 'data-testid="capped-total"' not in few and shown_total(few) == 1


def test_the_company_s_figures_open_lists_of_that_many(company, browser, entries):
    """An administrator's home-page figures that link to Settings (active users, sign-ins,
    failed sign-ins): the list each opens shows that total."""
    for person in (company.rep, company.peer):
        Client().post("/login/", {"username": person.username, "password": PASSWORD})
    Client().post("/login/", {"username": company.rep.username, "password": "wrong"})
    client = browser(company.admin)
    shown = figures(client)
    assert shown["sign_ins"][0] >= 2 and shown["failed_sign_ins"][0] >= 1
    for key in ("active_users", "sign_ins", "failed_sign_ins"):
        value, _amount, url = shown[key]
        assert url.startswith("/settings/")
        assert shown_total(client.get(url).content.decode()) == value, (key, url)
