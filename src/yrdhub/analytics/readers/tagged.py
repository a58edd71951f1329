"""Tagged-line formats (WoS plain text, CNKI Refworks): a tag, a space, a value; indented continuations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from yrdhub.analytics.textio import open_text

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
PLAIN_TAGS = frozenset(a + b for a in _ALNUM[:26] + _ALNUM[52:] for b in _ALNUM)  # what TAG's first form matches
TAG = re.compile(r"^([A-Z0-9][A-Za-z0-9]|%[0-9A-Z+@#$!&()*>^~\]|\[])(?: (.*))?$")


@dataclass(slots=True)
class TaggedRecord:
    line: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    last_tag: str = ""
    closed: bool = False

    def add(self, tag: str, value: str) -> None:
        self.fields.setdefault(tag, []).append(value)
        self.last_tag = tag

    def cont(self, value: str) -> bool:
        if not self.last_tag:
            return False
        self.fields[self.last_tag].append(value)
        return True

    def first(self, tag: str) -> str:
        values = self.fields.get(tag)
        return values[0].strip() if values else ""

    def joined(self, tag: str, sep: str = " ") -> str:
        return sep.join(v.strip() for v in self.fields.get(tag, []) if v.strip())


def read_tagged(
    path: Path, start_tags: frozenset[str], end_tag: str | None, skip_tags: frozenset[str] = frozenset()
) -> Iterator[TaggedRecord | tuple[int, str]]:
    """Group lines into records. Yields TaggedRecords, or (line, reason) for lines that belong nowhere.

    A record starts at a tag in `start_tags` (or any tag after the previous record ended) and ends at
    `end_tag` (WoS `ER`) or, when `end_tag` is None (Refworks, EndNote), at the next start tag.
    A record still open when the
    next starts is yielded with `closed=False` so the caller can report it."""
    current: TaggedRecord | None = None
    with open_text(path) as fh:
        lines = enumerate(fh, start=1)  # as `numbered_lines`, inlined: this loop runs once per line
        for number, raw in lines:
            line = raw.rstrip("\r\n").lstrip("\ufeff")
            if not line.strip():
                continue  # blank lines separate Refworks records but also occur inside them
            if line[0] in " \t":
                if current is None or not current.cont(line.strip()):
                    yield number, "continuation line outside a record"
                continue
            # the usual two-character tag (`C1 …`, `PY 2021`) without the regular expression
            if line[:2] in PLAIN_TAGS and (len(line) == 2 or line[2] == " "):
                tag, value = line[:2], line[3:]
            else:
                m = TAG.match(line)
                if not m:
                    if current is not None and end_tag is None and current.cont(line.strip()):
                        continue  # Refworks abstracts sometimes wrap without indentation
                    yield number, f"not a tagged line: {line[:40]!r}"
                    continue
                tag, value = m.group(1), m.group(2) or ""
            if tag in skip_tags:
                continue
            if end_tag is not None and tag == end_tag:
                if current is None:
                    yield number, f"{end_tag} without a record"
                else:
                    current.closed = True
                    yield current
                    current = None
                continue
            if current is not None and tag in start_tags:
                current.closed = end_tag is None  # blank-line formats: a new start tag also ends a record
                yield current  # not closed: the caller reports it
                current = None
            if current is None:
                current = TaggedRecord(line=number)
            current.add(tag, value)
    if current is not None:
        current.closed = end_tag is None
        yield current
