from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yrdhub.regions import uscc

REAL = ["91350100M000100Y43", "12100000400000624D", "91340100MA2N0K2X4L"]


@pytest.mark.parametrize("code", REAL)
def test_valid_codes(code: str) -> None:
    assert uscc.problem(code) is None


@pytest.mark.parametrize(("code", "expected"), [
    ("91350100M000100Y4", ("uscc.length", {"length": 17})),
    ("91350100M000100Y44", ("uscc.check", {"expected": "3", "given": "4"})),
    ("91350100M000100I43", ("uscc.characters", {"characters": "I"})),
    ("91350100m000100y43", ("uscc.characters", {"characters": "my"})),
    ("H1350100M000100Y43", ("uscc.authority", {"character": "H"})),
    ("913501A0M000100Y43", ("uscc.division", {"part": "3501A0"})),
])
def test_invalid_codes_get_a_reason(code: str, expected: tuple[str, dict[str, object]]) -> None:
    assert uscc.problem(code) == expected


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17))
def test_the_check_character_is_the_only_one_that_validates(body: str) -> None:
    code = "9" + body[1:2] + "320100" + body[8:]
    right = code + uscc.check_character(code)
    assert uscc.problem(right) is None
    for wrong in set(uscc.ALPHABET) - {right[-1]}:
        assert uscc.problem(code + wrong) is not None
