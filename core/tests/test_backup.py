"""Backup → restore into an empty database and folder, on the database the suite runs on:
every table's row count, a sample of values and every attachment's bytes come back; a
restore never goes over data (SPEC: customers are company property that is never lost)."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from activities.services import interactions
from attachments.services import attachments
from attachments.testing import upload
from core.backup import BackupError, restore, table_counts
from customers.services import contacts, ownership

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_target(tmp_path):
    """A database of the same kind with nothing in it, dropped afterwards."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    name = f"restored_{os.getpid()}"
    admin = psycopg.connect(
        host=source["HOST"],
        port=source["PORT"] or 5432,
        user=source["USER"],
        password=source["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def values(target, sql):
    from core.backup import _raw

    db = _raw(target)
    try:
        cursor = db.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        db.close()


def test_backup_then_restore_brings_everything_back(company, media, empty_target, tmp_path):
    customer = ownership.create(
        company.rep, {"name": "备份测试有限公司", "phone": "021-1"}, claim=True
    )
    contacts.add(company.rep, customer, {"name": "王经理", "mobile": "13900000000"})
    import datetime

    from django.utils import timezone

    interactions.create(
        company.rep,
        customer,
        {"happened_at": timezone.now() - datetime.timedelta(days=1), "subject": "首次拜访"},
    )
    ownership.create(company.marketer, {"name": "Pool Lead"}, claim=False)
    stored = attachments.create(company.rep, customer, {"file": upload("合同.pdf", b"%PDF bytes")})
    archive = tmp_path / "backups" / "all.tar.gz"
    out = io.StringIO()

    call_command("backup", output=str(archive), stdout=out)

    assert "2 customers" in out.getvalue()
    before = table_counts(connection.settings_dict)
    restored_media = tmp_path / "restored-media"
    manifest = restore(archive, empty_target, restored_media)

    assert table_counts(empty_target) == before == manifest["counts"]
    assert before["customers_customer"] == 2 and before["attachments_attachment"] == 1
    sql = "SELECT name, phone FROM customers_customer ORDER BY id"
    assert values(empty_target, sql) == values(connection.settings_dict, sql)
    sql = "SELECT name, mobile, is_primary FROM customers_contact ORDER BY id"
    assert values(empty_target, sql) == values(connection.settings_dict, sql)
    kept = Path(restored_media) / stored.file.name
    assert kept.read_bytes() == b"%PDF bytes"

    # Never over data: not into a database with people in it, nor a folder with files.
    with pytest.raises(BackupError, match="already holds"):
        restore(archive, empty_target, tmp_path / "another")
    with pytest.raises(BackupError, match="already holds"):
        restore(archive, connection.settings_dict, tmp_path / "another")
    with pytest.raises(CommandError, match="already holds"):
        call_command("restore", str(archive))
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="not a poolcrm backup"):
        restore(garbage, empty_target, tmp_path / "another")


@pytest.mark.django_db(transaction=False)
def test_make_clean_never_deletes_the_data():
    import shlex
    import subprocess

    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(["make", "-n", "clean"], cwd=root, capture_output=True, text=True)
    removed = [word for line in plan.stdout.splitlines() for word in shlex.split(line)[2:]]
    assert removed and not [w for w in removed if w in ("var", "var/") or w.startswith("var/media")]
