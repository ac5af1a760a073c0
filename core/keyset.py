"""Keyset (cursor) paging: first, previous, next and last page, each one index range read
at any depth, and every row on exactly one page (SPEC L4).

A list is sorted by `keys`: non-null columns, the last one unique (the primary key), all
ascending or all descending. A page remembers where it ends, the key values of its last
row; the next page is the rows whose keys compare greater as a row value,
`(k1, k2, id) > (v1, v2, v3)`, which SQLite and PostgreSQL both read as a range of an
index over (k1, k2, id). The previous page is read the same way in the reverse order, and
the last page is the reverse order's first page. Nothing is counted and nothing skipped,
so a row added or removed between two pages moves no other row to another page."""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, F, Func, GeneratedField, Value
from django.utils.translation import gettext_lazy as _

NEXT, PREVIOUS = "n", "p"
LAST = "last"  # the cursor of the last page


class InvalidCursor(ValueError):
    message = _("This page link is out of date or damaged; go back to the first page.")


class RowCompare(Func):
    """`(f1, f2, …) >= (v1, v2, …)` (or `<=`): one comparison of the columns as a row."""

    output_field = BooleanField()

    def __init__(self, fields, values, *, greater):
        self.size = len(fields)
        self.operator = ">=" if greater else "<="
        super().__init__(*(F(name) for name in fields), *values)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        columns, values = ", ".join(parts[: self.size]), ", ".join(parts[self.size :])
        return f"({columns}) {self.operator} ({values})", params


@dataclass(frozen=True)
class Sort:
    """The order of a list: `keys` (field names, the last unique), all `descending` or not."""

    keys: tuple
    descending: bool = False

    def order_by(self, reverse=False):
        prefix = "-" if self.descending != reverse else ""
        return [f"{prefix}{key}" for key in self.keys]


@dataclass
class Page:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


class KeysetPaginator:
    """Pages of `queryset` in the order `sort`. `load(ids)` reads a page's rows by id, with
    whatever a page shows joined; by default `queryset` itself reads them."""

    def __init__(self, queryset, sort, per_page, load=None):
        self.queryset = queryset
        self.sort = sort
        self.per_page = per_page
        self.load = load or (lambda ids: queryset.filter(pk__in=ids))
        meta = queryset.model._meta
        self.fields = [meta.get_field(key) for key in sort.keys]
        if self.fields[-1] != meta.pk:
            raise ValueError("a keyset order ends with the primary key, an integer")
        # What reads a cursor's values back: a generated column's output field.
        self.parsers = [
            field.output_field if isinstance(field, GeneratedField) else field
            for field in self.fields
        ]

    def page(self, cursor=None):
        """The first page (no cursor), the last (LAST), or the one a page's cursor names."""
        if cursor and cursor != LAST:
            direction, position = self.decode(cursor)
        else:
            direction, position = (PREVIOUS if cursor == LAST else NEXT), None
        backwards = direction == PREVIOUS
        rows = self.queryset.order_by(*self.sort.order_by(reverse=backwards))
        if position is not None:
            # Forwards in a descending list, or backwards in an ascending one: smaller keys.
            greater = backwards == self.sort.descending
            rows = rows.filter(
                RowCompare(self.sort.keys, _beyond(position, greater), greater=greater)
            )
        # The page's ids first, then its rows: PostgreSQL estimates a row comparison from
        # its first column alone, guesses one row where that key is the column's lowest
        # or highest, and then joined every row before the limit (pool by -status from row
        # 497,521: 2.9 s).
        ids = rows.select_related(None).prefetch_related(None).values_list("pk", flat=True)
        ids = list(ids[: self.per_page + 1])
        more = len(ids) > self.per_page
        by_id = {row.pk: row for row in self.load(ids[: self.per_page])}
        found = [by_id[pk] for pk in ids[: self.per_page] if pk in by_id]
        if backwards:
            found.reverse()
        came_from_a_page = position is not None
        has_next, has_previous = (came_from_a_page, more) if backwards else (more, came_from_a_page)
        return Page(
            rows=found,
            has_next=has_next and bool(found),
            has_previous=has_previous and bool(found),
            next_cursor=self.encode(NEXT, found[-1]) if has_next and found else None,
            previous_cursor=self.encode(PREVIOUS, found[0]) if has_previous and found else None,
        )

    def encode(self, direction, row):
        values = [_plain(getattr(row, field.attname)) for field in self.fields]
        text = json.dumps([direction, *values], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor):
        """(direction, key values as query values); InvalidCursor for anything else."""
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            direction, *raw = json.loads(text)
            if direction not in (NEXT, PREVIOUS) or len(raw) != len(self.fields):
                raise InvalidCursor
            values = [
                Value(parser.to_python(value), output_field=parser)
                for parser, value in zip(self.parsers, raw, strict=True)
            ]
        except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeError) as error:
            raise InvalidCursor from error
        if any(value.value is None for value in values):
            raise InvalidCursor
        return direction, values


def _beyond(position, greater):
    """The keys from which the rows after `position` start, inclusive: its last key, the
    integer id, one further. The same rows as those strictly beyond it, but PostgreSQL
    estimates a row comparison from its first column alone: `(k, id) < (v, 9)`, where v
    is that column's lowest value (never contacted), looked like no row at all, and it
    hashed half a million rows for a list of 1,241 (benchmark row "shared, salesperson
    (1,241 customers), by -last_contacted_at, page 21"); `k <= v` holds v's rows."""
    *keys, last = position
    step = 1 if greater else -1
    return [*keys, Value(last.value + step, output_field=last.output_field)]


def _plain(value):
    """A key value as JSON keeps it exactly (a timestamp to the microsecond)."""
    return value.isoformat() if isinstance(value, datetime.date) else value
