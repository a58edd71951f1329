"""统一社会信用代码 (Unified Social Credit Code) validation per GB 32100-2015."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
AUTHORITIES = set("123456789ABCDEFGNY")


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None when `code` is a valid USCC, else the reason in Chinese and English."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实为 {len(code)} 位 / must have 18 characters, has {len(code)}"
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return f"含非法字符 {''.join(bad)}（不得含 I、O、Z、S、V 或小写）/ invalid characters: {''.join(bad)}"
    if code[0] not in AUTHORITIES:
        return f"登记管理部门代码 {code[0]} 无效 / invalid registration authority code {code[0]}"
    if not code[2:8].isdigit():
        return f"第 3–8 位应为行政区划码 / characters 3-8 must be a division code: {code[2:8]}"
    expected = check_character(code[:17])
    if code[17] != expected:
        return (f"校验码错误：应为 {expected}，实为 {code[17]} / "
                f"wrong check character: expected {expected}, got {code[17]}")
    return None


def normalise(code: str) -> str:
    return code.strip().upper()
