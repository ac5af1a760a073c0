"""Many people acting on the same customers at the same moment (SPEC P4–P6, M4, S3, H1;
DESIGN: rows locked and their state read under the lock, exactly one winner, every attempt
answered).

Each worker is a thread with its own user, its own database connection and its own API
client; a barrier releases them together. The test database must therefore hold committed
rows (transaction=True), and each thread closes its connection when it ends."""

import random
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from customers.models import Customer, OwnershipEvent, Share
from customers.services import ownership
from customers.testing import CustomerFactory
from org.hierarchy import subordinate_ids
from org.models import User
from org.testing import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BARRIER_TIMEOUT = 60
JOIN_TIMEOUT = 120
TRANSITIONS = ("claim", "assign", "return", "reclaim")


@dataclass
class Call:
    action: str
    ids: list
    status: int
    body: object


@dataclass
class Worker:
    """One person at one keyboard: `steps` are (action, payload) posted in order."""

    user_id: int
    steps: list
    calls: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def run(self, barrier):
        try:
            # Loaded on this thread's own connection, like a request would.
            user = User.objects.get(pk=self.user_id)
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait(timeout=BARRIER_TIMEOUT)
            for action, payload in self.steps:
                response = client.post(f"/api/customers/{action}/", payload, format="json")
                self.calls.append(
                    Call(action, payload["ids"], response.status_code, _body(response))
                )
        except Exception:
            barrier.abort()
            self.errors.append(traceback.format_exc())
        finally:
            connection.close()


def _body(response):
    try:
        return response.json()
    except ValueError:
        return response.content.decode(errors="replace")


def run_together(workers):
    """Start every worker at the same instant; answer how long they took."""
    barrier = threading.Barrier(len(workers))
    threads = [threading.Thread(target=w.run, args=(barrier,), daemon=True) for w in workers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock wait?)"
    errors = [e for w in workers for e in w.errors]
    # An exception here is what a user would see as a 500, e.g. "database is locked"
    # or a deadlock: every attempt must be answered.
    assert not errors, "\n\n".join(errors)
    return time.monotonic() - started


def assert_every_call_answered(workers):
    """Each request answered 200 with done + refused covering each requested id once."""
    bad = [
        (w.user_id, c.action, c.status, c.body) for w in workers for c in w.calls if c.status != 200
    ]
    assert not bad, bad[:5]
    for worker in workers:
        assert len(worker.calls) == len(worker.steps)
        for call in worker.calls:
            assert set(call.body) == {"done", "refused"}, call.body
            answered = call.body["done"] + [r["id"] for r in call.body["refused"]]
            assert Counter(answered) == Counter(call.ids), (call.action, call.ids, call.body)
            for refusal in call.body["refused"]:
                assert refusal["reason"].strip(), refusal


def chunks(ids, size):
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def shuffled(ids, seed):
    out = list(ids)
    random.Random(seed).shuffle(out)
    return out


def steps(action, ids, size, **extra):
    return [(action, {"ids": chunk, **extra}) for chunk in chunks(ids, size)]


def make_customers(count, owners=(None,), prefix="Race"):
    """Rows built directly (set-up, not the code under test), in one transaction."""
    with transaction.atomic():
        return [
            CustomerFactory(name=f"{prefix} customer {n:03d}", owner=owners[n % len(owners)])
            for n in range(count)
        ]


# ---------------------------------------------------------------------------------------
# Scenario A: everybody claims the same 200 unclaimed customers at once.
# ---------------------------------------------------------------------------------------

CLAIM_CHUNK_SIZES = (200, 100, 50, 40, 25, 20, 10, 200, 67, 33)


def test_simultaneous_claims_of_the_same_customers_have_exactly_one_winner_each(api):
    customers = make_customers(200)
    all_ids = [c.pk for c in customers]
    racers = [
        UserFactory(username=f"racer{n:02d}", display_name=f"Racer {n:02d}")
        for n in range(len(CLAIM_CHUNK_SIZES))
    ]
    workers = [
        Worker(user.pk, steps("claim", shuffled(all_ids, f"A{n}"), size))
        for n, (user, size) in enumerate(zip(racers, CLAIM_CHUNK_SIZES, strict=True))
    ]

    elapsed = run_together(workers)

    assert elapsed < 20, f"{elapsed:.1f}s for {sum(len(w.steps) for w in workers)} requests"
    assert_every_call_answered(workers)

    won_by = {}
    for worker in workers:
        for call in worker.calls:
            for cid in call.body["done"]:
                assert cid not in won_by, (
                    f"customer {cid} claimed by {won_by[cid]} and {worker.user_id}"
                )
                won_by[cid] = worker.user_id
    assert sorted(won_by) == sorted(all_ids)

    owners = dict(Customer.objects.values_list("id", "owner_id"))
    assert owners == won_by
    assert not Customer.objects.filter(owner__isnull=False, claimed_at__isnull=True).exists()

    labels = {u.pk: u.label for u in racers}
    names = {c.pk: c.name for c in customers}
    for worker in workers:
        for call in worker.calls:
            for refusal in call.body["refused"]:
                # Refused by name, telling who has it (SPEC P4).
                assert refusal["name"] == names[refusal["id"]]
                assert refusal["reason"] == f"Already claimed by {labels[won_by[refusal['id']]]}."

    claims = list(
        OwnershipEvent.objects.values_list(
            "customer_id", "actor_id", "from_user_id", "to_user_id", "action"
        )
    )
    assert Counter(c[0] for c in claims) == Counter(all_ids), "one event per customer"
    for customer_id, actor_id, from_user_id, to_user_id, action in claims:
        assert action == "claim"
        assert from_user_id is None
        assert to_user_id == actor_id == owners[customer_id]

    # What each racer's own list shows agrees: disjoint, and together everything.
    seen = Counter()
    for user in racers:
        page = api(user).get("/api/mine/", {"page_size": 200}).json()
        mine = [row["id"] for row in page["results"]]
        assert page["count"] == len(mine)
        assert sorted(mine) == sorted(cid for cid, uid in won_by.items() if uid == user.pk)
        seen.update(mine)
    assert sorted(seen) == sorted(all_ids) and set(seen.values()) == {1}


