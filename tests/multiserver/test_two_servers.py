"""Two app servers on one database (issue 19): nothing that decides who wins a customer or
who is locked out lives in one process's memory. Two gunicorn servers, each with two
workers, on two ports of 127.0.0.1 and this test's database; people claim the same
customers through both at once, and a name's failed sign-ins on both count together.

On PostgreSQL, as a team runs it; on SQLite too (one file, several processes), which a
small office may."""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import transaction
from knox.models import AuthToken

from audit.models import AuditEntry
from core.testing import database_url
from customers.models import Customer, OwnershipEvent
from customers.models.events import OwnershipAction
from customers.testing import CustomerFactory
from ops.tests.servers import app_server
from org.testing import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the servers read it

CUSTOMERS = 60
PEOPLE = 8  # four through each server
SERVER = {"GUNICORN_CMD_ARGS": "--workers 2", "POOLCRM_LOGIN_FAILURE_LIMIT": "5"}


def post(port, path, body, token=None):
    """(status, JSON body) of a POST to the server on `port`."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", json.dumps(body).encode(), headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def servers(tmp_path):
    url = database_url()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        app_server(tmp_path / "a", DATABASE_URL=url, **SERVER) as a,
        app_server(tmp_path / "b", DATABASE_URL=url, **SERVER) as b,
    ):
        yield a, b


def test_claims_through_two_servers_have_exactly_one_winner_each(servers):
    with transaction.atomic():
        ids = [CustomerFactory(name=f"Two servers {n:02d}").pk for n in range(CUSTOMERS)]
        people = [UserFactory(username=f"twoservers{n}") for n in range(PEOPLE)]
        tokens = [AuthToken.objects.create(person)[1] for person in people]
    ports = [server.port for server in servers]
    answers, errors = {}, []
    barrier = threading.Barrier(PEOPLE)

    def claim_all(n):
        try:
            order = ids[n % 2 :: 2] + ids[1 - n % 2 :: 2]  # half start at each end
            barrier.wait(timeout=60)
            answers[n] = [
                post(ports[n % 2], "/api/customers/claim/", {"ids": order[i : i + 10]}, tokens[n])
                for i in range(0, CUSTOMERS, 10)
            ]
        except Exception as error:  # a thread's failure is the test's
            errors.append(repr(error))

    threads = [threading.Thread(target=claim_all, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(answers) == PEOPLE, errors

    won_by = {}
    for n, calls in answers.items():
        for status, body in calls:
            assert status == 200, body  # every attempt answered, none a 5xx
            for pk in body["done"]:
                assert pk not in won_by, f"customer {pk} won by {won_by[pk]} and {n}"
                won_by[pk] = people[n].pk
            assert all(refusal["reason"] for refusal in body["refused"])
    assert sorted(won_by) == sorted(ids)  # every customer claimed once
    assert dict(Customer.objects.filter(pk__in=ids).values_list("pk", "owner")) == won_by
    claims = OwnershipEvent.objects.filter(customer__in=ids, action=OwnershipAction.CLAIM)
    assert Counter(claims.values_list("customer", flat=True)) == Counter(ids)  # one event each
    # Both servers won some: the race really ran across them.
    assert {n % 2 for n, calls in answers.items() for _s, body in calls if body["done"]} == {0, 1}
    assert AuditEntry.objects.filter(object_id__in=[str(pk) for pk in ids]).exists()


def test_failed_sign_ins_on_both_servers_count_together(servers):
    UserFactory(username="guessed")
    a, b = (server.port for server in servers)
    wrong = {"username": "guessed", "password": "not the password"}
    # Four failures, two through each server, then the fifth, the limit, locks the name.
    for port in (a, b, a, b):
        status, body = post(port, "/api/auth/token/", wrong)
        assert status == 400, body
    for port in (a, b, a):  # counted together: locked on both
        status, body = post(port, "/api/auth/token/", wrong)
        assert status == 429, body
        assert "Too many failed sign-ins" in body["detail"]
