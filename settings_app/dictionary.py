"""The data dictionary's items (SPEC O4), read at most once per request.

A list page names the category, industry, region and source of each of its rows, and its
filters offer each of those lists: eight small queries of the same few dozen rows. Within
a request every item is read once, in one query (settings_app.per_request)."""

from django import forms

from .models import DictionaryItem, DictionaryKind
from .per_request import once


def items():
    """Every item by id, in list order (kind, order, name)."""
    return once("dictionary_items", _read)


def _read():
    return {item.pk: item for item in DictionaryItem.objects.all()}


def of_kind(kind):
    return [item for item in items().values() if item.kind == kind]


def return_reasons():
    """The reasons one may choose when returning a customer (issue 17), in list order."""
    return [item for item in of_kind(DictionaryKind.RETURN_REASON) if item.is_active]


def attach(rows, fields):
    """Give each row its items for the dictionary foreign keys `fields`, without a query
    per row (or per field): row.category then reads from what items() read."""
    known = items()
    for row in rows:
        for name in fields:
            field = row._meta.get_field(name)
            item_id = getattr(row, field.attname)
            if item_id is None or item_id in known:
                field.set_cached_value(row, known.get(item_id))


class _ItemsOfKind(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for item in of_kind(self.field.kind):
            yield self.choice(item)

    def __len__(self):
        return len(of_kind(self.field.kind)) + (self.field.empty_label is not None)


class ItemChoiceField(forms.ModelChoiceField):
    """An item of one kind. The choices it offers come from the request's one read of the
    dictionary (items()); an id it is given is looked up as ModelChoiceField does."""

    iterator = _ItemsOfKind

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        kwargs.setdefault("queryset", DictionaryItem.objects.filter(kind=kind))
        super().__init__(**kwargs)
