"""/metrics: django-prometheus's request series, the database's statements and the job
queues, for Prometheus only (loopback by default, or a bearer token)."""

import ipaddress
import re

from django.db import connection
from django_tasks_db.models import DBTaskResult

from ops.tasks import heartbeat

REFUSED = (
    "Metrics are served only to the addresses in POOLCRM_METRICS_ALLOW, or with the bearer "
    "token of POOLCRM_METRICS_TOKEN."
)


def sample(text, name, **labels):
    """The value of one series in the exposition text, or None."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    pattern = "^" + re.escape(f"{name}{{{wanted}}}" if labels else name) + r" (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return None if found is None else float(found.group(1))


def scrape(client, **extra):
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def test_requests_per_view_and_database_statements(client, db):
    name = "django_http_requests_latency_seconds_by_view_method_count"
    before = sample(scrape(client), name, method="GET", view="login") or 0
    assert client.get("/login/").status_code == 200
    text = scrape(client)
    assert sample(text, name, method="GET", view="login") == before + 1
    assert sample(text, "django_db_execute_total", alias="default", vendor=connection.vendor) > 0
    assert "django_db_query_duration_seconds_bucket{" in text
    assert "django_http_responses_total_by_status_view_method_total{" in text


def test_statements_are_counted_as_they_run(client, db):
    def executed():
        text = scrape(client)
        return sample(text, "django_db_execute_total", alias="default", vendor=connection.vendor)

    first = executed()
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT 1")
    # The scrape's own statements are the same each time (the job queues' two readings).
    each_scrape = executed() - first - 3
    assert executed() - first == 3 + 2 * each_scrape


def test_the_job_queues_in_the_database(client, db):
    waiting, failing, done = heartbeat.enqueue(), heartbeat.enqueue(), heartbeat.enqueue()
    DBTaskResult.objects.filter(pk=failing.id).update(status="FAILED")
    DBTaskResult.objects.filter(pk=done.id).update(status="SUCCESSFUL")
    text = scrape(client)
    assert sample(text, "poolcrm_job_queue_depth", queue="default") == 1
    assert sample(text, "poolcrm_job_queue_running", queue="default") == 0
    assert sample(text, "poolcrm_job_queue_failed", queue="default") == 1
    assert sample(text, "poolcrm_job_queue_up") == 1
    assert sample(text, "poolcrm_job_worker_last_seen_seconds") is None  # never seen
    heartbeat.call()
    assert 0 <= sample(scrape(client), "poolcrm_job_worker_last_seen_seconds") < 60
    assert waiting.id


def test_the_job_queues_in_redis(client, db, rq_backend):
    heartbeat.enqueue()
    heartbeat.enqueue()
    text = scrape(client)
    assert sample(text, "poolcrm_job_queue_depth", queue="default") == 2
    assert sample(text, "poolcrm_job_queue_failed", queue="default") == 0
    assert sample(text, "poolcrm_job_queue_up") == 1


def test_every_gunicorn_workers_counts_with_prometheus_multiproc_dir(
    client, db, monkeypatch, tmp_path
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = scrape(client)
    assert sample(text, "poolcrm_job_queue_up") == 1


def test_refused_to_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert response.content.decode() == REFUSED


def test_refused_through_a_proxy_not_trusted(client):
    """nginx on this machine calls from 127.0.0.1 for anyone on the internet."""
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 403


def test_the_allow_list_through_a_trusted_proxy(client, db, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.2")]
    settings.METRICS_ALLOW = [ipaddress.ip_network("192.0.2.0/24")]
    proxied = {"REMOTE_ADDR": "10.0.0.2"}
    scrape(client, HTTP_X_FORWARDED_FOR="192.0.2.7", **proxied)
    refused = client.get("/metrics", HTTP_X_FORWARDED_FOR="192.0.2.7, 203.0.113.9", **proxied)
    assert refused.status_code == 403  # the nearest hop is who called the proxy
    assert client.get("/metrics").status_code == 403  # loopback is no longer listed


def test_a_bearer_token_from_anywhere(client, db, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    far = {"REMOTE_ADDR": "203.0.113.9"}
    scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-token", **far)
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-tokeX", **far)
    assert wrong.status_code == 403
