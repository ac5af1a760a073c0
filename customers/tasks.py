"""The customers' periodic jobs, queued by `manage.py schedule` (settings.PERIODIC_TASKS)
and run by the job workers beside imports and exports."""

from django_tasks import task

from .services.due import refresh_all, warn
from .services.ownership import sweep


@task()
def sweep_pool():
    """The pool rules' warnings and automatic return (issue 17). Safe to run twice at
    once. Returns how many customers went back to the pool."""
    warn()
    return len(sweep().done)


@task()
def redate_customers():
    """Every claimed customer dated by the pool rules as they now are (issue 17), queued
    when an administrator changes them. Safe to run twice at once."""
    return refresh_all()
