"""Docs cannot drift: the generated parts of docs/ are what the code generates now."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


# --- docs/adding-a-module.md: its module is assembled from the page and its scenario run -------------------------

RUNNER = '''
import os
os.environ["YRDHUB_PASSWORD_HASH"] = "test-only-cheap"
from yrdhub.accounts.actor import SYSTEM
from yrdhub.config import Settings
from yrdhub.db import Base, make_engine, session_factory, transaction
from yrdhub.migrate import upgrade
from yrdhub.regions.loader import load_bundled
from yrdhub.web.app import create_app
import bulletins
from bulletins import api

url = os.environ["EXAMPLE_DATABASE_URL"]
upgrade(url)
engine = make_engine(url)
Base.metadata.tables["example_bulletin"].create(engine)
factory = session_factory(engine)
with transaction(factory) as session:
    load_bundled(session, actor=SYSTEM)
app = create_app(Settings(environment="test", database_url=url, secret_key="d" * 40))
app.include_router(api.router, prefix="/api/v1")
exec(compile(open(os.environ["EXAMPLE_SCENARIO"], encoding="utf-8").read(), "scenario", "exec"))
print("scenario ran")
'''


def _blocks(page: str) -> tuple[dict[str, str], str]:
    files = {m[1]: m[2] for m in re.finditer(r"```python file=(\S+)\n(.*?)```", page, flags=re.S)}
    scenario = re.search(r"```python scenario\n(.*?)```", page, flags=re.S)
    assert scenario is not None
    return files, scenario.group(1)


def test_the_adding_a_module_page_runs(tmp_path: Path) -> None:
    """The module of docs/adding-a-module.md is built from its code blocks and its scenario runs: a create under
    the schema and the policy, a lifecycle move and its condition, a refused row of an import with nothing
    written, a keyset list that hides drafts, and an API refusal in English."""
    files, scenario = _blocks((ROOT / "docs" / "adding-a-module.md").read_text(encoding="utf-8"))
    assert {"bulletins/__init__.py", "bulletins/errors.py", "bulletins/models.py", "bulletins/schemas.py",
            "bulletins/lifecycle.py", "bulletins/access.py", "bulletins/service.py", "bulletins/imports.py",
            "bulletins/api.py"} <= set(files)
    for name, code in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(code, encoding="utf-8")
    (tmp_path / "scenario.py").write_text(scenario, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")]),
           "EXAMPLE_DATABASE_URL": f"sqlite:///{tmp_path / 'example.db'}",
           "EXAMPLE_SCENARIO": str(tmp_path / "scenario.py")}
    result = subprocess.run([sys.executable, "-c", RUNNER], env=env, capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0 and "scenario ran" in result.stdout, result.stderr[-3000:]