# ---------------------------------------------------------------------------------------
# Scenario B: claim vs return vs reclaim vs assign on the same rows.
# ---------------------------------------------------------------------------------------


def replay(initial_owner, events):
    """Owner after each ownership event, checking each event started from the owner the
    previous one left (the row lock held). Answers the final owners."""
    owner = dict(initial_owner)
    for event in events:
        assert event.from_user_id == owner[event.customer_id], (
            f"event {event.id} ({event.action} of {event.customer_id}) says it took the "
            f"customer from {event.from_user_id}, but its owner was {owner[event.customer_id]}"
        )
        if event.action in ("claim", "assign"):
            assert event.to_user_id is not None
            owner[event.customer_id] = event.to_user_id
        else:
            assert event.to_user_id is None
            owner[event.customer_id] = None
    return owner


def test_claim_return_reclaim_and_assign_racing_on_the_same_customers_stay_consistent(company):
    c = company
    rep2 = UserFactory(
        username="rep2", display_name="Rep Two", department=c.sales, supervisor=c.manager
    )
    rep3 = UserFactory(
        username="rep3", display_name="Rep Three", department=c.sales, supervisor=c.manager
    )
    marketer2 = UserFactory(username="marketer2", department=c.marketing, pool_manager=True)
    peer2 = UserFactory(username="peer2", department=c.support)
    owners = [c.rep, rep2, rep3, c.junior]

    customers = make_customers(90, owners=(*owners, None), prefix="Contested")
    all_ids = [x.pk for x in customers]
    initial_owner = {x.pk: x.owner_id for x in customers}
    with transaction.atomic():
        shared = [
            Share.objects.create(customer=x, user=c.admin, shared_by=x.owner)
            for x in customers[::3]
            if x.owner_id
        ]
    assert shared

    def owned_by(user):
        return [cid for cid, uid in initial_owner.items() if uid == user.pk]

    def owner_plan(user, seed):
        # Give mine back, grab whatever is free, then give back whatever I hold.
        return (
            steps("return", shuffled(owned_by(user), seed), 5)
            + steps("claim", shuffled(all_ids, seed), 30)
            + steps("return", all_ids, len(all_ids))
        )

    picks = random.Random("B").sample
    plans = {
        **{user: owner_plan(user, f"B{n}") for n, user in enumerate(owners)},
        c.deputy: steps("return", all_ids, 45)
        + steps("claim", shuffled(all_ids, "Bd"), 45)
        + steps("return", all_ids, 90),
        c.marketer: steps("reclaim", shuffled(all_ids, "Bm1"), 10)
        + steps("reclaim", shuffled(all_ids, "Bm2"), 30),
        marketer2: steps("assign", shuffled(all_ids, "Bm3"), 15, to=[c.deputy.pk])
        + steps("assign", shuffled(all_ids, "Bm4"), 30, to=[peer2.pk, c.deputy.pk, c.rep.pk]),
        # A supervisor hands single customers of subordinates on, one at a time (M6, S3).
        c.manager: [
            ("assign", {"ids": [cid], "to": [c.deputy.pk if k % 2 else rep2.pk]})
            for k, cid in enumerate(picks(all_ids, 20))
        ],
        c.ceo: [("reclaim", {"ids": [cid]}) for cid in picks(all_ids, 20)],
        c.peer: steps("claim", shuffled(all_ids, "Bp"), 10),
        peer2: steps("claim", shuffled(all_ids, "Bq"), 30),
    }
    workers = [Worker(user.pk, plan) for user, plan in plans.items()]
    assert len(workers) >= 8

    elapsed = run_together(workers)

    assert elapsed < 20, f"{elapsed:.1f}s for {sum(len(w.steps) for w in workers)} requests"
    assert_every_call_answered(workers)

    events = list(OwnershipEvent.objects.filter(action__in=TRANSITIONS).order_by("id"))
    final = dict(Customer.objects.values_list("id", "owner_id"))
    assert replay(initial_owner, events) == final
    assert not Customer.objects.filter(owner__isnull=True, claimed_at__isnull=False).exists()
    assert not Customer.objects.filter(owner__isnull=False, claimed_at__isnull=True).exists()
    assert len(events) >= len(all_ids), "the race hardly changed anything: not a race"

    # The answers told the truth: each "done" is one event by that person, and back.
    answered = Counter(
        (w.user_id, call.action, cid)
        for w in workers
        for call in w.calls
        for cid in call.body["done"]
    )
    recorded = Counter((e.actor_id, e.action, e.customer_id) for e in events)
    assert answered == recorded

    # Nobody got through with a right they no longer had when the row changed.
    pool_managers = {c.marketer.pk, marketer2.pk}
    for event in events:
        if event.action == "claim":
            assert event.from_user_id is None and event.to_user_id == event.actor_id
        elif event.action == "return":
            assert event.from_user_id == event.actor_id
        else:
            actor = User.objects.get(pk=event.actor_id)
            allowed = event.actor_id in pool_managers or (
                event.from_user_id is not None
                and (
                    event.from_user_id in subordinate_ids(actor)
                    or (event.action == "assign" and event.from_user_id == event.actor_id)
                )
            )
            assert allowed, (
                f"{event.action} of {event.customer_id} by {actor} from {event.from_user_id}"
            )

    # A change of owner ends the old owner's shares, and says so (DESIGN: services).
    moved = {e.customer_id for e in events}
    remaining = set(Share.objects.values_list("customer_id", flat=True))
    assert remaining == {s.customer_id for s in shared} - moved
    unshared = OwnershipEvent.objects.filter(action="unshare")
    assert sorted(unshared.values_list("customer_id", flat=True)) == sorted(
        s.customer_id for s in shared if s.customer_id in moved
    )
    assert set(unshared.values_list("to_user_id", flat=True)) <= {c.admin.pk}


