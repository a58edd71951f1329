"""Settings: every setting is a typed field read from YRDHUB_*; nothing else in yrdhub reads the environment."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from yrdhub.config import Settings

SRC = Path(__file__).resolve().parents[1] / "src" / "yrdhub"
# Setting a variable for a child process's own use is not reading a setting.
WRITES_FOR_OTHERS = {("analytics/engine.py", "setdefault", "SPARK_LOCAL_IP")}


ENV_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _is_os_env(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in ENV_NAMES
    )


def _environment_uses(tree: ast.AST) -> list[tuple[int, str, str]]:
    """(line, how, variable) of every use of os.environ / os.getenv / … in a module; for a method called on
    os.environ with a literal name (os.environ.get("X")), the method and the name."""
    methods: dict[int, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_os_env(node.func.value):
            first = node.args[0] if node.args else None
            name = str(first.value) if isinstance(first, ast.Constant) else ""
            methods[id(node.func.value)] = (node.func.attr, name)
    found = []
    for node in ast.walk(tree):
        if _is_os_env(node):
            assert isinstance(node, ast.Attribute)
            how, name = methods.get(id(node), (node.attr, ""))
            found.append((node.lineno, how, name))
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, f"from os import {a.name}", "") for a in node.names if a.name in ENV_NAMES]
    return sorted(found)


def test_only_config_reads_the_environment() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 50
    offenders = []
    for path in files:
        rel = path.relative_to(SRC).as_posix()
        if rel == "config.py" or rel.startswith("migrations/"):
            continue
        for line, how, name in _environment_uses(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, how, name) not in WRITES_FOR_OTHERS:
                offenders.append(f"{rel}:{line} os.{how} {name}".rstrip())
    assert not offenders, f"read settings through yrdhub.config.get_settings(), not os.environ: {offenders}"


def test_the_scan_sees_environment_reads() -> None:
    source = "import os\nos.environ.get('A')\nos.getenv('B')\nos.environ['C']\nos.environ.setdefault('D', 'x')"
    uses = _environment_uses(ast.parse(source + "\nfrom os import environ"))
    assert uses == [
        (2, "get", "A"),
        (3, "getenv", ""),
        (4, "environ", ""),
        (5, "setdefault", "D"),
        (6, "from os import environ", ""),
    ]


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("YRDHUB_PASSWORD_HASH", "test-only-cheap", "password_hash", "test-only-cheap"),
        ("YRDHUB_ANALYTICS_ENGINE", "Spark", "analytics_engine", "spark"),
        ("YRDHUB_ANALYTICS_DIR", "/data/ws", "analytics_dir", Path("/data/ws")),
        ("YRDHUB_ANALYTICS_INGEST_WORKERS", "3", "analytics_ingest_workers", 3),
        ("YRDHUB_DUCKDB_MEMORY_LIMIT", "1GB", "duckdb_memory_limit", "1GB"),
        ("YRDHUB_DUCKDB_THREADS", "2", "duckdb_threads", 2),
        ("YRDHUB_DUCKDB_THREADS", "", "duckdb_threads", None),  # empty is unset, as before
        ("YRDHUB_DUCKDB_TEMP_DIR", "/tmp/spill", "duckdb_temp_dir", Path("/tmp/spill")),
        ("YRDHUB_SPARK_MASTER", "spark://h:7077", "spark_master", "spark://h:7077"),
        ("YRDHUB_SPARK_PARTITIONS", "16", "spark_partitions", 16),
        ("YRDHUB_SPARK_DRIVER_MEMORY", "4g", "spark_driver_memory", "4g"),
        ("YRDHUB_CSTR_PREFIX", "11111", "cstr_prefix", "11111"),
    ],
)
def test_settings_come_from_the_documented_variables(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), field) == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [("YRDHUB_ANALYTICS_ENGINE", "polars"), ("YRDHUB_PASSWORD_HASH", "md5"), ("YRDHUB_DUCKDB_THREADS", "0")],
)
def test_a_bad_setting_is_refused_at_start(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable.removeprefix("YRDHUB_").lower()):
        Settings()


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [({"password_hash": "test-only-cheap", "secret_key": "x" * 40}, "YRDHUB_PASSWORD_HASH"), ({}, "YRDHUB_SECRET_KEY")],
)
def test_production_refusals_are_plain_english(
    monkeypatch: pytest.MonkeyPatch, overrides: dict[str, str], variable: str
) -> None:
    monkeypatch.delenv("YRDHUB_PASSWORD_HASH", raising=False)
    with pytest.raises(ValueError, match=variable) as refused:
        Settings(environment="production", **overrides)  # type: ignore[arg-type]
    assert not re.search(r"[\u4e00-\u9fff]", str(refused.value)), "config errors come before any language"
