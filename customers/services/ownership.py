"""The ONLY code that writes a customer's owner, claim time, deletion or shares.

Every batch action runs in one transaction: it locks the customers' rows, reads their
state under the lock, screens each with a `rules.refuse_*` predicate and writes the
allowed ones with one UPDATE. When many people act on one customer at once they queue on
its row, so exactly one wins and each later one is refused from the state the earlier
left (who has it now). Each change writes its OwnershipEvent rows in the same transaction,
and a change of owner clears the manual shares (recorded too). SPEC P2–P6, M4–M6, S3, H1.
"""

import functools
import operator
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit import trail
from audit.models import Action
from core import bulk
from notifications.models import Kind
from notifications.services import notify
from org import services as org_services
from settings_app.dictionary import return_reasons
from settings_app.models import DictionaryKind

from .. import rules
from ..models import Customer, OwnershipEvent, Share
from ..models.customer import RULE_FACTS, SORT_KEYS
from ..models.events import OwnershipAction as A
from ..normalize import name_key
from . import due
from .results import BatchResult, NotAllowed, ServiceError


def load_states(ids, *, include_deleted=False, lock=False):
    """The ownership state of each customer. With `lock`, the rows stay locked until the
    transaction ends, so the state read cannot change before the caller writes.

    Locks are taken in id order, so two batches over the same customers queue up instead
    of deadlocking. PostgreSQL re-checks a row whose lock it waited for against the WHERE
    clause, so a customer deleted meanwhile is not locked; SQLite ignores the lock, but its
    IMMEDIATE transactions (config/settings.py) already run one writer at a time."""
    rows = Customer.objects.filter(pk__in=ids)
    if not include_deleted:
        rows = rows.filter(deleted_at__isnull=True)
    if lock:
        # Lock first, read after: a statement that waited for a lock sees the locked row's
        # new version but the joined owner's old one, so the owner's name is read anew.
        # Only the rows locked are read: one deleted when we locked and restored just
        # after must not look writable.
        locked = rows.select_for_update(no_key=True).order_by("id").values_list("id", flat=True)
        rows = Customer.objects.filter(pk__in=list(locked))
    return {
        r["id"]: rules.CustomerState(
            id=r["id"],
            name=r["name"],
            owner_id=r["owner_id"],
            owner_label=r["owner__display_name"] or r["owner__username"],
            deleted=r["deleted_at"] is not None,
            created_by_id=r["created_by_id"],
            locked=r["locked_at"] is not None,
            returns_at=r["returns_at"],
            returned_by_id=r["returned_by_id"],
            returned_at=r["returned_at"],
            pool_id=r["pool_id"],
            pool_label=r["pool__name"],
        )
        for r in rows.values(
            "id",
            "name",
            "owner_id",
            "owner__display_name",
            "owner__username",
            "deleted_at",
            "created_by_id",
            "locked_at",
            "returns_at",
            "returned_by_id",
            "returned_at",
            "pool_id",
            "pool__name",
        )
    }


def _unique(ids):
    return list(dict.fromkeys(ids))


# A customer's columns the trail does not list on creation: derived, or ownership (which
# its ownership entry says).
CUSTOMER_UNTRACED = {
    *trail.UNTRACED,
    "name_key",
    "search_name",
    "sort_name",
    "owner",
    "claimed_at",
    "deleted_at",
    "last_contacted_at",
    *SORT_KEYS,
    *RULE_FACTS,
}


