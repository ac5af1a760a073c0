"""Writing the audit trail. Services call `record` inside the transaction of the change
they make, so the row and the change stand or fall together."""

import datetime
from decimal import Decimal

from django.db import models

from core import bulk

from .context import current, signed_in
from .models import Action, AuditEntry

# Columns every record has that say nothing about what changed.
UNTRACED = {
    "id",
    "customer",
    "created_by",
    "created_at",
    "updated_at",
    "version",
    "deleted_at",
    "deleted_by",
}


def type_of(obj):
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def shown(value):
    """A value as the trail keeps it: text, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        return str(value)[:200]
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal | datetime.date | datetime.datetime | datetime.time):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return str(value)[:500]


def snapshot(obj, untraced=UNTRACED):
    """{field: shown value} of the object's own columns, related rows by their name."""
    return {
        field.name: shown(getattr(obj, field.name))
        for field in obj._meta.concrete_fields
        if field.name not in untraced
    }


def stored(obj, untraced=UNTRACED):
    """The snapshot of `obj` as the database holds it: a form bound to `obj` has already
    written the new values on the object before the service sees it."""
    old = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
    return snapshot(old, untraced) if old is not None else {}


def changes_between(before, after):
    """{field: [before, after]} of the fields whose shown value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def entry(
    actor,
    action,
    obj=None,
    *,
    actor_id=None,
    object_type="",
    object_id="",
    label="",
    customer_id=None,
    changes=None,
    reason="",
    username="",
):
    """An unsaved row (for bulk_create); `record` saves one."""
    context = current() or {}
    if actor is None and actor_id is None:
        actor = signed_in()
    if actor is not None:
        actor_id = actor.pk if actor.is_authenticated else None
    if obj is not None:
        object_type = object_type or type_of(obj)
        object_id = object_id or str(obj.pk or "")
        label = label or str(obj)
    return AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=str(label)[:200],
        customer_id=customer_id,
        changes=changes or {},
        reason=str(reason)[:300],
        request_id=context.get("request_id", ""),
        ip=context.get("ip"),
        username=username[:150],
    )


def record(actor, action, obj=None, **kwargs):
    row = entry(actor, action, obj, **kwargs)
    row.save()
    return row


def record_many(rows):
    bulk.insert(rows)


def created_entry(actor, obj, *, customer_id=None, untraced=UNTRACED):
    """The unsaved row of `obj`'s creation (for record_many), its values as created."""
    values = {k: [None, v] for k, v in snapshot(obj, untraced).items() if v is not None}
    return entry(actor, Action.CREATE, obj, customer_id=customer_id, changes=values)


def created(actor, obj, *, customer_id=None, untraced=UNTRACED):
    row = created_entry(actor, obj, customer_id=customer_id, untraced=untraced)
    row.save()
    return row


def updated(actor, obj, before, *, customer_id=None, untraced=UNTRACED):
    """Writes the change of `obj` since `before` (its snapshot), if anything changed."""
    changes = changes_between(before, snapshot(obj, untraced))
    if changes:
        return record(actor, Action.UPDATE, obj, customer_id=customer_id, changes=changes)
    return None


def deleted(actor, obj, *, customer_id=None, reason=""):
    values = {k: [v, None] for k, v in snapshot(obj).items() if v is not None}
    return record(actor, Action.DELETE, obj, customer_id=customer_id, changes=values, reason=reason)


def refused(request, message, status):
    """A request refused as a whole (HTTP `status`): what was asked and the answer given.
    Written after the refused change rolled back, so it stays."""
    asked = f"{request.method} {request.get_full_path()}"
    return record(
        None,
        Action.REFUSED,
        object_type="request",
        label=asked,
        changes={"status": status},
        reason=message,
    )
