"""/readyz answers 503 while the database is gone and 200 again once it is back, from the app
served by gunicorn as in production (issue 19's acceptance), and /healthz stays 200 all
along. On PostgreSQL the app reaches the database through a TCP proxy this test closes and
opens again; on SQLite the database file is taken away and put back."""

import json
import os
import sqlite3

import pytest
from django.db import connection
from django.utils import timezone

from core.testing import database_url
from ops.models import WorkerHeartbeat

from .servers import TcpProxy, app_server

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the server reads it
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only; the SQLite run takes its database file away instead",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite only; the PostgreSQL run cuts its connection through a proxy",
)

# The heartbeat stamped below stays fresh however slowly the server starts.
SERVER = {"POOLCRM_WORKER_SEEN_SECONDS": "3600"}


def assert_down(server):
    status, body = server.get("/readyz")
    assert status == 503, body
    assert body["failed"] == ["database", "migrations", "worker"]
    assert body["checks"]["database"]["message"].startswith("The database did not answer")
    assert server.get("/healthz") == (200, {"status": "alive"})
    status, text = server.get("/metrics")
    assert status == 200 and "poolcrm_job_queue_up 0.0" in text  # the scrape still answers


def assert_ready(server):
    status, body = server.get("/readyz")
    assert (status, body["failed"]) == (200, []), body


def readyz_logged(server):
    """The statuses of the /readyz answers in gunicorn's stderr's JSON access log (those
    answered 200 are not logged)."""
    lines = [json.loads(line) for line in server.stderr().splitlines() if line.startswith("{")]
    return [line["status"] for line in lines if line["path"] == "/readyz"]


@postgresql_only
def test_readyz_follows_a_postgresql_server_going_away_and_coming_back(tmp_path):
    WorkerHeartbeat.objects.create(seen_at=timezone.now())
    settings = connection.settings_dict
    with TcpProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))) as proxy:
        url = database_url(host="127.0.0.1", port=proxy.port)
        # Persistent connections: the one cut must be dropped and a new one made.
        with app_server(tmp_path, DATABASE_URL=url, CONN_MAX_AGE="60", **SERVER) as server:
            assert_ready(server)
            proxy.close()
            assert_down(server)
            assert_down(server)  # and again, on the dropped connection's successor
            proxy.open()
            assert_ready(server)
            assert readyz_logged(server) == [503, 503]


@sqlite_only
def test_readyz_follows_the_sqlite_file_going_away_and_coming_back(tmp_path):
    WorkerHeartbeat.objects.create(seen_at=timezone.now())
    path = tmp_path / "app.sqlite3"
    with sqlite3.connect(connection.settings_dict["NAME"]) as source:
        with sqlite3.connect(path) as copy:
            source.backup(copy)
    aside = tmp_path / "aside"
    aside.mkdir()
    with app_server(tmp_path, DATABASE_URL=f"sqlite:///{path}", **SERVER) as server:
        assert_ready(server)
        moved = list(tmp_path.glob("app.sqlite3*"))
        for file in moved:
            file.rename(aside / file.name)
        path.mkdir()  # where the file was: SQLite cannot open it, nor make a new one
        assert_down(server)
        path.rmdir()
        for file in moved:
            (aside / file.name).rename(file)
        assert_ready(server)
        assert readyz_logged(server) == [503]
    assert os.path.isfile(path)
