"""Changes to the system settings and the data dictionary (SPEC O3, O4, C2), from the
settings pages and the API alike, by administrators (org: User.is_administrator).

Each change is one transaction. Its audit rows are written inside it by audit.signals,
which trace every save and delete of these models, in Django admin too: who, and each
field's value before and after."""

from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import NotAllowed, NotVisible, ServiceError

from .models import NAME_MAX_LENGTH, DictionaryItem, DictionaryKind, SystemSettings

NAME_FIELDS = ("name", "name_zh_hans")
SETTINGS_FIELDS = (
    "force_hierarchical_sharing",
    "require_two_factor_for_administrators",
    "extra_public_fields",
    "currency",
    "attachment_max_mb",
    "blocked_extensions",
)
UP, DOWN = "up", "down"


class InUse(ServiceError):
    """A dictionary item that rows refer to cannot be deleted: disable it instead."""

    def __init__(self, item):
        count = item.use_count()
        if count:
            message = ngettext(
                "“%(name)s” is in use by %(count)d customer or record — disable it instead.",
                "“%(name)s” is in use by %(count)d customers or records — disable it instead.",
                count,
            ) % {"name": item.label, "count": count}
        else:
            message = _(
                "“%(name)s” is still named in the change history of customers — disable it instead."
            ) % {"name": item.label}
        super().__init__(message)
        self.item = item
        self.count = count


def _administrators_only(actor):
    if not actor.is_administrator:
        raise NotAllowed(_("Only administrators may change this."))


# --- system settings ----------------------------------------------------------------------


def clean_currency(value):
    value = str(value).strip()
    if not (len(value) == 3 and value.isascii() and value.isalpha()):
        raise ServiceError(_("A currency is a three-letter code such as CNY."), field="currency")
    return value.upper()


def save_settings(actor, values):
    """Sets the system parameters in `values` (names of SETTINGS_FIELDS, already checked
    against the model's fields by a form or serializer); the others keep theirs."""
    _administrators_only(actor)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ServiceError(_("Unknown settings: %s.") % ", ".join(sorted(unknown)))
    if "currency" in values:
        values = {**values, "currency": clean_currency(values["currency"])}
    with transaction.atomic():
        settings = SystemSettings.read()
        for field, value in values.items():
            setattr(settings, field, value)
        settings.save()
    return settings


# --- the data dictionary --------------------------------------------------------------------


def kind_named(kind):
    """The DictionaryKind of a URL's `kind`, or a refusal that names the known ones."""
    if kind not in DictionaryKind.values:
        raise NotVisible(
            _("No dictionary named %(kind)s. Known: %(known)s.")
            % {"kind": kind, "known": ", ".join(DictionaryKind.values)}
        )
    return DictionaryKind(kind)


def item_of(kind, pk):
    item = DictionaryItem.objects.filter(kind=kind, pk=pk).first()
    if item is None:
        raise NotVisible(_("This list has no such item: it may have been deleted."))
    return item


def _clean_names(kind, names, item=None):
    """The names of an item of `kind` (both keys of NAME_FIELDS), stripped: at least one,
    none too long, none another item of the list already has in either language."""
    names = {field: str(names.get(field) or "").strip() for field in NAME_FIELDS}
    if not any(names.values()):
        raise ServiceError(_("Give the item a name, in English or in Chinese."), field="name")
    others = DictionaryItem.objects.filter(kind=kind)
    if item is not None:
        others = others.exclude(pk=item.pk)
    for field, value in names.items():
        if len(value) > NAME_MAX_LENGTH:
            raise ServiceError(
                _("A name is at most %(max)d characters long.") % {"max": NAME_MAX_LENGTH},
                field=field,
            )
        if value and others.filter(Q(name__iexact=value) | Q(name_zh_hans__iexact=value)).exists():
            raise ServiceError(
                _("The list “%(kind)s” already has an item named “%(name)s”.")
                % {"kind": DictionaryKind(kind).label, "name": value},
                field=field,
            )
    return names


def add_item(actor, kind, *, sort_order=None, is_active=True, **names):
    """A new item of list `kind`, last in the list unless `sort_order` says otherwise."""
    _administrators_only(actor)
    kind = kind_named(kind)
    with transaction.atomic():
        names = _clean_names(kind, names)
        if sort_order is None:
            last = DictionaryItem.objects.filter(kind=kind).aggregate(last=Max("sort_order"))
            sort_order = 0 if last["last"] is None else last["last"] + 1
        return DictionaryItem.objects.create(
            kind=kind, sort_order=sort_order, is_active=is_active, **names
        )


def change_item(actor, item, **changes):
    """Renames (name, name_zh_hans: give both), reorders (sort_order), disables or enables
    (is_active) an item. Disabled, it can no longer be chosen; what has it keeps it."""
    _administrators_only(actor)
    unknown = set(changes) - {*NAME_FIELDS, "sort_order", "is_active"}
    if unknown:
        raise ServiceError(_("Unknown fields: %s.") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        if changes.keys() & set(NAME_FIELDS):
            names = {field: getattr(item, field) for field in NAME_FIELDS}
            names.update({f: changes[f] for f in NAME_FIELDS if f in changes})
            changes.update(_clean_names(item.kind, names, item))
        for field, value in changes.items():
            setattr(item, field, value)
        item.save()
    return item


def set_item_active(actor, item, active):
    return change_item(actor, item, is_active=bool(active))


def move_item(actor, item, direction):
    """Moves an item one place up or down its list. The list is numbered afresh in the
    order it is shown (items made with the same order sort by name), and only the items
    whose number changes are saved."""
    _administrators_only(actor)
    if direction not in (UP, DOWN):
        raise ServiceError(_("An item moves up or down."))
    with transaction.atomic():
        items = list(DictionaryItem.objects.select_for_update().filter(kind=item.kind))
        at = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
        if at is None:
            raise NotVisible(_("This list has no such item: it may have been deleted."))
        to = at - 1 if direction == UP else at + 1
        if not 0 <= to < len(items):
            raise ServiceError(
                _("“%(name)s” is already first.") % {"name": item.label}
                if direction == UP
                else _("“%(name)s” is already last.") % {"name": item.label}
            )
        items[at], items[to] = items[to], items[at]
        for order, row in enumerate(items):
            if row.sort_order != order:
                row.sort_order = order
                row.save(update_fields=["sort_order"])
    return items[to]


def delete_item(actor, item):
    """Deletes an item nothing refers to (SPEC O4); one in use is refused (InUse)."""
    _administrators_only(actor)
    with transaction.atomic():
        if item.is_in_use():
            raise InUse(item)
        try:
            item.delete()
        except ProtectedError:  # taken into use since it was looked at
            raise InUse(item) from None