def _write(events, states=()):
    """The events, and the audit trail's rows of them, in the caller's transaction. The
    events say what happened to each customer; the trail gets one row per kind of change
    (a batch-assign of 1,000 to one person is one row naming the 1,000), as a row per
    customer cost 30–40 % of batch-assign (benchmark row "batch-assign 1,000 to 10 users")."""
    events = list(events)
    bulk.insert(events)
    batches = defaultdict(list)
    for event in events:
        kind = (event.action, event.actor_id, event.to_user_id, event.to_department_id)
        kind += (event.to_pool_id, event.reason_item_id, event.reason)
        batches[kind].append(event.customer_id)
    names = {state.id: state.name for state in states}
    pool_names = {event.to_pool_id: str(event.to_pool or "") for event in events if event.to_pool}

    def changes(action, to_user_id, to_department_id, to_pool_id, item, customers):
        return {
            "event": action,
            "customers": customers,
            "to_user": to_user_id,
            "to_department": to_department_id,
            **({"to_pool": pool_names.get(to_pool_id)} if action == A.MOVE else {}),
            **({"reason_item": item} if item else {}),
        }

    trail.record_many(
        trail.entry(
            None,
            Action.OWNERSHIP,
            actor_id=actor_id,
            object_type="customers.customer",
            object_id=customers[0] if len(customers) == 1 else "",
            label=names.get(customers[0], "") if len(customers) == 1 else "",
            customer_id=customers[0] if len(customers) == 1 else None,
            changes=changes(action, *moves, customers),
            reason=reason,
        )
        for (action, actor_id, *moves, reason), customers in batches.items()
    )


def _traced(verb):
    """Writes a batch action's refusals to the audit trail, one row per customer."""

    def decorate(service):
        @functools.wraps(service)
        def run(user, ids, *args, **kwargs):
            result = service(user, ids, *args, **kwargs)
            trail.record_many(
                trail.entry(
                    user,
                    Action.REFUSED,
                    object_type="customers.customer",
                    object_id=refused["id"],
                    label=refused["name"] or "",
                    customer_id=refused["id"] if refused["name"] is not None else None,
                    changes={"action": verb},
                    reason=refused["reason"],
                )
                for refused in result.refused
            )
            return result

        return run

    return decorate


def _screen(actor, ids, refuse, *, include_deleted=False, result=None):
    """Lock the customers and split ids into the states allowed by `refuse` and per-id
    refusals, each explained from the state read under the lock."""
    result = result if result is not None else BatchResult()
    states = load_states(ids, include_deleted=include_deleted, lock=True)
    allowed = []
    for customer_id in _unique(ids):
        state = states.get(customer_id)
        if state is None:
            result.refuse(customer_id, None, _("No such customer."))
            continue
        reason = refuse(actor, state)
        if reason:
            result.refuse(customer_id, state.name, reason)
        else:
            allowed.append(state)
    return allowed, result


def _events(action, actor_id, states, *, to_user=None, reason="", reason_item=None):
    """One event per customer, taken from the owner its state (read under the lock) names."""
    return [
        OwnershipEvent(
            customer_id=state.id,
            action=action,
            actor_id=actor_id,
            from_user_id=state.owner_id,
            to_user_id=to_user,
            reason=reason,
            reason_item=reason_item,
        )
        for state in states
    ]


def _clear_shares(actor_id, customer_ids):
    """A new owner decides anew whom to share with: manual shares end with the old owner."""
    shares = list(
        Share.objects.filter(customer_id__in=customer_ids).values_list(
            "id", "customer_id", "user_id", "department_id"
        )
    )
    if not shares:
        return []
    Share.objects.filter(pk__in=[s[0] for s in shares]).delete()
    return [
        OwnershipEvent(
            customer_id=cid,
            action=A.UNSHARE,
            actor_id=actor_id,
            to_user_id=user_id,
            to_department_id=dept_id,
            reason=gettext_noop("owner changed"),  # translated when shown
        )
        for _id, cid, user_id, dept_id in shares
    ]


def _move(actor, allowed, result, *, action, to_user_id, reason="", reason_item=None, book=None):
    """Give every customer in `allowed` (screened and locked) to `to_user_id` (None = back
    to the pool). Back in the pool, its last owner's cool-down starts and its lock ends;
    with a new owner, the pool rules' clocks start again (issue 17)."""
    now = timezone.now()
    moved = [state.id for state in allowed]
    rows = Customer.objects.filter(pk__in=moved)
    if to_user_id is None:
        # Each SET reads the row as it was: returned_by is the owner it had.
        rows.update(
            owner_id=None,
            claimed_at=None,
            updated_at=now,
            returned_by_id=F("owner_id"),
            returned_at=now,
            returns_at=None,
            clocks_from=None,
            locked_at=None,
            locked_by=None,
        )
    else:
        rows.update(owner_id=to_user_id, claimed_at=now, clocks_from=now, updated_at=now)
        due.refresh(moved, book)
    events = _events(
        action, actor.user_id, allowed, to_user=to_user_id, reason=reason, reason_item=reason_item
    )
    events += _clear_shares(actor.user_id, moved)
    _write(events, allowed)
    result.done += sorted(moved)


