"""Importing customers from a file (SPEC B2, the manual's case 2): the file read in every
form Excel writes, its columns guessed, a preview with every duplicate, the import through
the customer services to the pool, to me or spread over people, and every bad file
refused with a message before anything is written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from audit.models import AuditEntry
from customers.models import Contact, Customer, OwnershipEvent
from settings_app.models import DictionaryItem
from transfers import exporting, importing
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db

HEADER = "客户名称,行业,电话,联系人,手机,备注\n"
ROWS = (
    "上海甲乙有限公司,制造业,021-1234,张三,13800000001,老客户\n"
    "北京丙丁科技,未知行业,010-5678,李四,13800000002,\n"
    "上海甲乙有限公司,,,,,重复的一行\n"
)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def manufacturing(db):
    return DictionaryItem.objects.create(
        kind="industry", name="Manufacturing", name_zh_hans="制造业"
    )


def upload(data, name="customers.csv"):
    return SimpleUploadedFile(name, data)


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(user, data, name="customers.csv", capture=None, **choices):
    job = importing.prepare(user, upload(data, name))
    choices.setdefault("target", ImportJob.Target.POOL)
    with capture(execute=True):
        importing.start(user, job, **choices)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_excel_writes(company, manufacturing, encoding):
    job = importing.prepare(company.marketer, upload((HEADER + ROWS).encode(encoding)))
    assert job.total == 3
    assert job.mapping == ["name", "industry", "phone", "contact_name", "contact_mobile", "notes"]
    preview = importing.preview(job)
    assert preview["rows"][0].customer["name"] == "上海甲乙有限公司"
    assert preview["rows"][0].customer["industry"] == manufacturing
    assert preview["unknown"] == {"Industry": ["未知行业"]}
    assert [(row.line, first) for row, first in preview["in_file"]] == [(4, 2)]


def test_an_xlsx_workbook_with_english_headers(company):
    data = xlsx(
        [["Name", "Phone", "Contact", "Email"], ["Acme Ltd", 13800138000, "Ann", "ann@acme.test"]]
    )
    job = importing.prepare(company.rep, upload(data, "list.xlsx"))
    row = importing.preview(job)["rows"][0]
    assert row.customer == {"name": "Acme Ltd", "phone": "13800138000"}
    assert row.contact == {"name": "Ann", "email": "ann@acme.test"}


def test_the_preview_names_existing_duplicates_without_their_private_fields(company, client):
    Customer.objects.create(name="上海甲乙有限公司", owner=company.rep, phone="SECRET-PHONE")
    job = importing.prepare(company.marketer, upload((HEADER + ROWS).encode()))
    client.force_login(company.marketer)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "上海甲乙有限公司" in page and "Rep Li" in page
    assert "SECRET-PHONE" not in page


def test_import_into_the_pool_through_the_services(
    company, manufacturing, django_capture_on_commit_callbacks
):
    job = run(
        company.marketer, (HEADER + ROWS).encode(), capture=django_capture_on_commit_callbacks
    )
    assert job.state == ImportJob.State.DONE
    assert (job.imported, job.skipped, job.refused, job.done) == (2, 1, 0, 3)
    first = Customer.live.get(name="上海甲乙有限公司")
    assert first.owner is None and first.industry == manufacturing and first.notes == "老客户"
    assert first.created_by == company.marketer
    contact = Contact.objects.get(customer=first)
    assert (contact.name, contact.mobile, contact.is_primary) == ("张三", "13800000001", True)
    assert Customer.live.get(name="北京丙丁科技").industry is None  # unknown: left empty
    assert OwnershipEvent.objects.filter(customer=first, action="create").exists()
    assert AuditEntry.objects.filter(
        object_type="customers.customer", object_id=str(first.pk)
    ).exists()
    assert [
        line
        for line, _name, _reason in list(job.not_imported.values_list("line", "name", "reason"))
    ] == [4]


def test_importing_the_same_file_again_imports_nothing_twice(
    company, django_capture_on_commit_callbacks
):
    data = (HEADER + ROWS).encode()
    run(company.marketer, data, capture=django_capture_on_commit_callbacks)
    again = run(company.marketer, data, capture=django_capture_on_commit_callbacks)
    assert (again.imported, again.skipped) == (0, 3)
    assert Customer.live.count() == 2


def test_a_salesperson_imports_into_their_own_customers_only(
    company, django_capture_on_commit_callbacks
):
    job = importing.prepare(company.rep, upload((HEADER + ROWS).encode()))
    with pytest.raises(importing.NotAllowed):
        importing.start(company.rep, job, target=ImportJob.Target.POOL)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DRAFT
    job = run(
        company.rep,
        (HEADER + ROWS).encode(),
        capture=django_capture_on_commit_callbacks,
        target="mine",
    )
    assert set(Customer.live.values_list("owner", flat=True)) == {company.rep.pk}


def test_spread_evenly_over_three_salespeople(company, django_capture_on_commit_callbacks):
    data = ("名称\n" + "".join(f"客户{i:03d}\n" for i in range(10))).encode()
    people = [company.rep, company.deputy, company.junior]
    run(
        company.marketer,
        data,
        capture=django_capture_on_commit_callbacks,
        target="spread",
        assignees=people,
    )
    counts = sorted(Customer.live.filter(owner__in=people).values_list("owner", flat=True))
    assert sorted(counts.count(p.pk) for p in people) == [3, 3, 4]
    assert OwnershipEvent.objects.filter(action="assign").count() == 10


def test_fill_empty_fields_of_a_pool_customer(
    company, manufacturing, django_capture_on_commit_callbacks
):
    pooled = Customer.objects.create(name="上海甲乙有限公司")
    job = run(
        company.marketer,
        (HEADER + ROWS).encode(),
        capture=django_capture_on_commit_callbacks,
        on_duplicate="fill",
    )
    pooled.refresh_from_db()
    assert pooled.industry == manufacturing
    assert job.filled == 1


def test_a_resumed_import_goes_on_after_its_last_committed_chunk(company, monkeypatch, settings):
    settings.IMPORT_CHUNK_ROWS = 2
    data = ("名称\n" + "".join(f"客户{i:03d}\n" for i in range(7))).encode()
    job = importing.prepare(company.marketer, upload(data))
    ImportJob.objects.filter(pk=job.pk).update(state="queued", target="pool")
    calls = []
    original = importing._import_chunk

    def dies_on_the_third_chunk(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the worker is stopped
        return original(*args)

    monkeypatch.setattr(importing, "_import_chunk", dies_on_the_third_chunk)
    with pytest.raises(KeyboardInterrupt):
        importing.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, Customer.live.count()) == ("running", 4, 4)
    monkeypatch.setattr(importing, "_import_chunk", original)
    importing.run(job.pk)  # the next worker
    job.refresh_from_db()
    assert (job.state, job.done, job.imported) == ("done", 7, 7)
    assert Customer.live.count() == 7


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "a.csv", "The file is empty."),
        ("名称\n".encode(), "a.csv", "no customers under it"),
        ("名称\n甲\n".encode("utf-16"), "a.csv", "neither UTF-8 nor GBK"),
        (b"not a workbook", "a.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04broken", "a.xlsx", "not a readable Excel workbook"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_written(company, data, name, message):
    with pytest.raises(importing.ServiceError, match=message):
        importing.prepare(company.rep, upload(data, name))
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_is_refused(company):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(importing.ServiceError, match="unsafe"):
        importing.prepare(company.rep, upload(out.getvalue(), "a.xlsx"))


def test_limits_of_size_and_rows(company, settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(importing.ServiceError, match="more than 3 rows"):
        importing.prepare(company.rep, upload(("名称\n" + "甲\n乙\n丙\n丁\n").encode()))
    settings.IMPORT_MAX_MB = 0
    with pytest.raises(importing.ServiceError, match="at most 0 MB"):
        importing.prepare(company.rep, upload("名称\n甲\n".encode()))


def test_rows_with_bad_values_are_refused_with_reasons(company, django_capture_on_commit_callbacks):
    data = ("名称,邮箱\n" + "x" * 300 + ",\n,a@b.test\n好,not-an-email\n=HYPERLINK(1),\n").encode()
    job = run(company.marketer, data, capture=django_capture_on_commit_callbacks)
    reasons = {
        line: reason
        for line, _name, reason in list(job.not_imported.values_list("line", "name", "reason"))
    }
    assert "300 characters" in reasons[2]
    assert "no customer name" in reasons[3]
    assert "not an email address" in reasons[4]
    assert job.imported == 1  # the formula-looking name is text, stored as text
    assert importing.refusals_csv(job).startswith("\ufeff")
    assert exporting.neutralised("=1+1") == "'=1+1"


def test_pages_upload_preview_start_and_progress(
    company, client, django_capture_on_commit_callbacks
):
    client.force_login(company.marketer)
    answer = client.post("/imports/new/", {"file": upload((HEADER + ROWS).encode())})
    job = ImportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/imports/{job.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "上海甲乙有限公司" in page and 'data-testid="duplicates"' in page
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            f"/imports/{job.pk}/",
            {
                "start": "1",
                "target": "pool",
                "on_duplicate": "skip",
                **{f"column-{i}": f for i, f in enumerate(job.mapping)},
            },
        )
    assert started.status_code == 302
    progress = client.get(f"/imports/{job.pk}/progress/").content.decode()
    assert 'data-state="done"' in progress and 'data-testid="count-imported">2<' in progress
    refusals = client.get(f"/imports/{job.pk}/not-imported.csv")
    assert refusals.status_code == 200 and "上海甲乙有限公司" in refusals.content.decode()
    client.force_login(company.rep)  # someone else's import is not found
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/not-imported.csv").status_code == 404


def test_a_bad_upload_is_answered_on_the_page(company, client):
    client.force_login(company.rep)
    answer = client.post("/imports/new/", {"file": upload(b"", "a.csv")})
    assert answer.status_code == 400  # an empty upload is refused by the form itself
    answer = client.post("/imports/new/", {"file": upload("名称\n".encode(), "a.csv")})
    assert answer.status_code == 400 and "no customers under it" in answer.content.decode()


# --- values not in the data dictionary ------------------------------------------------------

UNKNOWN = "客户名称,行业,来源\n甲公司,新能源,Trade fair\n乙公司,新能源,\n丙公司,制造业,\n"


def test_an_administrator_adds_the_unknown_values_to_the_dictionary(
    company, manufacturing, django_capture_on_commit_callbacks
):
    job = run(
        company.admin,
        UNKNOWN.encode(),
        capture=django_capture_on_commit_callbacks,
        target=ImportJob.Target.MINE,
        add_unknown=True,
    )
    assert job.state == ImportJob.State.DONE and job.imported == 3
    energy = DictionaryItem.objects.get(kind="industry", name_zh_hans="新能源")
    fair = DictionaryItem.objects.get(kind="source", name="Trade fair")  # named in its language
    assert (energy.name, fair.name_zh_hans) == ("", "")
    assert Customer.live.get(name="甲公司").industry == energy
    assert Customer.live.get(name="甲公司").source == fair
    assert Customer.live.get(name="乙公司").industry == energy  # added once, used twice
    assert Customer.live.get(name="丙公司").industry == manufacturing
    started = AuditEntry.objects.filter(object_type="transfers.importjob", object_id=str(job.pk))
    assert started.filter(changes__has_key="dictionary items added").count() == 1
    added = AuditEntry.objects.filter(object_type="settings_app.dictionaryitem", action="create")
    assert set(added.values_list("object_id", flat=True)) >= {str(energy.pk), str(fair.pk)}


def test_only_administrators_add_to_the_dictionary(company, manufacturing):
    job = importing.prepare(company.marketer, upload(UNKNOWN.encode()))
    with pytest.raises(importing.NotAllowed):
        importing.start(company.marketer, job, target=ImportJob.Target.POOL, add_unknown=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DRAFT
    assert not DictionaryItem.objects.filter(name_zh_hans="新能源").exists()


def test_a_value_too_long_for_the_dictionary_refuses_the_start(company):
    job = importing.prepare(company.admin, upload(f"名称,行业\n甲,{'长' * 200}\n".encode()))
    with pytest.raises(importing.ServiceError, match="Industry"):
        importing.start(company.admin, job, target=ImportJob.Target.MINE, add_unknown=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DRAFT
    assert not DictionaryItem.objects.filter(kind="industry").exists()


def test_the_page_offers_adding_them_to_administrators_only(company, client, manufacturing):
    for person, offered in ((company.admin, True), (company.marketer, False)):
        client.force_login(person)
        client.post("/imports/new/", {"file": upload(UNKNOWN.encode())})
        job = ImportJob.objects.filter(created_by=person).get()
        page = client.get(f"/imports/{job.pk}/").content.decode()
        assert 'data-testid="unknown-values"' in page and "新能源" in page
        assert ('name="add_unknown"' in page) is offered


def test_merged_cells_and_formulas_in_a_workbook(company, django_capture_on_commit_callbacks):
    """A name merged over two rows names the first only; a formula is never stored as its
    text: its computed value is read, and one Excel never computed counts as empty."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Phone"])
    sheet.append(["Acme Ltd", "111"])
    sheet.append([None, "222"])
    sheet.merge_cells("A2:A3")
    sheet.append(['=CONCAT("Be","ta")', "333"])
    out = io.BytesIO()
    book.save(out)
    job = run(
        company.marketer,
        out.getvalue(),
        "merged.xlsx",
        capture=django_capture_on_commit_callbacks,
    )
    assert (job.imported, job.refused) == (1, 2)
    assert Customer.live.get(name="Acme Ltd").phone == "111"
    assert not Customer.live.filter(name__contains="CONCAT").exists()
    reasons = dict(job.not_imported.values_list("line", "reason"))
    assert reasons == {3: "no customer name", 4: "no customer name"}
