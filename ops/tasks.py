"""The heartbeat job, queued by `manage.py schedule` (settings.PERIODIC_TASKS) twice in
every window of settings.WORKER_SEEN_SECONDS, so /readyz knows a worker runs jobs."""

from django_tasks import task

from . import workers


@task()
def heartbeat():
    """Stamps that a worker ran a job just now."""
    workers.seen(heartbeat.module_path)
