"""Locale formatting: numbers, dates and times as each language writes them, and message params through it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import yrdhub.regions  # noqa: F401  (registers the codes used below)
from yrdhub import errors, i18n
from yrdhub.i18n import Msg


@pytest.mark.parametrize(("value", "zh", "en"), [
    (182200.0, "182,200", "182,200"),
    (1.822e5, "182,200", "182,200"),
    (3e6, "3,000,000", "3,000,000"),
    (Decimal("1234.5670"), "1,234.567", "1,234.567"),
    (0.000123, "0", "0"),  # three decimals at most, never an exponent
    (None, "—", "—"),
])
def test_numbers_never_use_scientific_notation(value: object, zh: str, en: str) -> None:
    assert i18n.format_number(value, "zh") == zh  # type: ignore[arg-type]
    assert i18n.format_number(value, "en") == en  # type: ignore[arg-type]
    assert "e" not in i18n.format_number(1e21, "en").lower()


def test_every_time_is_shown_in_beijing_time() -> None:
    moment = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)
    assert i18n.format_datetime(moment, "zh") == i18n.format_datetime(moment, "en") == "2026-12-08 00:30"
    assert i18n.format_datetime(moment.replace(tzinfo=None), "en") == "2026-12-08 00:30"  # naive = UTC
    assert i18n.format_date(moment, "en") == "2026-12-08"
    assert i18n.format_date(date(2026, 3, 1), "zh", form="long") == "2026年3月1日"


def test_params_are_formatted_for_the_reader() -> None:
    params = {"id": 12345, "status": Msg("Draft"), "values": [Msg("yes"), 2.5]}
    assert i18n.format_message("{id} {status} {values}", params, "zh") == "12,345 草稿 是、2.5"
    assert i18n.format_message("{id} {status} {values}", params, "en") == "12,345 Draft yes, 2.5"
    assert i18n.format_message("{missing} stays", {}, "en") == "{missing} stays"


def test_a_code_renders_in_both_languages_and_an_unknown_one_shows_itself() -> None:
    assert errors.render("region.not_found", {"code": "999999"}, "zh") == "地区不存在：999999。"
    assert errors.render("region.not_found", {"code": "999999"}, "en") == "No such region: 999999."
    assert errors.render("no.such.code", {}, "en") == "no.such.code"


@pytest.mark.parametrize(("asked", "lang"), [("en", "en"), ("en-GB", "en"), ("en_US", "en"), ("zh-CN", "zh"),
                                             ("fr", "zh"), ("", "zh"), (None, "zh")])
def test_chinese_first(asked: str | None, lang: str) -> None:
    assert i18n.lang_of(asked) == lang
