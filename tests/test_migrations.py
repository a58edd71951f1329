"""Migrations are history: they create exactly the schema the models describe, on every backend; every one of
them goes back down (upgrade → downgrade → upgrade); they are self-contained (no import of live yrdhub code) and
named in chain order."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from conftest import BACKENDS, PG_URL, require
from helpers import fresh_database
from yrdhub import models  # noqa: F401
from yrdhub.db import Base, make_engine
from yrdhub.migrate import alembic_config, include_object

VERSIONS = Path(__file__).resolve().parents[1] / "src" / "yrdhub" / "migrations" / "versions"


def _schema_diff(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object, "compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert _schema_diff(engine) == []


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own, empty: a SQLite file, or a PostgreSQL database created beside the test database
    and dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'round-trip.db'}"
        return
    require(bool(PG_URL), "YRDHUB_TEST_DATABASE_URL is not set (PostgreSQL runs need it)")
    with fresh_database(PG_URL, tmp_path, "rt") as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _fill(url: str) -> None:
    """Rows for the downgrades to carry: the bundled regions, framework and plan tasks, and search documents
    with grants, facets and phrases (the search migrations rewrite them on the way down)."""
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.db import session_factory, transaction
    from yrdhub.monitoring import service as monitoring
    from yrdhub.monitoring import tasks as plan_tasks
    from yrdhub.regions.loader import load_bundled
    from yrdhub.search import PUBLIC, index_many
    from yrdhub.search.types import SearchDocument

    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            load_bundled(session, actor=SYSTEM)
            monitoring.load_bundled(session, actor=SYSTEM)
            plan_tasks.load_bundled(session, actor=SYSTEM)
            docs = [
                SearchDocument("report", str(i), f"长三角科技创新共同体建设发展规划 {i}", "集成电路 人工智能 生物医药",
                               grants=[PUBLIC], facets={"year": 2020 + i % 5, "province": ["310000", "320000"]})
                for i in range(30)
            ]
            assert index_many(session, docs) == len(docs)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM search_document")).scalar() == len(docs)
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    tables = _tables(empty_database)
    _fill(empty_database)
    assert len(tables) > 20, tables
    command.downgrade(config, "base")
    assert _tables(empty_database) - {"alembic_version"} == set(), "downgrade to base leaves tables behind"
    command.upgrade(config, "head")
    engine = make_engine(empty_database)
    try:
        assert _schema_diff(engine) == []
    finally:
        engine.dispose()
    assert _tables(empty_database) == tables


def _chain() -> list[Path]:
    """The migration files from the first revision to the head, following down_revision."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"one history, one head: {script.get_heads()}"
    revisions = list(script.walk_revisions("base", "heads"))
    assert revisions
    return [Path(r.path) for r in reversed(revisions)]


def test_files_are_named_in_chain_order() -> None:
    chain = _chain()
    files = sorted(VERSIONS.glob("*.py"))
    assert len(chain) > 10
    assert {p.name for p in files} == {p.name for p in chain}, "every file in versions/ is in the chain"
    wrong = [
        f"{path.name} → {n:04d}_{re.sub(r'^[0-9_]+', '', path.stem)}.py"
        for n, path in enumerate(chain, start=1)
        if not re.fullmatch(rf"{n:04d}_[a-z0-9_]+\.py", path.name)
    ]
    assert not wrong, f"name each migration by its place in the chain (rename, keep the revision id): {wrong}"


def _yrdhub_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "yrdhub"]
        elif isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").split(".")[0] == "yrdhub"):
            found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Call) and any(
            isinstance(arg, ast.Constant) and str(arg.value).split(".")[0] == "yrdhub" for arg in node.args
        ):
            found.append(ast.unparse(node))  # importlib.import_module("yrdhub…"), __import__("yrdhub…")
    return found


def test_migrations_do_not_import_live_code() -> None:
    files = sorted(VERSIONS.glob("*.py"))
    assert len(files) > 10
    offenders = {p.name: used for p in files if (used := _yrdhub_imports(p.read_text(encoding="utf-8")))}
    assert not offenders, f"freeze what a migration needs inside it instead of importing yrdhub: {offenders}"


def test_the_import_scan_sees_imports() -> None:
    source = "import yrdhub.db\nfrom yrdhub.search import meta\nfrom . import x\nimport importlib\n"
    source += "importlib.import_module('yrdhub.search')\nimport sqlalchemy\nfrom alembic import op\n"
    assert _yrdhub_imports(source) == ["yrdhub.db", "yrdhub.search", ".", "importlib.import_module('yrdhub.search')"]
