"""CNKI exports: Refworks (`RT`…), EndNote (`%0`…), 自定义 (`Title-题名:`…); CiteSpace-converted files are
WoS-tagged and go through the WoS reader (their records come out with source `cnki`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from yrdhub.analytics.readers.common import clean_doi, parse_year, split_list
from yrdhub.analytics.readers.tagged import TaggedRecord, read_tagged
from yrdhub.analytics.readers.wos import read_wos
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.textio import numbered_lines

CUSTOM_KEY = re.compile(r"^([A-Za-z]+)-[^:：]*[:：]\s?(.*)$")


def sniff_cnki_kind(path: Path) -> str:
    for _, line in numbered_lines(path):
        s = line.lstrip("\ufeff").strip()
        if not s:
            continue
        if s.startswith("RT "):
            return "refworks"
        if s.startswith("%0"):
            return "endnote"
        if s.startswith(("SrcDatabase-", "Title-")):
            return "custom"
        if s.startswith(("PT ", "FN ")):
            return "wos"
        return "unknown"
    return "unknown"


def read_cnki(path: Path) -> Iterator[Record | BadRecord]:
    kind = sniff_cnki_kind(path)
    if kind == "refworks":
        yield from _read_refworks(path)
    elif kind == "endnote":
        yield from _read_endnote(path)
    elif kind == "custom":
        yield from _read_custom(path)
    elif kind == "wos":
        yield from read_wos(path)
    else:
        yield BadRecord(str(path), 1, "not a CNKI export (Refworks, EndNote, 自定义 or CiteSpace)")


def _organisations(value: str) -> list[Party]:
    seen: dict[str, None] = {}
    for org in split_list(value):
        seen.setdefault(org, None)
    return [Party(text=o, role="organisation", name=o) for o in seen]


def _record(
    file: str, line: int, title: str, year: int | None, doi: str, doc_type: str, orgs: str, date: str = ""
) -> Record:
    return Record(
        source="cnki",
        kind="paper",
        file=file,
        line=line,
        title=title,
        year=year,
        doi=doi,
        doc_type=doc_type,
        date=date,
        parties=_organisations(orgs),
    )


def _read_refworks(path: Path) -> Iterator[Record | BadRecord]:
    file = str(path)
    for item in read_tagged(path, start_tags=frozenset({"RT"}), end_tag=None):
        if isinstance(item, tuple):
            yield BadRecord(file, item[0], item[1])
            continue
        yield from _refworks_record(file, item)


def _refworks_record(file: str, rec: TaggedRecord) -> Iterator[Record | BadRecord]:
    if "RT" not in rec.fields:
        yield BadRecord(file, rec.line, "record does not start with RT")
        return
    title = rec.joined("T1")
    if not title:
        yield BadRecord(file, rec.line, "record without a title (T1)")
        return
    rtype = rec.first("RT")
    db = rec.first("DB")
    orgs = rec.joined("AD", ";")
    if not orgs and "Dissertation" in rtype:
        orgs = rec.joined("PB", ";")  # a thesis names its university only as publisher
    date = rec.first("FD")
    year = parse_year(rec.first("YR")) or parse_year(date)
    doc_type = db if db else rtype
    yield _record(file, rec.line, title, year, clean_doi(rec.first("DO")), doc_type, orgs, date)


def _read_endnote(path: Path) -> Iterator[Record | BadRecord]:
    file = str(path)
    for item in read_tagged(path, start_tags=frozenset({"%0"}), end_tag=None):
        if isinstance(item, tuple):
            yield BadRecord(file, item[0], item[1])
            continue
        title = item.joined("%T")
        if not title:
            yield BadRecord(file, item.line, "record without a title (%T)")
            continue
        yield _record(
            file,
            item.line,
            title,
            parse_year(item.first("%D")),
            clean_doi(item.first("%R")),
            item.first("%0"),
            item.joined("%+", ";"),
        )


def _read_custom(path: Path) -> Iterator[Record | BadRecord]:
    """自定义 export: `Key-中文名: value` lines, a record per `SrcDatabase-来源库:` block."""
    file = str(path)
    fields: dict[str, str] = {}
    start = 0
    last = ""

    def flush() -> Iterator[Record | BadRecord]:
        if not fields:
            return
        title = fields.get("Title", "")
        if not title:
            yield BadRecord(file, start, "record without Title-题名")
            return
        year = parse_year(fields.get("Year", "")) or parse_year(fields.get("PubTime", ""))
        yield _record(
            file,
            start,
            title,
            year,
            clean_doi(fields.get("DOI", "")),
            fields.get("SrcDatabase", ""),
            fields.get("Organ", ""),
            fields.get("PubTime", ""),
        )

    for number, raw in numbered_lines(path):
        line = raw.lstrip("\ufeff").strip()
        if not line:
            continue
        m = CUSTOM_KEY.match(line)
        if not m:
            if last:
                fields[last] += " " + line
            else:
                yield BadRecord(file, number, "line outside a record")
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "SrcDatabase" or (key in fields and key == "Title"):
            yield from flush()
            fields, start = {}, number
        if not fields:
            start = number
        fields[key] = value
        last = key
    yield from flush()
