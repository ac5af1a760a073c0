"""Does wrong-password traffic starve everyone else? A bounded load test.

The app is served the production way (gunicorn, 2 workers, POOLCRM_DEBUG=0, a made-up
secret key) on a free port of 127.0.0.1, from a fresh SQLite database under a temporary
directory, migrated and filled with the demo company (`manage.py demo_data`). Each run
starts from its own copy of that database, so no lockout of one run carries into the next,
and from a gunicorn of its own, which is stopped whatever happens.

- idle: browsing clients, each a salesperson signed in with an API token, loop over the
  pool, a quick search, their own customers, one of their customers' detail and /api/me/.
- flood (a): the same, plus attackers sending wrong passwords as fast as they can, half to
  POST /api/auth/token/ and half to the sign-in page (GET /login/ for the CSRF cookie and
  token, then POST /login/), for a few real usernames from one address, under the default
  lockout (POOLCRM_LOGIN_LOCK_BY=username,ip_address).
- flood (b): the worst case, every attempt a different made-up username, with
  POOLCRM_LOGIN_LOCK_BY=username+ip_address: no lockout ever stops an attempt before its
  password is hashed (Django hashes the password even for an unknown name).

Target: the browsing p95 under each flood within 2x of the idle one, and no browsing
request answered other than 2xx. Exit code 1 otherwise. Figures: benchmarks/RESULTS.md.

    .venv/bin/python -m benchmarks.login_flood [--seconds 30] [--clients 8]
        [--attackers 8] [--cases ab] [--json FILE]

Ways of serving it, to compare (the same for the idle run and the floods):

    --gunicorn-args "-k gthread --threads 8"   more gunicorn flags
    --sign-in-gate     one sign-in at a time across the workers, the others waiting (a
                       stand-in for a cap on concurrent password checks; needs gthread)
    --sign-in-pool     the sign-in paths served by a gunicorn of their own (1 worker, at the
                       lowest CPU priority); the attackers and the browsers' sign-ins are sent
                       there, as a reverse proxy routing /login/ and /api/auth/token/ would
"""

