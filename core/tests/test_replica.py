"""The read replica (core/replica.py): the router's choices with the WAL positions made up,
the stamp a write leaves, which views opt in, the refusal of a replica beside SQLite, and a
real PostgreSQL streaming replica serving the app's lists over HTTP."""

import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections
from django.http import HttpResponse
from django.test import RequestFactory

from core import replica
from core.listing import FilteredListView
from customers.api.views import CustomerListMixin, CustomerViewSet, PoolDetailView
from customers.models import Customer
from ops.tests.servers import app_server, manage
from org.models import Department
from records.api import CustomerRecordViewSet, ModuleListView

REPLICA = replica.REPLICA
BEHIND, STAMP, AHEAD = 100, 200, 300


class Positions:
    """Made-up WAL positions: the replica's (None: not a standby; an exception: down) and
    the primary's, with how often each was asked."""

    def __init__(self, monkeypatch, replayed=STAMP, primary=STAMP):
        self.replayed, self.primary = replayed, primary
        self.asked = {"replica": 0, "primary": 0}
        monkeypatch.setattr(replica, "configured", lambda: True)
        monkeypatch.setattr(replica, "replica_position", self.replica_position)
        monkeypatch.setattr(replica, "primary_position", self.primary_position)
        monkeypatch.setattr(replica, "_set_aside_until", 0.0)

    def replica_position(self):
        self.asked["replica"] += 1
        if isinstance(self.replayed, Exception):
            raise self.replayed
        return self.replayed

    def primary_position(self):
        self.asked["primary"] += 1
        return self.primary


@pytest.fixture
def positions(monkeypatch):
    return Positions(monkeypatch)


def request_with(stamp=None, session=True, user=None):
    """A GET by a browser (a session cookie) or a script (none), with a stamp cookie."""
    factory = RequestFactory()
    request = factory.get("/customers/pool/")
    if stamp is not None:
        response = HttpResponse()
        response.set_signed_cookie(replica.STAMP_COOKIE, str(stamp), salt=replica.STAMP_SALT)
        request.COOKIES[replica.STAMP_COOKIE] = response.cookies[replica.STAMP_COOKIE].value
    if session:
        request.COOKIES["sessionid"] = "a-session"
    if user is not None:
        request.user = user
    return request


def database_of_a_list_read(request, *models, **hints):
    """Where the router sends each read of a list read of `request`."""
    router = replica.ReplicaRouter()
    return replica.read_lists(
        request, lambda: [router.db_for_read(model, **hints) for model in models or [Customer]]
    )


def test_without_a_replica_every_read_is_the_primarys():
    assert not replica.configured()
    assert database_of_a_list_read(request_with()) == [None]  # None: Django's default
    assert replica.ReplicaRouter().db_for_read(Customer) is None


def test_a_list_read_by_someone_who_wrote_nothing_goes_to_the_replica(positions):
    assert database_of_a_list_read(request_with(), Customer, Department) == [REPLICA, REPLICA]
    assert positions.asked == {"replica": 1, "primary": 0}  # once per request


def test_outside_a_list_read_the_router_has_no_say(positions):
    assert replica.ReplicaRouter().db_for_read(Customer) is None
    assert replica.ReplicaRouter().db_for_write(Customer) == replica.PRIMARY
    assert positions.asked == {"replica": 0, "primary": 0}


def test_after_a_write_not_yet_replayed_the_primary_answers(positions):
    positions.replayed = BEHIND
    assert database_of_a_list_read(request_with(stamp=STAMP)) == [None]


def test_once_the_write_is_replayed_the_replica_answers(positions):
    for replayed in (STAMP, AHEAD):
        positions.replayed = replayed
        assert database_of_a_list_read(request_with(stamp=STAMP)) == [REPLICA]


def test_a_stamp_cookie_not_signed_by_the_app_is_ignored(positions):
    request = request_with()
    request.COOKIES[replica.STAMP_COOKIE] = str(AHEAD)
    assert replica.cookie_stamp(request) is None


def test_a_replica_that_does_not_answer_leaves_the_lists_to_the_primary(positions, caplog):
    positions.replayed = OperationalError("connection refused")
    with caplog.at_level(logging.WARNING, logger="poolcrm.replica"):
        assert database_of_a_list_read(request_with()) == [None]
    assert "The read replica did not answer (connection refused)" in caplog.text
    # Set aside for a while: the next lists do not wait for it again.
    positions.replayed = STAMP
    assert database_of_a_list_read(request_with()) == [None]
    assert positions.asked["replica"] == 1


def test_a_replica_that_is_not_a_standby_is_not_read(positions, caplog):
    positions.replayed = None  # pg_last_wal_replay_lsn() of a primary, or a promoted replica
    with caplog.at_level(logging.WARNING, logger="poolcrm.replica"):
        assert database_of_a_list_read(request_with()) == [None]
    assert "is not a standby" in caplog.text


def test_a_script_that_keeps_no_cookies_reads_the_replica_only_when_it_has_caught_up(positions):
    script = request_with(session=False)
    positions.replayed, positions.primary = BEHIND, STAMP
    assert database_of_a_list_read(script) == [None]
    positions.replayed = STAMP
    assert database_of_a_list_read(script) == [REPLICA]
    assert positions.asked["primary"] == 2


def test_a_shared_cache_keeps_each_persons_stamp_for_scripts(positions, monkeypatch):
    monkeypatch.setattr(replica, "stamps_shared", lambda: True)
    person = type("Person", (), {"pk": 7, "is_authenticated": True})()
    script = request_with(session=False, user=person)
    response = HttpResponse()
    replica.remember_write(script, response)  # the stamp is the primary's position, STAMP
    try:
        positions.replayed = BEHIND
        assert database_of_a_list_read(script) == [None]
        positions.replayed = STAMP
        assert database_of_a_list_read(script) == [REPLICA]
        assert positions.asked["primary"] == 1  # the stamp's; the cache answered the reads
    finally:
        replica.caches["default"].delete(replica.stamp_key(person))


def test_reads_after_a_write_within_the_list_read_go_to_the_primary(positions):
    router = replica.ReplicaRouter()

    def read():
        before = router.db_for_read(Customer)
        router.db_for_write(Customer)
        return [before, router.db_for_read(Customer)]

    assert replica.read_lists(request_with(), read) == [REPLICA, None]


def test_reads_inside_a_transaction_on_the_primary_stay_there(positions, monkeypatch):
    monkeypatch.setattr(connections[replica.PRIMARY], "in_atomic_block", True)
    assert database_of_a_list_read(request_with()) == [None]
    assert positions.asked["replica"] == 0


def test_a_row_read_from_one_database_brings_its_related_rows_from_there(positions):
    row = Customer()
    row._state.db = replica.PRIMARY
    assert database_of_a_list_read(request_with(), instance=row) == [None]


def test_a_list_read_failing_on_the_replica_is_read_again_from_the_primary(
    positions, monkeypatch, caplog
):
    monkeypatch.setattr(replica, "replica_failed", lambda: True)
    router = replica.ReplicaRouter()
    tries = []

    def read():
        tries.append(router.db_for_read(Customer))
        if len(tries) == 1:
            raise OperationalError("canceling statement due to conflict with recovery")
        return "rows"

    with caplog.at_level(logging.WARNING, logger="poolcrm.replica"):
        assert replica.read_lists(request_with(), read) == "rows"
    assert tries == [REPLICA, None]
    assert "failed during a list read (canceling statement" in caplog.text


def test_an_error_of_the_primary_is_not_mistaken_for_the_replicas(positions, monkeypatch):
    monkeypatch.setattr(replica, "replica_failed", lambda: False)

    def read():
        replica.ReplicaRouter().db_for_read(Customer)
        raise OperationalError("the primary is gone")

    with pytest.raises(OperationalError, match="the primary is gone"):
        replica.read_lists(request_with(), read)


