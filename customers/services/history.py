"""The history tab (SPEC H1): ownership events and field edits, newest first."""

from itertools import pairwise

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import Action, AuditEntry
from org.models import person_label
from settings_app import dictionary
from settings_app.models import SystemSettings

from ..models import DICTIONARY_FIELDS, Customer, OwnershipEvent
from ..models.events import OwnershipAction

HIDDEN_FIELDS = {"deleted_at", "owner", "claimed_at", "created_by", "last_contacted_at"}


def field_edits(customer: Customer):
    """Before/after values of each saved edit, from the history library's snapshots;
    dictionary fields shown by the item's name, not its id."""
    records = list(
        customer.history.select_related("history_user").order_by("history_date", "history_id")
    )
    edits = []
    for older, newer in pairwise(records):
        changes = [c for c in newer.diff_against(older).changes if c.field not in HIDDEN_FIELDS]
        if changes:
            edits.append((newer.history_date, newer.history_user, changes))
    item_ids = {
        value
        for _at, _user, changes in edits
        for c in changes
        if c.field in DICTIONARY_FIELDS
        for value in (c.old, c.new)
        if value is not None
    }
    # The request's one read of the dictionary, which the record's own fields used too.
    known = dictionary.items() if item_ids else {}
    names = {pk: known[pk].label for pk in item_ids if pk in known}

    def shown(field, value):
        if value is None:
            return None
        return names.get(value, str(value)) if field in DICTIONARY_FIELDS else str(value)

    return [
        (
            at,
            user,
            [
                {"field": c.field, "old": shown(c.field, c.old), "new": shown(c.field, c.new)}
                for c in changes
            ],
        )
        for at, user, changes in edits
    ]


PERSON = ("display_name", "first_name", "last_name", "username")
PEOPLE = ("actor", "from_user", "to_user")


def _person(row, relation):
    if row[f"{relation}__username"] is None:
        return None
    return person_label(*(row[f"{relation}__{field}"] for field in PERSON))


def _by_the_rules(row):
    return row["action"] == OwnershipAction.RETURN and row["actor__username"] is None


def ownership_entries(customer: Customer):
    """The customer's ownership events as history entries. Read as values, not objects:
    an object per event and person cost more than the rest of the tab (benchmark row
    "history (3,000) tab")."""
    rows = list(
        OwnershipEvent.objects.filter(customer=customer).values(
            "at",
            "action",
            "reason",
            "reason_item",
            "to_department__name",
            "to_pool__name",
            *(f"{relation}__{field}" for relation in PEOPLE for field in PERSON),
        )
    )
    # Stored untranslated (gettext_noop), shown translated: once per distinct reason.
    reasons = {}
    items = dictionary.items()
    pool_rules_label = _("the pool rules")
    company_pool = _("Company pool")
    entries = []
    for row in rows:
        key = (row["reason_item"], row["reason"])
        if key not in reasons:
            reasons[key] = _reason_text(items.get(row["reason_item"]), row["reason"])
        entries.append(
            {
                "at": row["at"],
                "kind": "ownership",
                "action": row["action"],
                **{relation: _person(row, relation) for relation in PEOPLE},
                # An event with no one behind it is the pool rules' automatic return.
                **({"actor": pool_rules_label} if _by_the_rules(row) else {}),
                "to_department": row["to_department__name"],
                # A move between pools (issue 17): the pool it went to.
                "to_pool": (row["to_pool__name"] or company_pool)
                if row["action"] == OwnershipAction.MOVE
                else None,
                "reason": reasons[key],
                "changes": [],
            }
        )
    return entries


def _reason_text(item, reason):
    """An event's reason as shown: its return reason from the list, then its own words,
    translated when they were stored untranslated (gettext_noop)."""
    words = _(reason) if reason else ""
    if item is None:
        return words
    return f"{item.label}: {words}" if words else item.label


RETURNS = (OwnershipAction.RETURN, OwnershipAction.RECLAIM)


def times_back_in_pool(customer: Customer):
    """How often the customer went back to the pool, and why the last time (issue 17): a
    public fact for the next claimer. Only the reason from the list or the rules' reason,
    never a person's own words, which may hold what the pool must not show (C2)."""
    returns = OwnershipEvent.objects.filter(customer=customer, action__in=RETURNS)
    last = returns.select_related("reason_item").order_by("-at", "-id").first()
    if last is None:
        return None
    if last.reason_item is not None:
        why = last.reason_item.label
    elif last.actor_id is None and last.reason:
        why = _(last.reason)
    else:
        why = ""
    return {"count": returns.count(), "at": last.at, "why": why}


def edit_entry(at, user, changes):
    return {
        "at": at,
        "kind": "edit",
        "action": "edit",
        "actor": user.label if user is not None else None,
        "from_user": None,
        "to_user": None,
        "to_department": None,
        "to_pool": None,
        "reason": "",
        "changes": changes,
    }


RECORD_ACTIONS = {
    Action.CREATE: "create",
    Action.UPDATE: "edit",
    Action.DELETE: "delete",
    Action.RESTORE: "restore",
}


def record_entries(customer: Customer):
    """What was done to the customer's working records and contacts, from the audit trail
    (its own fields' edits come from their snapshots, its ownership from its events)."""
    rows = (
        AuditEntry.objects.filter(customer=customer, action__in=RECORD_ACTIONS)
        .exclude(object_type="customers.customer")
        .select_related("actor")
    )
    entries = []
    for row in rows:
        model = apps.get_model(row.object_type)
        fields = {f.name: f.verbose_name for f in model._meta.fields}
        entries.append(
            {
                "at": row.at,
                "kind": "record",
                "action": RECORD_ACTIONS[row.action],
                "actor": row.actor.label if row.actor_id else None,
                "from_user": None,
                "to_user": None,
                "to_department": None,
                "to_pool": None,
                "object": f"{capfirst(model._meta.verbose_name)}: {row.object_label}",
                "reason": row.reason,
                "changes": [
                    {"field": str(fields.get(name, name)), "old": old, "new": new}
                    for name, (old, new) in row.changes.items()
                ],
            }
        )
    return entries


def customer_history(customer: Customer):
    """Every entry of the customer's history, newest first."""
    entries = ownership_entries(customer)
    entries += [edit_entry(*edit) for edit in field_edits(customer)]
    entries += record_entries(customer)
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def public_history(customer: Customer):
    """What a pool manager may read of any customer's history, in the pool or the recycle
    bin (who had it, when and why): the ownership events, and the edits of public fields
    only (C2)."""
    public = set(SystemSettings.load().public_fields)
    entries = ownership_entries(customer)
    for at, user, changes in field_edits(customer):
        shown = [change for change in changes if change["field"] in public]
        if shown:
            entries.append(edit_entry(at, user, shown))
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries
