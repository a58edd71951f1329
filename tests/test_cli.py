"""The `yrdhub` command as an operator runs it, against a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yrdhub.cli import app
from yrdhub.config import get_settings

runner = CliRunner()


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("YRDHUB_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_setup_sequence_is_repeatable(fresh_db: str) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run("data", "load")
    assert code == 0 and "+374" in out and "+522" in out
    code, out = run("data", "load")
    assert code == 0 and "+0 ~0" in out
    code, out = run("users", "bootstrap")
    assert code == 0 and "admin" in out and "仅显示一次" in out
    assert "admin" not in run("users", "bootstrap")[1]  # no second admin, no password printed again
    code, out = run("audit", "verify")
    assert code == 0 and "完整" in out


def test_users_and_grants(fresh_db: str) -> None:
    run("db", "upgrade")
    run("data", "load")
    code, out = run("users", "create", "chen", "--role", "statistician", "--scope", "340000")
    assert code == 0 and "chen" in out
    assert run("users", "grant", "chen", "expert")[0] == 0
    code, out = run("users", "grant", "chen", "jurisdiction_admin", "--scope", "110000")
    assert code == 1 and "省级代码" in out
    assert run("users", "revoke", "chen", "expert")[0] == 0
    code, out = run("users", "list")
    assert "statistician@340000" in out and "expert" not in out


def test_users_create_takes_the_initial_password_from_the_environment(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("db", "upgrade")
    monkeypatch.setenv("YRDHUB_NEW_PASSWORD", "an-agreed-password-1")
    code, out = run("users", "create", "wang")
    assert code == 0 and "an-agreed-password-1" in out
    monkeypatch.delenv("YRDHUB_NEW_PASSWORD")
    code, out = run("users", "create", "zhao")
    assert code == 0 and "zhao" in out and "an-agreed-password-1" not in out


def test_orgs_import_good_then_bad(fresh_db: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    run("data", "load")
    good = tmp_path / "orgs.csv"
    good.write_bytes("名称,类型,地址\n东南大学,高校,南京市玄武区四牌楼2号\n".encode("gbk"))
    code, out = run("orgs", "import", str(good))
    assert code == 0 and "新增 1" in out
    code, out = run("orgs", "import", str(good), "--lang", "en")
    assert code == 0 and "unchanged 1" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,类型\n好,lab\n坏,飞船\n", encoding="utf-8")
    code, out = run("orgs", "import", str(bad))
    assert code == 1 and "3" in out and "类型无效" in out
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out = run("orgs", "import", str(empty))
    assert code == 1 and "为空" in out


def test_audit_verify_detects_tampering(fresh_db: str) -> None:
    from sqlalchemy import create_engine, text

    run("db", "upgrade")
    run("data", "load")
    run("users", "create", "zhou")
    engine = create_engine(fresh_db)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET actor_name = 'someone else' WHERE seq = 1"))
    engine.dispose()
    code, out = run("audit", "verify")
    assert code == 2 and "审计日志已被篡改" in out and "第 1 条事件" in out and "哈希值不符" in out


def test_make_run_sequence_with_samples_still_creates_the_admin(fresh_db: str) -> None:
    """`make run` in development: data load --samples (which creates a sample expert), then bootstrap."""
    assert run("db", "upgrade")[0] == 0
    code, out = run("data", "load", "--samples")
    assert code == 0 and "已载入" in out
    code, out = run("users", "bootstrap")
    assert code == 0 and "（office_admin）：admin" in out
    assert "已存在" in run("data", "load", "--samples")[1]


def test_serve_refuses_a_database_whose_schema_is_behind(fresh_db: str) -> None:
    from alembic.script import ScriptDirectory

    from yrdhub.migrate import alembic_config, upgrade

    code, out = run("serve")
    out = out.replace("\n", "")  # the console wraps long lines
    assert code == 1 and "yrdhub db upgrade" in out and "数据库尚无数据表" in out
    upgrade(fresh_db, revision="head-1")
    head = ScriptDirectory.from_config(alembic_config(fresh_db)).get_current_head()
    code, out = run("serve")
    out = out.replace("\n", "")
    assert code == 1 and "yrdhub db upgrade" in out and f"需要 {head}" in out
