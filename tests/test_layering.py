"""The dependency rule of DESIGN.md is one import-linter `layers` contract over the top-level modules of
yrdhub (pyproject.toml). These tests keep it complete and strict, and run it, so a new package that is not
placed, or an import that breaks the order, fails the test suite as well as `lint-imports`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_CODE = {"data", "migrations", "__init__", "__pycache__"}


def _layers_contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layered = [c for c in contracts if c["type"] == "layers" and c.get("containers") == ["yrdhub"]]
    assert len(layered) == 1, "one layers contract with containers = ['yrdhub']"
    return layered[0]


def _layers() -> list[set[str]]:
    """Each layer's module names, highest layer first (parentheses of optional layers removed)."""
    return [{name.strip().strip("()") for name in re.split(r"[|:]", layer)} for layer in _layers_contract()["layers"]]


def _present() -> set[str]:
    src = ROOT / "src" / "yrdhub"
    return {
        p.stem for p in src.iterdir() if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    } - NOT_CODE


def test_every_top_level_module_has_a_layer() -> None:
    contract = _layers_contract()
    assert contract.get("exhaustive") is True, "the contract must be exhaustive so new modules are not missed"
    assert not contract.get("exhaustive_ignores"), "every module takes a place in the layers"
    declared = set().union(*_layers())
    present = _present()
    assert len(present) > 10, present
    missing = present - declared
    assert not missing, f"place these in the layers contract in pyproject.toml: {sorted(missing)}"


def test_the_layers_keep_the_promises_of_design_md() -> None:
    layers = _layers()
    assert layers[0] == {"web", "cli"}, "the shells are on top: nothing imports them"
    assert layers[-1] == {"config", "indicators"}, "indicators imports nothing from yrdhub; config nothing"
    assert layers[-2] == {"analytics"}, "analytics may import indicators and config only"
    shared = {"config", "db", "errors", "imports", "tabular", "accounts", "regions", "search"}
    lowest_domain = max(i for i, layer in enumerate(layers) if layer & {"programmes", "monitoring", "outputs"})
    above = set().union(*layers[: lowest_domain + 1])
    assert not above & shared, "the shared layer sits below every domain module"


def test_lint_imports_passes() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout
