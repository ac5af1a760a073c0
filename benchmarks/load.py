"""`make bench`, the load step: clients at once against the app served by gunicorn on
127.0.0.1, for a bounded time, with token authentication.

Each client is a person (the heavy user, the supervisor, salespeople) and sends one
request after another: a list page (pool, mine or shared, any offered order, the first,
last or next page) 60 % of the time, a quick search for a keyword of the run's mix 25 %,
a customer's detail 10 %, a claim and its return 5 %. After `seconds` no request starts;
one still running is given up after REQUEST_TIMEOUT, and the server is stopped whatever
happens. What the claims changed is put back afterwards."""

import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

from benchmarks.generate import (
    BENCH_PASSWORD,
    HEAVY_USERNAME,
    ROOT,
    SUPERVISOR_USERNAME,
)
from benchmarks.measure import Restorer, log, percentile, unclaimed_ids

WORKERS = 2
REQUEST_TIMEOUT = 10
MIX = (("list", 60), ("search", 25), ("detail", 10), ("claim-return", 5))
LISTS = ("/api/pool/", "/api/mine/", "/api/shared/")


def within_target(load):
    return load["per_second"] >= 60 and load["p95"] <= 250 and load["errors"] == 0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the benchmark database on a free port of 127.0.0.1."""

    def __init__(self, database_url, workers, options=()):
        """`options`: more of gunicorn's, e.g. ("-k", "gthread", "--threads", "8")."""
        self.port = _free_port()
        self.log = tempfile.TemporaryFile()
        address = f"127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("-w", str(workers), "-b", address, *options),
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "POOLCRM_DEBUG": "0",
                "POOLCRM_SECRET_KEY": os.environ.get("POOLCRM_SECRET_KEY")
                or secrets.token_urlsafe(50),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method, path, token=None, body=None):
        """(status, decoded JSON or None); raises OSError when the server does not answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(data) if is_json else None

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.request("GET", "/api/me/")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Choices:
    """What one person asks for next, drawn by a random generator of its own: the same
    choices for the threads here and for the users of benchmarks/locustfile.py."""

    def __init__(self, plan, keywords, seed):
        self.plan, self.keywords = plan, keywords
        self.rng = random.Random(seed)
        self.next_link = None

    def kind(self):
        kinds, weights = zip(*MIX, strict=True)
        return self.rng.choices(kinds, weights)[0]

    def list(self):
        """A list page: any list, order and direction; the first page, the last, or the
        next of the previous list (answered() keeps its link)."""
        roll = self.rng.random()
        if roll < 0.25 and self.next_link:
            link = urlsplit(self.next_link)
            return f"{link.path}?{link.query}"
        path = self.rng.choice(LISTS)
        sorts = self.plan["public_sorts" if path == LISTS[0] else "record_sorts"]
        query = {"ordering": self.rng.choice(("", "-")) + self.rng.choice(sorts)}
        if roll < 0.5:
            query["cursor"] = "last"
        return f"{path}?{urlencode(query)}"

    def answered(self, answer):
        """A list page's answer (None when it failed): where its next page is."""
        self.next_link = answer.get("next") if answer else None

    def search(self):
        query = urlencode({"search": self.rng.choice(self.keywords)})
        return f"{self.rng.choice(LISTS)}?{query}"

    def detail(self):
        return f"/api/customers/{self.rng.choice(self.plan['visible'])}/"

    def claimable(self):
        """One of the customers only this person claims: free again once returned."""
        return self.rng.choice(self.plan["claimable"])


class Client(threading.Thread):
    def __init__(self, server, token, plan, keywords, deadline, seed):
        super().__init__(daemon=True)
        self.server, self.token, self.deadline = server, token, deadline
        self.choices = Choices(plan, keywords, seed)
        self.samples, self.errors = [], []  # samples: (kind, ms)

    def run(self):
        while time.monotonic() < self.deadline:
            self.kind = self.choices.kind()
            getattr(self, self.kind.replace("-", "_"))()

    def send(self, method, path, body=None):
        started = time.perf_counter()
        try:
            status, answer = self.server.request(method, path, self.token, body)
        except OSError as error:
            status, answer = None, repr(error)
        self.samples.append((self.kind, (time.perf_counter() - started) * 1000))
        if status != 200:
            self.errors.append(f"{method} {path}: {status} {str(answer)[:200]}")
            return None
        return answer

    def list(self):
        self.choices.answered(self.send("GET", self.choices.list()))

    def search(self):
        self.send("GET", self.choices.search())

    def detail(self):
        self.send("GET", self.choices.detail())

    def claim_return(self):
        pk = self.choices.claimable()
        for action in ("claim", "return"):
            answer = self.send("POST", f"/api/customers/{action}/", {"ids": [pk]})
            if answer is not None and answer["done"] != [pk]:
                self.errors.append(f"{action} {pk} refused: {answer['refused']}")


