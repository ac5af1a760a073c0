"""The import API (POST /api/imports/, its start, progress and cancel), documented in the
OpenAPI document: the same rules as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Customer
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db

FILE = "名称,电话\n甲公司,123\n乙公司,456\n乙公司,789\n"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(api, user, text=FILE):
    return api(user).post(
        "/api/imports/", {"file": SimpleUploadedFile("a.csv", text.encode())}, format="multipart"
    )


def test_upload_preview_start_and_follow(company, api, django_capture_on_commit_callbacks):
    Customer.objects.create(name="甲公司", owner=company.rep, phone="PRIVATE")
    answer = upload(api, company.marketer)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    job = body["job"]["id"]
    assert body["job"]["state"] == "draft" and body["job"]["total"] == 3
    assert body["preview"]["duplicates_in_file"] == [
        {"line": 4, "name": "乙公司", "same_as_line": 3}
    ]
    assert body["preview"]["duplicates_existing"] == [
        {"line": 2, "customer": "甲公司", "owner": "Rep Li"}
    ]
    assert "PRIVATE" not in answer.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = api(company.marketer).post(
            f"/api/imports/{job}/start/", {"target": "pool"}, format="json"
        )
    assert started.status_code == 202, started.content
    state = api(company.marketer).get(f"/api/imports/{job}/").json()["job"]
    assert (state["state"], state["imported"], state["skipped"], state["percent"]) == (
        "done",
        1,
        2,
        100,
    )
    assert {row["line"] for row in state["not_imported"]} == {2, 4}


def test_who_may_import_where(company, api):
    job = upload(api, company.rep).json()["job"]["id"]
    refused = api(company.rep).post(f"/api/imports/{job}/start/", {"target": "pool"}, format="json")
    assert refused.status_code == 403
    assert "Only pool managers" in refused.json()["detail"]
    assert ImportJob.objects.get(pk=job).state == "draft"
    assert api(company.peer).get(f"/api/imports/{job}/").status_code == 404
    assert (
        api(company.peer)
        .post(f"/api/imports/{job}/start/", {"target": "mine"}, format="json")
        .status_code
        == 404
    )
    assert api(None).post("/api/imports/", {}).status_code == 401


def test_a_bad_file_is_a_clear_400(company, api):
    answer = api(company.rep).post(
        "/api/imports/",
        {"file": SimpleUploadedFile("a.csv", "名称\n".encode())},
        format="multipart",
    )
    assert answer.status_code == 400
    assert "no customers under it" in str(answer.json())
    assert not ImportJob.objects.exists()


def test_the_mapping_can_be_chosen_and_each_field_once(company, api):
    job = upload(api, company.rep, "公司,号码\n甲,1\n").json()
    assert job["preview"]["mapping"] == ["name", ""]
    pk = job["job"]["id"]
    twice = api(company.rep).post(
        f"/api/imports/{pk}/start/", {"target": "mine", "mapping": ["name", "name"]}, format="json"
    )
    assert twice.status_code == 400
    assert ImportJob.objects.get(pk=pk).state == "draft"


def test_cancel(company, api):
    pk = upload(api, company.rep).json()["job"]["id"]
    answer = api(company.rep).post(f"/api/imports/{pk}/cancel/")
    assert answer.status_code == 200 and answer.json()["job"]["state"] == "cancelled"
    again = api(company.rep).post(f"/api/imports/{pk}/cancel/")
    assert again.status_code == 400
