"""A customer list out as a file, CSV or XLSX, with the list's search, filters and order
(SPEC B2). Streamed: a row is read, written and forgotten, so a million customers never
sit in memory. A list longer than EXPORT_STREAM_MAX_ROWS is written to a file by a
background job instead (transfers.export_jobs), by the same writers. The pool and the
recycle bin export public fields only (C2); a full-record list the fields of every row
the person may read in full, and only the public ones of a row they may not (a customer
a subordinate created, since someone else's).

A CSV file holds text, as the list's table shows it. A workbook holds the same values
typed: amounts as numbers in a two-decimal, thousands-grouped format, counts as integers,
dates and times as Excel's own, on a sheet named after the list, its header row bold and
frozen, its columns as wide as their first rows need.

Every text cell that Excel would take for a formula (= + - @, a tab or a carriage return
first) is written with a leading apostrophe (OWASP CSV injection). Each export is
recorded in the audit trail: who, which list, how it was searched."""

import csv
import datetime
import itertools
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from audit import trail
from audit.models import Action
from customers import querysets
from settings_app.models import SystemSettings

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2000  # rows read at a time
CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The sheet of a list's workbook, by the list's name (the pages' and the API's).
LIST_TITLES = {
    "pool": gettext_lazy("Customer pool"),
    "mine": gettext_lazy("My customers"),
    "shared": gettext_lazy("Shared customers"),
    "bin": gettext_lazy("Recycle bin"),
    "recycle-bin": gettext_lazy("Recycle bin"),
}
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE_LENGTH = 31  # Excel's limit
NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
WIDTH_SAMPLE = 100  # rows read before the first is written, to size the columns by
MIN_WIDTH, MAX_WIDTH = 6, 60  # in characters


def neutralised(value):
    """The text of a cell, never a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(value, zone):
    """A moment as a sheet holds it: the wall-clock time in `zone` (the current time zone,
    read once per export), without the zone, which Excel cannot hold; None for none."""
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None


def as_text(value):
    """A typed cell as the CSV file and the list's table show it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class Number:
    """A number shown in `number_format`, where its type alone does not say which (a
    count, a percentage); an int is an integer as it is, a Decimal an amount of money."""

    value: int | Decimal
    number_format: str


class Columns:
    """What a list's export writes: the sheet's `title`, lines said before the table
    (`preamble`), the header (`labels`), and of each row its `cells`, typed, for a workbook,
    and its `values`, text never read as a formula, for a CSV file."""

    title = ""
    preamble = ()

    @property
    def labels(self):
        raise NotImplementedError

    def cells(self, row):
        raise NotImplementedError

    def values(self, row):
        return [neutralised(as_text(cell)) for cell in self.cells(row)]


def _label(person):
    return person.label if person is not None else ""


def _primary(customer, attribute):
    contacts = getattr(customer, "primary_contacts", None) or []
    return getattr(contacts[0], attribute) if contacts else ""


class Names:
    """What a customer row's ids are shown as, looked up once per export: the data
    dictionary's items and the people are few, the rows a million (reading them with each
    row, as the lists do, made a model instance of each for every row: the pool's export,
    1M rows, took 2.5x its 60 s target)."""

    def __init__(self):
        from org.models import User
        from settings_app.models import DictionaryItem

        self.items = {item.pk: item.label for item in DictionaryItem.objects.all()}
        self.people = {person.pk: person.label for person in User.objects.all()}
        self.zone = timezone.get_current_timezone()
        self.status = (_("unclaimed"), _("claimed"))

    def item(self, pk):
        return self.items.get(pk, "") if pk else ""

    def person(self, pk):
        return self.people.get(pk, "") if pk else ""

    def when(self, value):
        return _when(value, self.zone)


