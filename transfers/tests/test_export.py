"""Exports of the customer lists (SPEC B2): CSV for Excel and XLSX, with the list's search,
filters and order, public fields only where the list is public (C2), no cell Excel would
run as a formula, each export in the audit trail; and the round trip through an import."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audit.models import AuditEntry
from customers.models import Contact, Customer
from customers.services import ownership
from settings_app.models import DictionaryItem
from transfers import exporting, importing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def read_csv(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    """The workbook's rows as the CSV file writes them (a moment to the minute; an empty
    cell, not written, as an empty string)."""
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [[exporting.as_text(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    return [row + [""] * (len(rows[0]) - len(row)) for row in rows]


@pytest.fixture
def customers(company):
    made = []
    for name, owner, phone in (
        ("Beta Trading", company.rep, "111"),
        ("Alpha Works", company.rep, "=1+2"),
        ("Gamma Pool", None, "PRIVATE-POOL"),
        ("Delta Peer", company.peer, "PRIVATE-PEER"),
    ):
        made.append(Customer.objects.create(name=name, owner=owner, phone=phone))
    Contact.objects.create(customer=made[0], name="Ann", mobile="13800000000", is_primary=True)
    return made


def test_the_pool_exports_public_fields_only_in_the_lists_order(company, client, customers):
    client.force_login(company.rep)
    rows = read_csv(client.get("/pool/export/", {"format": "csv", "ordering": "-name"}))
    header, body = rows[0], rows[1:]
    assert "Phone" not in header and "Notes" not in header
    names = [row[header.index("Name")] for row in body]
    assert names == ["Gamma Pool", "Delta Peer", "Beta Trading", "Alpha Works"]
    assert "PRIVATE" not in str(rows)


def test_my_customers_with_search_and_every_field(company, client, customers):
    client.force_login(company.rep)
    rows = read_csv(client.get("/mine/export/", {"format": "csv", "search": "a"}))
    header = rows[0]
    by_name = {row[header.index("Name")]: row for row in rows[1:]}
    assert set(by_name) == {"Alpha Works", "Beta Trading"}
    assert by_name["Alpha Works"][header.index("Phone")] == "'=1+2"  # never a formula
    assert by_name["Beta Trading"][header.index("Primary contact")] == "Ann"
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == company.rep and entry.changes["list"] == "mine"
    assert "search=a" in entry.changes["query"]


def test_xlsx_holds_the_same_rows(company, client, customers):
    client.force_login(company.rep)
    as_csv = read_csv(client.get("/mine/export/", {"format": "csv"}))
    as_xlsx = read_xlsx(client.get("/mine/export/", {"format": "xlsx"}))
    assert as_xlsx == as_csv


def test_a_supervisor_exports_what_they_may_read(company, client, customers):
    client.force_login(company.manager)
    rows = read_csv(client.get("/shared/export/", {"format": "csv"}))
    names = {row[rows[0].index("Name")] for row in rows[1:]}
    assert names == {"Alpha Works", "Beta Trading"}
    assert "PRIVATE-PEER" not in str(rows)


def test_the_recycle_bin_is_for_pool_managers(company, client, customers):
    ownership.delete(company.marketer, [customers[2].pk])
    client.force_login(company.rep)
    assert client.get("/recycle-bin/export/").status_code == 403
    client.force_login(company.marketer)
    rows = read_csv(client.get("/recycle-bin/export/"))
    assert [row[rows[0].index("Name")] for row in rows[1:]] == ["Gamma Pool"]
    assert "PRIVATE-POOL" not in str(rows)


def test_bad_export_requests_are_refused(company, client):
    client.force_login(company.rep)
    assert client.get("/mine/export/", {"format": "pdf"}).status_code == 400
    assert client.get("/mine/export/", {"format": "csv", "ordering": "phone"}).status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_round_trip_export_mine_then_import_into_an_empty_instance(
    company, client, django_capture_on_commit_callbacks
):
    industry = DictionaryItem.objects.create(kind="industry", name="制造业")
    source = Customer.objects.create(
        name="上海往返有限公司",
        owner=company.rep,
        industry=industry,
        phone="021-5555",
        address="上海市浦东新区",
        website="https://example.cn",
        notes="要紧的客户",
    )
    Contact.objects.create(
        customer=source, name="王芳", mobile="13900000000", email="w@example.cn", is_primary=True
    )
    client.force_login(company.rep)
    exported = b"".join(client.get("/mine/export/", {"format": "xlsx"}).streaming_content)
    Contact.objects.all().delete()
    Customer.objects.all().delete()  # an empty instance (the same people and dictionary)

    job = importing.prepare(company.rep, SimpleUploadedFile("mine.xlsx", exported))
    with django_capture_on_commit_callbacks(execute=True):
        importing.start(company.rep, job, target="mine")
    job.refresh_from_db()
    assert (job.imported, job.refused) == (1, 0), list(
        job.not_imported.values_list("line", "name", "reason")
    )
    again = Customer.live.get()
    fields = ("name", "owner", "industry", "phone", "address", "website", "notes")
    assert {f: getattr(again, f) for f in fields} == {
        "name": "上海往返有限公司",
        "owner": company.rep,
        "industry": industry,
        "phone": "021-5555",
        "address": "上海市浦东新区",
        "website": "https://example.cn",
        "notes": "要紧的客户",
    }
    contact = again.contacts.get()
    assert (contact.name, contact.mobile, contact.email) == ("王芳", "13900000000", "w@example.cn")


@pytest.mark.parametrize("who", ["rep", "peer"])
def test_a_record_module_exports_the_rows_its_list_shows(company, client, book, who):
    client.force_login(getattr(company, who))
    shown = list(client.get("/records/contracts/").context["rows"])
    rows = read_csv(client.get("/records/contracts/export/", {"format": "csv"}))
    assert rows[0][:3] == ["Customer", "Number", "Title"]
    numbers = [row[1] for row in rows[1:]]
    assert numbers == [record.number for record in shown] and numbers  # the list's rows, in order
    assert client.get("/records/nothing/export/").status_code == 404


def test_the_api_exports_the_same_lists(company, api, customers):
    mine = read_csv(api(company.rep).get("/api/mine/export/?format=csv&ordering=-name"))
    assert [row[mine[0].index("Name")] for row in mine[1:]] == ["Beta Trading", "Alpha Works"]
    pool = read_xlsx(api(company.rep).get("/api/pool/export/?format=xlsx&search=Pool"))
    assert [row[pool[0].index("Name")] for row in pool[1:]] == ["Gamma Pool"]
    assert "PRIVATE" not in str(pool) and "Phone" not in pool[0]
    assert api(company.rep).get("/api/recycle-bin/export/?format=csv").status_code == 403
    assert api(company.rep).get("/api/audit/export/?format=csv").status_code == 403
    audit = read_csv(api(company.admin).get("/api/audit/export/?format=csv"))
    assert len(audit[0]) == 12 and "when" in audit[0]
    assert any(row[2] == "exported" for row in audit[1:])  # the exports above, traced
    refused = api(None).get("/api/mine/export/?format=csv")
    assert refused.status_code == 401 and refused["Content-Type"] == "application/json"
    assert "credentials" in refused.json()["detail"]  # its message, not its keys as a CSV
    bad = api(company.rep).get("/api/mine/export/?format=xlsx&created_after=someday")
    assert bad.status_code == 400 and "created_after" in bad.json()
    assert api(company.rep).get("/api/mine/export/?format=pdf").status_code == 404
    schema = api(company.rep).get("/api/schema/").content.decode()
    assert "/api/mine/export/" in schema and "/api/imports/" in schema


def test_the_lists_offer_export_and_import_to_who_may(company, client):
    client.force_login(company.rep)
    pool = client.get("/pool/", {"search": "x", "cursor": "stale"}).content.decode()
    assert 'href="/pool/export/?search=x&amp;format=csv"' in pool
    assert "/pool/export/?search=x&amp;format=xlsx" in pool
    assert 'data-testid="import"' not in pool  # the pool takes imports from pool managers
    mine = client.get("/mine/").content.decode()
    assert "/mine/export/?format=csv" in mine and 'href="/imports/new/"' in mine
    assert (
        "/records/contracts/export/?format=csv"
        in client.get("/records/contracts/").content.decode()
    )
    client.force_login(company.marketer)
    assert 'href="/imports/new/"' in client.get("/pool/").content.decode()
