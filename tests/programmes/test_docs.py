"""docs/programmes.md cannot drift: every code of the module is in its table with its message, and every move of
the lifecycle tables is named."""

from __future__ import annotations

import re
from pathlib import Path

from yrdhub import errors
from yrdhub.programmes.lifecycle import CHANGE, FUNDING, LIFECYCLE

DOC = (Path(__file__).resolve().parents[2] / "docs" / "programmes.md").read_text(encoding="utf-8")
SOURCE = (Path(__file__).resolve().parents[2] / "src" / "yrdhub" / "programmes" / "errors.py").read_text("utf-8")


def test_every_code_is_documented_with_its_message() -> None:
    codes = re.findall(r'"([a-z_]+\.[a-z_]+)":', SOURCE)
    assert len(codes) > 40
    missing = [c for c in codes if f"| `{c}` | {errors.message_of(c)} |" not in DOC]
    assert not missing, missing


def test_every_move_is_documented() -> None:
    table = DOC.split("## Lifecycle", 1)[1].split("## Reads", 1)[0]
    names = [m.name for m in LIFECYCLE.moves] + [m.name for m in FUNDING.moves] + [m.name for m in CHANGE.moves]
    assert [n for n in names if f"`{n}`" not in table] == []