def plans(clients, rng):
    """Who each client is (the heavy user, the supervisor, then salespeople who may open
    a customer), what it may open and which customers it may claim; and every customer
    any of them may claim."""
    from customers import querysets
    from customers.sorting import PUBLIC_SORTS, RECORD_SORTS
    from org.models import User

    reps = User.objects.filter(username__startswith="bench_rep").order_by("username")
    candidates = [
        User.objects.get(username=HEAVY_USERNAME),
        User.objects.get(username=SUPERVISOR_USERNAME),
        *reps,
    ]
    people = []
    for person in candidates:
        if len(people) == clients:
            break
        visible = list(querysets.visible(person).values_list("pk", flat=True)[:500])
        if visible:  # at a tiny size some salespeople have no customer
            people.append((person, visible))
    if len(people) < clients:
        raise RuntimeError(f"only {len(people)} people of the dataset may open a customer")
    claimable = unclaimed_ids(rng, 20 * clients)
    return [
        {
            "username": person.username,
            "visible": visible,
            "claimable": claimable[n::clients] or claimable[:1],
            "public_sorts": [p for p, _label, _keys in PUBLIC_SORTS],
            "record_sorts": [p for p, _label, _keys in RECORD_SORTS],
        }
        for n, (person, visible) in enumerate(people)
    ], claimable


def tokens(server, client_plans):
    """An API token for each client's person, one sign-in after another (the app checks
    one password at a time), before any load starts."""
    found = []
    for plan in client_plans:
        credentials = {"username": plan["username"], "password": BENCH_PASSWORD}
        status, answer = server.request("POST", "/api/auth/token/", body=credentials)
        if status != 200:
            raise RuntimeError(f"no token for {plan['username']}: {status} {answer}")
        found.append(answer["token"])
    return found


def run(database_url, result, *, seconds=60.0, clients=8, workers=WORKERS):
    """The load run against the database at `database_url`, with the keyword mix of the
    stored `result`. Returns its figures."""
    seed = result["seed"]
    rng = random.Random(seed)
    client_plans, claimable = plans(clients, rng)
    keywords = [k["text"] for k in result["keywords"]]
    restorer = Restorer(claimable)
    server = Server(database_url, workers)
    try:
        server.wait_ready()
        client_tokens = tokens(server, client_plans)
        log(f"load: {clients} clients for {seconds:.0f} s on 127.0.0.1:{server.port}")
        started = time.monotonic()
        threads = [
            Client(server, token, plan, keywords, started + seconds, seed + n)
            for n, (token, plan) in enumerate(zip(client_tokens, client_plans, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, started + seconds + REQUEST_TIMEOUT + 5 - time.monotonic()))
        elapsed = time.monotonic() - started
    finally:
        server.stop()
        restorer.restore()
    samples = [ms for t in threads for _kind, ms in t.samples]
    errors = [e for t in threads for e in t.errors]
    errors += [
        f"client {n} still running at the hard stop" for n, t in enumerate(threads) if t.is_alive()
    ]
    by_kind = {}
    for kind, _weight in MIX:
        times = [ms for t in threads for k, ms in t.samples if k == kind]
        if times:
            by_kind[kind] = {"requests": len(times), "p95": round(percentile(times, 0.95), 1)}
    load = {
        "seed": seed,
        "clients": clients,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "by_kind": by_kind,
        "per_second": round(len(samples) / elapsed, 1),
        "p50": round(percentile(samples, 0.5), 1) if samples else 0,
        "p95": round(percentile(samples, 0.95), 1) if samples else 0,
        "errors": len(errors),
        "error_samples": errors[:5],
    }
    log(
        f"load: {load['requests']:,} requests, {load['per_second']} per second, "
        f"p95 {load['p95']} ms, {load['errors']} errors"
    )
    return load
