"""The background jobs of imports and long exports (Django's tasks API through the
django-tasks backport; `manage.py db_worker` runs them)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .models import ExportJob, ImportJob

# A running import commits a chunk every few seconds, an export writes its progress as
# often; one silent this long lost its worker.
STALLED_AFTER = timedelta(minutes=2)


@task()
def run_import(job_id):
    from .importing import run

    run(job_id)


@task()
def run_export(job_id):
    from .export_jobs import run

    run(job_id)


def resume_stalled(jobs=None):
    """Queue again the imports whose worker stopped (killed, restarted): the next worker
    goes on after their last committed chunk. Returns how many."""
    jobs = ImportJob.objects.all() if jobs is None else jobs
    quiet_since = timezone.now() - STALLED_AFTER
    stalled = jobs.filter(
        state=ImportJob.State.RUNNING, heartbeat_at__lt=quiet_since
    ) | jobs.filter(
        state=ImportJob.State.RUNNING, heartbeat_at__isnull=True, started_at__lt=quiet_since
    )
    count = 0
    for job in stalled:
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
        run_import.enqueue(job.pk)
        count += 1
    return count


def resume_stalled_exports(jobs=None):
    """Queue again the long exports whose worker stopped: the next worker writes the file
    anew. Returns how many."""
    jobs = ExportJob.objects.all() if jobs is None else jobs
    quiet_since = timezone.now() - STALLED_AFTER
    count = 0
    for job in jobs.filter(state=ExportJob.State.RUNNING, heartbeat_at__lt=quiet_since):
        queued = ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).update(
            state=ExportJob.State.QUEUED, done=0, heartbeat_at=timezone.now()
        )
        if queued:  # not taken up meanwhile by another look at its page
            run_export.enqueue(job.pk)
            count += 1
    return count
