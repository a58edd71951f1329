"""Guess an export's format from its name and first lines."""

from __future__ import annotations

from pathlib import Path

from yrdhub.analytics.readers.tables import iter_rows
from yrdhub.analytics.textio import open_text

FORMATS = ("wos", "scopus", "openalex", "cnki", "incopat", "patsnap", "contracts")


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "openalex"
    if suffix in (".csv", ".tsv", ".xlsx", ".xls"):
        header = _header(path)
        if any("[标]" in h or "申请(专利权)人" in h for h in header):
            return "patsnap"
        if "申请人" in header or "公开（公告）号" in header:
            return "incopat"
        if any(h in header for h in ("卖方名称", "卖方", "买方名称")):
            return "contracts"
        if (header and header[0] == "PT") or "Addresses" in header or "UT (Unique WOS ID)" in header:
            return "wos"
        return "scopus"
    with open_text(path) as fh:  # the head only: a minified JSON document is one long line
        head = fh.read(1 << 16)
    first = next((line.lstrip("\ufeff").strip() for line in head.splitlines() if line.strip()), "")
    if first.startswith(("RT ", "%0", "SrcDatabase-", "Title-")):
        return "cnki"
    if first.startswith("{") or first.startswith("["):
        return "openalex"
    if first.startswith(("FN ", "PT ", "PT\t")):
        return "wos"  # the WoS reader labels CiteSpace-converted CNKI records `cnki`
    raise ValueError(f"cannot tell the format of {path}; pass --format")


def _header(path: Path) -> list[str]:
    for _, row in iter_rows(path):
        return list(row)
    return []