def test_positions_are_read_as_postgresql_writes_them():
    assert replica.as_number("0/3000148") == 0x3000148
    assert replica.as_number("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert replica.as_number(None) is None
    assert replica.as_number("x/y") is None


def test_the_list_views_opt_in_and_the_others_do_not():
    for view in (FilteredListView, CustomerListMixin, ModuleListView):
        assert issubclass(view, replica.ListReadsFromReplica), view
    for view in (CustomerViewSet, PoolDetailView, CustomerRecordViewSet):
        assert not issubclass(view, replica.ListReadsFromReplica), view


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "writes", "status", "stamped"),
    [
        ("get", False, 200, False),
        ("get", True, 200, True),  # a page that writes (a view count) as it shows
        ("post", False, 200, True),
        ("post", False, 400, False),  # refused, nothing written
        ("post", True, 403, True),  # refused, and the refusal written down
    ],
)
def test_the_answer_to_a_request_that_wrote_carries_the_primarys_position(
    monkeypatch, rf, method, writes, status, stamped
):
    monkeypatch.setattr(replica, "primary_position", lambda: 4242)

    def view(request):
        Department.objects.exists()
        if writes:
            Department.objects.create(name="Written")
        return HttpResponse(status=status)

    request = getattr(rf, method)("/somewhere/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    response = replica.RememberWrites(view)(request)
    assert (replica.STAMP_COOKIE in response.cookies) == stamped
    if stamped:
        request.COOKIES[replica.STAMP_COOKIE] = response.cookies[replica.STAMP_COOKIE].value
        assert replica.cookie_stamp(request) == 4242


def test_a_replica_beside_sqlite_is_refused_at_start():
    result = manage(
        "check",
        DATABASE_URL="sqlite:////tmp/poolcrm-replica-refused.sqlite3",
        POOLCRM_REPLICA_URL="postgres://postgres@127.0.0.1:5433/poolcrm",
    )
    assert result.returncode != 0
    assert "POOLCRM_REPLICA_URL names a PostgreSQL streaming replica" in result.stderr


# --- A real streaming replica ------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: a replica is PostgreSQL's (SQLite refuses one, tested above)",
)
PASSWORD = "replica-test-password"
SEED = f"""
from django.contrib.auth.hashers import make_password
from customers.services import ownership
from org.models import Department, User
sales = Department.objects.create(name="Sales")
password = make_password("{PASSWORD}")
for name in ("ann", "bob", "carl"):
    person = User.objects.create(username=name, department=sales, password=password)
for name in ("Alpha Trading", "Beta Foods"):
    ownership.create(person, {{"name": name}})
"""


