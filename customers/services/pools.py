"""Pools besides the company pool (SPEC B1, issue 17): administrators add them, name their
members, member departments and managers, and give them rules of their own or leave them
on the company pool's. Moving customers between pools is customers.services.ownership's
(move_to_pool); deleting a pool moves its customers to the company pool first, so none is
ever lost."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import trail
from audit.models import Action

from .. import rules
from ..models import Customer, Pool
from ..tasks import redate_customers
from . import ownership
from .pool_rules import DATING_FIELDS, POOL_RULE_FIELDS
from .results import NotAllowed, ServiceError

POOL_FIELDS = ("name", "own_rules", *POOL_RULE_FIELDS)
PEOPLE_FIELDS = ("members", "departments", "managers")


def _refuse_unless_administrator(actor):
    if not actor.is_administrator:
        raise NotAllowed(_("Only administrators may add, change or delete pools."))


def _snapshot(pool):
    """What the trail keeps of a pool: its fields, and its people by name."""
    values = trail.snapshot(pool) if pool.pk else {}
    for field in PEOPLE_FIELDS:
        if pool.pk:
            values[field] = (
                ", ".join(sorted(str(row) for row in getattr(pool, field).all())) or None
            )
    return values


def _dates_on(pool):
    """What a customer's due date depends on, of this pool."""
    own = pool.own_rules
    return (own, *(getattr(pool, field) for field in DATING_FIELDS)) if own else (own,)


def save_pool(actor, pool, values, people):
    """Creates (`pool` None) or changes a pool: `values` by the names of POOL_FIELDS,
    `people` {"members": users, "departments": departments, "managers": users}, each
    replacing the pool's. Its customers are re-dated when its rules change. Returns it."""
    _refuse_unless_administrator(actor)
    unknown = set(values) - set(POOL_FIELDS)
    if unknown:
        raise ServiceError(_("Unknown fields: %s.") % ", ".join(sorted(unknown)))
    name = (values.get("name", pool.name if pool else "") or "").strip()
    if not name:
        raise ServiceError(_("A pool needs a name."), field="name")
    pool = pool or Pool()
    with transaction.atomic():
        if pool.pk:
            pool = Pool.objects.select_for_update().get(pk=pool.pk)
        before, dates_before = _snapshot(pool), _dates_on(pool) if pool.pk else None
        for field, value in {**values, "name": name}.items():
            setattr(pool, field, value)
        try:
            with transaction.atomic():
                pool.save()
        except IntegrityError:
            raise ServiceError(
                _("There is already a pool named “%(name)s”.") % {"name": name}, field="name"
            ) from None
        for field, rows in people.items():
            getattr(pool, field).set(rows)
        after = _snapshot(pool)
        if dates_before is None:
            values = {k: [None, v] for k, v in after.items() if v is not None}
            trail.record(actor, Action.CREATE, pool, changes=values)
        else:
            changes = trail.changes_between(before, after)
            if changes:
                trail.record(actor, Action.UPDATE, pool, changes=changes)
        if dates_before is not None and dates_before != _dates_on(pool):
            transaction.on_commit(redate_customers.enqueue)
    return pool


def delete_pool(actor, pool):
    """Deletes a pool; its customers (those in the recycle bin too) go to the company
    pool first, each with its event. Returns how many moved."""
    _refuse_unless_administrator(actor)
    with transaction.atomic():
        ids = list(Customer.objects.filter(pool=pool).values_list("pk", flat=True))
        moved = ownership.empty_pool(rules.Actor.of(actor), ids)
        trail.deleted(
            actor,
            pool,
            reason=_("%(count)d customers moved to the company pool") % {"count": len(moved)},
        )
        pool.delete()
    return len(moved)