def _transition(user, ids, refuse, action, to_owner, reason):
    actor = rules.Actor.of(user)
    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        _move(actor, allowed, result, action=action, to_user_id=to_owner, reason=reason)
    return result


def hold_people(user_ids):
    """Lock these people's rows until the transaction ends: two claims or assignments to
    one person then run one after the other, so they cannot pass a limit together."""
    rows = get_user_model().objects.filter(pk__in=user_ids).order_by("pk")
    list(rows.select_for_update().values_list("pk", flat=True))


def owned_towards_limit(user_id, book, rules):
    """How many customers count towards `user_id`'s owner limit under `rules` (of the rule
    book `book`): those they own in the pools these rules govern (issue 17)."""
    owned = Customer.live.filter(book.governed(rules), owner_id=user_id)
    if not rules.limit_counts_contracted:
        owned = owned.filter(contract_signed_at__isnull=True)
    return owned.count()


def owner_limit(person, pool_rules):
    """The most customers `person` may own under `pool_rules`: their own limit, when they
    have one, instead of the rules' (issue 17); None for no limit."""
    return person.customer_limit or pool_rules.owner_limit


def _by_rules(book, states):
    """`states` grouped by the rules their pools follow, in order."""
    groups = defaultdict(list)
    for state in states:
        groups[book.of(state.pool_id)].append(state)
    return groups.items()


def _within_claim_limits(user, book, allowed, result, now):
    """As many of `allowed` as the person's limits leave room for (issue 17), the limits of
    the rules each customer's pool follows; the others are refused with the limit they
    would pass. The person's row is locked first, in a statement of its own, so that two
    claims of theirs at once cannot pass a limit together: a count read in the locking
    statement would be read from before the wait."""
    limits = [r.owner_limit or r.daily_claim_limit for r, _where in book.each()]
    if not (any(limits) or user.customer_limit):
        return allowed
    hold_people([user.pk])
    kept = []
    for pool_rules, states in _by_rules(book, allowed):
        room, why = len(states), None
        limit = owner_limit(user, pool_rules)
        if limit:
            left = max(limit - owned_towards_limit(user.pk, book, pool_rules), 0)
            if left < room:
                room = left
                why = _("You would own more than %(limit)d customers, the most one may own.") % {
                    "limit": limit
                }
        if pool_rules.daily_claim_limit:
            today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            claims = OwnershipEvent.objects.filter(
                book.governed(pool_rules, "customer__pool"),
                actor_id=user.pk,
                action=A.CLAIM,
                at__gte=today,
            )
            left = max(pool_rules.daily_claim_limit - claims.count(), 0)
            if left < room:
                room = left
                why = _(
                    "You would claim more than %(limit)d customers today, the most one may."
                ) % {"limit": pool_rules.daily_claim_limit}
        for state in states[room:]:
            result.refuse(state.id, state.name, why)
        kept += states[:room]
    return kept


def _within_owner_limit(actor, book, allowed, plan, people, result):
    """The customers of `allowed` whose target in `plan` stays within the owner limit of
    the rules their pool follows; the others are refused by name (issue 17). Their pool's
    managers may pass it when the rules say."""
    targets = sorted(set(plan.values()) - {None})
    own_limits = any(people[pk].customer_limit for pk in targets)
    if not targets or not (own_limits or any(r.owner_limit for r, _where in book.each())):
        return allowed
    hold_people(targets)
    kept = []
    for pool_rules, states in _by_rules(book, allowed):
        limits = {pk: owner_limit(people[pk], pool_rules) for pk in targets}
        if not any(limits.values()):
            kept += states
            continue
        owned = {pk: owned_towards_limit(pk, book, pool_rules) for pk in targets if limits[pk]}
        for state in states:
            target = plan.get(state.id)
            may_exceed = pool_rules.assign_may_exceed_limit and actor.manages(state)
            if target is not None and limits[target] and not may_exceed:
                if owned[target] >= limits[target]:
                    result.refuse(
                        state.id,
                        state.name,
                        _(
                            "%(person)s would own more than %(limit)d customers, the most "
                            "one may own."
                        )
                        % {"person": people[target].label, "limit": limits[target]},
                    )
                    continue
                owned[target] += 1
            kept.append(state)
    return kept


@_traced("claim")
def claim(user, ids, reason=""):
    """SPEC P4: unclaimed customers become mine; claimed ones are refused by name, and so
    are those the pool rules keep from me (issue 17): a cool-down, or a limit reached."""
    actor = rules.Actor.of(user)
    book = due.Rules()
    now = timezone.now()

    def refuse(a, state):
        return rules.refuse_claim(a, state, book.of(state.pool_id).cooldown_days, now)

    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        allowed = _within_claim_limits(user, book, allowed, result, now)
        _move(actor, allowed, result, action=A.CLAIM, to_user_id=user.pk, reason=reason, book=book)
    return result


# A return's pool when none is chosen: the pool the customer is in.
ITS_POOL = object()


@_traced("return")
def return_to_pool(user, ids, reason="", reason_item=None, to_pool=ITS_POOL):
    """SPEC M4: my customers go back to the pool, unclaimed. `reason_item`: why, from the
    data dictionary's return reasons, which the pool rules may require (issue 17).
    `to_pool`: another pool to put them in (None: the company pool), for those who may
    move customers to it (rules.refuse_moving_to)."""
    if reason_item is not None and reason_item.kind != DictionaryKind.RETURN_REASON:
        raise ServiceError(_("Choose a return reason from the list."), field="reason_item")
    if reason_item is None and _reason_required(ids):
        raise ServiceError(_("Choose why you return them."), field="reason_item")
    actor = rules.Actor.of(user)
    if to_pool is not ITS_POOL:
        refused = rules.refuse_moving_to(actor, to_pool)
        if refused:
            raise ServiceError(refused, field="pool")
    with transaction.atomic():
        allowed, result = _screen(actor, ids, rules.refuse_return)
        _move(
            actor,
            allowed,
            result,
            action=A.RETURN,
            to_user_id=None,
            reason=reason,
            reason_item=reason_item,
        )
        if to_pool is not ITS_POOL:
            target = to_pool.pk if to_pool else None
            _repool(actor, [s for s in allowed if s.pool_id != target], to_pool, reason)
    return result


def _reason_required(ids):
    """Whether the pool rules of any of these customers' pools require a return reason.
    Only while there is a reason to choose: an emptied list must not keep every customer
    with its owner."""
    book = due.Rules()
    requiring = [where for rules_, where in book.each() if rules_.return_reason_required]
    if not requiring or not return_reasons():
        return False
    customers = Customer.live.filter(pk__in=list(ids))
    return customers.filter(functools.reduce(operator.or_, requiring)).exists()


def _repool(actor, allowed, pool, reason=""):
    """Put the customers of `allowed` (screened and locked) in `pool` (None: the company
    pool), with an event each, and date them by its rules."""
    moved = [state.id for state in allowed]
    Customer.objects.filter(pk__in=moved).update(pool=pool, updated_at=timezone.now())
    due.refresh(moved)
    events = _events(A.MOVE, actor.user_id, allowed, reason=reason)
    for event in events:
        event.to_pool = pool
    _write(events, allowed)
    return moved


def empty_pool(actor, ids):
    """The customers `ids` (of a pool about to be deleted, those in the recycle bin too)
    put in the company pool. Returns their ids."""
    allowed, _result = _screen(actor, ids, lambda a, state: None, include_deleted=True)
    return _repool(actor, [s for s in allowed if s.pool_id is not None], None)


@_traced("move to pool")
def move_to_pool(user, ids, pool, reason=""):
    """Issue 17: customers put in another pool (None: the company pool), claimed or not;
    their owners keep them. For pool managers, of both pools (rules.refuse_move)."""
    actor = rules.Actor.of(user)

    def refuse(a, state):
        return rules.refuse_move(a, state, pool)

    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        result.done += sorted(_repool(actor, allowed, pool, reason))
    return result


@_traced("reclaim")
def reclaim(user, ids, reason=""):
    """SPEC P5, S3: pool managers and the owner's supervisors take customers back."""
    return _transition(user, ids, rules.refuse_reclaim, A.RECLAIM, None, reason)


def _balanced_targets(states, to_users):
    """Spread customers so no target gets more than one more than another, never giving a
    customer to the user who already owns it (SPEC P6 fair distribution)."""
    load = {u.pk: 0 for u in to_users}
    plan = {}
    for state in states:
        candidates = [pk for pk in load if pk != state.owner_id] or list(load)
        target = min(candidates, key=lambda pk: load[pk])
        load[target] += 1
        plan[state.id] = target
    return plan


def _move_by_plan(actor, allowed, result, plan, people, reason, by):
    """Move each customer of `allowed` (screened and locked) to its target in `plan`
    (customer id → user id of `people`): given to them, or reclaimed to the pool where it
    has none. Those a target's owner limit has no room for are refused."""
    book = due.Rules()
    allowed = _within_owner_limit(actor, book, allowed, plan, people, result)
    by_target = defaultdict(list)
    for state in allowed:
        by_target[plan.get(state.id)].append(state)
    for target, states in by_target.items():
        action = A.ASSIGN if target else A.RECLAIM
        _move(actor, states, result, action=action, to_user_id=target, reason=reason, book=book)
        if target is not None:
            names = [state.name for state in states]
            notify([target], Kind.ASSIGNED, names=names, by=by.label, url=reverse("customers:mine"))
    result.done.sort()


@_traced("assign")
def assign(user, ids, to_users, reason=""):
    """SPEC P6, M6, S3: give customers to one user, or spread them evenly over several.

    Only pool managers may assign a batch or distribute; owners and supervisors assign one
    customer at a time, as the source describes."""
    if not to_users:
        raise ServiceError(_("Choose at least one user to assign to."), field="to")
    refused = rules.refuse_receivers(to_users)
    if refused:
        raise ServiceError(refused, field="to")
    actor = rules.Actor.of(user)
    if not actor.manages_any and (len(_unique(ids)) > 1 or len(to_users) > 1):
        raise ServiceError(
            _("Only pool managers may assign several customers at once or to several users.")
        )
    single_target = to_users[0].pk if len(to_users) == 1 else None

    def refuse(a, state):
        return rules.refuse_assign(a, state, single_target)

    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        plan = _balanced_targets(allowed, to_users)
        people = {u.pk: u for u in to_users}
        _move_by_plan(actor, allowed, result, plan, people, reason, user)
    return result


HAND_OVER = gettext_noop("hand-over")  # the reason a hand-over gives, translated when shown


@_traced("hand over")
def hand_over(user, person, to_users=(), reason="", *, deactivate=False):
    """Issue 17: every customer `person` owns, in one step, when they leave or change jobs:
    given to one person, spread evenly over several (`to_users`), or back to the pool
    (none). Their working records stay with the customers; their shares end, as with any
    new owner; one event per customer. `deactivate`: the person is deactivated in the same
    transaction, so no customer is ever left with someone who cannot sign in."""
    actor = rules.Actor.of(user)
    refused = rules.refuse_hand_over(actor, person)
    if refused:
        raise NotAllowed(refused)
    if any(target.pk == person.pk for target in to_users):
        raise ServiceError(
            _("Choose someone other than %(person)s.") % {"person": person.label}, field="to"
        )
    refused = rules.refuse_receivers(to_users)
    if refused:
        raise ServiceError(refused, field="to")

    def refuse(a, state):  # someone else moved it between the list and the lock
        if state.owner_id != person.pk:
            return _("No longer owned by %(person)s.") % {"person": person.label}
        return None

    with transaction.atomic():
        ids = list(Customer.live.filter(owner=person).values_list("pk", flat=True))
        allowed, result = _screen(actor, ids, refuse)
        plan = _balanced_targets(allowed, to_users) if to_users else {}
        people = {u.pk: u for u in to_users}
        _move_by_plan(actor, allowed, result, plan, people, reason or HAND_OVER, user)
        if deactivate:
            org_services.save_user({"is_active": False}, person, actor=user)
    return result


