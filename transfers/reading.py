"""An uploaded table, CSV or XLSX, as a header row and data rows of text (SPEC B2).

Everything a spreadsheet may throw at it ends in a ServiceError a person can read, before
anything is written: an empty file, an encoding that is none of those offered, a
"spreadsheet" that is not one, an XLSX whose unpacked size gives it away as a zip bomb,
more rows than the limit."""

import csv
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ServiceError

# What Chinese Excel writes (GB18030 includes GBK and GB2312), after UTF-8 with and
# without its byte-order mark.
ENCODINGS = ("utf-8-sig", "gb18030")
ENCODING_CHOICES = (("utf-8-sig", "UTF-8"), ("gb18030", "GBK / GB18030"))
XLSX_MAGIC = b"PK\x03\x04"
# An XLSX unpacks to a few times its size; a zip bomb to thousands of times.
MAX_UNPACKED_RATIO = 100


def kind_of(filename, head):
    """'xlsx' or 'csv', from the file's first bytes rather than its name."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if filename.lower().endswith((".xlsx", ".xls")):
        raise ServiceError(
            _("This file is not an Excel workbook (.xlsx). Save it as .xlsx or CSV.")
        )
    return "csv"


def decode(data, encoding=""):
    """The text of a CSV file and the encoding it was read with."""
    for candidate in (encoding,) if encoding else ENCODINGS:
        try:
            return data.decode(candidate), candidate
        except (UnicodeDecodeError, LookupError):
            continue
    if encoding:
        raise ServiceError(
            _("The file cannot be read as %(encoding)s. Choose another encoding.")
            % {"encoding": encoding}
        )
    raise ServiceError(_("The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV UTF-8."))


def _csv_rows(text):
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        yield [cell.strip() for cell in row]


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ServiceError(_("This file is not a readable Excel workbook (.xlsx).")) from None
    if unpacked > max(len(data), 1) * MAX_UNPACKED_RATIO:
        raise ServiceError(
            _("This workbook unpacks to %(size)d MB: it is refused as unsafe.")
            % {"size": unpacked // 1024 // 1024}
        )


def _xlsx_rows(data):
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        # data_only: a formula counts as the value Excel last computed for it, never as code.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ServiceError(_("This file is not a readable Excel workbook (.xlsx).")) from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else _text(cell) for cell in row]
    finally:
        book.close()


def _text(cell):
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a phone number typed as a number: 13800138000, not 1.38e10
    if hasattr(cell, "strftime"):
        return cell.strftime("%Y-%m-%d")
    return str(cell).strip()


class Table:
    """The header and the data rows of an uploaded file, blank rows left out. `number` of
    each data row is its line in the file (the header is line 1)."""

    def __init__(self, data, filename, encoding=""):
        if not data:
            raise ServiceError(_("The file is empty."))
        limit = settings.IMPORT_MAX_MB * 1024 * 1024
        if len(data) > limit:
            raise ServiceError(
                _("The file is %(size).1f MB; imports may be at most %(limit)d MB.")
                % {"size": len(data) / 1024 / 1024, "limit": settings.IMPORT_MAX_MB}
            )
        self.kind = kind_of(filename, data[:4])
        if self.kind == "xlsx":
            self.encoding = ""
            rows = _xlsx_rows(data)
        else:
            text, self.encoding = decode(data, encoding)
            rows = _csv_rows(text)
        self.header = []
        self.rows = []  # (number, cells)
        for number, cells in enumerate(rows, start=1):
            if not any(cells):
                continue
            if not self.header:
                self.header = cells
                continue
            if len(self.rows) >= settings.IMPORT_MAX_ROWS:
                raise ServiceError(
                    _("The file has more than %(limit)s rows; import at most %(limit)s at once.")
                    % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
                )
            self.rows.append((number, cells))
        if not self.header:
            raise ServiceError(_("The file is empty."))
        if not self.rows:
            raise ServiceError(_("The file has a header row but no customers under it."))
