"""A customer list out as a file, CSV or XLSX, with the list's search, filters and order
(SPEC B2). Streamed: a row is read, written and forgotten, so a million customers never
sit in memory. A list longer than EXPORT_STREAM_MAX_ROWS is written to a file by a
background job instead (transfers.export_jobs), by the same writers. The pool and the
recycle bin export public fields only (C2); a full-record list the fields of every row
the person may read in full, and only the public ones of a row they may not (a customer
a subordinate created, since someone else's).

Every cell that Excel would take for a formula (= + - @, a tab or a carriage return
first) is written with a leading apostrophe (OWASP CSV injection). Each export is
recorded in the audit trail: who, which list, how it was searched."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def neutralised(value):
    """The text of a cell, never a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(value, zone):
    """A moment as a cell shows it, in `zone` (the current time zone, read once per export)."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


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


class CustomerColumns:
    """The columns of a customer list's export: the public ones the settings make public
    (all of them for a full-record list), then, for a full-record list, the private ones."""

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

    def values(self, customer):
        """The cells of one row; a row not readable in full leaves the private ones empty."""
        names = self.names
        cells = [value(customer, names) for _name, _label, value in self.public]
        if getattr(customer, "readable", True):
            cells += [value(customer, names) for _name, _label, value in self.private]
        else:
            cells += [""] * len(self.private)
        return [neutralised(cell) for cell in cells]


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
    """The lines of the CSV file of `rows`, the header first behind a BOM (Excel then reads
    it as UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns.labels)
    for row in rows:
        yield writer.writerow(columns.values(row))


def write_xlsx(out, columns, rows):
    """The workbook of `rows` into the binary file `out`."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # rows go to a temporary file as they are appended
    sheet = book.create_sheet()
    sheet.append(columns.labels)
    for row in rows:
        sheet.append(columns.values(row))
    book.save(out)


def write(out, file_format, columns, rows):
    """The file of `rows` in `file_format` into the binary file `out` (a background
    export's; a streamed one writes the same lines and workbook)."""
    if file_format == XLSX:
        write_xlsx(out, columns, rows)
        return
    for line in csv_lines(columns, rows):
        out.write(line.encode("utf-8"))


def file_name(list_name, file_format):
    """The name the person's file is saved under: the list and the time, e.g.
    mine-20260102-0930.csv."""
    return f"{list_name}-{timezone.localtime():%Y%m%d-%H%M}.{file_format}"


def csv_response(columns, rows, filename):
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(columns, rows, filename):
    out = tempfile.TemporaryFile()
    write_xlsx(out, columns, rows)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[XLSX]
    )


class ModuleColumns:
    """A record module's list (records.modules): the customer, then the module's columns,
    each as its table cell shows it."""

    def __init__(self, module):
        from records.templatetags.record_cells import formatted, value_at

        self.module, self.formatted, self.value_at = module, formatted, value_at

    @property
    def labels(self):
        return [str(_("Customer")), *(str(column.label) for column in self.module.columns)]

    def values(self, record):
        cells = [record.customer.name]
        for column in self.module.columns:
            value = self.value_at(record, column.path)
            if value is None:
                cells.append("")
            else:
                cells.append(column.format(value) if column.format else self.formatted(value))
        return [neutralised(cell) for cell in cells]


class AuditColumns:
    """The audit trail (administrators)."""

    FIELDS = ("at", "actor", "action", "object_type", "object_id", "object_label", "customer")
    FIELDS += ("changes", "reason", "request_id", "ip", "username")

    def __init__(self):
        self.zone = timezone.get_current_timezone()

    @property
    def labels(self):
        from audit.models import AuditEntry

        return [str(AuditEntry._meta.get_field(name).verbose_name) for name in self.FIELDS]

    def values(self, entry):
        import json

        cells = [
            _when(entry.at, self.zone),
            _label(entry.actor),
            entry.get_action_display(),
            entry.object_type,
            entry.object_id,
            entry.object_label,
            entry.customer_id or "",
            json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "",
            entry.reason,
            entry.request_id,
            entry.ip or "",
            entry.username,
        ]
        return [neutralised(cell) for cell in cells]


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


def export(user, list_name, rows, columns, file_format, query):
    """The streamed response of an export of `rows` (an iterable, in the list's order) of
    the list `list_name` in `columns`, recorded in the audit trail with its query string."""
    filename = file_name(list_name, file_format)
    record(user, list_name, file_format, query)
    if file_format == XLSX:
        return xlsx_response(columns, rows, filename)
    return csv_response(columns, rows, filename)
