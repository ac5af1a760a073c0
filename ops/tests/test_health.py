"""/healthz and /readyz answered in this process (the database going away and coming back,
served by gunicorn, is test_database_down.py), and the heartbeat that tells a worker runs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from core.testing import database_url
from ops import workers
from ops.models import WorkerHeartbeat
from ops.tasks import heartbeat

from .conftest import REDIS_URL
from .servers import manage


def test_healthz_answers_without_the_database_a_session_or_a_sign_in(client):
    # No django_db mark: any query would fail the request.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert not response.cookies
    assert response["X-Request-ID"]


def test_probes_by_the_servers_address_are_neither_refused_nor_redirected(client, settings):
    """A probe calls http://10.0.0.5:8000/healthz: not a host in ALLOWED_HOSTS, not HTTPS."""
    settings.ALLOWED_HOSTS = ["crm.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/healthz/", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # the rest is


def test_probes_answer_get_and_head_only(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.fixture
def beat(db):
    """A worker ran the heartbeat job just now."""
    heartbeat.call()


def test_readyz_is_200_when_every_check_passes(client, beat):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert list(body["checks"]) == ["database", "migrations", "worker"]
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_503_naming_the_migrations_not_applied(client, beat):
    MigrationRecorder(connection).record_unapplied("ops", "0001_initial")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["message"] == (
        "1 migration is not applied (ops.0001_initial): run manage.py migrate."
    )


def test_readyz_is_503_without_a_worker_seen_in_the_last_minute(client, db):
    response = client.get("/readyz")
    assert (response.status_code, response.json()["failed"]) == (503, ["worker"])
    assert response.json()["checks"]["worker"]["message"] == (
        "No job worker has been seen yet. Start manage.py db_worker and manage.py schedule "
        "(which queues the heartbeat job)."
    )
    start = timezone.now()
    with freeze_time(start):
        heartbeat.call()
    with freeze_time(start + datetime.timedelta(seconds=59)):
        assert client.get("/readyz").status_code == 200
    with freeze_time(start + datetime.timedelta(seconds=61)):
        response = client.get("/readyz")
    assert (response.status_code, response.json()["failed"]) == (503, ["worker"])
    assert response.json()["checks"]["worker"]["message"].startswith(
        "No job worker has been seen in the last 60 seconds (last seen 61 seconds ago)."
    )


def test_the_window_is_a_setting_and_names_the_rq_worker(client, db, settings):
    settings.WORKER_SEEN_SECONDS = 300
    settings.TASKS_BACKEND = "rq"
    start = timezone.now()
    with freeze_time(start):
        heartbeat.call()
    with freeze_time(start + datetime.timedelta(seconds=299)):
        assert client.get("/readyz").status_code == 200
    with freeze_time(start + datetime.timedelta(seconds=301)):
        message = client.get("/readyz").json()["checks"]["worker"]["message"]
    assert "in the last 300 seconds" in message and "manage.py rqworker" in message


def test_the_scheduler_queues_the_heartbeat_twice_a_window(db, settings):
    minutes = dict(settings.PERIODIC_TASKS)["ops.tasks.heartbeat"]
    assert minutes * 60 == settings.WORKER_SEEN_SECONDS / 2
    call_command("schedule", once=True, stdout=io.StringIO())
    assert DBTaskResult.objects.filter(task_path="ops.tasks.heartbeat").count() == 1


def test_the_heartbeat_forgets_its_own_results_older_than_an_hour(db):
    now = timezone.now()
    old, recent, other = (heartbeat.enqueue(), heartbeat.enqueue(), heartbeat.enqueue())
    rows = DBTaskResult.objects.filter(pk__in=[old.id, recent.id])
    rows.update(status="SUCCESSFUL", finished_at=now - datetime.timedelta(minutes=30))
    rows.filter(pk=old.id).update(finished_at=now - datetime.timedelta(minutes=61))
    heartbeat.call()
    kept = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert kept == {recent.id, other.id}  # `other` waits to run: kept too
    assert WorkerHeartbeat.objects.get().worker


@pytest.mark.django_db(transaction=True)  # committed: the worker's process reads it
def test_a_db_worker_runs_the_heartbeat(tmp_path, client):
    assert workers.last_seen() is None
    heartbeat.enqueue()
    run = manage(
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        DATABASE_URL=database_url(),
        POOLCRM_VAR_DIR=str(tmp_path),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert 0 <= workers.last_seen() < 60
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_rq_worker_runs_the_heartbeat(tmp_path, client, rq_backend):
    heartbeat.enqueue()
    assert workers.last_seen() is None
    run = manage(
        "rqworker",
        "--burst",
        DATABASE_URL=database_url(),
        POOLCRM_VAR_DIR=str(tmp_path),
        POOLCRM_TASKS="rq",
        POOLCRM_REDIS_URL=REDIS_URL,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert 0 <= workers.last_seen() < 60
    assert client.get("/readyz").status_code == 200
