"""Keyset cursors: the ranking window and the (score, id) of the last hit of a page, opaque to callers."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from yrdhub.errors import DomainError


@dataclass(frozen=True)
class Position:
    upper: int | None  # the window's upper id (None: the newest window)
    score: float
    doc_id: int


def encode(upper: int | None, score: float, doc_id: int) -> str:
    raw = json.dumps([upper, score, doc_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def decode(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        upper, score, doc_id = json.loads(raw)
        if (not (upper is None or _is_int(upper)) or isinstance(score, bool) or not isinstance(score, int | float)
                or not _is_int(doc_id)):
            raise TypeError
        return Position(upper, float(score), doc_id)
    except (ValueError, TypeError) as error:
        raise DomainError("search.cursor", field="cursor") from error
