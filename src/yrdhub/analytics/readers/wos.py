"""Web of Science plain text (`FN`/`VR`, two-letter tags, `ER`), incl. CNKI files converted by CiteSpace,
and the WoS tab-delimited / Excel export (`Addresses` column)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from yrdhub.analytics.readers.common import clean_doi, parse_year
from yrdhub.analytics.readers.tables import iter_rows
from yrdhub.analytics.readers.tagged import TaggedRecord, read_tagged
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.textio import open_text

VALID_UT = re.compile(r"^(WOS|ISI|MEDLINE|CSCD|KJD|SCIELO|BCI|CCC|INSPEC|RSCI|DIIDW):\S+$", re.IGNORECASE)
ADDRESS_SPLIT = re.compile(r"(?<=\.)\s*;\s*(?=\[)|;\s*(?=\[)")


def clean_ut(value: str) -> str:
    """A usable accession number; CiteSpace writes `CNKI:0` for every record, which identifies nothing."""
    value = value.strip()
    if VALID_UT.match(value) or (value.startswith("CNKI:") and "#" in value):
        return value
    return ""


def _parties(rec: TaggedRecord) -> list[Party]:
    out: list[Party] = []
    seen: set[str] = set()
    for line in rec.fields.get("C1", []):
        text = line.strip().rstrip(";").strip()
        if text and text not in seen:
            seen.add(text)
            out.append(Party(text=text))
    return out


def read_wos(path: Path) -> Iterator[Record | BadRecord]:
    if path.suffix.lower() in (".tsv", ".xls", ".xlsx") or _is_tab_export(path):
        yield from read_wos_tab(path)
        return
    file = str(path)
    has_fn = _first_line(path).startswith("FN ")
    for item in read_tagged(path, start_tags=frozenset({"PT"}), end_tag="ER", skip_tags=frozenset({"FN", "VR", "EF"})):
        if isinstance(item, tuple):
            yield BadRecord(file, item[0], item[1])
            continue
        if not item.closed:
            yield BadRecord(file, item.line, "record not closed by ER (truncated?)")
            continue
        title = item.joined("TI")
        if not title:
            yield BadRecord(file, item.line, "record without a title (TI)")
            continue
        ut = item.first("UT")
        # CiteSpace-converted CNKI: no `FN` header and UT `CNKI:…` or empty (WoS records always have a UT)
        source = "cnki" if ut.startswith("CNKI:") or (not has_fn and not VALID_UT.match(ut)) else "wos"
        yield Record(
            source=source,
            kind="paper",
            file=file,
            line=item.line,
            title=title,
            year=parse_year(item.first("PY")) or parse_year(item.first("EA")),
            doi=clean_doi(item.first("DI")),
            ut=clean_ut(ut),
            doc_type=item.first("DT"),
            parties=_parties(item),
        )


def _first_line(path: Path) -> str:
    with open_text(path) as fh:
        for line in fh:
            if line.strip():
                return line.lstrip("\ufeff").strip()
    return ""


def _is_tab_export(path: Path) -> bool:
    with open_text(path) as fh:
        head = fh.readline()
    return head.lstrip("\ufeff").startswith("PT\t")


def read_wos_tab(path: Path) -> Iterator[Record | BadRecord]:
    """WoS tab-delimited text or Excel export (tags `PT, AU, C1…` or full names `Addresses, Article Title…`).

    Reads `Addresses`/`C1` (with places), not `Affiliations` (names only)."""
    file = str(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        for line, row in iter_rows(path):
            yield _tab_record(file, line, row)
        return
    with open_text(path) as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        line = 1
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < len(header) - 1:
                yield BadRecord(file, start, f"{len(cells)} fields, header has {len(header)}")
                continue
            yield _tab_record(file, start, dict(zip(header, cells, strict=False)))


def _tab_record(file: str, line: int, row: dict[str, str]) -> Record | BadRecord:
    def col(*names: str) -> str:
        return next(((row.get(n) or "").strip() for n in names if (row.get(n) or "").strip()), "")

    if "__error__" in row:
        return BadRecord(file, line, row["__error__"])
    title = col("TI", "Article Title")
    if not title:
        return BadRecord(file, line, "record without a title")
    addresses = col("C1", "Addresses")
    return Record(
        source="wos",
        kind="paper",
        file=file,
        line=line,
        title=title,
        year=parse_year(col("PY", "Publication Year")),
        doi=clean_doi(col("DI", "DOI")),
        ut=clean_ut(col("UT", "UT (Unique WOS ID)")),
        doc_type=col("DT", "Document Type"),
        parties=[Party(text=a.strip()) for a in ADDRESS_SPLIT.split(addresses) if a.strip()],
    )
