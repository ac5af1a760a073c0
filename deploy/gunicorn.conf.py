"""gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`, run by
deploy/systemd/poolcrm-web.service behind nginx (deploy/nginx/poolcrm.conf). The numbers
can be changed from the service's environment file (deploy/poolcrm.env.example)."""

import os


def _number(variable, default):
    value = os.environ.get(variable, "").strip()
    return int(value) if value else default


def _cores():
    """The cores this process may run on (a CPU quota or affinity may give it fewer than
    the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("POOLCRM_WEB_BIND", "127.0.0.1:8000")

# A worker per core, each with threads: a sign-in waiting for its turn at the password
# check (org/password_checks.py) or a request waiting on the database leaves the other
# threads serving. Measured in benchmarks/RESULTS.md (login flood): sync workers let a
# flood of wrong passwords raise the browsing p95 25-fold, threaded ones 1.3-fold.
worker_class = "gthread"
workers = _number("POOLCRM_WEB_WORKERS", 0) or _cores()
threads = _number("POOLCRM_WEB_THREADS", 8)

# A worker whose main loop is silent this long is killed and replaced. With threads, a
# slow request does not stop the loop; this catches a worker that hangs as a whole.
timeout = 60
# On `kill -HUP` (systemctl reload) or a stop, old workers get this long to finish the
# requests they hold before they are killed.
graceful_timeout = 30
# Idle keep-alive connections from nginx on the same machine.
keepalive = 5

# Each worker is replaced after about this many requests (spread by the jitter, so they
# do not all restart at once): whatever a worker leaks is given back.
max_requests = 1000
max_requests_jitter = 100

# Off: every worker imports the application itself, so `kill -HUP` (systemctl reload)
# starts workers with the new code while the old ones finish their requests.
preload_app = False

# The application writes one JSON line per request itself (the logger poolcrm.access,
# ops/access.py); a second line per request from gunicorn would only double the journal.
accesslog = None
errorlog = "-"
loglevel = "info"

# The workers' heartbeat files in memory rather than on disk, where a slow disk could make
# a busy worker look dead.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No control socket: gunicorn would put one at ~/.gunicorn/gunicorn.ctl, the same path for
# every gunicorn of the user, so a second server (the sign-in one the README describes)
# would take it over. Reload and stop go through signals (systemctl reload / stop).
control_socket_disable = True


def child_exit(server, worker):
    """With several workers, /metrics adds up every worker's files in
    PROMETHEUS_MULTIPROC_DIR (ops/metrics.py); a worker that ended has its live gauges
    removed from the sum, as prometheus_client's documentation asks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
