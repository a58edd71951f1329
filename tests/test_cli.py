"""The `yrdhub` command as an operator runs it, against a fresh SQLite database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from yrdhub.cli import app
from yrdhub.cli.text import language
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


# --- one language at a time: YRDHUB_DEFAULT_LANG ------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{3,} [a-z]{3,}")
HELPS = [("--help",), ("users", "--help"), ("users", "create", "--help"), ("monitoring", "report", "--help"),
         ("analytics", "ingest", "--help")]


def flat(text: str) -> str:
    """Output without the line breaks a terminal width puts in, nor the help panels' borders."""
    return re.sub(r"[\s│]+", "", text)


def speak(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setenv("YRDHUB_DEFAULT_LANG", lang)
    get_settings.cache_clear()


def test_in_english_the_cli_holds_no_chinese(fresh_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    speak(monkeypatch, "en")
    helps = [run(*args) for args in HELPS]
    assert [code for code, _ in helps] == [0] * len(HELPS)
    text = flat("".join(out for _, out in helps))
    for words in ("Users and roles", "Create a user, with a random initial password shown once.", "Options",
                  "Commands", "Arguments", "Show this message and exit.", "Language of the report: zh or en"):
        assert flat(words) in text, words
    code, refusal = run("serve")  # a DomainError (db.empty): the database has no tables yet
    assert code == 1 and flat("Error: The database has no tables yet.") in flat(refusal)
    (tmp_path / "p.csv").write_text("编号\n1\n", encoding="utf-8")
    code, mapping = run("programmes", "import", str(tmp_path / "p.csv"), "--map", "no-equals-sign")
    assert code == 1 and flat("Error: map: A mapping is written source=field: no-equals-sign.") in flat(mapping)
    assert not CJK.findall(text + refusal + mapping)


def test_in_chinese_the_cli_speaks_chinese(fresh_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    speak(monkeypatch, "zh")
    helps = [run(*args) for args in HELPS]
    assert [code for code, _ in helps] == [0] * len(HELPS)
    text = flat("".join(out for _, out in helps))
    for words in ("长三角科技创新共同体信息平台", "用户与角色", "创建用户，随机生成初始密码（仅显示一次）。",
                  "选项", "命令", "参数", "显示本帮助信息并退出。", "报告语言：zh 或 en", "将导出文件读入工作目录"):
        assert flat(words) in text, words
    for english in ("Users and roles", "Create a user", "Options", "Show this message", "Language of the report"):
        assert flat(english) not in text, english
    code, refusal = run("serve")
    assert code == 1 and flat("错误：数据库尚无数据表") in flat(refusal) and "Error" not in refusal
    (tmp_path / "p.csv").write_text("编号\n1\n", encoding="utf-8")
    code, mapping = run("programmes", "import", str(tmp_path / "p.csv"), "--map", "no-equals-sign")
    assert code == 1 and flat("错误：map: 映射的写法为") in flat(mapping) and "import.mapping" not in mapping


def _help_texts(command: Any, ctx: Any) -> list[str]:
    """The help of a command, of its parameters and of every command under it, as click shows them."""
    texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.get_params(ctx)]
    for name, sub in getattr(command, "commands", {}).items():
        texts += _help_texts(sub, sub.context_class(sub, info_name=name, parent=ctx))
    return [t for t in texts if t]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_help_text_of_the_cli_is_in_its_language(lang: str) -> None:
    """The whole command tree, built in each language: a help written outside the catalogues or outside an `App`
    (so never translated) shows up as English in Chinese."""
    with language(lang):  # type: ignore[arg-type]
        command = typer.main.get_command(app)
        texts = _help_texts(command, command.context_class(command, info_name="yrdhub"))
    assert len(texts) > 100
    if lang == "en":
        assert not [t for t in texts if CJK.search(t)]
    else:
        assert not [t for t in texts if not CJK.search(t) and ENGLISH_SENTENCE.search(t)]
        assert len([t for t in texts if CJK.search(t)]) > 100


@pytest.mark.parametrize(("lang", "words"), [("en", "Users and roles"), ("zh", "用户与角色")])
def test_the_installed_command_speaks_the_setting(lang: str, words: str, tmp_path: Path) -> None:
    """`yrdhub --help` as an operator runs it: a new process reads YRDHUB_DEFAULT_LANG."""
    command = Path(sys.executable).parent / "yrdhub"
    assert command.exists(), "the console script of `pip install -e .`"
    env = {**os.environ, "YRDHUB_DEFAULT_LANG": lang, "YRDHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "COLUMNS": "200"}
    result = subprocess.run([str(command), "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert words in result.stdout
    assert bool(CJK.search(result.stdout)) == (lang == "zh")
