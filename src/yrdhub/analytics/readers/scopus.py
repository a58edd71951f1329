"""Scopus CSV (English or Chinese-UI headers) and IEEE Xplore CSV: `;`-separated affiliations."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from yrdhub.analytics.readers.common import clean_doi, parse_year, split_list
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.textio import open_text

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

MISSING = {"NA", "N/A", "[NO AFFILIATION AVAILABLE]"}  # placeholders, not affiliations
# canonical field → header spellings (Scopus English UI, Scopus Chinese UI, IEEE Xplore)
HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("Title", "文献标题", "Document Title", "标题"),
    "year": ("Year", "年份", "Publication Year", "出版年"),
    "doi": ("DOI",),
    "eid": ("EID",),
    "affiliations": ("Affiliations", "归属机构", "Author Affiliations", "机构"),
    "authors_aff": ("Authors with affiliations", "带归属机构的作者"),
    "doc_type": ("Document Type", "文献类型"),
}


def read_scopus(path: Path) -> Iterator[Record | BadRecord]:
    file = str(path)
    with open_text(path) as fh:
        reader = csv.reader(fh)
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        idx = {h: i for i, h in enumerate(header)}
        cols = {k: next((idx[n] for n in names if n in idx), -1) for k, names in HEADERS.items()}
        if cols["title"] < 0:
            yield BadRecord(file, 1, f"no title column in header {header[:6]}")
            return
        source = "scopus" if cols["eid"] >= 0 or "Source" in idx else "ieee"
        end = 1
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) < min(len(header), 16):
                yield BadRecord(file, start, f"{len(row)} fields, header has {len(header)}")
                continue
            # Scopus adds columns between exports (`Funding Text 2`…): when the row is longer or shorter
            # than the header, the first half is read from the left and the second half from the right.
            shift = len(row) - len(header)

            def get(key: str, row: list[str] = row, shift: int = shift) -> str:
                i = cols[key]
                if i < 0:
                    return ""
                j = i + shift if shift and i >= len(header) // 2 else i
                return row[j].strip() if 0 <= j < len(row) else ""

            title = get("title")
            if not title:
                yield BadRecord(file, start, "record without a title")
                continue
            yield Record(
                source=source,
                kind="paper",
                file=file,
                line=start,
                title=title,
                year=parse_year(get("year")),
                doi=clean_doi(get("doi")),
                eid=get("eid"),
                doc_type=get("doc_type"),
                parties=_parties(get("affiliations"), get("authors_aff")),
            )


def _parties(affiliations: str, authors_aff: str) -> list[Party]:
    items = split_list(affiliations, ";")
    if not items and authors_aff:
        # "Surname, I., Dept, Inst, City, Country; …" — drop the author name (two first parts)
        items = [", ".join(a.split(", ")[2:]) for a in split_list(authors_aff, ";")]
    seen: dict[str, None] = {}
    for a in items:
        if a and a.upper() not in MISSING:
            seen.setdefault(a, None)
    return [Party(text=a) for a in seen]
