"""Docs cannot drift: the generated parts of docs/ are what the code generates now."""

from __future__ import annotations

from pathlib import Path

import pytest
from cogapp import Cog

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    page = ROOT / "docs" / "cli.md"
    status = Cog().main(["cog", "-I", str(ROOT / "src"), "--check", "--diff", str(page)])
    out = capsys.readouterr().out
    assert status == 0, f"docs/cli.md is stale: run `cog -r docs/cli.md`\n{out}"


def test_cli_reference_covers_every_command() -> None:
    import typer

    from yrdhub.cli import app

    def paths(command: object, prefix: tuple[str, ...]) -> list[str]:
        found = [" ".join(prefix)]
        for name, sub in getattr(command, "commands", {}).items():
            found += paths(sub, (*prefix, name))
        return found

    commands = paths(typer.main.get_command(app), ("yrdhub",))
    assert len(commands) > 30
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [c for c in commands if f"# `{c}`\n" not in page]
    assert not missing, missing
