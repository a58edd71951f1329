"""统一社会信用代码 (Unified Social Credit Code) validation per GB 32100-2015."""

from __future__ import annotations

from typing import Any

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
AUTHORITIES = set("123456789ABCDEFGNY")


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> tuple[str, dict[str, Any]] | None:
    """None when `code` is a valid USCC, else the refusal's code and params."""
    if len(code) != 18:
        return "uscc.length", {"length": len(code)}
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return "uscc.characters", {"characters": "".join(bad)}
    if code[0] not in AUTHORITIES:
        return "uscc.authority", {"character": code[0]}
    if not code[2:8].isdigit():
        return "uscc.division", {"part": code[2:8]}
    expected = check_character(code[:17])
    if code[17] != expected:
        return "uscc.check", {"expected": expected, "given": code[17]}
    return None


def normalise(code: str) -> str:
    return code.strip().upper()
