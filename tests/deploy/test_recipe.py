"""The production recipe in deploy/, walked as a server runs it.

A database of its own (a SQLite file under the test's folder, or a new PostgreSQL database
on the server DATABASE_URL names), an environment file made from
deploy/poolcrm.env.example with what a deployer fills in, `manage.py migrate`,
`collectstatic` and `check --deploy`; then the three services exactly as their systemd
units start them (gunicorn -c deploy/gunicorn.conf.py, db_worker, schedule), with the
unit's /srv/poolcrm, its .venv and its runtime directory mapped onto this checkout, this
virtualenv and the test's folder. A real HTTP client speaks to gunicorn as nginx does
(plain HTTP from 127.0.0.1 with X-Forwarded-Proto: https) and as a browser would through
it: signs in with the login form, claims a customer with the pool page's form, opens a
static file, a missing page, /readyz and /metrics, and reloads gunicorn with SIGHUP."""

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from org.testing import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "poolcrm.env.example"
VENV_BIN = Path(sys.executable).parent  # the recipe's /srv/poolcrm/.venv/bin
CHECKOUT = "/srv/poolcrm"
ENV_FILE = "/etc/poolcrm/poolcrm.env"
SECONDS = 60  # the most any one step may take
SELLER, CUSTOMER = "seller", "Recipe Trading Co"
CLIENT_ADDRESS = "203.0.113.7"  # a documentation address: only ever written in a header


# --- the recipe's files ------------------------------------------------------------------


def read_env_file(path):
    """KEY=value lines, as systemd's EnvironmentFile= reads them (no quotes here)."""
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"{path}: not KEY=value: {line!r}"
            values[key] = value
    return values


def read_unit(name):
    """The [Service] section of deploy/systemd/NAME: {key: [values]}."""
    section, service = None, {}
    for line in (SYSTEMD / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            service.setdefault(key, []).append(value)
    return service


class Host:
    """Where the recipe's paths are on this machine."""

    def __init__(self, tmp_path):
        self.env_file = tmp_path / "poolcrm.env"
        self.run = tmp_path / "run"

    def path(self, text):
        if text.startswith(f"{CHECKOUT}/.venv/bin/"):
            return str(VENV_BIN / text.rsplit("/", 1)[1])
        if text.startswith("/run/"):
            return str(self.run / text.removeprefix("/run/"))
        return text.replace(CHECKOUT, str(ROOT))

    def service(self, unit_name):
        """(argv, environment) of a unit: its ExecStart and Environment= lines, then its
        EnvironmentFile= (which systemd lets override Environment=)."""
        unit = read_unit(unit_name)
        assert unit["WorkingDirectory"] == [CHECKOUT]
        assert unit["EnvironmentFile"] == [ENV_FILE]
        for directory in unit.get("RuntimeDirectory", []):
            (self.run / directory).mkdir(parents=True, exist_ok=True)
        env = base_environment(self.run.parent)
        for assignment in unit.get("Environment", []):
            key, _, value = assignment.partition("=")
            env[key] = self.path(value)
        env.update(read_env_file(self.env_file))
        (command,) = unit["ExecStart"]
        return [self.path(word) for word in shlex.split(command)], env


def base_environment(home):
    """What systemd gives a service before its own settings: no variable of this test run
    (pytest-xdist's, the suite's DATABASE_URL, a browser test's async switch)."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8"}


# --- fixtures ----------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url():
    """'' (SQLite in POOLCRM_VAR_DIR) without DATABASE_URL; with it, a new PostgreSQL
    database on the same server, dropped at the end."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        yield ""
        return
    import psycopg

    name = f"poolcrm_recipe_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def host(tmp_path, database_url):
    """The environment file a deployer makes from the example: the example as it is, with
    what its comments say to fill in."""
    host = Host(tmp_path)
    port = free_port()
    settings = read_env_file(ENV_EXAMPLE)
    settings.update(
        POOLCRM_SECRET_KEY=secrets.token_urlsafe(50),
        POOLCRM_ALLOWED_HOSTS="127.0.0.1",
        POOLCRM_SITE_URL=f"https://127.0.0.1:{port}",
        DATABASE_URL=database_url,
        POOLCRM_VAR_DIR=str(tmp_path / "var"),
        POOLCRM_WEB_BIND=f"127.0.0.1:{port}",
        # Two workers (so /metrics adds up two), few threads: this machine is shared.
        POOLCRM_WEB_WORKERS="2",
        POOLCRM_WEB_THREADS="4",
    )
    host.env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    host.port, host.var = port, tmp_path / "var"
    return host


@pytest.fixture
def services(host, tmp_path):
    """`services.start(unit)` starts a unit's ExecStart in a process group of its own;
    every one is stopped at the end (SIGTERM, as systemd stops it, then SIGKILL)."""
    started = []

    class Services:
        @staticmethod
        def start(unit_name):
            argv, env = host.service(unit_name)
            log = tmp_path / f"{unit_name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    argv,
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            process.log = log
            started.append(process)
            return process

    yield Services
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture
def browser(host, services):
    """Closed before the services stop: gunicorn then waits for no idle connection."""
    with Browser(host.port) as browser:
        yield browser


def manage(host, *args):
    """`manage.py ARGS` as the README's commands run it: the environment file's settings."""
    env = base_environment(host.env_file.parent)
    env.update(read_env_file(host.env_file))
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECONDS * 2,
    )
    assert run.returncode == 0, f"manage.py {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
    return run.stdout


