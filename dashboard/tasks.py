"""The dashboard's periodic job, queued by `manage.py schedule` (settings.PERIODIC_TASKS)."""

from django_tasks import task

from . import snapshots


@task()
def snapshot_pools():
    """Today's size of every pool, for the chart of the pool over time (issue 18). Safe to
    run twice at once. Returns how many pools it counted."""
    return snapshots.take()
