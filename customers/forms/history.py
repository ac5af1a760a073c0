"""Quick search and sorting of a customer's history tab (SPEC H1, L1, L3)."""

from django import forms
from django.utils.translation import gettext as _

from ..models.events import OwnershipAction


def action_label(action):
    """What the history tab calls an entry's action."""
    return _("edited") if action == "edit" else OwnershipAction(action).label


def entry_text(entry):
    """Everything the tab shows of an entry, as one text to look for a keyword in."""
    changes = (f"{_(c['field'])} {c['old'] or ''} {c['new'] or ''}" for c in entry["changes"])
    parts = (
        action_label(entry["action"]),
        entry.get("object"),
        entry["actor"],
        entry["from_user"],
        entry["to_user"],
        entry["to_department"],
        entry["reason"],
        *changes,
    )
    return " ".join(str(part) for part in parts if part)


SORT_KEYS = {
    "at": lambda entry: entry["at"],
    "action": lambda entry: str(action_label(entry["action"])),
    "actor": lambda entry: entry["actor"] or "",
}


def ordering_choices():
    return [(f"{sign}{key}", f"{sign}{key}") for key in SORT_KEYS for sign in ("", "-")]


class HistoryQueryForm(forms.Form):
    """The history merges ownership events with the field edits read from snapshots into
    one list built in Python, not a queryset: it is searched and sorted here rather than
    by a FilterSet."""

    search = forms.CharField(required=False, max_length=100)
    ordering = forms.ChoiceField(
        required=False,
        choices=ordering_choices(),
    )

    def select(self, entries):
        """The `entries` (newest first) holding the keyword, in the chosen order. As with
        a FilterSet, a parameter that is not valid is left out and its error says why."""
        self.is_valid()
        keyword = self.cleaned_data.get("search", "").strip().casefold()
        if keyword:
            entries = [entry for entry in entries if keyword in entry_text(entry).casefold()]
        ordering = self.cleaned_data.get("ordering")
        if ordering:
            key = SORT_KEYS[ordering.removeprefix("-")]
            entries = sorted(entries, key=key, reverse=ordering.startswith("-"))
        return entries
