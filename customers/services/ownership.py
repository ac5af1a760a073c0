"""The ONLY code that writes a customer's owner, claim time, deletion or shares.

Every transition is one conditional UPDATE in a transaction whose WHERE clause holds the
precondition (`owner IS NULL` for a claim, `owner = <the owner we saw>` for a reclaim …),
so when many people act on one customer at once exactly one wins and the rest are told
who got there first. Each change writes its OwnershipEvent rows in the same transaction,
and a change of owner clears the manual shares (recorded too). SPEC P2–P6, M4–M6, S3, H1.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.db import update_returning_ids

from .. import rules
from ..models import Customer, OwnershipEvent, Share
from ..models.events import OwnershipAction as A
from ..normalize import name_key
from .results import BatchResult, ServiceError


def _race_reason():
    return _("Someone else changed it at the same moment; refresh and try again.")


def _not_found():
    return _("No such customer.")


def load_states(ids, *, include_deleted=False, lock=False):
    """The ownership state of each customer. With `lock`, the rows stay locked until the
    transaction ends, taken in id order so two batches over the same customers queue up
    instead of deadlocking (PostgreSQL; SQLite's IMMEDIATE transactions already queue)."""
    rows = Customer.objects.filter(pk__in=ids)
    if not include_deleted:
        rows = rows.filter(deleted_at__isnull=True)
    if lock:
        # Lock first, read after: a statement that waited for a lock sees the locked row's
        # new version but the joined owner's old one, so the owner's name is read anew.
        list(rows.select_for_update(no_key=True).order_by("id").values_list("id", flat=True))
    return {
        r["id"]: rules.CustomerState(
            id=r["id"],
            name=r["name"],
            owner_id=r["owner_id"],
            owner_label=r["owner__display_name"] or r["owner__username"],
            deleted=r["deleted_at"] is not None,
        )
        for r in rows.values(
            "id", "name", "owner_id", "owner__display_name", "owner__username", "deleted_at"
        )
    }


def _unique(ids):
    return list(dict.fromkeys(ids))


def _screen(actor, ids, refuse, *, include_deleted=False, result=None):
    """Split ids into the states allowed by `refuse` and per-id refusals."""
    result = result if result is not None else BatchResult()
    states = load_states(ids, include_deleted=include_deleted, lock=True)
    allowed = []
    for customer_id in _unique(ids):
        state = states.get(customer_id)
        if state is None:
            result.refuse(customer_id, None, _not_found())
            continue
        reason = refuse(actor, state)
        if reason:
            result.refuse(customer_id, state.name, reason)
        else:
            allowed.append(state)
    return allowed, result


def _refuse_losers(actor, result, attempted, won, refuse, *, include_deleted=False):
    """Explain each row whose conditional UPDATE matched nothing: someone was first."""
    lost = [s.id for s in attempted if s.id not in won]
    if not lost:
        return
    now_states = load_states(lost, include_deleted=include_deleted)
    for customer_id in lost:
        state = now_states.get(customer_id)
        if state is None:
            result.refuse(customer_id, None, _not_found())
            continue
        result.refuse(customer_id, state.name, refuse(actor, state) or _race_reason())


def _events(action, actor_id, customer_ids, *, from_user=None, to_user=None, reason=""):
    return [
        OwnershipEvent(
            customer_id=cid,
            action=action,
            actor_id=actor_id,
            from_user_id=from_user,
            to_user_id=to_user,
            reason=reason,
        )
        for cid in customer_ids
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


def _move(actor, allowed, result, *, action, to_user_id, refuse, reason=""):
    """Give every customer in `allowed` to `to_user_id` (None = back to the pool), each
    conditional on still having the owner we saw."""
    now = timezone.now()
    by_owner = defaultdict(list)
    for state in allowed:
        by_owner[state.owner_id].append(state.id)
    won_all, events = [], []
    for owner_id, ids in by_owner.items():
        rows = Customer.objects.filter(pk__in=ids, owner_id=owner_id, deleted_at__isnull=True)
        won = update_returning_ids(
            rows, owner_id=to_user_id, claimed_at=now if to_user_id else None, updated_at=now
        )
        won_all += won
        events += _events(
            action, actor.user_id, won, from_user=owner_id, to_user=to_user_id, reason=reason
        )
    events += _clear_shares(actor.user_id, won_all)
    OwnershipEvent.objects.bulk_create(events)
    result.done += sorted(won_all)
    _refuse_losers(actor, result, allowed, set(won_all), refuse)
    return won_all


def _transition(user, ids, refuse, action, to_owner, reason):
    actor = rules.Actor.of(user)
    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        _move(
            actor, allowed, result, action=action, to_user_id=to_owner, refuse=refuse, reason=reason
        )
    return result


def claim(user, ids, reason=""):
    """SPEC P4: unclaimed customers become mine; claimed ones are refused by name."""
    return _transition(user, ids, rules.refuse_claim, A.CLAIM, user.pk, reason)


def return_to_pool(user, ids, reason=""):
    """SPEC M4: my customers go back to the pool, unclaimed."""
    return _transition(user, ids, rules.refuse_return, A.RETURN, None, reason)


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


def assign(user, ids, to_users, reason=""):
    """SPEC P6, M6, S3: give customers to one user, or spread them evenly over several.

    Only pool managers may assign a batch or distribute; owners and supervisors assign one
    customer at a time, as the source describes."""
    if not to_users:
        raise ServiceError(_("Choose at least one user to assign to."), field="to")
    actor = rules.Actor.of(user)
    if not actor.is_pool_manager and (len(_unique(ids)) > 1 or len(to_users) > 1):
        raise ServiceError(
            _("Only pool managers may assign several customers at once or to several users.")
        )
    single_target = to_users[0].pk if len(to_users) == 1 else None

    def refuse(a, state):
        return rules.refuse_assign(a, state, single_target)

    with transaction.atomic():
        allowed, result = _screen(actor, ids, refuse)
        plan = _balanced_targets(allowed, to_users)
        by_target = defaultdict(list)
        for state in allowed:
            by_target[plan[state.id]].append(state)
        for target, states in by_target.items():
            _move(
                actor,
                states,
                result,
                action=A.ASSIGN,
                to_user_id=target,
                refuse=refuse,
                reason=reason,
            )
        result.done.sort()
    return result


def _owned_and_locked(actor, ids, result):
    """Rows I own; _screen keeps them locked, so the owner cannot change under us."""
    allowed, _result = _screen(actor, ids, rules.refuse_share, result=result)
    return allowed


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
        OwnershipEvent.objects.bulk_create(
            OwnershipEvent(
                customer_id=s.customer_id,
                action=A.SHARE,
                actor_id=user.pk,
                to_user_id=s.user_id,
                to_department_id=s.department_id,
                reason=reason,
            )
            for s in new_shares
        )
        result.done += sorted(owned_ids)
    return result


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
        OwnershipEvent.objects.bulk_create(
            OwnershipEvent(
                customer_id=cid,
                action=A.UNSHARE,
                actor_id=user.pk,
                to_user_id=uid,
                to_department_id=did,
                reason=reason,
            )
            for _id, cid, uid, did in removed
        )
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


def delete(user, ids, reason=""):
    """SPEC P3: unclaimed customers go to the recycle bin; nothing is lost."""
    actor = rules.Actor.of(user)
    with transaction.atomic():
        allowed, result = _screen(actor, ids, rules.refuse_delete)
        now = timezone.now()
        rows = Customer.objects.filter(
            pk__in=[s.id for s in allowed], owner_id__isnull=True, deleted_at__isnull=True
        )
        won = update_returning_ids(rows, deleted_at=now, updated_at=now)
        OwnershipEvent.objects.bulk_create(_events(A.DELETE, user.pk, won, reason=reason))
        result.done += sorted(won)
        _refuse_losers(actor, result, allowed, set(won), rules.refuse_delete)
    return result


def restore(user, ids, reason=""):
    """Bring customers back from the recycle bin, unless a live customer took the name."""
    actor = rules.Actor.of(user)
    with transaction.atomic():
        allowed, result = _screen(actor, ids, rules.refuse_restore, include_deleted=True)
        for state in allowed:
            rows = Customer.objects.filter(pk=state.id, deleted_at__isnull=False)
            try:
                with transaction.atomic():
                    won = update_returning_ids(rows, deleted_at=None, updated_at=timezone.now())
            except IntegrityError:
                result.refuse(state.id, state.name, _duplicate_message(state.name))
                continue
            if won:
                OwnershipEvent.objects.create(
                    customer_id=state.id, action=A.RESTORE, actor=user, reason=reason
                )
                result.done.append(state.id)
            else:
                result.refuse(state.id, state.name, _("It is not in the recycle bin."))
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


def create(user, data, *, claim=False):
    """SPEC P2, M2: a new customer, unclaimed or owned by its creator."""
    name = (data.get("name") or "").strip()
    if not name:
        raise ServiceError(_("A customer needs a name."), field="name")
    check_name_free(name)
    customer = Customer(**{**data, "name": name}, created_by=user)
    if claim:
        customer.owner = user
        customer.claimed_at = timezone.now()
    try:
        with transaction.atomic():
            customer.save()
            OwnershipEvent.objects.create(
                customer=customer,
                action=A.CREATE,
                actor=user,
                to_user=customer.owner,
                reason=gettext_noop("created and claimed") if claim else "",
            )
    except IntegrityError:
        # Someone saved the same name between our check and our insert.
        raise ServiceError(_duplicate_message(name), field="name") from None
    return customer