def _set_lock(user, ids, refuse, action, reason):
    actor = rules.Actor.of(user)
    locking = action == A.LOCK
    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        changed = [state.id for state in allowed]
        now = timezone.now()
        rows = Customer.objects.filter(pk__in=changed)
        if locking:
            rows.update(locked_at=now, locked_by_id=user.pk, updated_at=now)
        else:  # the owner gets the rules' days again from now
            rows.update(locked_at=None, locked_by_id=None, clocks_from=now, updated_at=now)
        due.refresh(changed)
        _write(_events(action, user.pk, allowed, reason=reason), allowed)
        result.done += sorted(changed)
    return result


@_traced("lock")
def lock(user, ids, reason=""):
    """Issue 17: locked, a customer never returns to the pool by itself."""
    return _set_lock(user, ids, rules.refuse_lock, A.LOCK, reason)


@_traced("unlock")
def unlock(user, ids, reason=""):
    return _set_lock(user, ids, rules.refuse_unlock, A.UNLOCK, reason)


# The pool rules act as no one: their events and audit rows name no person.
POOL_RULES = rules.Actor(user_id=None, is_pool_manager=False, subordinates=frozenset())


def sweep(now=None, chunk=1_000):
    """Issue 17, SPEC B1: every claimed customer whose due date (customers.services.due)
    has passed goes back to the pool, with the reason of the clock that ran out, in
    transactions of `chunk` customers. Each is locked and read again first: one claimed,
    contacted, locked or returned meanwhile is left as it now is. So sweeps may run at once
    with each other and with people's actions, and none returns a customer twice."""
    now = now or timezone.now()
    result = BatchResult()
    rule_set = due.Rules()
    if not rule_set.on:
        return result
    ids = list(
        Customer.live.filter(returns_at__lte=now)
        .order_by("returns_at", "id")
        .values_list("pk", flat=True)
    )

    def still_due(actor, state):
        if state.claimed and state.returns_at is not None and state.returns_at <= now:
            return None
        return "not due"  # not a refusal anyone sees: the customer is simply left alone

    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            allowed, _left = _screen(POOL_RULES, ids[start : start + chunk], still_due)
            # Dated anew under the lock: the rules may have changed since their date was
            # written (a change re-dates everyone in a background job).
            states = {state.id: state for state in allowed}
            due.refresh(states, rule_set)
            clocks = Customer.objects.filter(pk__in=states, returns_at__lte=now).values_list(
                "pk",
                "category_id",
                "pool_id",
                Coalesce("clocks_from", "claimed_at"),
                "last_contacted_at",
            )
            by_reason, by_owner = defaultdict(list), defaultdict(list)
            for pk, category_id, pool_id, clocks_from, contacted_at in clocks:
                why = rule_set.reason(category_id, pool_id, clocks_from, contacted_at, now)
                by_reason[why].append(states[pk])
                by_owner[states[pk].owner_id].append(states[pk].name)
            for why, returned in by_reason.items():
                _move(POOL_RULES, returned, result, action=A.RETURN, to_user_id=None, reason=why)
            for owner, names in by_owner.items():
                notify([owner], Kind.RETURNED, names=names, url=reverse("customers:pool"))
    result.done.sort()
    return result


def _owned_and_locked(actor, ids, result):
    """Rows I own; _screen keeps them locked, so the owner cannot change under us."""
    allowed, _result = _screen(actor, ids, rules.refuse_share, result=result)
    return allowed


