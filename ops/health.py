"""Liveness and readiness (/healthz, /readyz): what a load balancer or an orchestrator asks
before it sends this server work."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import workers

logger = logging.getLogger("poolcrm.ops")
# Unapplied migrations named in the answer; the count says how many more.
NAMED_MIGRATIONS = 5


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


def readiness():
    """Every readiness check, in order: the database answers, every migration is applied,
    a job worker was seen within settings.WORKER_SEEN_SECONDS. The later two read the
    database, so they are not tried when it does not answer."""
    database = database_answers()
    if not database.ok:
        skipped = _("Not checked: the database did not answer.")
        return [database, Check("migrations", False, skipped), Check("worker", False, skipped)]
    return [database, migrations_applied(), worker_seen()]


def database_answers(alias=DEFAULT_DB_ALIAS):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        # The details stay in the log: /readyz answers whoever asks.
        logger.warning("readiness: the database did not answer: %s", error)
        return Check(
            "database",
            False,
            _("The database did not answer (%(error)s).") % {"error": type(error).__name__},
        )
    return Check("database", True, _("The database answers."))


def migrations_applied(alias=DEFAULT_DB_ALIAS):
    try:
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        logger.warning("readiness: the applied migrations could not be read: %s", error)
        return Check("migrations", False, _("The applied migrations could not be read."))
    if not plan:
        return Check("migrations", True, _("Every migration is applied."))
    names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:NAMED_MIGRATIONS])
    message = ngettext(
        "%(count)d migration is not applied (%(names)s): run manage.py migrate.",
        "%(count)d migrations are not applied (%(names)s): run manage.py migrate.",
        len(plan),
    ) % {"count": len(plan), "names": names + (", …" if len(plan) > NAMED_MIGRATIONS else "")}
    return Check("migrations", False, message)


def worker_seen():
    window = settings.WORKER_SEEN_SECONDS
    command = "rqworker" if settings.TASKS_BACKEND == "rq" else "db_worker"
    start = _(
        "Start manage.py %(command)s and manage.py schedule (which queues the heartbeat job)."
    ) % {"command": command}
    try:
        age = workers.last_seen()
    except DatabaseError as error:
        logger.warning("readiness: the worker heartbeat could not be read: %s", error)
        return Check("worker", False, _("The worker heartbeat could not be read."))
    if age is None:
        return Check("worker", False, _("No job worker has been seen yet.") + " " + start)
    if age > window:
        message = _(
            "No job worker has been seen in the last %(window)d seconds "
            "(last seen %(age)d seconds ago)."
        ) % {"window": window, "age": age}
        return Check("worker", False, message + " " + start)
    return Check("worker", True, _("A job worker was seen %(age)d seconds ago.") % {"age": age})