import argparse
import collections
import http.client
import http.cookies
import json
import os
import random
import re
import secrets
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.measure import percentile

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
TARGET_RATIO = 2.0
PASSWORD = "poolcrm-demo"  # customers/management/commands/demo_data.py
# The demo company's salespeople browse; the people attacked in (a) are others, so that
# the test shows the load, not a browser refused because its own name got locked.
BROWSERS = (
    "east_rep1",
    "east_rep2",
    "east_rep3",
    "north_rep1",
    "north_rep2",
    "north_rep3",
    "east_mgr",
    "north_mgr",
)
ATTACKED = ("boss", "admin", "marketer", "north_rep4")
MIX = (("pool", 30), ("search", 20), ("mine", 20), ("detail", 20), ("me", 10))
# Long enough that a browser stuck behind a queue of password hashes is measured rather
# than given up; a request that still times out counts as an error.
REQUEST_TIMEOUT = 60
SIGN_IN_PATHS = ("/login/", "/api/auth/token/")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEFAULT_LOCK_BY = "username,ip_address"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cpu_times():
    """(busy, total) jiffies of the whole machine, from /proc/stat; None elsewhere."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _gunicorn_cpu(server):
    """CPU seconds used so far by a gunicorn's arbiter and workers (from /proc), to tell
    how much of the machine the app had: the machine is shared."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The fields after the command's closing parenthesis: state, ppid, ...
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if int(entry.name) == server.process.pid or int(fields[1]) == server.process.pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def app_env(tmp, database, **extra):
    """The environment the app runs in: the caller's, minus any poolcrm setting of theirs,
    so that a run depends only on what it names here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POOLCRM_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "POOLCRM_VAR_DIR": str(tmp),  # static files and attachments stay out of var/
            "POOLCRM_DEBUG": "0",
            "POOLCRM_SECRET_KEY": secrets.token_urlsafe(50),
            "POOLCRM_LOGIN_LOCK_BY": DEFAULT_LOCK_BY,
            **extra,
        }
    )
    return env


def prepare_database(tmp):
    """A migrated database with the demo company, the template every run copies."""
    template = tmp / "template.sqlite3"
    env = app_env(tmp, template)
    for command in (["migrate", "--noinput"], ["demo_data"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return template


def copy_database(template, target):
    # SQLite's backup API, not a file copy: it gives a consistent file whatever WAL state
    # the template was left in.
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


def gated_application():
    """The app with at most one sign-in (a POST to a sign-in path) handled at a time across
    all workers, the others waiting their turn: a stand-in for a cap on concurrent password
    checks, served with --sign-in-gate as benchmarks.login_flood:gated_application().
    Waiting holds a worker, so it needs threaded workers (-k gthread)."""
    import fcntl

    from config.wsgi import application

    lock_path = os.environ["LOGIN_FLOOD_GATE"]

    def gated(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or environ.get("PATH_INFO") not in SIGN_IN_PATHS:
            return application(environ, start_response)
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # across processes; released on close
            return application(environ, start_response)

    return gated


class Server:
    """gunicorn serving the app on a free port of 127.0.0.1, in a process group of its own
    so that its workers can be stopped with it even if the arbiter hangs. The group stays
    in this session: with the kernel's autogroup scheduling each session shares the CPU as
    one, and a niced sign-in pool must compete with the main gunicorn, not beside it."""

    def __init__(self, env, extra_args, log_path, *, app="config.wsgi", workers=WORKERS, nice=0):
        self.port = _free_port()
        self.log = open(log_path, "wb")  # closed in stop()
        command = [sys.executable, "-m", "gunicorn", app, "-w", str(workers)]
        command += ["-b", f"127.0.0.1:{self.port}", *extra_args]
        # gunicorn 27 opens a control socket at one path per user by default: two servers
        # at once (the sign-in pool, anyone else's) would take it from each other.
        command.append("--no-control-socket")
        if nice:
            command = ["nice", "-n", str(nice), *command]
        self.command = command
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )

    def describe(self):
        return " ".join(["python" if part == sys.executable else part for part in self.command])

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            connection = self.connection()
            try:
                connection.request("GET", "/api/me/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
        raise RuntimeError(f"gunicorn did not start: {self.output()}")

    def output(self):
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            # Whatever is left of the group (a worker the arbiter lost track of).
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.log.close()


class Session:
    """One client's connection, kept open between requests where the server allows it."""

    def __init__(self, server):
        self.connection = server.connection()

    def send(self, method, path, body=None, headers=None):
        """(status, body bytes, response). A kept-alive connection the server has closed
        meanwhile is opened again once; any other failure raises (OSError, HTTPException)."""
        for attempt in (1, 2):
            reused = self.connection.sock is not None
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.read(), response
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2 or not reused:
                    raise
            except (OSError, http.client.HTTPException):
                self.connection.close()
                raise
        raise AssertionError("unreachable")

    def close(self):
        self.connection.close()


def _json(data):
    return json.dumps(data).encode()


def get_token(server, username):
    session = Session(server)
    try:
        status, data, _response = session.send(
            "POST",
            "/api/auth/token/",
            _json({"username": username, "password": PASSWORD}),
            {"Content-Type": "application/json"},
        )
    finally:
        session.close()
    if status != 200:
        raise RuntimeError(f"no token for {username}: {status} {data[:200]!r}")
    return json.loads(data)["token"]


def search_words(names):
    """Words people would type, from the customers' names: a Latin brand word, or the two
    characters after a Chinese name's city (华信 in 北京华信科技有限公司)."""
    words = []
    for name in names:
        latin = re.findall(r"[A-Za-z]{4,}", name)
        word = latin[0] if latin else name[2:4]
        if word and word not in words:
            words.append(word)
    return words


class Browser(threading.Thread):
    """A salesperson signed in with a token, sending one request after another."""

    def __init__(self, server, username, seed):
        super().__init__(daemon=True)
        self.username = username
        self.rng = random.Random(seed)
        self.session = Session(server)
        self.headers = {"Accept": "application/json"}
        self.samples = []  # (kind, ms, status)
        self.errors = []
        self.deadline = self.finished = None

    def get(self, path):
        return self.session.send("GET", path, headers=self.headers)

    def sign_in(self, sign_in_server):
        token = get_token(sign_in_server, self.username)
        self.headers["Authorization"] = f"Token {token}"
        ids = []
        for path in ("/api/mine/", "/api/shared/"):
            status, data, _response = self.get(path)
            if status != 200:
                raise RuntimeError(f"{self.username}: {path} answered {status}")
            ids = [row["id"] for row in json.loads(data)["results"] if row.get("readable", True)]
            if ids:
                break
        if not ids:
            raise RuntimeError(f"{self.username} may read no customer")
        self.readable = ids
        status, data, _response = self.get("/api/pool/")
        if status != 200:
            raise RuntimeError(f"{self.username}: /api/pool/ answered {status}")
        self.words = search_words(row["name"] for row in json.loads(data)["results"])
        if not self.words:
            raise RuntimeError(f"{self.username}: no search words from the pool")

    def path(self, kind):
        if kind == "pool":
            return "/api/pool/"
        if kind == "search":
            return "/api/pool/?" + urlencode({"search": self.rng.choice(self.words)})
        if kind == "mine":
            return "/api/mine/"
        if kind == "detail":
            return f"/api/customers/{self.rng.choice(self.readable)}/"
        return "/api/me/"

    def warm_up(self):
        # One of each, untimed: each worker's first requests load what it loads lazily.
        for kind, _weight in MIX:
            self.get(self.path(kind))

    def run(self):
        kinds, weights = zip(*MIX, strict=True)
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            path = self.path(kind)
            started = time.perf_counter()
            try:
                status, data, _response = self.get(path)
            except (OSError, http.client.HTTPException) as error:
                status, data = None, repr(error).encode()
            self.samples.append((kind, (time.perf_counter() - started) * 1000, status))
            if status is None or not 200 <= status < 300:
                self.errors.append(f"GET {path}: {status} {data[:160]!r}")
        self.finished = time.monotonic()
        self.session.close()


class Attacker(threading.Thread):
    """Wrong passwords as fast as the server answers, one attempt after another, to the
    API's token endpoint or to the sign-in page."""

    def __init__(self, server, endpoint, usernames, seed):
        super().__init__(daemon=True)
        self.server, self.endpoint, self.usernames = server, endpoint, usernames
        self.rng = random.Random(seed)
        self.session = Session(server)
        self.csrf = None  # (cookie, form token) of the page session
        self.attempts = []  # (ms, status)
        self.deadline = self.finished = None

    def username(self):
        if self.usernames is None:
            return f"nobody-{secrets.token_hex(6)}"
        return self.rng.choice(self.usernames)

    def page_session(self):
        _status, data, response = self.session.send("GET", "/login/")
        cookie = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        form = CSRF_FIELD.search(data.decode(errors="replace"))
        if "csrftoken" not in cookie or form is None:
            raise RuntimeError("GET /login/ gave no CSRF cookie or token")
        self.csrf = cookie["csrftoken"].value, form.group(1)

    def attempt(self):
        credentials = {"username": self.username(), "password": secrets.token_urlsafe(9)}
        if self.endpoint == "token":
            headers = {"Content-Type": "application/json", "Accept": "application/json"}
            return self.session.send("POST", "/api/auth/token/", _json(credentials), headers)
        if self.csrf is None:
            self.page_session()
        cookie, token = self.csrf
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        }
        body = urlencode({"csrfmiddlewaretoken": token, **credentials}).encode()
        status, data, response = self.session.send("POST", "/login/", body, headers)
        if status == 403:
            self.csrf = None  # a refused CSRF token: the next attempt starts a new session
        return status, data, response

    def run(self):
        while time.monotonic() < self.deadline:
            started = time.perf_counter()
            try:
                status = self.attempt()[0]
            except (OSError, http.client.HTTPException, RuntimeError):
                status = None
            self.attempts.append(((time.perf_counter() - started) * 1000, status))
        self.finished = time.monotonic()
        self.session.close()


def _ms(samples, fraction):
    return round(percentile(samples, fraction), 1) if samples else None


def _window(threads, started):
    """Seconds from the start to the last of `threads` finishing its last request."""
    ends = [t.finished if t.finished is not None else time.monotonic() for t in threads]
    return max(ends) - started


def run_case(name, tmp, template, args, attack=None, lock_by=DEFAULT_LOCK_BY):
    """One run: its own database copy and gunicorn, the browsers and any attackers for
    `args.seconds`. attack: None, "known" (ATTACKED names) or "unknown" (made-up names)."""
    database = tmp / f"{name}.sqlite3"
    copy_database(template, database)
    env = app_env(tmp, database, POOLCRM_LOGIN_LOCK_BY=lock_by)
    app = "config.wsgi"
    if args.sign_in_gate:
        app = "benchmarks.login_flood:gated_application()"
        env["LOGIN_FLOOD_GATE"] = str(tmp / f"{name}.gate")
    servers = [Server(env, args.gunicorn_args, tmp / f"{name}.log", app=app)]
    if args.sign_in_pool:
        # Sync, one worker: sign-ins one at a time, and only with CPU the browsing leaves.
        servers.append(Server(env, [], tmp / f"{name}-sign-in.log", workers=1, nice=19))
    server, sign_in_server = servers[0], servers[-1]
    browsers, attackers = [], []
    try:
        for each in servers:
            each.wait_ready()
        browsers = [
            Browser(server, BROWSERS[n % len(BROWSERS)], seed=n) for n in range(args.clients)
        ]
        for browser in browsers:
            browser.sign_in(sign_in_server)
            browser.warm_up()
        if attack:
            usernames = ATTACKED if attack == "known" else None
            attackers = [
                Attacker(sign_in_server, "token" if n % 2 == 0 else "page", usernames, 100 + n)
                for n in range(args.attackers)
            ]
        load_before, cpu_before = os.getloadavg(), _cpu_times()
        own_before = time.process_time()
        servers_before = [_gunicorn_cpu(each) for each in servers]
        started = time.monotonic()
        for thread in browsers + attackers:
            thread.deadline = started + args.seconds
            thread.start()
        for thread in browsers + attackers:
            thread.join(max(0.0, started + args.seconds + REQUEST_TIMEOUT + 5 - time.monotonic()))
        measured = time.monotonic() - started  # the CPU figures' window, stragglers included
        own_cpu = time.process_time() - own_before
        servers_cpu = [
            _gunicorn_cpu(each) - before
            for each, before in zip(servers, servers_before, strict=True)
        ]
        cpu_after, load_after = _cpu_times(), os.getloadavg()
    except BaseException:
        for each in servers:
            print(f"{each.describe()} ({name}):\n{each.output()}", file=sys.stderr)
        raise
    finally:
        for each in servers:
            each.stop()
    # Rates over each side's own window: attempts queued at a gate can end well after the
    # browsers' last request.
    browsing_seconds = _window(browsers, started)
    times = [ms for b in browsers for _kind, ms, _status in b.samples]
    errors = [e for b in browsers for e in b.errors]
    errors += [f"{b.username} still running at the hard stop" for b in browsers if b.is_alive()]
    result = {
        "name": name,
        "servers": [each.describe() for each in servers],
        "lock_by": lock_by,
        "seconds": round(browsing_seconds, 1),
        "browsing": {
            "clients": len(browsers),
            "requests": len(times),
            "per_second": round(len(times) / browsing_seconds, 1),
            "p50": _ms(times, 0.5),
            "p95": _ms(times, 0.95),
            "p99": _ms(times, 0.99),
            "errors": len(errors),
            "error_samples": errors[:5],
            "p95_by_kind": {
                kind: _ms([ms for b in browsers for k, ms, _s in b.samples if k == kind], 0.95)
                for kind, _weight in MIX
            },
        },
        "load_average": [round(load_before[0], 1), round(load_after[0], 1)],
        # Cores each gunicorn and the clients used on average while the clients ran.
        "server_cores": [round(cpu / measured, 2) for cpu in servers_cpu],
        "client_cores": round(own_cpu / measured, 2),
    }
    if cpu_before and cpu_after:
        busy, total = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
        result["cpu_busy_percent"] = round(100 * busy / total) if total else None
    if attackers:
        attack_seconds = _window(attackers, started)
        attempts = {}
        for endpoint in ("token", "page"):
            made = [a for t in attackers if t.endpoint == endpoint for a in t.attempts]
            statuses = collections.Counter(str(s) if s else "no answer" for _ms_, s in made)
            attempts[endpoint] = {
                "attempts": len(made),
                "per_second": round(len(made) / attack_seconds, 1),
                "p50": _ms([ms for ms, _s in made], 0.5),
                "statuses": dict(statuses.most_common()),
            }
        total = sum(a["attempts"] for a in attempts.values())
        result["attack"] = {
            "kind": attack,
            "clients": len(attackers),
            "seconds": round(attack_seconds, 1),
            "attempts": total,
            "per_second": round(total / attack_seconds, 1),
            "by_endpoint": attempts,
        }
    return result


