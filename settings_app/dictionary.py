"""The data dictionary's items (SPEC O4), read at most once per request.

A list page names the category, industry, region and source of each of its rows, and its
filters offer each of those lists: eight small queries of the same few dozen rows. Within
a request every item is read once, in one query, and kept until the request ends (or an
item is saved or deleted); nothing is kept from one request to the next, so a change an
administrator makes shows on the next page, in every worker. Outside a request (commands,
tests calling services) each call reads afresh."""

from contextvars import ContextVar

from django import forms

from .models import DictionaryItem, DictionaryKind

_memo = ContextVar("dictionary_items", default=None)


class ReadOncePerRequest:
    """Middleware: the items read during a request are kept until it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def items():
    """Every item by id, in list order (kind, order, name)."""
    memo = _memo.get()
    if memo is None:
        return _read()
    if "items" not in memo:
        memo["items"] = _read()
    return memo["items"]


def _read():
    return {item.pk: item for item in DictionaryItem.objects.all()}


def forget(**kwargs):
    """Read afresh from now on in this request: an item was saved or deleted."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


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
