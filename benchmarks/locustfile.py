"""`make load`: the users Locust runs against the benchmark company, started by
benchmarks/load_run.py, which writes the run's plan (a JSON file named by
POOLCRM_LOAD_PLAN) and reads back the samples this file writes at the end.

Each user is a person of the dataset (the heavy user, the supervisor, salespeople) with
an API token load_run.py got for them before the clock started (`POST /api/auth/token/`,
one sign-in at a time, as the app checks one password at a time). Its tasks, weighted as
benchmarks/load.py's MIX (list 60, search 25, detail 10, claim-return 5), make the same
choices as load.py's clients (load.Choices, seeded per user): a list page of the pool,
mine or shared in any offered order and direction (the first, the last or the next page
of the previous list), a quick search for a keyword of the run's mix, the detail of a
customer the person may open, a claim of a customer only this user claims and its return.

No wait between tasks unless the plan gives one (`wait`, seconds): a closed loop, so
the requests per second are what the servers manage with `users` requests in flight at
once, and p95 includes the wait behind the others; a think time would cap the rate at
users ÷ think time and measure the think time instead.

Requests are named by kind (list, search, detail, claim, return), so Locust's table
groups them that way. A response other than 200, a claim or return refused, or no answer
within REQUEST_TIMEOUT is a failure. User n is person n and talks to server
n mod len(hosts), so with two servers each gets half the users."""

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, events, task

from benchmarks.load import MIX, REQUEST_TIMEOUT, Choices
from benchmarks.load_run import cpu_reading

PLAN = json.loads(Path(os.environ["POOLCRM_LOAD_PLAN"]).read_text())
WEIGHTS = dict(MIX)
_numbers = itertools.count()
_samples = []  # (name, start time, ms, failure message or None)
_window = {}  # "start", "end": the time and the CPU used (load_run.cpu_reading)


@events.request.add_listener
def _record(name, start_time, response_time, exception, **_kwargs):
    failure = (str(exception) or repr(exception)) if exception else None
    _samples.append((name, start_time, response_time, failure))


@events.spawning_complete.add_listener
def _all_running(**_kwargs):
    _window.setdefault("start", cpu_reading(PLAN["server_pids"]))


@events.test_stopping.add_listener
def _stopping(**_kwargs):
    _window.setdefault("end", cpu_reading(PLAN["server_pids"]))


@events.quitting.add_listener
def _write_samples(**_kwargs):
    Path(PLAN["samples"]).write_text(json.dumps({"window": _window, "samples": _samples}))


class Person(FastHttpUser):
    # FastHttpUser, not HttpUser: the same requests for about half the generator's CPU
    # (1.1 against 2.4 ms of CPU a request, measured with 8 users), which it shares with the
    # servers and the database on this machine.
    host = PLAN["hosts"][0]
    wait_time = constant(PLAN.get("wait", 0))
    network_timeout = connection_timeout = REQUEST_TIMEOUT

    def __init__(self, environment):
        n = next(_numbers)
        self.host = PLAN["hosts"][n % len(PLAN["hosts"])]
        super().__init__(environment)
        person = PLAN["people"][n % len(PLAN["people"])]
        self.choices = Choices(person["plan"], PLAN["keywords"], PLAN["seed"] + n)
        self.headers = {"Authorization": f"Token {person['token']}", "Accept": "application/json"}

    def _get(self, path, name):
        """The JSON answer, or None after marking the request failed."""
        with self.client.get(path, name=name, headers=self.headers, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")
                return None
            return r.json()

    @task(WEIGHTS["list"])
    def list(self):
        self.choices.answered(self._get(self.choices.list(), "list"))

    @task(WEIGHTS["search"])
    def search(self):
        self._get(self.choices.search(), "search")

    @task(WEIGHTS["detail"])
    def detail(self):
        self._get(self.choices.detail(), "detail")

    @task(WEIGHTS["claim-return"])
    def claim_return(self):
        pk = self.choices.claimable()
        for action in ("claim", "return"):
            with self.client.post(
                f"/api/customers/{action}/",
                name=action,
                json={"ids": [pk]},
                headers=self.headers,
                catch_response=True,
            ) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}: {(r.text or '')[:200]}")
                elif r.json()["done"] != [pk]:
                    r.failure(f"{action} {pk} refused: {r.json()['refused']}")
