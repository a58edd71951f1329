from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yrdhub.regions import uscc

REAL = ["91350100M000100Y43", "12100000400000624D", "91340100MA2N0K2X4L"]


@pytest.mark.parametrize("code", REAL)
def test_valid_codes(code: str) -> None:
    assert uscc.problem(code) is None


@pytest.mark.parametrize(("code", "fragment"), [
    ("91350100M000100Y4", "18 位"),
    ("91350100M000100Y44", "校验码错误：应为 3"),
    ("91350100M000100I43", "非法字符 I"),
    ("91350100m000100y43", "非法字符"),
    ("H1350100M000100Y43", "登记管理部门"),
    ("913501A0M000100Y43", "行政区划码"),
])
def test_invalid_codes_get_a_reason(code: str, fragment: str) -> None:
    reason = uscc.problem(code)
    assert reason is not None and fragment in reason


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17))
def test_the_check_character_is_the_only_one_that_validates(body: str) -> None:
    code = "9" + body[1:2] + "320100" + body[8:]
    right = code + uscc.check_character(code)
    assert uscc.problem(right) is None
    for wrong in set(uscc.ALPHABET) - {right[-1]}:
        assert uscc.problem(code + wrong) is not None
