"""Reading uploaded tables (CSV in UTF-8, UTF-8 with BOM or GBK; XLSX; JSON arrays of objects) and writing safe
exports. Reading refuses a file as a whole with a `TableError` code; rows are judged by `yrdhub.imports`."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from yrdhub.errors import DomainError, TooLarge, register
from yrdhub.i18n import N_

MAX_BYTES = 200 * 1024 * 1024
# A zip (XLSX, DOCX) is refused before it is parsed when its members, as the central directory declares them (and
# zipfile enforces: a member never inflates beyond its declared size), inflate beyond this or by more than
# MAX_RATIO: a few hundred KB that inflate to gigabytes would otherwise hold a worker for minutes.
MAX_INFLATED = 256 * 1024 * 1024
MAX_RATIO = 100


class TableError(DomainError):
    """The file as a whole cannot be read (encoding, format, header)."""


register({
    "table.empty": N_("The file is empty."),
    "table.no_rows": N_("The file has no rows."),
    "table.too_large": N_("The file is too large (at most {limit_mb} MB)."),
    "table.encoding": N_("The file's text encoding is not recognised (UTF-8 or GBK expected)."),
    "table.binary": N_("The file has binary content: it is not a CSV file."),
    "table.xlsx": N_("The Excel file cannot be read."),
    "table.json": N_("The JSON is not valid (line {line}: {reason})."),
    "table.json_shape": N_("The JSON must be an array of objects, or an object with a 'rows' array."),
    "table.json_depth": N_("The JSON is nested too deeply."),
    "table.inflated": N_("The file unpacks to {size_mb} MB, more than the {limit_mb} MB accepted."),
    "table.ratio": N_("The file unpacks to {ratio} times its size, which no real table does; it is refused."),
})


def archive_sizes(data: bytes) -> tuple[int, int]:
    """(inflated, compressed) bytes of a zip's members as its central directory declares them; (0, 0) when the
    data is not a readable zip (its parser then says why)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0, 0
    return sum(i.file_size for i in infos), sum(i.compress_size for i in infos)


def check_archive(data: bytes, max_inflated: int = MAX_INFLATED, max_ratio: int = MAX_RATIO) -> None:
    """Refuse a zip bomb (TooLarge) before anything parses it."""
    inflated, compressed = archive_sizes(data)
    if inflated > max_inflated:
        raise TooLarge("table.inflated", size_mb=inflated // 2**20, limit_mb=max_inflated // 2**20)
    if inflated > max_ratio * max(compressed, 1) and inflated > 2**20:
        raise TooLarge("table.ratio", ratio=inflated // max(compressed, 1))


def decode(raw: bytes) -> tuple[str, str]:
    """Text and the encoding found: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise TableError("table.encoding") from exc


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Header, (line number, cells) for every non-empty row, and the encoding or format found."""
    if not data.strip():
        raise TableError("table.empty")
    if len(data) > MAX_BYTES:
        raise TableError("table.too_large", limit_mb=MAX_BYTES // 2**20)
    suffix = Path(filename).suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"} or data[:4] == b"PK\x03\x04":
        check_archive(data)
        rows, fmt = _xlsx_rows(data), "xlsx"
    else:
        text, fmt = decode(data)
        if "\x00" in text:
            raise TableError("table.binary")
        rows = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    rows = [(line, [c.strip() for c in cells]) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise TableError("table.no_rows")
    (_, header), body = rows[0], rows[1:]
    return header, body, fmt


def is_json(data: bytes, filename: str) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return filename.lower().endswith(".json") or head in (b"[", b"{")


def read_json(data: bytes) -> list[Any]:
    """The items of a JSON array of objects (or of the `rows`/`items`/`data`/`records` array of an object)."""
    if not data.strip():
        raise TableError("table.empty")
    text, _ = decode(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError("table.json", line=exc.lineno, reason=exc.msg) from exc
    except RecursionError as exc:  # [[[[…]]]]: the decoder gives up at Python's recursion limit
        raise TableError("table.json_depth") from exc
    if isinstance(doc, dict):
        doc = next((doc[k] for k in ("rows", "items", "data", "records") if isinstance(doc.get(k), list)), None)
    if not isinstance(doc, list):
        raise TableError("table.json_shape")
    if not doc:
        raise TableError("table.no_rows")
    return doc


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for every kind of broken file
        raise TableError("table.xlsx") from exc
    return [(i, [_cell(v) for v in row]) for i, row in enumerate(sheet, start=1)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection (OWASP): text starting with = + - @ gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) if v is not None else "" for v in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


BEIJING = timezone(timedelta(hours=8))


def _xlsx_cell(value: Any) -> Any:
    """Excel has no time zones: an aware moment is written in Beijing time (the users' clock)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(BEIJING).replace(tzinfo=None)
    return safe_cell(value)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "data") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(list(header))
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