# (field, label, value of a customer given the Names). The public ones first, in the
# pool's order.
PUBLIC_COLUMNS = (
    ("id", gettext_lazy("ID"), lambda c, n: c.pk),
    ("name", gettext_lazy("Name"), lambda c, n: c.name),
    ("category", gettext_lazy("Category"), lambda c, n: n.item(c.category_id)),
    ("industry", gettext_lazy("Industry"), lambda c, n: n.item(c.industry_id)),
    ("source", gettext_lazy("Source"), lambda c, n: n.item(c.source_id)),
    ("region", gettext_lazy("Region"), lambda c, n: n.item(c.region_id)),
    ("website", gettext_lazy("Website"), lambda c, n: c.website),
    ("status", gettext_lazy("Status"), lambda c, n: n.status[bool(c.owner_id)]),
    ("owner", gettext_lazy("Owner"), lambda c, n: n.person(c.owner_id)),
    ("claimed_at", gettext_lazy("Claimed at"), lambda c, n: n.when(c.claimed_at)),
    (
        "last_contacted_at",
        gettext_lazy("Last contacted"),
        lambda c, n: n.when(c.last_contacted_at),
    ),
    ("created_at", gettext_lazy("Created"), lambda c, n: n.when(c.created_at)),
    ("updated_at", gettext_lazy("Updated"), lambda c, n: n.when(c.updated_at)),
)
PRIVATE_COLUMNS = (
    ("phone", gettext_lazy("Phone"), lambda c, n: c.phone),
    ("address", gettext_lazy("Address"), lambda c, n: c.address),
    ("notes", gettext_lazy("Notes"), lambda c, n: c.notes),
    ("contact_name", gettext_lazy("Primary contact"), lambda c, n: _primary(c, "name")),
    ("contact_mobile", gettext_lazy("Contact mobile"), lambda c, n: _primary(c, "mobile")),
    ("contact_email", gettext_lazy("Contact email"), lambda c, n: _primary(c, "email")),
    ("created_by", gettext_lazy("Created by"), lambda c, n: n.person(c.created_by_id)),
)


class CustomerColumns(Columns):
    """The columns of a customer list's export: the public ones the settings make public
    (all of them for a full-record list), then, for a full-record list, the private ones."""

    # A list's sheet is named after the list (LIST_TITLES); this, where the writer is not
    # told which list it writes.
    title = pgettext_lazy("sheet title", "Customers")

    def __init__(self, full_record):
        public = set(SystemSettings.current_public_fields())
        self.public = [c for c in PUBLIC_COLUMNS if full_record or c[0] in public]
        self.private = list(PRIVATE_COLUMNS) if full_record else []
        self._names = None

    @property
    def labels(self):
        return [str(label) for _name, label, _value in (*self.public, *self.private)]

    @property
    def names(self):
        """The Names, read when the first row is written (in the writer's language)."""
        if self._names is None:
            self._names = Names()
        return self._names

    def cells(self, customer):
        """The cells of one row; a row not readable in full leaves the private ones empty."""
        names = self.names
        cells = [value(customer, names) for _name, _label, value in self.public]
        if getattr(customer, "readable", True):
            cells += [value(customer, names) for _name, _label, value in self.private]
        else:
            cells += [None] * len(self.private)
        return cells


def rows_of(user, rows, decorate, *, shared=False):
    """Every customer of `rows` (ordered), read BATCH at a time, with what the columns
    show; of a shared list, each marked readable or not."""
    # Without the related rows the lists join: CustomerColumns names them (Names).
    customers = decorate(rows).select_related(None).iterator(chunk_size=BATCH)
    if not shared:
        yield from customers
        return
    batch = []
    for customer in customers:
        batch.append(customer)
        if len(batch) == BATCH:
            yield from querysets.mark_readable(user, batch)
            batch = []
    yield from querysets.mark_readable(user, batch)


class _Echo:
    """The file-like csv.writer writes to: it hands each line back (Django's streaming
    CSV recipe)."""

    def write(self, value):
        return value


