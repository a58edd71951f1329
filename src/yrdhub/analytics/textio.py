"""Streaming text input: encoding detection (UTF-8, UTF-8 BOM, GBK/GB18030), CRLF, numbered lines."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

SNIFF_BYTES = 1 << 20


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` when the head decodes as UTF-8 (BOM or not), else `gb18030` (a superset of GBK)."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sniff window is still UTF-8
        if exc.start < len(head) - 4:
            return "gb18030"
    return "utf-8-sig"


def open_text(path: Path, encoding: str | None = None) -> io.TextIOWrapper:
    """Open for streaming; undecodable bytes become U+FFFD so one bad byte never loses a file."""
    enc = encoding or detect_encoding(path)
    return open(path, encoding=enc, errors="replace", newline="")


def numbered_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, line without its end) one at a time; CR, LF and CRLF all end a line."""
    with open_text(path, encoding) as fh:
        for number, line in enumerate(fh, start=1):
            yield number, line.rstrip("\r\n")
