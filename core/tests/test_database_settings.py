"""The database settings a DATABASE_URL gives (config.settings.database): PostgreSQL
connections are kept for the next request and checked before reuse; SQLite's are not
kept unless asked; CONN_MAX_AGE overrides either."""

import pytest

from config.settings import database

POSTGRES_URL = "postgres://poolcrm:secret@db.example.com:5432/poolcrm"


def test_postgresql_connections_are_kept_a_minute_and_checked_before_reuse(monkeypatch):
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    settings = database(POSTGRES_URL)
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["CONN_MAX_AGE"] == 60
    assert settings["CONN_HEALTH_CHECKS"] is True


def test_sqlite_connections_are_closed_after_each_request_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    settings = database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize("age", ["0", "300"])
def test_conn_max_age_in_the_environment_wins(monkeypatch, age):
    monkeypatch.setenv("CONN_MAX_AGE", age)
    assert database(POSTGRES_URL)["CONN_MAX_AGE"] == int(age)
