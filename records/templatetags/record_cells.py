import datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from records import access

register = template.Library()


def value_at(record, path):
    """The value at a dotted attribute path of a record (a method is called), or None."""
    value = record
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value() if callable(value) else value


def formatted(value):
    """A value as a table cell shows it: local time, ISO dates, money with two places."""
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, force_grouping=True)
    return value


@register.filter
def cell(record, path):
    """The value at a dotted attribute path of a record, formatted for a table cell."""
    value = value_at(record, path)
    return "" if value is None else formatted(value)


@register.simple_tag
def column_cell(record, column):
    """A module's column (records.modules.Column) for one row, in its own format and
    with its link when it has them."""
    value = value_at(record, column.path)
    if value is None:
        text = ""
    else:
        text = column.format(value) if column.format else formatted(value)
    if column.link:
        return format_html('<a href="{}">{}</a>', column.link(record), text)
    return text


@register.simple_tag
def row_link_url(link, record):
    """Where a module's RowLink leads for one row."""
    return link.url(record)


@register.filter
def may_write(writer, record):
    """Whether the tab offers to change and delete this row (records.access decides)."""
    return access.refuse_write(writer, record) is None


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
