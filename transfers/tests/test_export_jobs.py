"""Exports too long to stream (issue 16): over EXPORT_STREAM_MAX_ROWS rows, the page and
the API queue a background job instead, whose file holds exactly what the streamed export
would have (the same rows, columns, order, language and private fields left out), which
only its requester may download — not another person, not an administrator — until its
retention period is over, when the file is deleted."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from customers.models import Contact, Customer
from transfers import export_jobs, exporting
from transfers.models import ExportJob

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EXPORT_STREAM_MAX_ROWS = LIMIT
    settings.EXPORT_KEEP_HOURS = 24


@pytest.fixture
def customers(company):
    """rep owns five (one with a formula for a phone, one with a primary contact); two are
    in the pool; one rep created is now peer's, which rep's supervisor may not read."""
    made = [
        Customer.objects.create(name=f"Rep Customer {n}", owner=company.rep, phone=f"PRIVATE-{n}")
        for n in range(5)
    ]
    made[1].phone = "=1+2"
    made[1].save()
    Contact.objects.create(customer=made[0], name="Ann", mobile="13800000000", is_primary=True)
    made += [
        Customer.objects.create(name=f"Pool Customer {n}", phone=f"PRIVATE-POOL-{n}")
        for n in range(2)
    ]
    made.append(
        Customer.objects.create(
            name="Rep Created Peer Owns",
            owner=company.peer,
            created_by=company.rep,
            phone="PRIVATE-PEER",
        )
    )
    return made


def body_of(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def rows_of_file(data, file_format):
    if file_format == exporting.XLSX:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return [
            ["" if v is None else str(v) for v in row]
            for row in book.active.iter_rows(values_only=True)
        ]
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def streamed(settings, client_get, url, params):
    """The rows the same export streams when the limit does not stop it."""
    settings.EXPORT_STREAM_MAX_ROWS = 1000
    try:
        response = client_get(url, params)
    finally:
        settings.EXPORT_STREAM_MAX_ROWS = LIMIT
    assert response.status_code == 200, body_of(response)[:300]
    return rows_of_file(body_of(response), params.get("format", "csv"))


def queued_from_page(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 302, body_of(response)[:300]
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    return job


def run(job):
    export_jobs.run(job.pk)
    job.refresh_from_db()
    return job


def file_rows(job):
    with job.file.open("rb") as stored:
        return rows_of_file(stored.read(), job.format)


def test_a_list_within_the_limit_still_streams(company, client, customers):
    client.force_login(company.rep)
    response = client.get("/mine/export/", {"format": "csv", "search": "Rep Customer 1"})
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()
    client.force_login(company.marketer)  # the pool: 8 rows, but 2 match
    response = client.get("/pool/export/", {"format": "xlsx", "search": "Pool Customer"})
    assert response.status_code == 200
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("file_format", exporting.FORMATS)
def test_a_long_list_on_the_page_is_a_job_whose_file_is_the_streamed_one(
    company, client, customers, settings, file_format
):
    client.force_login(company.rep)
    params = {"format": file_format, "ordering": "-name", "search": "Rep"}
    job = queued_from_page(client, "/mine/export/", params)
    assert (job.created_by, job.list_name, job.format, job.state) == (
        company.rep,
        "mine",
        file_format,
        "queued",
    )
    assert job.query == "ordering=-name&search=Rep"
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.object_id, entry.changes["list"]) == (
        company.rep,
        str(job.pk),
        "mine",
    )
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "The list has more than 3 rows: it is being prepared" in page
    assert 'data-state="queued"' in page and "hx-get" in page  # polled while it runs

    run(job)
    assert (job.state, job.total, job.done) == ("done", 5, 5)
    assert job.file.name.startswith("exports/") and job.filename.endswith(f".{file_format}")
    assert job.expires_at == job.finished_at + timedelta(hours=24)
    rows = file_rows(job)
    assert rows == streamed(settings, client.get, "/mine/export/", params)
    header = rows[0]
    assert [row[header.index("Name")] for row in rows[1:]] == [
        f"Rep Customer {n}" for n in (4, 3, 2, 1, 0)
    ]
    assert rows[4][header.index("Phone")] == "'=1+2"  # never a formula
    assert rows[5][header.index("Primary contact")] == "Ann"

    progress = client.get(f"/exports/{job.pk}/progress/").content.decode()
    assert 'data-state="done"' in progress and "hx-get" not in progress
    assert f'href="/exports/{job.pk}/download/"' in progress
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith(exporting.CONTENT_TYPES[file_format][:20])
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert rows_of_file(body_of(download), file_format) == rows


def test_the_job_writes_in_the_requesters_language(company, client, customers, settings):
    client.force_login(company.rep)
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    response = client.get("/mine/export/", {"format": "csv"}, **headers)
    job = ExportJob.objects.get(pk=response["Location"].split("/")[2])
    assert job.language == "zh-hans"
    rows = file_rows(run(job))
    assert "名称" in rows[0]
    assert rows == streamed(
        settings, lambda url, params: client.get(url, params, **headers), "/mine/export/", {}
    )


def test_the_pool_file_never_holds_a_private_field(company, client, customers, settings):
    client.force_login(company.rep)
    job = run(queued_from_page(client, "/pool/export/", {"format": "csv"}))
    rows = file_rows(job)
    assert len(rows) == 1 + 8
    assert "Phone" not in rows[0] and "Notes" not in rows[0] and "Primary contact" not in rows[0]
    assert "PRIVATE" not in str(rows) and "13800000000" not in str(rows)
    assert rows == streamed(settings, client.get, "/pool/export/", {"format": "csv"})


def test_a_shared_row_not_readable_in_full_has_empty_private_columns(
    company, client, customers, settings
):
    client.force_login(company.manager)
    job = run(queued_from_page(client, "/shared/export/", {"format": "csv"}))
    rows = file_rows(job)
    header = rows[0]
    phones = {row[header.index("Name")]: row[header.index("Phone")] for row in rows[1:]}
    assert phones["Rep Created Peer Owns"] == ""  # listed, its private fields not shown
    assert phones["Rep Customer 2"] == "PRIVATE-2"
    assert "PRIVATE-PEER" not in str(rows)
    assert rows == streamed(settings, client.get, "/shared/export/", {"format": "csv"})


def test_a_record_modules_list_is_replayed_with_its_module(company, client, book, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    client.force_login(company.rep)
    response = client.get("/records/contracts/export/", {"format": "csv"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.route, job.route_kwargs) == ("transfers:export-module", {"module": "contracts"})
    rows = file_rows(run(job))
    assert rows[0][:3] == ["Customer", "Number", "Title"] and len(rows) == 3
    settings.EXPORT_STREAM_MAX_ROWS = 1000
    assert rows == rows_of_file(
        body_of(client.get("/records/contracts/export/", {"format": "csv"})), "csv"
    )


def test_the_api_answers_202_with_the_job_then_its_file(company, api, customers, settings):
    answer = api(company.rep).get("/api/mine/export/?format=xlsx&search=Rep&ordering=name")
    assert answer.status_code == 202, answer.content
    job = ExportJob.objects.get()
    body = answer.json()
    assert answer["Location"] == f"http://testserver/api/exports/{job.pk}/"
    assert (body["id"], body["state"], body["percent"], body["download_url"]) == (
        job.pk,
        "queued",
        0,
        None,
    )
    assert job.route == "api-export-mine" and job.query == "search=Rep&ordering=name"
    assert AuditEntry.objects.filter(action="export", object_id=str(job.pk)).exists()

    run(job)
    state = api(company.rep).get(f"/api/exports/{job.pk}/").json()
    assert (state["state"], state["total"], state["done"], state["percent"]) == ("done", 5, 5, 100)
    assert state["download_url"] == f"/api/exports/{job.pk}/download/"
    assert state["expires_at"]
    listed = api(company.rep).get("/api/exports/").json()
    assert [item["id"] for item in listed] == [job.pk]

    download = api(company.rep).get(state["download_url"])
    assert download.status_code == 200
    rows = rows_of_file(body_of(download), "xlsx")
    assert rows == streamed(
        settings,
        lambda url, params: api(company.rep).get(url, params),
        "/api/mine/export/",
        {"format": "xlsx", "search": "Rep", "ordering": "name"},
    )
    assert [row[rows[0].index("Name")] for row in rows[1:]] == [
        f"Rep Customer {n}" for n in range(5)
    ]


def test_the_api_pool_job_leaves_private_fields_out(company, api, customers):
    assert api(company.rep).get("/api/pool/export/?format=csv").status_code == 202
    rows = file_rows(run(ExportJob.objects.get()))
    assert len(rows) == 9 and "Phone" not in rows[0] and "PRIVATE" not in str(rows)


def test_an_audit_export_job_is_written_only_while_its_requester_is_an_administrator(
    company, api, customers
):
    for _ in range(LIMIT + 1):
        api(company.rep).get("/api/mine/export/?format=csv&search=Rep Customer 1")
    assert api(company.rep).get("/api/audit/export/?format=csv").status_code == 403
    assert api(company.admin).get("/api/audit/export/?format=csv").status_code == 202
    job = run(ExportJob.objects.get())
    rows = file_rows(job)
    assert len(rows[0]) == 12 and len(rows) > LIMIT + 1

    assert api(company.admin).get("/api/audit/export/?format=csv").status_code == 202
    again = ExportJob.objects.filter(state="queued").get()
    company.admin.is_staff = False  # no longer an administrator when the worker starts
    company.admin.save()
    with pytest.raises(Exception, match="Only administrators"):
        export_jobs.run(again.pk)
    again.refresh_from_db()
    assert again.state == "failed" and not again.file and "Only administrators" in again.error


def test_only_the_requester_may_download(company, client, api, customers):
    client.force_login(company.rep)
    job = run(queued_from_page(client, "/mine/export/", {"format": "csv"}))
    for url in (
        f"/exports/{job.pk}/",
        f"/exports/{job.pk}/progress/",
        f"/exports/{job.pk}/download/",
    ):
        assert client.get(url).status_code == 200, url
    for other in (company.peer, company.manager, company.admin):
        client.force_login(other)
        for url in (
            f"/exports/{job.pk}/",
            f"/exports/{job.pk}/progress/",
            f"/exports/{job.pk}/download/",
        ):
            assert client.get(url).status_code == 404, (other, url)
        assert job.filename not in client.get("/exports/").content.decode()
        for url in (f"/api/exports/{job.pk}/", f"/api/exports/{job.pk}/download/"):
            assert api(other).get(url).status_code == 404, (other, url)
        assert api(other).get("/api/exports/").json() == []
    assert api(None).get(f"/api/exports/{job.pk}/download/").status_code == 401
    client.logout()
    assert client.get(f"/exports/{job.pk}/download/").status_code == 302  # to sign in


def test_an_unfinished_or_failed_job_says_why_there_is_no_file(company, client, api, customers):
    client.force_login(company.rep)
    job = queued_from_page(client, "/mine/export/", {"format": "csv"})
    answer = client.get(f"/exports/{job.pk}/download/")
    assert answer.status_code == 409
    assert "still being prepared" in answer.content.decode()
    assert (
        "still being prepared"
        in api(company.rep).get(f"/api/exports/{job.pk}/download/").json()["detail"]
    )
    ExportJob.objects.filter(pk=job.pk).update(state="failed", error="boom")
    answer = client.get(f"/exports/{job.pk}/download/")
    assert answer.status_code == 409 and "stopped on an error" in answer.content.decode()
    assert "stopped on an error" in client.get(f"/exports/{job.pk}/").content.decode()


def test_the_file_is_deleted_when_its_time_is_up(company, client, api, customers):
    client.force_login(company.rep)
    job = run(queued_from_page(client, "/mine/export/", {"format": "csv"}))
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    export_jobs.purge()  # not yet
    assert storage.exists(name)

    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    # Past its time, the link already answers so before anything deletes the file.
    assert client.get(f"/exports/{job.pk}/download/").status_code == 410
    listing = client.get("/exports/")  # listing the exports deletes what is due
    assert listing.status_code == 200
    job.refresh_from_db()
    assert job.state == "expired" and not job.file
    assert f"/exports/{job.pk}/download/" not in listing.content.decode()
    entry = AuditEntry.objects.get(action="delete", object_type="transfers.exportjob")
    assert entry.object_id == str(job.pk) and entry.changes["file"] == [name, None]

    answer = client.get(f"/exports/{job.pk}/download/")
    assert answer.status_code == 410
    assert "kept for 24 hours, and this one has been deleted" in answer.content.decode()
    detail = api(company.rep).get(f"/api/exports/{job.pk}/download/")
    assert detail.status_code == 410 and "export the list again" in detail.json()["detail"]
    assert api(company.rep).get(f"/api/exports/{job.pk}/").json()["download_url"] is None


def test_purging_deletes_the_stored_file_on_commit(
    company, client, customers, django_capture_on_commit_callbacks
):
    client.force_login(company.rep)
    job = run(queued_from_page(client, "/mine/export/", {"format": "csv"}))
    storage, name = job.file.storage, job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs.purge(now=job.expires_at) == 1
    assert not storage.exists(name)
    assert export_jobs.purge(now=job.expires_at) == 0  # once


def test_the_purge_command_and_a_new_job_purge_too(
    company, client, customers, django_capture_on_commit_callbacks
):
    client.force_login(company.rep)
    first = run(queued_from_page(client, "/mine/export/", {"format": "csv"}))
    ExportJob.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/mine/export/", {"format": "xlsx"})  # a new job
    first.refresh_from_db()
    assert first.state == "expired"
    second = ExportJob.objects.get(format="xlsx")
    assert second.state == "done"  # queued on commit, run by the (immediate) worker
    ExportJob.objects.filter(pk=second.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_exports", stdout=out)
    assert "1" in out.getvalue().split()
    second.refresh_from_db()
    assert second.state == "expired"
    purged = AuditEntry.objects.filter(action="delete", object_type="transfers.exportjob")
    assert purged.count() == 2


def test_progress_is_written_while_the_file_is(company, client, customers, monkeypatch):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    seen = []
    values = exporting.CustomerColumns.values

    def watching(self, customer):
        seen.append(ExportJob.objects.values_list("done", flat=True).get())
        return values(self, customer)

    monkeypatch.setattr(exporting.CustomerColumns, "values", watching)
    client.force_login(company.rep)
    job = run(queued_from_page(client, "/mine/export/", {"format": "csv"}))
    assert seen == [0, 0, 2, 2, 4]  # read by another request as it goes
    assert (job.done, job.percent) == (5, 100)


def test_the_exports_page_lists_mine_and_is_linked_from_the_imports(company, client, customers):
    client.force_login(company.rep)
    job = run(queued_from_page(client, "/mine/export/", {"format": "csv"}))
    page = client.get("/exports/").content.decode()
    assert job.filename in page and f'href="/exports/{job.pk}/download/"' in page
    assert 'href="/exports/"' in client.get("/imports/").content.decode()


def test_the_schema_documents_the_jobs(company, api):
    schema = api(company.rep).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"/api/exports/", "/api/exports/{id}/", "/api/exports/{id}/download/"} <= set(paths)
    for export in ("pool", "mine", "shared", "recycle-bin", "audit"):
        queued = paths[f"/api/{export}/export/"]["get"]["responses"]["202"]
        assert queued["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ExportJob"
        }
        assert "Location" in queued["headers"]
    download = paths["/api/exports/{id}/download/"]["get"]["responses"]
    assert {"200", "404", "409", "410"} <= set(download)


def test_an_export_whose_worker_stopped_is_written_again_when_looked_at(company, client, customers):
    client.force_login(company.rep)
    job = queued_from_page(client, "/mine/export/", {"format": "csv"})
    # A worker took it, wrote some rows and was killed.
    recently = timezone.now() - timedelta(seconds=30)
    ExportJob.objects.filter(pk=job.pk).update(state="running", done=2, heartbeat_at=recently)
    client.get(f"/exports/{job.pk}/progress/")
    job.refresh_from_db()
    assert (job.state, job.done) == ("running", 2)  # still writing, as far as one can tell
    long_ago = timezone.now() - timedelta(minutes=5)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    client.get(f"/exports/{job.pk}/progress/")  # queued again; this backend runs it at once
    job.refresh_from_db()
    assert job.state == "done"
    rows = rows_of_file(body_of(client.get(f"/exports/{job.pk}/download/")), "csv")
    assert len(rows) == 1 + 5  # the header and rep's five, each once


def test_a_head_request_queues_and_records_nothing(company, client, api, customers):
    client.force_login(company.rep)
    for answer in (
        client.head("/mine/export/?format=csv"),
        api(company.rep).head("/api/mine/export/?format=xlsx"),
    ):
        assert answer.status_code == 200
    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action="export").exists()
