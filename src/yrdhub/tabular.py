"""Reading uploaded tables (CSV in UTF-8, UTF-8 with BOM or GBK; XLSX) and writing safe exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

MAX_BYTES = 200 * 1024 * 1024


class TableError(ValueError):
    """The file as a whole cannot be read (encoding, format, header)."""


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
        reason = f"无法识别文件编码（支持 UTF-8、GBK）/ unknown encoding (UTF-8 or GBK expected): {exc}"
        raise TableError(reason) from exc


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Header, (line number, cells) for every non-empty row, and the encoding or format found."""
    if not data.strip():
        raise TableError("文件为空 / the file is empty")
    if len(data) > MAX_BYTES:
        raise TableError(f"文件过大（上限 {MAX_BYTES // 2**20} MB）/ file too large")
    suffix = Path(filename).suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"} or data[:4] == b"PK\x03\x04":
        rows, fmt = _xlsx_rows(data), "xlsx"
    else:
        text, fmt = decode(data)
        if "\x00" in text:
            raise TableError("文件含二进制内容，不是 CSV / binary content: not a CSV file")
        rows = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    rows = [(line, [c.strip() for c in cells]) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise TableError("文件没有内容 / the file has no rows")
    (_, header), body = rows[0], rows[1:]
    return header, body, fmt


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for every kind of broken file
        raise TableError(f"无法读取 Excel 文件 / cannot read the Excel file: {exc}") from exc
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