def csv_lines(columns, rows):
    """The lines of the CSV file of `rows`, the first behind a BOM (Excel then reads it as
    UTF-8): the preamble's, each in a cell, and an empty one, then the header."""
    writer = csv.writer(_Echo())
    head = [[neutralised(line)] for line in columns.preamble]
    head += [[], columns.labels] if head else [columns.labels]
    yield "\ufeff" + "".join(writer.writerow(line) for line in head)
    for row in rows:
        yield writer.writerow(columns.values(row))


def sheet_title(title):
    """`title` as Excel takes a sheet's name: none of []:*?/\\, no apostrophe first or
    last, at most 31 characters (a longer one cut after a whole word, with an ellipsis)."""
    text = " ".join(NOT_IN_SHEET_TITLES.sub(" ", str(title)).split()).strip("'")
    if len(text) > SHEET_TITLE_LENGTH:
        head = text[:SHEET_TITLE_LENGTH]
        head = head.rsplit(" ", 1)[0] if " " in head else head[: SHEET_TITLE_LENGTH - 1]
        text = head.rstrip(" '") + "…"
    return text or "Sheet"


def sheet_value(value):
    """(what a workbook's cell holds, its number format or None) of a typed cell: text is
    never read as a formula, a moment is its wall-clock time (Excel holds no zones)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, Number):
        return value.value, value.number_format
    if isinstance(value, bool | int | float):
        return value, None
    if isinstance(value, Decimal):
        return value, MONEY_FORMAT
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value, DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    return neutralised(value), None


def _shown_width(value, number_format):
    """About how many characters wide a cell shows: a CJK character counts two."""
    if number_format == MONEY_FORMAT:
        return len(f"{value:,.2f}")
    if number_format == COUNT_FORMAT:
        return len(f"{value:,}")
    if number_format == PERCENT_FORMAT:
        return len(f"{value * 100:.1f}%")
    if number_format in (DATE_FORMAT, DATETIME_FORMAT):
        return len(number_format)
    if value is None:
        return 0
    lines = str(value).splitlines() or [""]
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines
    )


class _Cells:
    """The cells of a row of a write-only sheet. A cell with a number format is a styled
    cell, one per column and format, reused: the sheet writes a row as it is appended."""

    def __init__(self, sheet):
        self.sheet, self.styled = sheet, {}

    def header(self, labels):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        bold = Font(bold=True)
        cells = []
        for label in labels:
            cell = WriteOnlyCell(self.sheet, value=neutralised(label))
            cell.font = bold
            cells.append(cell)
        return cells

    def row(self, typed):
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for column, (value, number_format) in enumerate(typed):
            if number_format is None:
                cells.append(value)
                continue
            cell = self.styled.get((column, number_format))
            if cell is None:
                cell = self.styled[column, number_format] = WriteOnlyCell(self.sheet)
                cell.number_format = number_format
            cell.value = value
            cells.append(cell)
        return cells


def write_xlsx(out, columns, rows, title=None):
    """The workbook of `rows` into the binary file `out`, its sheet named `title` (the
    columns' own by default)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # rows go to a temporary file as they are appended
    sheet = book.create_sheet(sheet_title(title or columns.title))
    labels = columns.labels
    rows = iter(rows)
    # Widths and the frozen rows are written before the first row: sized by the first rows.
    sample = [
        [sheet_value(cell) for cell in columns.cells(row)]
        for row in itertools.islice(rows, WIDTH_SAMPLE)
    ]
    for column, label in enumerate(labels):
        widest = max(
            [_shown_width(label, None) + 1]  # bold
            + [_shown_width(*typed[column]) for typed in sample if column < len(typed)]
        )
        width = min(MAX_WIDTH, max(MIN_WIDTH, widest + 2))
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
    preamble = [[neutralised(line)] for line in columns.preamble]
    if preamble:
        preamble.append([])
    sheet.freeze_panes = f"A{len(preamble) + 2}"  # under the header
    cells = _Cells(sheet)
    for line in preamble:
        sheet.append(line)
    sheet.append(cells.header(labels))
    for typed in sample:
        sheet.append(cells.row(typed))
    for row in rows:
        sheet.append(cells.row([sheet_value(cell) for cell in columns.cells(row)]))
    book.save(out)


def list_title(list_name, columns):
    """The title of the sheet of the list `list_name`."""
    return LIST_TITLES.get(list_name) or columns.title


def write(out, file_format, columns, rows, list_name=""):
    """The file of `rows` in `file_format` into the binary file `out` (a background
    export's; a streamed one writes the same lines and workbook)."""
    if file_format == XLSX:
        write_xlsx(out, columns, rows, list_title(list_name, columns))
        return
    for line in csv_lines(columns, rows):
        out.write(line.encode("utf-8"))


def file_name(list_name, file_format):
    """The name the person's file is saved under: the list and the time, e.g.
    mine-20260102-0930.csv."""
    return f"{list_name}-{timezone.localtime():%Y%m%d-%H%M}.{file_format}"


def csv_response(columns, rows, filename):
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(columns, rows, filename, title=None):
    out = tempfile.TemporaryFile()
    write_xlsx(out, columns, rows, title)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[XLSX]
    )


