"""The dependency rule of DESIGN.md is enforced by import-linter; this keeps its contracts complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHELLS = {"web", "cli"}
NOT_CODE = {"data", "migrations", "__init__", "__pycache__"}


def test_every_package_is_under_the_contracts() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    shells_rule = next(c for c in contracts if c["name"].startswith("nothing imports the shells"))
    covered = {m.removeprefix("yrdhub.") for m in shells_rule["source_modules"]}
    present = {p.stem for p in (ROOT / "src" / "yrdhub").iterdir()
               if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    missing = present - covered - SHELLS - NOT_CODE
    assert not missing, f"add these to the import-linter contracts in pyproject.toml: {sorted(missing)}"
