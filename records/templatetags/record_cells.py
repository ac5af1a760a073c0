import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, numberformat, timezone
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
        return money(value)
    return value


@register.filter
def grouped(value):
    """A count with its thousands grouped, 694,739, in every language (as money does)."""
    if value is None or value == "":
        return ""
    return _by_thousands(int(value))


@register.filter
def money(value):
    """An amount with two places and its thousands grouped, 1,234,567.00, in every
    language: Django's Chinese format groups nothing (no separator), and a ledger's
    figures are read by their commas."""
    if value is None or value == "":
        return ""
    places = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _by_thousands(places, decimal_pos=2)


def _by_thousands(number, decimal_pos=None):
    return numberformat.format(
        number,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimal_pos,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR") or ",",
        force_grouping=True,
    )


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
    elif column.format:
        text = column.format(value)
    elif isinstance(value, datetime.date):
        # A date never breaks at its hyphens ("2026-11-" above "30") in a narrow column.
        text = format_html(
            '<time class="text-nowrap" datetime="{}">{}</time>', value.isoformat(), formatted(value)
        )
    else:
        text = formatted(value)
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