def describe(result):
    b = result["browsing"]
    lines = [
        f"{result['name']}: POOLCRM_LOGIN_LOCK_BY={result['lock_by']}",
        f"  browsing ({b['clients']} clients, {result['seconds']} s): {b['requests']:,} "
        f"requests, {b['per_second']}/s, p50 {b['p50']} ms, "
        f"p95 {b['p95']} ms, p99 {b['p99']} ms, {b['errors']} errors",
        "  browsing p95 by request: "
        + ", ".join(f"{kind} {ms} ms" for kind, ms in b["p95_by_kind"].items()),
    ]
    lines += [f"    {sample}" for sample in b["error_samples"]]
    attack = result.get("attack")
    if attack:
        lines.append(
            f"  attackers ({attack['clients']} clients, {attack['kind']} names, "
            f"{attack['seconds']} s): {attack['attempts']:,} attempts, {attack['per_second']}/s"
        )
        for endpoint, a in attack["by_endpoint"].items():
            path = "POST /api/auth/token/" if endpoint == "token" else "POST /login/"
            statuses = ", ".join(f"{s}: {n:,}" for s, n in a["statuses"].items())
            lines.append(
                f"    {path}: {a['attempts']:,} ({a['per_second']}/s, p50 {a['p50']} ms); "
                f"{statuses}"
            )
    lines.append(
        f"  machine: CPU busy {result.get('cpu_busy_percent', '?')} %, load average "
        f"{result['load_average'][0]} -> {result['load_average'][1]}; cores used by gunicorn "
        f"{' + '.join(str(c) for c in result['server_cores'])}, by the clients "
        f"{result['client_cores']}"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run")
    parser.add_argument("--clients", type=int, default=8, help="browsing clients")
    parser.add_argument("--attackers", type=int, help="attacking clients (default: --clients)")
    parser.add_argument(
        "--cases", default="ab", help="which floods to run after the idle run: a, b or ab"
    )
    parser.add_argument(
        "--gunicorn-args",
        type=shlex.split,
        default=[],
        help='more gunicorn flags, e.g. "-k gthread --threads 8"',
    )
    parser.add_argument(
        "--sign-in-gate",
        action="store_true",
        help="serve the app with one sign-in at a time across workers (use with gthread)",
    )
    parser.add_argument(
        "--sign-in-pool",
        action="store_true",
        help="serve the sign-in paths from a gunicorn of their own, 1 worker at nice 19",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.attackers is None:
        args.attackers = args.clients
    # A SIGTERM ends the runs through the finally clauses, so gunicorn is always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    results = {}
    with tempfile.TemporaryDirectory(prefix="poolcrm-login-flood-") as tmp_name:
        tmp = Path(tmp_name)
        print("preparing the demo database ...", flush=True)
        template = prepare_database(tmp)
        runs = [("idle", "idle", None, DEFAULT_LOCK_BY)]
        if "a" in args.cases:
            runs.append(("flood (a)", "flood-a", "known", DEFAULT_LOCK_BY))
        if "b" in args.cases:
            runs.append(("flood (b)", "flood-b", "unknown", "username+ip_address"))
        for name, slug, attack, lock_by in runs:
            result = run_case(slug, tmp, template, args, attack, lock_by)
            result["name"] = name
            results[name] = result
            print(describe(result), flush=True)

    idle_p95 = results["idle"]["browsing"]["p95"]
    failed = any(r["browsing"]["errors"] for r in results.values())
    for command in results["idle"]["servers"]:
        print(f"served by: {command}")
    for name, result in results.items():
        if name == "idle":
            continue
        ratio = result["browsing"]["p95"] / idle_p95
        result["ratio"] = round(ratio, 2)
        within = ratio <= TARGET_RATIO
        failed = failed or not within
        print(
            f"browsing p95 {name} / idle: {result['browsing']['p95']} / {idle_p95} ms = "
            f"{ratio:.2f} ({'within' if within else 'over'} the {TARGET_RATIO:.0f}x target)"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
