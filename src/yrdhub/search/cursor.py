"""Keyset cursors: the (score, id) of the last hit of a page, opaque to callers."""

from __future__ import annotations

import base64
import json


def encode(score: float, doc_id: int) -> str:
    raw = json.dumps([score, doc_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[float, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        score, doc_id = json.loads(raw)
        if isinstance(score, bool) or not isinstance(score, int | float) or not isinstance(doc_id, int):
            raise TypeError
        return float(score), doc_id
    except (ValueError, TypeError) as error:
        raise ValueError(f"bad search cursor {cursor!r}") from error