class StreamingPair:
    """A PostgreSQL primary of this test's own (never the machine's cluster) and a streaming
    replica of it made with pg_basebackup, each on a free port of 127.0.0.1."""

    def __init__(self, bin_dir, root, as_postgres):
        self.bin_dir, self.root, self.as_postgres = bin_dir, root, as_postgres
        self.running = []

    def run(self, program, *args, check=True):
        return subprocess.run(
            [*self.as_postgres, str(self.bin_dir / program), *map(str, args)],
            check=check,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self, name):
        port = free_port()
        server_options = (
            f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c shared_buffers=16MB -c max_connections=20"
        )
        directory = self.root / name
        self.run(
            "pg_ctl", "-D", directory, "-o", server_options, "-l", f"{directory}.log", "-w", "start"
        )
        self.running.append(directory)
        return port

    def set_up(self):
        self.run("initdb", "-D", self.root / "primary", "-A", "trust", "-U", "postgres", "-N")
        self.primary_port = self.start("primary")
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            self.primary_port,
            "-U",
            "postgres",
            "-D",
            self.root / "replica",
            "-R",
            "-X",
            "stream",
            "-N",
        )
        self.replica_port = self.start("replica")
        self.sql("primary", "CREATE DATABASE poolcrm", database="postgres")

    def stop(self, name):
        directory = self.root / name
        if directory in self.running:
            self.run("pg_ctl", "-D", directory, "-m", "immediate", "-w", "stop", check=False)
            self.running.remove(directory)

    def tear_down(self):
        for directory in list(self.running):
            self.stop(directory.name)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{getattr(self, f'{name}_port')}/poolcrm"

    def sql(self, name, statement, *params, database="poolcrm"):
        """The first value `statement` answers on the primary or the replica, if any."""
        import psycopg

        port = getattr(self, f"{name}_port")
        dsn = f"host=127.0.0.1 port={port} user=postgres dbname={database}"
        with psycopg.connect(dsn, autocommit=True) as db:
            cursor = db.execute(statement, params or None)
            return cursor.fetchone()[0] if cursor.description else None

    def wait_replayed(self):
        """Until the replica has replayed everything the primary has written."""
        written = self.sql("primary", "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + 20
        query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
        while not self.sql("replica", query, written):
            assert time.monotonic() < deadline, "the replica did not catch up in 20 s"
            time.sleep(0.05)

    def pause_replay(self):
        self.sql("replica", "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 20
        while self.sql("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
            assert time.monotonic() < deadline, "the replica's replay did not pause in 20 s"
            time.sleep(0.05)

    def resume_replay(self):
        self.sql("replica", "SELECT pg_wal_replay_resume()")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def streaming_pair():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server programs (initdb) under /usr/lib/postgresql")
    as_postgres = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: PostgreSQL cannot be started")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="poolcrm-replica-"))
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
    pair = StreamingPair(found[-1].parent, root, as_postgres)
    try:
        pair.set_up()
        yield pair
    except subprocess.CalledProcessError as error:
        pytest.fail(f"{error.cmd} failed: {error.stderr}")
    finally:
        pair.tear_down()
        shutil.rmtree(root, ignore_errors=True)


class Caller:
    """An API client with a token, keeping cookies as a browser does or not as a script."""

    def __init__(self, server, keeps_cookies):
        self.cookies = CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies)] if keeps_cookies else []
        self.opener = urllib.request.build_opener(*handlers)
        self.base = f"http://127.0.0.1:{server.port}"
        self.token = None

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def page(self, path, form=None):
        """The page's HTML, after any redirect; `form` posted with the CSRF token."""
        data = None
        if form is not None:
            csrf = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
            data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(self.base + path, data, {"Referer": self.base + path})
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def sign_in_on_the_pages(self, username):
        self.page("/login/")
        home = self.page("/login/", {"username": username, "password": PASSWORD})
        assert 'name="password"' not in home, "not signed in"

    def sign_in(self, username):
        credentials = {"username": username, "password": PASSWORD}
        status, body = self.call("POST", "/api/auth/token/", credentials)
        assert status == 200, body
        self.token = body["token"]

    def listed(self, path):
        """{name: status} of the list's rows."""
        status, body = self.call("GET", path)
        assert status == 200, body
        return {row["name"]: row["status"] for row in body["results"]}


@postgresql_only
def test_lists_come_from_the_replica_and_a_persons_own_change_from_the_primary(
    streaming_pair, tmp_path
):
    pair = streaming_pair
    primary = {"DATABASE_URL": pair.url("primary")}
    for step in (("migrate", "--noinput"), ("shell", "-c", SEED)):
        result = manage(*step, **primary)
        assert result.returncode == 0, result.stderr
    with app_server(tmp_path, POOLCRM_REPLICA_URL=pair.url("replica"), **primary) as server:
        ann, bob = Caller(server, keeps_cookies=True), Caller(server, keeps_cookies=True)
        carl = Caller(server, keeps_cookies=False)  # a script
        for caller, name in ((ann, "ann"), (bob, "bob"), (carl, "carl")):
            caller.sign_in(name)  # a write (the token): each browser gets its stamp
        bob_on_the_pages = Caller(server, keeps_cookies=True)
        bob_on_the_pages.sign_in_on_the_pages("bob")
        alpha = next(
            row["id"]
            for row in ann.call("GET", "/api/pool/")[1]["results"]
            if row["name"] == "Alpha Trading"
        )
        pair.wait_replayed()
        pair.pause_replay()

        # Carl adds a customer. Bob, who has written nothing since, lists the pool from the
        # replica: it has not replayed the new customer, the primary has it.
        status, body = carl.call("POST", "/api/pool/", {"name": "Written While Paused"})
        assert status == 201, body
        before = {"Alpha Trading": "unclaimed", "Beta Foods": "unclaimed"}
        assert bob.listed("/api/pool/") == before
        pool_page = bob_on_the_pages.page("/pool/")
        assert "Alpha Trading" in pool_page and "Written While Paused" not in pool_page
        # Carl, a script keeping no cookies, reads the primary while the replica is behind.
        assert "Written While Paused" in carl.listed("/api/pool/")

        # Ann claims Alpha and sees it among hers at once, from the primary: the replica
        # still has it unclaimed, and Bob, reading there, sees it so.
        status, body = ann.call("POST", "/api/customers/claim/", {"ids": [alpha]})
        assert (status, body["done"]) == (200, [alpha]), body
        assert ann.listed("/api/mine/") == {"Alpha Trading": "claimed"}
        owner = "SELECT owner_id FROM customers_customer WHERE id = %s"
        assert pair.sql("replica", owner, alpha) is None
        assert bob.listed("/api/pool/") == before

        pair.resume_replay()
        pair.wait_replayed()
        after = {"Alpha Trading": "claimed", "Beta Foods": "unclaimed"}
        assert bob.listed("/api/pool/") == {**after, "Written While Paused": "unclaimed"}
        assert "Written While Paused" in bob_on_the_pages.page("/pool/")
        assert ann.listed("/api/mine/") == {"Alpha Trading": "claimed"}

        # The replica gone: the lists come from the primary, with a warning in the log.
        pair.stop("replica")
        assert bob.listed("/api/pool/") == {**after, "Written While Paused": "unclaimed"}
        assert "The read replica did not answer" in server.stderr()