@_traced("share")
def share(user, ids, users=(), departments=(), reason=""):
    """SPEC M5: read access for chosen users and/or whole departments."""
    if not users and not departments:
        raise ServiceError(_("Choose at least one user or department to share with."))
    actor = rules.Actor.of(user)
    result = BatchResult()
    with transaction.atomic():
        owned = _owned_and_locked(actor, ids, result)
        owned_ids = [s.id for s in owned]
        existing = set(
            Share.objects.filter(customer_id__in=owned_ids).values_list(
                "customer_id", "user_id", "department_id"
            )
        )
        targets = [(u.pk, None) for u in users if u.pk != user.pk]
        targets += [(None, d.pk) for d in departments]
        new_shares = [
            Share(customer_id=cid, user_id=uid, department_id=did, shared_by_id=user.pk)
            for cid in owned_ids
            for uid, did in targets
            if (cid, uid, did) not in existing
        ]
        Share.objects.bulk_create(new_shares)
        shared = [
            OwnershipEvent(
                customer_id=s.customer_id,
                action=A.SHARE,
                actor_id=user.pk,
                to_user_id=s.user_id,
                to_department_id=s.department_id,
                reason=reason,
            )
            for s in new_shares
        ]
        _write(shared, owned)
        _tell_sharees(user, new_shares, {state.id: state.name for state in owned})
        result.done += sorted(owned_ids)
    return result


def _tell_sharees(user, new_shares, names):
    """Each person a customer is newly shared with, directly or by their department, is
    told which (issue 17)."""
    members = defaultdict(set)
    departments = {s.department_id for s in new_shares if s.department_id}
    if departments:
        people = get_user_model().objects.filter(department__in=departments, is_active=True)
        for pk, department in people.values_list("pk", "department_id"):
            members[department].add(pk)
    told = defaultdict(dict)  # person → {customer id: name}, in the order shared
    for share in new_shares:
        for person in {share.user_id} if share.user_id else members[share.department_id]:
            if person != user.pk:
                told[person][share.customer_id] = names[share.customer_id]
    for person, customers in told.items():
        notify(
            [person],
            Kind.SHARED,
            names=customers.values(),
            by=user.label,
            url=reverse("customers:shared"),
        )


@_traced("unshare")
def unshare(user, ids, users=(), departments=(), reason="", share_ids=None):
    """SPEC M5 取消共享: the sharee loses sight of the customer at once."""
    actor = rules.Actor.of(user)
    result = BatchResult()
    with transaction.atomic():
        owned = _owned_and_locked(actor, ids, result)
        shares = Share.objects.filter(customer_id__in=[s.id for s in owned])
        if share_ids is not None:
            shares = shares.filter(pk__in=share_ids)
        else:
            if not users and not departments:
                raise ServiceError(_("Choose at least one user or department to unshare."))
            shares = shares.filter(
                Q(user_id__in=[u.pk for u in users])
                | Q(department_id__in=[d.pk for d in departments])
            )
        removed = list(shares.values_list("id", "customer_id", "user_id", "department_id"))
        Share.objects.filter(pk__in=[r[0] for r in removed]).delete()
        unshared = [
            OwnershipEvent(
                customer_id=cid,
                action=A.UNSHARE,
                actor_id=user.pk,
                to_user_id=uid,
                to_department_id=did,
                reason=reason,
            )
            for _id, cid, uid, did in removed
        ]
        _write(unshared, owned)
        touched = {r[1] for r in removed}
        for state in owned:
            if state.id in touched:
                result.done.append(state.id)
            else:
                result.refuse(
                    state.id,
                    state.name,
                    _("It is not shared with the chosen users or departments."),
                )
        result.done.sort()
    return result


@_traced("delete")
def delete(user, ids, reason=""):
    """SPEC P3: unclaimed customers go to the recycle bin; nothing is lost."""
    actor = rules.Actor.of(user)
    with transaction.atomic():
        allowed, result = _screen(actor, ids, rules.refuse_delete)
        now = timezone.now()
        deleted = [state.id for state in allowed]
        Customer.objects.filter(pk__in=deleted).update(deleted_at=now, updated_at=now)
        _write(_events(A.DELETE, user.pk, allowed, reason=reason), allowed)
        result.done += sorted(deleted)
    return result


