"""Helpers shared by the readers: identifiers, years, splitting lists."""

from __future__ import annotations

import re
from functools import cache

DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def clean_doi(value: str) -> str:
    m = DOI.search(value or "")
    return m.group(0).rstrip(".;,").lower() if m else ""


def parse_year(value: str) -> int | None:
    m = YEAR.search(value or "")
    return int(m.group(1)) if m else None


@cache
def _splitter(seps: str) -> re.Pattern[str]:
    return re.compile(f"[{seps}]")


def split_list(value: str, seps: str = ";；") -> list[str]:
    return [p.strip() for p in _splitter(seps).split(value or "") if p.strip()]
