"""The history tab (SPEC H1): ownership events and field edits, newest first."""

import itertools

from ..models import Customer, OwnershipEvent

HIDDEN_FIELDS = {"deleted_at", "owner", "claimed_at", "created_by", "last_contacted_at"}


def _display(value):
    return None if value is None else str(value)


def field_edits(customer: Customer):
    """Before/after values of each saved edit, from the history library's snapshots."""
    records = list(
        customer.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    for older, newer in itertools.pairwise(records):
        delta = newer.diff_against(older)
        changes = [
            {"field": c.field, "old": _display(c.old), "new": _display(c.new)}
            for c in delta.changes
            if c.field not in HIDDEN_FIELDS
        ]
        if changes:
            entries.append((newer.history_date, newer.history_user, changes))
    return entries


def customer_history(customer: Customer, entry_for_event, entry_for_edit):
    events = OwnershipEvent.objects.filter(customer=customer).select_related(
        "actor", "from_user", "to_user", "to_department"
    )
    entries = [entry_for_event(e) for e in events]
    entries += [entry_for_edit(*edit) for edit in field_edits(customer)]
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries
