"""What an exported workbook holds besides the CSV file's text (issue 18 follow-ups): a
sheet named after the list, in the reader's language and as Excel allows a name; amounts
as numbers in a thousands-grouped two-decimal format, counts as integers, dates and times
as Excel's own; the header bold and frozen; columns as wide as their first rows need; and
still no text cell Excel would run as a formula."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import Customer
from dashboard.testing import contract
from transfers import export_jobs, exporting
from transfers.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def customers(company):
    return [
        Customer.objects.create(name="Alpha Works", owner=company.rep, phone="=1+2"),
        Customer.objects.create(name="深圳市某某科技有限公司", owner=company.rep, phone="111"),
        Customer.objects.create(name="Gamma Pool", phone="PRIVATE"),
    ]


def sheet_of(response):
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body)).active


def column(sheet, label, header_row=1):
    """The cells under the header `label`."""
    header = [cell.value for cell in sheet[header_row]]
    index = header.index(label)
    return [row[index] for row in sheet.iter_rows(min_row=header_row + 1)]


def assert_header_bold_and_frozen(sheet, header_row=1):
    assert sheet.freeze_panes == f"A{header_row + 1}"
    header = [cell for cell in sheet[header_row] if cell.value is not None]
    assert header and all(cell.font.b for cell in header)
    assert not any(cell.font.b for row in sheet.iter_rows(min_row=header_row + 1) for cell in row)


def assert_no_formula(sheet):
    formulas = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert not formulas


def test_a_customer_list_s_sheet_is_named_typed_bold_and_frozen(company, client, customers):
    client.force_login(company.rep)
    sheet = sheet_of(client.get("/mine/export/", {"format": "xlsx", "ordering": "name"}))
    assert sheet.title == "My customers"
    assert_header_bold_and_frozen(sheet)
    ids = column(sheet, "ID")
    assert [cell.value for cell in ids] == [customers[0].pk, customers[1].pk]
    assert all(isinstance(cell.value, int) for cell in ids)
    created = column(sheet, "Created")[0]
    assert isinstance(created.value, datetime.datetime)  # a date Excel sorts and filters
    assert created.number_format == "yyyy-mm-dd hh:mm"
    local = timezone.localtime(customers[0].created_at).replace(tzinfo=None, microsecond=0)
    assert created.value == local
    phones = column(sheet, "Phone")
    assert phones[0].value == "'=1+2" and phones[0].data_type == "s"  # never a formula
    assert phones[1].value == "111" and phones[1].data_type == "s"  # a phone stays text
    assert_no_formula(sheet)
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert all(6 <= width <= 60 for width in widths.values()), widths
    # The Chinese name is wider than its header, and two of its characters as wide as one.
    assert widths["Name"] >= 2 * len(customers[1].name) and widths["ID"] < widths["Name"]


def test_the_csv_file_stays_text_as_the_table_shows_it(company, client, customers):
    client.force_login(company.rep)
    response = client.get("/mine/export/", {"format": "csv", "ordering": "name"})
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body[1:])))
    created = rows[1][rows[0].index("Created")]
    assert created == f"{timezone.localtime(customers[0].created_at):%Y-%m-%d %H:%M}"


def test_the_sheet_is_named_in_the_reader_s_language(company, client, customers):
    client.force_login(company.rep)
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    assert sheet_of(client.get("/mine/export/", {"format": "xlsx"}, **chinese)).title == "我的客户"
    client.force_login(company.marketer)
    assert sheet_of(client.get("/pool/export/", {"format": "xlsx"})).title == "Customer pool"


def test_a_record_module_s_amounts_and_dates_are_numbers_and_dates(company, client, customers):
    contract(company.rep, customers[0], "1234567.5", signed_on=datetime.date(2026, 3, 9))
    contract(company.rep, customers[1], "80", signed_on=None)
    client.force_login(company.rep)
    params = {"format": "xlsx", "ordering": "-amount"}
    sheet = sheet_of(client.get("/records/contracts/export/", params))
    assert sheet.title == "Contracts"
    assert_header_bold_and_frozen(sheet)
    amounts = column(sheet, "Amount")
    assert [cell.value for cell in amounts] == [1234567.5, 80]
    assert {cell.number_format for cell in amounts} == {"#,##0.00"}
    signed = column(sheet, "Signed")
    assert signed[0].value == datetime.datetime(2026, 3, 9)  # openpyxl reads a date so
    assert signed[0].number_format == "yyyy-mm-dd" and signed[1].value is None
    assert_no_formula(sheet)

    params["format"] = "csv"  # the table's text, as before
    body = b"".join(client.get("/records/contracts/export/", params).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))
    header = rows[0]
    assert [row[header.index("Amount")] for row in rows[1:]] == ["1,234,567.50", "80.00"]
    assert [row[header.index("Signed")] for row in rows[1:]] == ["2026-03-09", ""]


def test_the_audit_trail_s_sheet(company, client, customers):
    client.force_login(company.rep)
    client.get("/mine/export/", {"format": "csv"})  # an entry to export
    client.force_login(company.admin)
    sheet = sheet_of(client.get("/settings/audit/export/", {"format": "xlsx"}))
    assert sheet.title == "Audit trail"
    assert_header_bold_and_frozen(sheet)
    assert all(isinstance(cell.value, datetime.datetime) for cell in column(sheet, "when"))


@pytest.mark.parametrize(
    ("title", "sheet"),
    [
        ("My customers", "My customers"),
        ("Contracts and payments per month", "Contracts and payments per…"),
        ("Q1/Q2: [draft]*?\\", "Q1 Q2 draft"),
        ("'quoted'", "quoted"),
        ("合同与回款按月统计" * 4, "合同与回款按月统计" * 3 + "合同与…"),
        ("", "Sheet"),
        ("///", "Sheet"),
    ],
)
def test_a_sheet_s_name_is_one_excel_allows(title, sheet):
    assert exporting.sheet_title(title) == sheet
    assert len(sheet) <= 31


def test_a_background_export_writes_the_same_workbook(company, client, customers, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    client.force_login(company.rep)
    assert client.get("/mine/export/", {"format": "xlsx"}).status_code == 302
    job = ExportJob.objects.get()
    export_jobs.run(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        sheet = load_workbook(stored).active
    assert sheet.title == "My customers"  # the list the job replayed
    assert_header_bold_and_frozen(sheet)
    assert isinstance(column(sheet, "Created")[0].value, datetime.datetime)
    assert "'=1+2" in [cell.value for cell in column(sheet, "Phone")]


def test_a_list_named_to_the_writer_names_its_sheet(company, customers):
    rows = Customer.objects.filter(owner=company.rep).order_by("name")
    out = io.BytesIO()
    exporting.write(out, exporting.XLSX, exporting.CustomerColumns(True), rows, list_name="mine")
    out.seek(0)
    sheet = load_workbook(out).active
    assert sheet.title == "My customers"
    names = [cell.value for cell in column(sheet, "Name")]
    assert names == ["Alpha Works", "深圳市某某科技有限公司"]
