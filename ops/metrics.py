"""What /metrics exposes besides django-prometheus's request series: the database's
statements (counted through Django's execute wrappers into django-prometheus's own
`django_db_*` series) and the background jobs' queues, read when Prometheus scrapes.

Several gunicorn workers each count their own requests: set PROMETHEUS_MULTIPROC_DIR (an
empty directory, emptied at each start) in the server's environment and every worker's
counts are added up at each scrape, as prometheus_client documents."""

import hmac
import os
import time

import prometheus_client
from django.conf import settings
from django_prometheus.db import (
    errors_total,
    execute_many_total,
    execute_total,
    query_duration_seconds,
)
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from . import workers
from .addresses import address_of, came_through_unknown_proxy, client_ip


def count_queries_of(sender, connection, **kwargs):
    """connection_created: counts every statement of this connection (once per wrapper:
    the signal comes again at each reconnection of the same wrapper)."""
    if _count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_query)


def _count_query(execute, sql, params, many, context):
    connection = context["connection"]
    labels = (connection.alias, connection.vendor)
    statements = len(params) if many and hasattr(params, "__len__") else 1
    execute_total.labels(*labels).inc(statements)
    if many:
        execute_many_total.labels(*labels).inc(statements)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception as error:
        errors_total.labels(*labels, type(error).__name__).inc()
        raise
    finally:
        query_duration_seconds.labels(*labels).observe(time.perf_counter() - started)


def allowed(request):
    """Whether this request may read the metrics: it carries the bearer token of
    settings.METRICS_TOKEN, or it comes straight (through no unknown proxy) from an address
    in settings.METRICS_ALLOW."""
    token = settings.METRICS_TOKEN
    sent = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    if came_through_unknown_proxy(request):
        return False
    address = address_of(client_ip(request))
    return address is not None and any(address in net for net in settings.METRICS_ALLOW)


class JobQueues(Collector):
    """The job queues as they stand at the scrape: waiting, running and failed jobs per
    queue, from django-tasks-db's table or RQ's queues in Redis; and the age of the worker
    heartbeat (ops.workers)."""

    def collect(self):
        waiting = GaugeMetricFamily(
            "poolcrm_job_queue_depth", "Jobs queued and waiting for a worker.", labels=["queue"]
        )
        running = GaugeMetricFamily(
            "poolcrm_job_queue_running", "Jobs a worker is running now.", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "poolcrm_job_queue_failed",
            "Failed jobs still on record (django-tasks-db's until pruned, RQ's failed job "
            "registry): a rise is a new failure.",
            labels=["queue"],
        )
        up = GaugeMetricFamily(
            "poolcrm_job_queue_up", "1 when the job queues could be read at this scrape, else 0."
        )
        try:
            counts = _queue_counts()
            age = workers.last_seen()
        except Exception:  # the database or Redis is down: the scrape still answers
            up.add_metric([], 0)
            yield up
            return
        for queue, (queued, busy, broken) in counts.items():
            waiting.add_metric([queue], queued)
            running.add_metric([queue], busy)
            failed.add_metric([queue], broken)
        up.add_metric([], 1)
        yield from (waiting, running, failed, up)
        if age is not None:
            yield GaugeMetricFamily(
                "poolcrm_job_worker_last_seen_seconds",
                "Seconds since a background-job worker last ran the heartbeat job.",
                value=age,
            )


def _queue_counts():
    """{queue: (waiting, running, failed)} of every queue of the default job backend."""
    queues = settings.TASKS["default"].get("QUEUES") or ["default"]
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        counts = {}
        for name in queues:
            queue = django_rq.get_queue(name)
            counts[name] = (
                queue.count,
                queue.started_job_registry.count,
                queue.failed_job_registry.count,
            )
        return counts
    from django.db.models import Count
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    counts = {name: [0, 0, 0] for name in queues}
    column = {TaskResultStatus.READY: 0, TaskResultStatus.RUNNING: 1, TaskResultStatus.FAILED: 2}
    rows = (
        DBTaskResult.objects.filter(backend_name="default", queue_name__in=queues)
        .filter(status__in=column)
        .values_list("queue_name", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for queue, status, n in rows:
        counts[queue][column[status]] = n
    return {name: tuple(row) for name, row in counts.items()}


def exposition():
    """The text Prometheus reads: this process's series (every gunicorn worker's when
    PROMETHEUS_MULTIPROC_DIR is set), then the job queues."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = prometheus_client.REGISTRY
    jobs = CollectorRegistry(auto_describe=False)
    jobs.register(JobQueues())
    return prometheus_client.generate_latest(processes) + prometheus_client.generate_latest(jobs)
