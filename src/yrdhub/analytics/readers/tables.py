"""Row streaming for table exports: CSV (any encoding, comma or tab) and XLSX (python-calamine)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from yrdhub.analytics.textio import open_text


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line of the row, {header: cell}); header cells are stripped; short rows are padded with ''."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        yield from _xlsx_rows(path)
        return
    with open_text(path) as fh:
        head = fh.readline()
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter)
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        end = 1
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) > len(header):
                yield start, {"__error__": f"{len(row)} fields, header has {len(header)}"}
                continue
            cells = [c.strip() for c in row]
            if len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            yield start, dict(zip(header, cells, strict=True))


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    header = [str(h).strip() for h in next(rows, [])]
    for number, row in enumerate(rows, start=2):
        cells = ["" if c is None else str(c).strip() for c in row]
        if any(cells):
            yield number, dict(zip(header, cells, strict=False))
