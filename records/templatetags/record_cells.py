import datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone

register = template.Library()


@register.filter
def cell(record, path):
    """The value at a dotted attribute path of a record, formatted for a table cell."""
    value = record
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
    if callable(value):
        value = value()
    if path == "size":
        return filesizeformat(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, force_grouping=True)
    return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
