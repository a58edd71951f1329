"""Monitoring's refusals are registered codes: translated in both catalogues with the same placeholders, listed in
docs/monitoring.md, and no file of the module carries bilingual prose any more."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yrdhub.monitoring
import yrdhub.publishing
from yrdhub import i18n
from yrdhub.errors import codes

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = ("framework.", "submission.", "value.", "task.", "evaluation.", "measurement.", "publishing.")
MODULE_FILES = [
    *sorted((ROOT / "src/yrdhub/monitoring").glob("*.py")), *sorted((ROOT / "src/yrdhub/publishing").rglob("*.*")),
    ROOT / "src/yrdhub/web/api/monitoring.py", ROOT / "src/yrdhub/web/pages/monitoring.py",
    ROOT / "src/yrdhub/cli/monitoring.py", ROOT / "src/yrdhub/web/static/js/monitoring.js",
    *sorted((ROOT / "src/yrdhub/web/templates/monitoring").glob("*.html")),
    ROOT / "src/yrdhub/data/monitoring/plan_targets.csv"]
BILINGUAL = re.compile(r"[\u4e00-\u9fff][^\n\"']{0,80} / [A-Za-z]")  # "中文 / English" in one string


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_every_code_is_translated_with_the_same_placeholders() -> None:
    ours = {c: m for c, m in codes().items() if c.startswith(PREFIXES)}
    assert len(ours) > 40 and yrdhub.monitoring and yrdhub.publishing
    for code, message in ours.items():
        zh = i18n.gettext("zh", message)
        assert zh != message and re.search(r"[\u4e00-\u9fff]", zh), code
        assert _placeholders(zh) == _placeholders(message), code
        assert i18n.gettext("en", message) == message, code


def test_the_documentation_lists_every_code() -> None:
    doc = (ROOT / "docs/monitoring.md").read_text(encoding="utf-8")
    missing = [c for c in codes() if c.startswith(PREFIXES) and f"`{c}`" not in doc]
    assert not missing


def test_no_bilingual_prose_is_left_in_the_module() -> None:
    files = [p for p in MODULE_FILES if p.is_file()]
    assert len(files) > 25
    found = {str(p.relative_to(ROOT)): m.group(0) for p in files
             for m in [BILINGUAL.search(p.read_text(encoding="utf-8", errors="ignore"))] if m}
    assert not found


def test_numbers_in_messages_are_never_in_scientific_notation() -> None:
    from decimal import Decimal

    from yrdhub.errors import render

    for value in (182_200.0, 1.822e5, Decimal("1.822E+5"), 3_000_000.5, 12345678901234567):
        for lang in i18n.LANGS:
            text = render("value.below_min", {"value": value, "min": 0}, lang)
            assert "e+" not in text.lower() and "," in text, text
