"""OpenAlex works: JSON Lines (one work per line, streamed) or a JSON API page (`{"results": [...]}`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from yrdhub.analytics.readers.common import clean_doi
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.textio import numbered_lines, open_text


def read_openalex(path: Path) -> Iterator[Record | BadRecord]:
    file = str(path)
    first = next((line.strip() for _, line in numbered_lines(path) if line.strip()), "")
    if first.startswith("{") and first.endswith("}"):
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
        return
    # A JSON document: an API page holds at most a few hundred works, so loading it whole is fine.
    with open_text(path) as fh:
        try:
            doc = json.load(fh)
        except json.JSONDecodeError as exc:
            yield BadRecord(file, exc.lineno, f"invalid JSON: {exc.msg}")
            return
    works = doc.get("results", []) if isinstance(doc, dict) else doc
    for i, work in enumerate(works, start=1):
        yield _work(file, i, work)


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
