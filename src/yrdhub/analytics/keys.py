"""Identifier normalisation for de-duplication across sources."""

from __future__ import annotations

import re
import unicodedata

from yrdhub.analytics.records import Record

TAGS = re.compile(r"<[^>]+>")
NON_WORD = re.compile(r"[\W_]+")
PN_NOISE = re.compile(r"[\s.\-]")
PN_KIND = re.compile(r"\d([A-Z]\d?)$")  # a publication kind (A, B1…) after the number
MIN_TITLE_KEY = 12  # shorter titles ("Editorial", "Reply") are not unique enough to match on


def title_key(title: str, year: int | None) -> str:
    """`Deep learning for X.` 2021 → `deeplearningforx:2021`; empty when too short or without a year."""
    if year is None:
        return ""
    text = unicodedata.normalize("NFKC", title).lower()
    text = TAGS.sub("", text)  # WoS/Scopus keep <sub>, <i> tags
    text = NON_WORD.sub("", text)
    return f"{text}:{year}" if len(text) >= MIN_TITLE_KEY else ""


def patent_key(value: str) -> str:
    """`CN 202010123456.7` and `202010123456.7` → `CN2020101234567`; publication kinds (A, B1…) dropped."""
    text = PN_NOISE.sub("", value.upper())
    if not text:
        return ""
    text = text[: -len(m.group(1))] if (m := PN_KIND.search(text)) else text
    return text if text.startswith(("CN", "US", "EP", "WO", "JP", "KR", "DE")) else "CN" + text


def record_keys(rec: Record) -> dict[str, str]:
    """The identifiers a record can be matched on (empty strings for the ones it lacks)."""
    pn = patent_key(rec.application_no or rec.patent_no) if rec.kind in ("patent", "transfer") else ""
    if rec.kind == "transfer" and pn:
        pn = f"tr:{pn}:{rec.date}"
    elif rec.kind == "contract" and rec.patent_no:
        pn = f"ct:{rec.patent_no}"
    return {
        "doi": rec.doi,
        "ut": rec.ut,
        "eid": rec.eid,
        "pn_key": pn,
        "title_key": title_key(rec.title, rec.year) if rec.kind == "paper" else "",
    }
