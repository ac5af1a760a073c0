"""The audit trail as a page for administrators (issue 16: "the audit page" exports): the
entries newest first, filtered as the API filters them, paged by keyset, exported as
CSV from the page with its filters; nobody else opens it."""

import pytest

from audit import trail
from audit.models import Action, AuditEntry

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