@_traced("restore")
def restore(user, ids, reason=""):
    """Bring customers back from the recycle bin, unless a live customer took the name."""
    actor = rules.Actor.of(user)
    if not actor.is_pool_manager:
        # Not even the names: what the recycle bin holds is for pool managers to see.
        result = BatchResult()
        for customer_id in _unique(ids):
            result.refuse(customer_id, None, _("Only pool managers may restore customers."))
        return result
    with transaction.atomic():
        allowed, result = _screen(actor, ids, rules.refuse_restore, include_deleted=True)
        for state in allowed:
            try:
                with transaction.atomic():
                    Customer.objects.filter(pk=state.id).update(
                        deleted_at=None, updated_at=timezone.now()
                    )
            except IntegrityError:
                result.refuse(state.id, state.name, _duplicate_message(state.name))
                continue
            event = OwnershipEvent(
                customer_id=state.id, action=A.RESTORE, actor=user, reason=reason
            )
            _write([event], [state])
            result.done.append(state.id)
    return result


def find_duplicate(name, exclude_id=None):
    """The live customer whose name normalises to the same key (SPEC C3), or None."""
    rows = Customer.live.filter(name_key=name_key(name)).select_related("owner")
    if exclude_id:
        rows = rows.exclude(pk=exclude_id)
    return rows.first()


def _duplicate_message(name, existing=None):
    existing = existing or find_duplicate(name)
    if existing is None:
        return _("A customer with this name already exists.")
    owner = existing.owner.label if existing.owner_id else _("nobody (it is in the pool)")
    return _('A customer named "%(name)s" (id %(id)s) already exists, owned by %(owner)s.') % {
        "name": existing.name,
        "id": existing.pk,
        "owner": owner,
    }


def check_name_free(name, exclude_id=None):
    existing = find_duplicate(name, exclude_id)
    if existing is not None:
        raise ServiceError(_duplicate_message(name, existing), field="name")


def clean_name(raw):
    """The name as stored, or a refusal: one of spaces or invisible characters only
    ("\u200b") is no name (nothing of it would be found, or told apart)."""
    name = (raw or "").strip()
    if not name_key(name):
        raise ServiceError(_("A customer needs a name."), field="name")
    return name


def create(user, data, *, claim=False):
    """SPEC P2, M2: a new customer, unclaimed or owned by its creator."""
    name = clean_name(data.get("name"))
    check_name_free(name)
    return create_many(user, [({**data, "name": name}, None)], claim=claim)[0]


def create_many(user, rows, *, claim=False):
    """New customers at once (one, or a chunk of an import: SPEC B2), each written as a
    customer keyed in is: its row, its name index entries, its first contact when given,
    its creation event, its field history and its audit rows — in bulk, in one
    transaction. `rows`: (customer fields, primary contact fields or None), each name
    already cleaned and checked free; a name taken meanwhile refuses the whole batch
    (ServiceError), and nothing is written."""
    from .contacts import add_first_contacts  # contacts → details → ownership: not at the top

    now = timezone.now()
    customers = []
    for data, _contact in rows:
        customer = Customer(**data, created_by=user)
        customer.normalise()
        if claim:
            customer.owner, customer.claimed_at = user, now
        customers.append(customer)
    try:
        with transaction.atomic():
            bulk.insert_keyed(customers, "name_key", Customer.live)
            Customer.name_index.add_many(customers)
            bulk.copy_history(Customer, [c.pk for c in customers], user=user, when=now)
            first_contacts = add_first_contacts(
                user, [(c, contact) for c, (_d, contact) in zip(customers, rows, strict=True)]
            )
            reason = gettext_noop("created and claimed") if claim else ""
            events = [
                OwnershipEvent(
                    customer=c, action=A.CREATE, actor=user, to_user=c.owner, reason=reason
                )
                for c in customers
            ]
            states = [rules.CustomerState(c.pk, c.name, None, None, False) for c in customers]
            _write(events, states)
            trail.record_many(
                [
                    trail.created_entry(user, c, customer_id=c.pk, untraced=CUSTOMER_UNTRACED)
                    for c in customers
                ]
                + first_contacts
            )
    except IntegrityError:
        # Someone saved the same name between our check and our insert.
        names = ", ".join(c.name for c in customers[:3])
        raise ServiceError(
            _duplicate_message(customers[0].name)
            if len(customers) == 1
            else (_("A customer of one of these names was created meanwhile: %s") % names),
            field="name",
        ) from None
    return customers