SET_UP = f"""
from customers.services import ownership
from org.testing import UserFactory
seller = UserFactory(username={SELLER!r}, display_name="Sally Seller")
marketer = UserFactory(username="marketer", display_name="Mo Marketer", pool_manager=True)
customer = ownership.create(marketer, {{"name": {CUSTOMER!r}}})
print(customer.pk)
"""


# --- the client --------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: each one's attributes, inputs and buttons."""

    def __init__(self, html):
        super().__init__()
        self.forms, self._open = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = {"attrs": attrs, "inputs": [], "buttons": []}
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "button"):
            self._open[f"{tag}s"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None

    def having(self, tag, **wanted):
        """The one form with a `tag` ("input", "button") whose attributes include these."""
        found = [
            form
            for form in self.forms
            if any(wanted.items() <= item.items() for item in form[f"{tag}s"])
        ]
        assert len(found) == 1, f"{len(found)} forms with {tag} {wanted}"
        return found[0]


def hidden_fields(form):
    return {i["name"]: i.get("value", "") for i in form["inputs"] if i.get("type") == "hidden"}


class Nginx(requests.adapters.HTTPAdapter):
    """What nginx (deploy/nginx/poolcrm.conf) does with a browser's request to
    https://127.0.0.1:PORT: passes it on to gunicorn over plain HTTP, saying it came over
    HTTPS and from which address."""

    def send(self, request, **kwargs):
        url = request.url
        request.url = "http://" + url.removeprefix("https://")
        request.headers["X-Forwarded-Proto"] = "https"
        request.headers["X-Forwarded-For"] = CLIENT_ADDRESS
        try:
            response = super().send(request, **kwargs)
        finally:
            request.url = url
        response.url = url
        return response


class Browser(requests.Session):
    """A browser on https://127.0.0.1:PORT (through Nginx above): its cookies, Secure ones
    included, and the page's Origin on a form's POST."""

    def __init__(self, port):
        super().__init__()
        self.origin = f"https://127.0.0.1:{port}"
        self.mount(self.origin, Nginx())

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", SECONDS)
        if method.upper() == "POST":
            kwargs.setdefault("headers", {})["Origin"] = self.origin
        return super().request(method, self.origin + url, **kwargs)


def wait_until(what, check, process=None, seconds=SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process ended:\n{process.log.read_text()[-3000:]}")
        try:
            if check():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    log = f":\n{process.log.read_text()[-3000:]}" if process is not None else ""
    raise AssertionError(f"{what}: not within {seconds} s{log}")


def worker_pids(master):
    run = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True)
    return {int(pid) for pid in run.stdout.split()}


# --- the tests ---------------------------------------------------------------------------


def test_the_env_example_lists_every_setting_read_from_the_environment():
    """Every os.environ read of the application (config/settings.py, ops/metrics.py) and of
    deploy/gunicorn.conf.py is in deploy/poolcrm.env.example, set or shown in a comment."""
    import re

    read = set()
    for path in [ROOT / "config" / "settings.py", DEPLOY / "gunicorn.conf.py"]:
        text = path.read_text()
        read |= set(re.findall(r"""(?:environ\.get|_networks|_number)\(\s*["']([A-Z_]+)""", text))
    read.add("PROMETHEUS_MULTIPROC_DIR")
    example = ENV_EXAMPLE.read_text()
    listed = set(read_env_file(ENV_EXAMPLE)) | set(re.findall(r"^# ([A-Z_]+)=", example, re.M))
    assert read - listed == set(), "add these to deploy/poolcrm.env.example"
    assert "POOLCRM_DEBUG" in read and "DATABASE_URL" in read  # the pattern finds them


def test_the_recipe_serves_a_sign_in_and_a_claim(host, services, browser):
    manage(host, "migrate", "--noinput")
    manage(host, "collectstatic", "--noinput")
    manage(host, "check", "--deploy", "--fail-level", "WARNING")
    customer_id = int(manage(host, "shell", "--verbosity", "0", "-c", SET_UP))

    web = services.start("poolcrm-web.service")
    worker = services.start("poolcrm-worker.service")
    scheduler = services.start("poolcrm-scheduler.service")
    direct = f"http://127.0.0.1:{host.port}"
    wait_until("gunicorn answers", lambda: browser.get("/healthz").ok, web)

    # Plain HTTP that did not come through nginx's TLS is sent to HTTPS.
    plain = requests.get(f"{direct}/login/", allow_redirects=False, timeout=SECONDS)
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://127.0.0.1:{host.port}/login/"

    # Sign in through the login form, its CSRF token from the form.
    page = browser.get("/login/")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    form = Forms(page.text).having("input", name="password")
    answer = browser.post(
        form["attrs"]["action"],
        data={**hidden_fields(form), "username": SELLER, "password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]
    assert "secure" in answer.headers["Set-Cookie"].lower()
    assert "/login/" not in answer.headers["Location"]

    # Claim the customer with the pool page's form: its checkbox and its Claim button.
    pool = browser.get("/pool/")
    assert pool.status_code == 200 and CUSTOMER in pool.text
    form = Forms(pool.text).having("input", name="ids", value=str(customer_id))
    claim = next(b for b in form["buttons"] if b.get("value") == "claim")
    answer = browser.post(
        form["attrs"]["action"],
        data={**hidden_fields(form), "ids": str(customer_id), claim["name"]: claim["value"]},
    )
    assert answer.status_code == 200, answer.text[:2000]
    assert answer.url == f"{browser.origin}/pool/" and answer.history[0].status_code == 303
    assert CUSTOMER in browser.get("/mine/").text
    owner = manage(
        host,
        "shell",
        "--verbosity",
        "0",
        "-c",
        f"from customers.models import Customer; print(Customer.objects.get(pk={customer_id})"
        ".owner.username)",
    )
    assert owner.split() == [SELLER]

    # Static files: collected where nginx serves them from, and served by the app too.
    collected = host.var / "static" / "app" / "app.css"
    assert collected.is_file()
    static = browser.get("/static/app/app.css")
    assert static.status_code == 200 and static.headers["Content-Type"].startswith("text/css")
    assert static.content == collected.read_bytes()

    # DEBUG is off: a missing page is the plain 404, nothing of the code behind it.
    missing = browser.get("/no-such-page/")
    assert missing.status_code == 404
    for leak in ("Traceback", "DEBUG = True", "URLconf", "config.urls"):
        assert leak not in missing.text

    # Ready: the database answers, every migration is applied, and the worker ran the
    # heartbeat job the scheduler queued.
    wait_until("/readyz answers 200", lambda: browser.get("/readyz").status_code == 200, worker)
    # /metrics, from this machine, adds up both workers (PROMETHEUS_MULTIPROC_DIR).
    metrics = requests.get(f"{direct}/metrics", timeout=SECONDS)
    assert metrics.status_code == 200 and "django_http_requests_total" in metrics.text

    # One JSON access line per request from the app, none from gunicorn itself.
    lines = web.log.read_text().splitlines()
    logged = [json.loads(line) for line in lines if line.startswith("{")]
    pool_lines = [e for e in logged if e.get("path") == "/pool/" and e.get("status") == 200]
    assert pool_lines, lines
    # nginx's X-Forwarded-For believed from 127.0.0.1 (POOLCRM_TRUSTED_PROXIES).
    assert pool_lines[0]["ip"] == CLIENT_ADDRESS
    assert not [line for line in lines if '"GET /pool/ HTTP/1.1"' in line]

    # `kill -HUP` (systemctl reload): new workers, the same master, nobody signed out.
    before = worker_pids(web)
    assert len(before) == 2
    os.kill(web.pid, signal.SIGHUP)
    wait_until(
        "gunicorn replaces its workers",
        lambda: len(worker_pids(web)) == 2 and not worker_pids(web) & before,
        web,
    )
    mine = browser.get("/mine/", allow_redirects=False)
    assert mine.status_code == 200 and CUSTOMER in mine.text

    for process in (web, worker, scheduler):
        assert process.poll() is None, process.log.read_text()[-3000:]
