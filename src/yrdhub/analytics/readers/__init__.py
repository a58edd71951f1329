"""Streaming readers: each yields `Record`s and `BadRecord`s one at a time, never the whole file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from yrdhub.analytics.readers.cnki import read_cnki
from yrdhub.analytics.readers.detect import FORMATS, detect_format
from yrdhub.analytics.readers.openalex import read_openalex
from yrdhub.analytics.readers.patents import read_contracts, read_incopat, read_patsnap
from yrdhub.analytics.readers.scopus import read_scopus
from yrdhub.analytics.readers.wos import read_wos
from yrdhub.analytics.records import BadRecord, Record

Reader = Callable[[Path], Iterator[Record | BadRecord]]

READERS: dict[str, Reader] = {
    "wos": read_wos,
    "scopus": read_scopus,
    "openalex": read_openalex,
    "cnki": read_cnki,
    "incopat": read_incopat,
    "patsnap": read_patsnap,
    "contracts": read_contracts,
}


def read(path: Path, fmt: str = "auto") -> Iterator[Record | BadRecord]:
    """Records of one export; `fmt` is one of FORMATS or `auto` (sniffed from the first lines)."""
    path = Path(path)
    name = detect_format(path) if fmt == "auto" else fmt
    if name not in READERS:
        raise ValueError(f"unknown format {name!r} for {path} (choose from {', '.join(FORMATS)})")
    return READERS[name](path)


__all__ = ["FORMATS", "READERS", "detect_format", "read"]
