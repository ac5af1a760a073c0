"""Background jobs in Redis (POOLCRM_TASKS=rq, config/settings.py): the switch, and an
import queued through django-tasks-rq and run by a real `manage.py rqworker` on the
suite's database.

The worker test uses database 15 of the Redis at 127.0.0.1:6379, emptied before and after
(test runs side by side take turns); it is skipped only when no Redis answers there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rq import Queue
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from core.testing import REDIS_URL, database_url, exclusive_redis
from customers.models import Customer
from transfers import importing
from transfers.models import ImportJob

ROOT = Path(__file__).resolve().parents[2]

SHOW_SETTINGS = """
import django
from django.conf import settings
from django.core.management import call_command
django.setup()
call_command("check")  # django-tasks-rq's checks too: django_rq installed, queue configured
queues = getattr(settings, "RQ_QUEUES", {})
print(settings.TASKS["default"]["BACKEND"], queues.get("default", {}).get("URL"),
      "django_rq" in settings.INSTALLED_APPS)
"""


def python(*args, **env):
    """`python ARGS` in the project, with the environment given in place of this run's
    POOLCRM_ settings."""
    leave_out = ("POOLCRM_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_job_backend_refuses_to_start(tmp_path):
    run = python("manage.py", "check", POOLCRM_VAR_DIR=str(tmp_path), POOLCRM_TASKS="nonsense")
    assert run.returncode != 0
    assert "ImproperlyConfigured: POOLCRM_TASKS='nonsense' is not a job backend" in run.stderr
    assert "use 'database' (the default) or 'rq'" in run.stderr


@pytest.mark.parametrize(
    ("switch", "shown"),
    [
        ({}, "django_tasks_db.DatabaseBackend None False"),
        ({"POOLCRM_TASKS": "database"}, "django_tasks_db.DatabaseBackend None False"),
        ({"POOLCRM_TASKS": "rq"}, "django_tasks_rq.RQBackend redis://127.0.0.1:6379/0 True"),
        (
            {"POOLCRM_TASKS": "rq", "POOLCRM_REDIS_URL": "redis://127.0.0.1:6390/3"},
            "django_tasks_rq.RQBackend redis://127.0.0.1:6390/3 True",
        ),
    ],
)
def test_the_switch_chooses_the_backend_and_passes_the_checks(tmp_path, switch, shown):
    run = python("-c", SHOW_SETTINGS, POOLCRM_VAR_DIR=str(tmp_path), **switch)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == shown


@pytest.fixture
def redis():
    with exclusive_redis("the RQ worker") as redis:
        yield redis


@pytest.mark.django_db(transaction=True)  # committed: the worker's process reads it
def test_an_import_is_queued_in_redis_and_run_by_an_rq_worker(company, redis, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker's: POOLCRM_VAR_DIR below
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    data = "客户名称,电话\n甲乙有限公司,021-1234\n丙丁科技,010-5678\n".encode()
    job = importing.prepare(company.marketer, SimpleUploadedFile("customers.csv", data))
    importing.start(company.marketer, job, target=ImportJob.Target.POOL)

    queue = Queue("default", connection=redis)
    assert queue.count == 1  # in Redis, not run yet
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED

    worker = python(
        "manage.py",
        "rqworker",
        "--burst",  # until the queue is empty
        DATABASE_URL=database_url(),
        POOLCRM_VAR_DIR=str(tmp_path),
        POOLCRM_TASKS="rq",
        POOLCRM_REDIS_URL=REDIS_URL,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error or worker.stdout + worker.stderr
    assert job.imported == 2
    assert set(Customer.objects.values_list("name", flat=True)) == {"甲乙有限公司", "丙丁科技"}
    assert queue.count == 0
    assert FinishedJobRegistry(queue=queue).count == 1
    assert FailedJobRegistry(queue=queue).count == 0