# ---------------------------------------------------------------------------------------
# Scenario C: one change holds a customer's row while another, on the same customer,
# waits for it; the one that waited is answered from what the first left.
# ---------------------------------------------------------------------------------------

ACTIONS = {
    "claim": ownership.claim,
    "return": ownership.return_to_pool,
    "reclaim": ownership.reclaim,
    "delete": ownership.delete,
}
HOLD_SECONDS = 0.5  # long enough for the second action to reach the lock and wait there


def in_thread(work, errors):
    def run():
        try:
            work()
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("first", "second", "owner", "refusal"),
    [
        (("claim", "rep"), ("claim", "deputy"), None, "Already claimed by Rep Li."),
        (("delete", "marketer"), ("claim", "deputy"), None, "No such customer."),
        (
            ("return", "rep"),
            ("reclaim", "marketer"),
            "rep",
            "It is not claimed, so there is nothing to reclaim.",
        ),
        (
            ("reclaim", "manager"),
            ("return", "rep"),
            "rep",
            "You do not own it, so you cannot return it.",
        ),
        (("return", "rep"), ("claim", "deputy"), "rep", None),
    ],
    ids=["claim-claim", "delete-claim", "return-reclaim", "reclaim-return", "return-claim"],
)
def test_an_action_that_waited_for_another_is_answered_from_what_that_one_left(
    company, first, second, owner, refusal
):
    (customer,) = make_customers(1, owners=(getattr(company, owner) if owner else None,))
    (first_action, first_user), (second_action, second_user) = first, second
    holding, waiting = threading.Event(), threading.Event()
    answers, errors = {}, []

    def act_and_hold():
        with transaction.atomic():
            answers["first"] = ACTIONS[first_action](getattr(company, first_user), [customer.pk])
            holding.set()
            waiting.wait(BARRIER_TIMEOUT)
            time.sleep(HOLD_SECONDS)
            answers["committing"] = time.monotonic()

    def act_meanwhile():
        holding.wait(BARRIER_TIMEOUT)
        waiting.set()
        answers["second"] = ACTIONS[second_action](getattr(company, second_user), [customer.pk])
        answers["answered"] = time.monotonic()

    threads = [in_thread(act_and_hold, errors), in_thread(act_meanwhile, errors)]
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock wait?)"
    assert not errors, "\n\n".join(errors)

    assert (answers["first"].done, answers["first"].refused) == ([customer.pk], [])
    assert answers["answered"] > answers["committing"], "the second did not wait"
    events = list(OwnershipEvent.objects.order_by("id").values_list("action", "actor_id"))
    if refusal is None:
        assert (answers["second"].done, answers["second"].refused) == ([customer.pk], [])
        assert events == [
            (first_action, getattr(company, first_user).pk),
            (second_action, getattr(company, second_user).pk),
        ]
    else:
        name = None if first_action == "delete" else customer.name
        assert answers["second"].done == []
        assert answers["second"].refused == [{"id": customer.pk, "name": name, "reason": refusal}]
        assert events == [(first_action, getattr(company, first_user).pk)]
