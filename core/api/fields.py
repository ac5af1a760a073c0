"""Id fields that refuse anything but a whole number a database row can have, in words;
fields that show a page of rows in the request's language and time zone."""

import functools

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.ids import MAX_ROW_ID, as_id


def row_id():
    return serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID)


def _strict_whole_number(data):
    """JSON 1.5 or true must not quietly become row 1."""
    if isinstance(data, bool) or not isinstance(data, int | str):
        return None
    if isinstance(data, str):
        return as_id(data)
    return data


def _built(build):
    return build()


# One lazy factory for all: `lazy()` makes a new proxy class on every call, and fields are
# made for every request that serialises.
_lazy_built = lazy(_built, str)


def lazy_text(build):
    """A string built by `build()` when shown, in the language of that request: fields are
    made at import time, before any request chose a language."""
    return _lazy_built(build)


class RowRef(serializers.PrimaryKeyRelatedField):
    """An id of an existing row of `queryset`; `noun` (lazy) names it in error messages."""

    def __init__(self, noun, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {
            "does_not_exist": lazy_text(
                lambda: _("No %(noun)s with id {pk_value}.") % {"noun": noun}
            ),
            "incorrect_type": lazy_text(
                lambda: _("Ids of %(noun)s must be whole numbers.") % {"noun": noun}
            ),
            "required": lazy_text(lambda: _("Choose a %(noun)s.") % {"noun": noun}),
            "null": lazy_text(lambda: _("Choose a %(noun)s.") % {"noun": noun}),
            **kwargs["error_messages"],
        }
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = _strict_whole_number(data)
        if pk is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= pk <= MAX_ROW_ID:
            self.fail("does_not_exist", pk_value=pk)
        return super().to_internal_value(pk)


# A field serves every row of a page (a list serializer has one child): the language and
# the time zone, each a context-local lookup, are read once for the page, not per value
# (benchmark rows "mine" and "shared", the median row's target).


class ItemName(serializers.CharField):
    """The name of the dictionary item in `field` (settings_app.DictionaryItem.label; by
    default the field of the name it has), or null where it has none."""

    def __init__(self, field=None):
        source = {"source": field} if field else {}
        super().__init__(**source, default=None, allow_null=True, read_only=True)

    @functools.cached_property
    def language(self):
        return get_language()

    def to_representation(self, item):
        return item.label_in(self.language)


class LocalDateTimeField(serializers.DateTimeField):
    """A timestamp in the request's time zone."""

    @functools.cached_property
    def timezone(self):
        return timezone.get_current_timezone()
