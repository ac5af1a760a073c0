"""Backup and restore of everything the company keeps: the database and the attachments.

An archive is a gzipped tar holding `manifest.json` (what it holds, the row count of every
table), the database — on SQLite a copy made by SQLite's online backup API while the app
serves, on PostgreSQL `pg_dump`'s custom format — and `media/`, the attachment files.
A restore goes into an empty database only (no people in it), of the same kind."""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _

FORMAT = 1
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# A table whose rows say the database is in use: restoring over it would lose them.
PEOPLE_TABLE = "org_user"


class BackupError(Exception):
    pass


ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}


def vendor_of(target):
    engine = target["ENGINE"]
    if engine not in ENGINES:
        raise BackupError(_("Backups cover SQLite and PostgreSQL databases, not %s.") % engine)
    return ENGINES[engine]


def _pg_command(target):
    """The connection options of `target` for pg_dump and pg_restore, and their env."""
    env = dict(os.environ)
    if target.get("PASSWORD"):
        env["PGPASSWORD"] = target["PASSWORD"]
    options = [
        f"--host={target.get('HOST') or 'localhost'}",
        f"--port={target.get('PORT') or 5432}",
        f"--username={target.get('USER') or 'postgres'}",
        f"--dbname={target['NAME']}",
    ]
    return options, env


def _run(command, env=None):
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            _("%s is not installed (package postgresql-client).") % command[0]
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]}: {error.stderr.strip()}") from error


def _raw(target):
    """A DB-API connection to `target` of its own, outside Django's."""
    if vendor_of(target) == "sqlite":
        return sqlite3.connect(target["NAME"])
    import psycopg

    return psycopg.connect(
        host=target.get("HOST") or "localhost",
        port=target.get("PORT") or 5432,
        user=target.get("USER") or "postgres",
        password=target.get("PASSWORD") or None,
        dbname=target["NAME"],
        autocommit=True,
    )


def _tables(cursor, vendor):
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return sorted(n for (n,) in cursor.fetchall() if not n.startswith("sqlite_"))
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return sorted(n for (n,) in cursor.fetchall())


def table_counts(target):
    """{table: rows} of the database `target` (a settings dict); {} when it has none."""
    vendor = vendor_of(target)
    if vendor == "sqlite" and not Path(target["NAME"]).exists():
        return {}
    connection = _raw(target)
    try:
        cursor = connection.cursor()
        counts = {}
        for table in _tables(cursor, vendor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts
    finally:
        connection.close()


def backup(path, media_root, alias="default"):
    """Writes the archive of database `alias` and `media_root` to `path`; its manifest."""
    connection = connections[alias]
    target = connection.settings_dict
    vendor = vendor_of(target)
    media_root = Path(media_root)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS[vendor]
        if vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(dump)
            try:
                connection.connection.backup(copy)  # consistent while others write
            finally:
                copy.close()
            counts = table_counts({**target, "NAME": str(dump)})
        else:
            options, env = _pg_command(target)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump}",
                    *options,
                ],
                env,
            )
            counts = table_counts(target)
        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "counts": counts,
            "media_files": sum(1 for p in media_root.rglob("*") if p.is_file())
            if media_root.exists()
            else 0,
        }
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "w:gz") as archive:
            archive.add(Path(work) / "manifest.json", "manifest.json")
            archive.add(dump, dump.name)
            if media_root.exists():
                archive.add(media_root, "media")
    return manifest


def read_manifest(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(
            _("%(path)s is not a poolcrm backup: %(error)s") % {"path": path, "error": error}
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%s was written by another version of the backup.") % path)
    return manifest


def restore(path, target, media_root):
    """Restores the archive at `path` into the empty database `target` (a settings dict)
    and the empty folder `media_root`. Returns the manifest."""
    manifest = read_manifest(path)
    vendor = vendor_of(target)
    if manifest["vendor"] != vendor:
        raise BackupError(
            _("The archive holds a %(archive)s database; the target is %(target)s.")
            % {"archive": manifest["vendor"], "target": vendor}
        )
    people = table_counts(target).get(PEOPLE_TABLE, 0)
    if people:
        raise BackupError(
            _("The database already holds %(count)d people; restore into an empty one.")
            % {"count": people}
        )
    media_root = Path(media_root)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(_("%s already holds files; restore into an empty folder.") % media_root)
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        archive.extractall(work, filter="data")
        dump = Path(work) / DUMPS[vendor]
        if vendor == "sqlite":
            name = Path(target["NAME"])
            name.parent.mkdir(parents=True, exist_ok=True)
            for stale in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
                stale.unlink(missing_ok=True)
            shutil.copyfile(dump, name)
        else:
            options, env = _pg_command(target)
            restore_options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
            _run(["pg_restore", *restore_options, *options, str(dump)], env)
        media = Path(work) / "media"
        if media.exists():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
    return manifest
