"""The customers' periodic jobs, queued by `manage.py schedule` (settings.PERIODIC_TASKS)
and run by the job workers beside imports and exports."""

from django_tasks import task

from .services.ownership import sweep


@task()
def sweep_pool():
    """The pool rules' automatic return (issue 17). Safe to run twice at once."""
    return len(sweep().done)
