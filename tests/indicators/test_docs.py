"""docs/indicators.md, "COINr's functions in yrdhub": every function COINr 1.1.14 exports is in the table, every
public function and class of yrdhub.indicators is in it, and every yrdhub name it gives exists."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import yrdhub.indicators as ind

from .coinr import ref

DOC = Path(__file__).parents[2] / "docs" / "indicators.md"
INTERNAL = {"fast"}  # the batched engine behind run_uncertainty, not an API


def _rows() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## COINr's functions in yrdhub", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in rows[1:]]
    assert cells and all(len(c) == 3 for c in cells)
    return cells


def _names(cell: str) -> list[str]:
    return re.findall(r"`([A-Za-z_][\w.]*)`", cell)


def _resolve(name: str) -> Any:
    """``steps.treat.winsorise``: a submodule wins over a name (``steps.treat`` is also the function ``treat``)."""
    obj: Any = ind
    path = "yrdhub.indicators"
    for part in name.split("."):
        path = f"{path}.{part}"
        package = isinstance(obj, ModuleType) and hasattr(obj, "__path__")
        if package and importlib.util.find_spec(path) is not None:
            obj = importlib.import_module(path)
        else:
            obj = getattr(obj, part)
    return obj


def _public_api() -> dict[str, Any]:
    api: dict[str, Any] = {}
    for info in pkgutil.walk_packages(ind.__path__, "yrdhub.indicators."):
        short = info.name.removeprefix("yrdhub.indicators.")
        if any(p.startswith("_") for p in short.split(".")) or short in INTERNAL:
            continue
        mod = importlib.import_module(info.name)
        own = [n for n, o in vars(mod).items() if getattr(o, "__module__", "") == mod.__name__]
        names = getattr(mod, "__all__", None) or own
        for n in names:
            obj = getattr(mod, n)
            ours = getattr(obj, "__module__", "").startswith("yrdhub.")  # not numpy's ndarray (an alias)
            if ours and not n.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj)):
                api[f"{short}.{n}"] = obj
    return api


def test_every_coinr_export_is_in_the_table() -> None:
    exports = set(ref("coinr_exports.csv")["name"])
    listed = {n for row in _rows() for n in _names(row[0])}
    assert len(exports) == 95
    assert exports - listed == set()
    assert listed - exports == set()  # no misspelt COINr name


def test_every_yrdhub_name_in_the_table_exists_and_the_api_is_all_there() -> None:
    named = [n for row in _rows() for n in _names(row[1])]
    resolved = {id(_resolve(n)) for n in named}  # raises on a name that does not exist
    api = _public_api()
    assert len(api) > 100
    missing = sorted(k for k, obj in api.items() if id(obj) not in resolved)
    assert missing == []
