"""OpenAlex works, streamed: JSON Lines (one work per line; a bad line is reported and the rest kept), or a
JSON document — an API page (`{"meta": …, "results": [...]}`), an array of works, or one work — parsed
incrementally (ijson), so a document of any size is never held in memory. In a document a record's
position is its work's number in it; a document that breaks off keeps the works before the break."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from yrdhub.analytics.readers.common import clean_doi
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.textio import numbered_lines, open_text

FIRST_LINE_LIMIT = 8 << 20  # characters: a longer first line is a minified document, streamed


def read_openalex(path: Path) -> Iterator[Record | BadRecord]:
    if _is_json_lines(path):
        yield from _read_lines(path)
    else:
        yield from _read_document(path)


def _is_json_lines(path: Path) -> bool:
    """JSON Lines when the first non-blank line is a whole JSON object (a pretty-printed document starts
    with a lone `{` or `[`; a minified one is one long line, which is not read whole)."""
    with open_text(path) as fh:
        while True:
            line = fh.readline(FIRST_LINE_LIMIT)
            if not line:
                return False
            if line.strip():
                break
        if not line.endswith(("\n", "\r")) and fh.read(1):
            return False  # longer than the limit
    text = line.strip().lstrip("\ufeff")
    if not (text.startswith("{") and text.endswith("}")):
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _read_lines(path: Path) -> Iterator[Record | BadRecord]:
    file = str(path)
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            work = json.loads(line.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            yield BadRecord(file, number, f"invalid JSON: {exc.msg}")
            continue
        if isinstance(work, dict) and isinstance(work.get("results"), list):  # an API page on one line
            for item in work["results"]:
                yield _work(file, number, item)
        else:
            yield _work(file, number, work)


class _Utf8Bytes:
    """The decoded text of a file (BOM, GBK and bad bytes handled by `open_text`) as UTF-8 bytes for ijson
    (which reads bytes through `read`)."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._text, self._buf = text, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buf) < size:
            chunk = self._text.read(1 << 16)
            if not chunk:
                break
            self._buf += chunk.encode("utf-8")
        out, self._buf = (self._buf, b"") if size < 0 else (self._buf[:size], self._buf[size:])
        return out


def _read_document(path: Path) -> Iterator[Record | BadRecord]:
    """Works of a JSON document: the elements of a top-level array, the `results` of a top-level object
    (an API page), or the object itself when it has no `results` (one work)."""
    file = str(path)
    with open_text(path) as fh:
        head = fh.read(1 << 12).lstrip("\ufeff \t\r\n")[:1]
    n = 0
    try:
        if head == "[":
            prefix = "item"
        elif head == "{":
            prefix = "results.item" if _has_results(path) else ""
        else:
            yield BadRecord(file, 1, "not a JSON object or array of works")
            return
        with open_text(path) as fh:
            for work in ijson.items(_Utf8Bytes(fh), prefix, use_float=True):
                n += 1
                yield _work(file, n, work)
    except ijson.JSONError as exc:
        reason = (str(exc).splitlines() or [""])[0]  # yajl appends a drawing of the spot on further lines
        yield BadRecord(file, n + 1, f"invalid JSON after work {n}: {reason}")


def _has_results(path: Path) -> bool:
    """Whether the top-level object has a `results` key (read up to that key only)."""
    with open_text(path) as fh:
        return any(
            prefix == "" and event == "map_key" and value == "results"
            for prefix, event, value in ijson.parse(_Utf8Bytes(fh))
        )


def _work(file: str, line: int, work: Any) -> Record | BadRecord:
    if not isinstance(work, dict):
        return BadRecord(file, line, "not a JSON object")
    title = work.get("display_name") or work.get("title") or ""
    if not title:
        return BadRecord(file, line, "work without a title")
    parties: list[Party] = []
    seen: set[str] = set()
    for authorship in work.get("authorships") or []:
        raws = authorship.get("raw_affiliation_strings") or []
        if not raws and authorship.get("raw_affiliation_string"):
            raws = [authorship["raw_affiliation_string"]]
        insts = authorship.get("institutions") or []
        for i, inst in enumerate(insts):
            name = inst.get("display_name") or ""
            text = raws[i] if i < len(raws) else name
            country = inst.get("country_code") or ""
            key = f"{text}|{country}"
            if key not in seen and text:
                seen.add(key)
                # a foreign institution without a raw address still gets its country as the last part
                foreign = country and country != "CN" and i >= len(raws)
                parties.append(Party(text=f"{text}, {country}" if foreign else text, name=name))
        if not insts:
            for text in raws:
                if text not in seen:
                    seen.add(text)
                    parties.append(Party(text=text))
    ids = work.get("ids") or {}
    year = work.get("publication_year")
    return Record(
        source="openalex",
        kind="paper",
        file=file,
        line=line,
        title=str(title),
        year=int(year) if isinstance(year, int) else None,
        doi=clean_doi(work.get("doi") or ids.get("doi") or ""),
        doc_type=work.get("type") or "",
        parties=parties,
    )
