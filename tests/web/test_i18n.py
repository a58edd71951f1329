"""Service messages carry both languages as "中文 / English"; the splitter finds the boundary."""

from __future__ import annotations

import pytest

from yrdhub.web.i18n import split


@pytest.mark.parametrize("message, zh, en", [
    ("未找到 / not found", "未找到", "not found"),
    ("行数过多（12，上限 10）/ too many rows", "行数过多（12，上限 10）", "too many rows"),
    ("报告编号格式不正确（大写字母、数字、-、/，4–60 位）/ report number: A-Z 0-9 - /, 4-60",
     "报告编号格式不正确（大写字母、数字、-、/，4–60 位）", "report number: A-Z 0-9 - /, 4-60"),
    ("只有中文", "只有中文", "只有中文"),
    ("路径 a/b 无效 / invalid path a/b", "路径 a/b 无效", "invalid path a/b"),
])
def test_split(message: str, zh: str, en: str) -> None:
    assert split(message) == (zh, en)
