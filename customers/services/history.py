"""The history tab (SPEC H1): ownership events and field edits, newest first."""

from itertools import pairwise

from settings_app import dictionary

from ..models import DICTIONARY_FIELDS, Customer, OwnershipEvent

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
    names = {pk: known[pk].name for pk in item_ids if pk in known}

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


def customer_history(customer: Customer, entry_for_event, entry_for_edit):
    events = OwnershipEvent.objects.filter(customer=customer).select_related(
        "actor", "from_user", "to_user", "to_department"
    )
    entries = [entry_for_event(e) for e in events]
    entries += [entry_for_edit(*edit) for edit in field_edits(customer)]
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries
