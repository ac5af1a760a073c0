"""Whether a background-job worker is running: the heartbeat it stamps, and its age.

Neither job backend says so itself within a minute: django-tasks-db's `db_worker` records
nothing while it waits for jobs, and RQ's worker refreshes its `last_heartbeat` in Redis
only every `worker_ttl - 15` seconds (405 by default) while idle. So `manage.py schedule`
queues ops.tasks.heartbeat twice per settings.WORKER_SEEN_SECONDS, whichever backend runs
it, and the worker that runs it stamps the one WorkerHeartbeat row in the database, where
every app server reads it. A worker busy with one long job the whole window is not seen:
run two when imports take longer than that."""

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import WorkerHeartbeat

# The heartbeat's own results kept in django-tasks-db's table; it queues 2,880 a day.
KEEP_RESULTS = timedelta(hours=1)


def seen(task_path):
    """Stamps the heartbeat, and forgets the heartbeat's older results in the database."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name="worker",
        defaults={"seen_at": now, "worker": f"{socket.gethostname()} pid {os.getpid()}"},
    )
    if settings.TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.successful().filter(
            task_path=task_path, finished_at__lt=now - KEEP_RESULTS
        ).delete()


def last_seen():
    """Seconds since a worker last ran the heartbeat job (a float), or None if never."""
    row = WorkerHeartbeat.objects.filter(name="worker").only("seen_at").first()
    return None if row is None else (timezone.now() - row.seen_at).total_seconds()