class ModuleColumns(Columns):
    """A record module's list (records.modules): the customer, then the module's columns,
    each as its table cell shows it (in a workbook, a date and an amount typed)."""

    def __init__(self, module):
        from records.templatetags.record_cells import money, value_at

        self.module, self.money, self.value_at = module, money, value_at

    @property
    def title(self):
        return self.module.label

    @property
    def labels(self):
        return [str(_("Customer")), *(str(column.label) for column in self.module.columns)]

    def cells(self, record):
        cells = [record.customer.name]
        for column in self.module.columns:
            value = self.value_at(record, column.path)
            if value is not None and column.format:
                value = column.format(value)
            elif isinstance(value, datetime.datetime):
                value = timezone.localtime(value).replace(tzinfo=None)
            cells.append(value)
        return cells

    def values(self, record):
        return [
            neutralised(self.money(cell) if isinstance(cell, Decimal) else as_text(cell))
            for cell in self.cells(record)
        ]


class AuditColumns(Columns):
    """The audit trail (administrators)."""

    title = gettext_lazy("Audit trail")

    FIELDS = ("at", "actor", "action", "object_type", "object_id", "object_label", "customer")
    FIELDS += ("changes", "reason", "request_id", "ip", "username")

    def __init__(self):
        self.zone = timezone.get_current_timezone()

    @property
    def labels(self):
        from audit.models import AuditEntry

        return [str(AuditEntry._meta.get_field(name).verbose_name) for name in self.FIELDS]

    def cells(self, entry):
        import json

        return [
            _when(entry.at, self.zone),
            _label(entry.actor),
            entry.get_action_display(),
            entry.object_type,
            entry.object_id,
            entry.object_label,
            entry.customer_id,
            json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "",
            entry.reason,
            entry.request_id,
            entry.ip,
            entry.username,
        ]


def record(user, list_name, file_format, query, job=None):
    """The audit row of an export: who, which list, how it was searched; and the background
    job writing it, for a long list."""
    trail.record(
        user,
        Action.EXPORT,
        object_type="export",
        object_id=job.pk if job else "",
        label=list_name,
        changes={"list": list_name, "format": file_format, "query": query},
    )


def export(user, list_name, rows, columns, file_format, query, filename=None):
    """The streamed response of an export of `rows` (an iterable, in the list's order) of
    the list `list_name` in `columns`, recorded in the audit trail with its query string;
    saved as `filename` (by default the list's name and the time)."""
    filename = filename or file_name(list_name, file_format)
    record(user, list_name, file_format, query)
    if file_format == XLSX:
        return xlsx_response(columns, rows, filename, list_title(list_name, columns))
    return csv_response(columns, rows, filename)
