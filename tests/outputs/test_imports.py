"""Bulk import of reports and achievements on the one import engine: atomic, idempotent, every bad row reported
with its line, column and code; each row goes through the same schema, service and policy as a single write (an
update of an existing report through the update service, a state asked for through the lifecycle's moves)."""

from __future__ import annotations

import ast
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from helpers import login
from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.imports import ImportReport, run
from yrdhub.outputs import imports
from yrdhub.outputs.imports import AchievementImporter, ReportImporter
from yrdhub.outputs.models import Achievement, Report
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory

SRC = Path(__file__).resolve().parents[2] / "src" / "yrdhub"


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def reports(session: Session, actor: Actor, data: bytes, filename: str = "r.csv", **kw: Any) -> ImportReport:
    return run(session, ReportImporter, actor=actor, data=data, filename=filename, **kw)


def achievements(session: Session, actor: Actor, data: bytes, filename: str = "a.csv", **kw: Any) -> ImportReport:
    return run(session, AchievementImporter, actor=actor, data=data, filename=filename, **kw)


def errors(report: ImportReport) -> list[tuple[int, str | None, str]]:
    return [(e.line, e.column, e.code) for e in report.errors]


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    a = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="导入报告研究院", type="institute", region="上海"))
    b = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="导入报告大学", type="university", region="合肥"))
    member = Actor(username="a-member", grants=(Grant("member", f"org:{a.id}"),), via="system")
    return {"a": a, "b": b, "member": member}


def reports_csv(embargo: date, status: str = "") -> str:
    column = ",状态" if status else ""
    cell = f",{status}" if status else ""
    return (f"报告编号,报告名称,报告类型,提交单位,公开类别,年份,解密日期,摘要,全文,作者,关键词{column}\n"
            f"IMP-2025-0001,导入的公开报告,最终报告,导入报告研究院,公开,2025,,公开摘要,全文甲,张三;李四,芯片{cell}\n"
            f"IMP-2025-0002,导入的延期报告 IMPEMBARGOMARK,年度报告,导入报告研究院,延期公开,2025,{embargo},摘要,全文乙,"
            f"王五,{cell}\n"
            f"IMP-2025-0003,导入的限制报告,专题报告,导入报告研究院,限制,2024,,摘要,全文丙,,{cell}\n")


def test_the_importers_use_the_engine_not_the_programmes_machinery() -> None:
    tree = ast.parse((SRC / "outputs" / "imports.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "yrdhub.imports" in imported and "yrdhub.programmes.imports" not in imported
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") in ("add", "add_all")]  # rows are written by the services only


def test_reports_gbk_then_idempotent_then_updated(session: Session, world: dict[str, Any]) -> None:
    data = reports_csv(date.today() + timedelta(days=30)).encode("gbk")
    report = reports(session, world["member"], data)
    assert report.ok, report.errors
    assert (report.fmt, report.created) == ("gbk", 3)
    first = session.execute(select(Report).where(Report.number == "IMP-2025-0001")).scalar_one()
    assert first.authors == ["张三", "李四"] and first.type == "final" and first.province_code == "310000"
    assert first.status == "draft"  # without a state column: drafts of the organisation
    delayed = session.execute(select(Report).where(Report.number == "IMP-2025-0002")).scalar_one()
    assert delayed.openness == "delayed" and delayed.embargo_until == date.today() + timedelta(days=30)
    again = reports(session, world["member"], data)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    edited = data.decode("gbk").replace("公开摘要", "修订后的摘要").encode("gbk")
    changed = reports(session, world["member"], edited)
    assert changed.ok and (changed.updated, changed.unchanged) == (1, 2)
    session.refresh(first)
    assert first.abstract == "修订后的摘要"


def test_an_update_goes_through_the_update_service_and_its_state_rule(session: Session,
                                                                      world: dict[str, Any]) -> None:
    """A row that changes an accepted report is refused as the single update is (only a draft changes); the
    same row unchanged is fine."""
    accepted = factory.report(session, number="IMP-2025-0001", org_id=world["a"].id, title="导入的公开报告",
                              abstract="公开摘要", full_text="全文甲", authors=["张三", "李四"], keywords=["芯片"])
    data = reports_csv(date.today() + timedelta(days=30)).encode()
    refused = reports(session, world["member"], data.decode().replace("公开摘要", "改过的摘要").encode())
    assert errors(refused) == [(2, None, "report.not_draft")] and accepted.abstract == "公开摘要"
    same = reports(session, world["member"], data)
    assert same.ok and (same.created, same.unchanged) == (2, 1)


def test_a_row_asking_for_an_accepted_report_needs_the_right_to_accept(session: Session,
                                                                       world: dict[str, Any]) -> None:
    data = reports_csv(date.today() + timedelta(days=30), status="已收录").encode()
    member = reports(session, world["member"], data)
    assert {(line, code) for line, _, code in errors(member)} == {(2, "policy.denied"), (3, "policy.denied"),
                                                                 (4, "policy.denied")}
    assert count(session, Report) == 0
    # the Shanghai S&T department accepts, but does not register an organisation's reports
    js = Actor(username="sh-admin", grants=(Grant("jurisdiction_admin", "310000"),), via="system")
    with pytest.raises(PermissionDenied):  # may not import reports at all: refused before the file is read
        reports(session, js, data, filename="r2.csv")
    office = reports(session, SYSTEM, data)
    assert office.ok and office.created == 3, office.errors
    assert {r.status for r in session.execute(select(Report)).scalars()} == {"accepted"}
    # an accepted report cannot be imported back as a draft
    back = reports(session, SYSTEM, data.decode().replace("已收录", "草稿").encode())
    assert {code for _, _, code in errors(back)} == {"report.import_status"}


def test_a_row_asking_for_submission_takes_a_draft_forward(session: Session, world: dict[str, Any]) -> None:
    data = reports_csv(date.today() + timedelta(days=30)).encode()
    assert reports(session, world["member"], data).ok
    submitted = reports(session, world["member"], reports_csv(date.today() + timedelta(days=30), "已提交").encode())
    assert submitted.ok and submitted.updated == 3
    assert {r.status for r in session.execute(select(Report)).scalars()} == {"submitted"}


def test_another_organisations_member_cannot_import_its_reports(session: Session, world: dict[str, Any]) -> None:
    outsider = Actor(username="b-member", grants=(Grant("member", f"org:{world['b'].id}"),), via="system")
    data = reports_csv(date.today() + timedelta(days=30)).encode()
    report = reports(session, outsider, data)
    assert [(e.line, e.code) for e in report.errors] == [(2, "policy.denied"), (3, "policy.denied"),
                                                         (4, "policy.denied")]
    assert count(session, Report) == 0
    admin = Actor(username="js-admin", grants=(Grant("jurisdiction_admin", "310000"),), via="system")
    with pytest.raises(PermissionDenied):  # a jurisdiction admin registers no organisation's reports
        reports(session, admin, data)
    assert count(session, Report) == 0


def test_one_bad_report_row_writes_nothing_and_every_problem_has_its_code(session: Session,
                                                                          world: dict[str, Any]) -> None:
    lines = [f"IMP-2026-{i:04d},报告{i},最终报告,导入报告研究院,公开,2026,\n" for i in range(40)]
    lines[5] = "IMP-2026-0005,报告5,年终总结,导入报告研究院,公开,2026,\n"  # unknown type
    lines[17] = "IMP-2026-0017,报告17,最终报告,导入报告研究院,延期公开,2026,\n"  # delayed without a date
    lines[29] = "imp-2026-0000,重复,最终报告,导入报告研究院,公开,2026,\n"  # same number as line 2 (case-folded)
    lines[31] = "IMP-2026-0031,报告31,最终报告,没有的单位,公开,2026,\n"
    lines[36] = "IMP-2026-0036,报告36,最终报告,导入报告研究院,公开,二〇二六,\n"
    lines[38] = "IMP-2026-0038,报告38,最终报告,导入报告研究院,公开,1900,\n"  # the schema's range
    lines[39] = "IMP_2026_0039,报告39,最终报告,导入报告研究院,公开,2026,\n"  # the schema's number rule
    data = ("报告编号,报告名称,报告类型,提交单位,公开类别,年份,解密日期\n" + "".join(lines)).encode()
    report = reports(session, SYSTEM, data)
    assert errors(report) == [
        (7, "报告类型", "cell.choice"), (19, "解密日期", "report.embargo_required"),
        (31, None, "import.duplicate_row"), (33, "提交单位", "output.no_org"), (38, "年份", "cell.number"),
        (40, "年份", "validation.min"), (41, "报告编号", "report.number")]
    assert report.errors[3].params == {"org": "没有的单位"} and report.errors[2].params == {"line": 2}
    assert count(session, Report) == 0


def test_empty_and_unreadable_report_files(session: Session) -> None:
    assert errors(reports(session, SYSTEM, b"")) == [(0, None, "table.empty")]
    missing = reports(session, SYSTEM, "报告编号,报告名称\nA,B\n".encode())
    assert errors(missing) == [(0, None, "import.missing_columns")]
    assert {"type", "org", "openness", "year"} <= set(missing.errors[0].params["columns"])


def test_imported_embargoed_reports_stay_hidden(client: TestClient, session: Session, world: dict[str, Any],
                                               make_user) -> None:  # type: ignore[no-untyped-def]
    data = reports_csv(date.today() + timedelta(days=30), status="已收录").encode()
    assert reports(session, SYSTEM, data).ok
    make_user("member", f"org:{world['b'].id}", username="imp_outsider")
    for who in (None, "imp_outsider"):
        if who:
            login(client, who)
        listed = client.get("/api/v1/outputs/reports").text
        assert "IMPEMBARGOMARK" not in listed and "导入的公开报告" in listed
        assert client.get("/api/v1/search", params={"q": "IMPEMBARGOMARK"}).json()["total"] == 0
        assert "IMPEMBARGOMARK" not in client.get("/outputs").text


def test_achievements_with_applicants_and_their_regions(session: Session, world: dict[str, Any]) -> None:
    doc = [{"kind": "专利", "title": "一种芯片封装方法", "identifier": "CN202610000001.1", "year": 2026,
            "applicants": ["导入报告研究院", "导入报告大学"], "trl": 6, "transfer_status": "许可"},
           {"成果类型": "论文", "成果名称": "长三角协同创新网络", "年份": 2025, "完成单位": "导入报告大学"}]
    data = json.dumps(doc, ensure_ascii=False).encode()
    report = achievements(session, SYSTEM, data, "a.json")
    assert report.ok and report.created == 2, report.errors
    patent = session.execute(select(Achievement).where(Achievement.kind == "patent")).scalar_one()
    assert [(a["name"], a["province"]) for a in patent.applicants] == [("导入报告研究院", "310000"),
                                                                       ("导入报告大学", "340000")]
    assert patent.trl == 6 and patent.transfer_status == "licensed"
    assert patent.natural_key == "patent|id:CN202610000001.1"
    again = achievements(session, SYSTEM, data, "a.json")
    assert again.ok and again.unchanged == 2
    # the applicants change: one update; a member of only one applicant may not import the row
    doc[0]["applicants"] = ["导入报告研究院"]
    changed = achievements(session, SYSTEM, json.dumps(doc, ensure_ascii=False).encode(), "a.json")
    assert changed.ok and (changed.updated, changed.unchanged) == (1, 1)
    outsider = Actor(username="b-member", grants=(Grant("member", f"org:{world['b'].id}"),), via="system")
    csv_data = "成果类型,成果名称,标识号,年份,完成单位\n专利,别人的专利,CN202610000009.9,2026,导入报告研究院\n"
    refused = achievements(session, outsider, csv_data.encode("gbk"))
    assert errors(refused) == [(2, None, "policy.denied")]


def test_the_outputs_import_api(client: TestClient, session: Session, world: dict[str, Any],
                                make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("member", f"org:{world['a'].id}", username="imp_member")
    headers = {"X-CSRF-Token": login(client, "imp_member")}
    data = reports_csv(date.today() + timedelta(days=30)).encode("gbk")
    dry = client.post("/api/v1/outputs/reports/import", params={"dry_run": "true"}, headers=headers,
                      files={"file": ("r.csv", io.BytesIO(data), "text/csv")})
    assert dry.status_code == 200 and dry.json()["created"] == 3 and count(session, Report) == 0
    ok = client.post("/api/v1/outputs/reports/import", headers=headers, files={"file": ("r.csv", io.BytesIO(data))})
    assert ok.status_code == 200 and ok.json()["created"] == 3
    bad = "成果类型,成果名称,年份,完成单位\n飞船,X,2026,导入报告研究院\n专利,Y,2026,\n".encode()
    response = client.post("/api/v1/outputs/achievements/import", headers=headers,
                           files={"file": ("a.csv", io.BytesIO(bad))})
    assert response.status_code == 422 and response.json()["error"]["code"] == "import.refused"
    rows = response.json()["error"]["rows"]
    assert [(r["line"], r["column"], r["code"]) for r in rows] == [(2, "成果类型", "cell.choice"),
                                                                   (3, "完成单位", "cell.required")]
    assert all(r["message"] and "{" not in r["message"] for r in rows)
    english = client.post("/api/v1/outputs/achievements/import", headers=headers | {"Accept-Language": "en"},
                          files={"file": ("a.csv", io.BytesIO(bad))})
    assert english.json()["error"]["rows"][1]["message"] == "This cell is required."
    assert client.post("/api/v1/outputs/achievements/import", headers=headers, params={"map": "bad"},
                       files={"file": ("a.csv", io.BytesIO(bad))}).json()["error"]["code"] == "import.mapping"
    template = client.get("/api/v1/outputs/achievements/import/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    assert count(session, Achievement) == 0


def test_the_templates_read_back_as_their_example(session: Session) -> None:
    for name, importer in imports.IMPORTERS.items():
        data = imports.templates()[name]
        report = run(session, importer, actor=SYSTEM, data=data, filename=f"{name}.xlsx", dry_run=True)
        assert report.fmt == "xlsx" and report.rows == 1
        codes = [e.code for e in report.errors]
        assert codes and all(c in ("output.no_org", "output.no_project") for c in codes), report.errors


def test_cli_outputs_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from yrdhub.cli import app
    from yrdhub.config import get_settings

    monkeypatch.setenv("YRDHUB_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        orgs_file = tmp_path / "o.csv"
        orgs_file.write_bytes("名称,类型\n导入报告研究院,科研院所\n".encode("gbk"))
        assert runner.invoke(app, ["orgs", "import", str(orgs_file)]).exit_code == 0
        file = tmp_path / "r.csv"
        file.write_bytes(reports_csv(date.today() + timedelta(days=30)).encode("gbk"))
        result = runner.invoke(app, ["outputs", "import", "reports", str(file)])
        assert result.exit_code == 0 and "新增 3" in result.output, result.output
        result = runner.invoke(app, ["outputs", "import", "reports", str(file), "--lang", "en"])
        assert result.exit_code == 0 and "unchanged 3" in result.output
        bad = tmp_path / "a.csv"
        bad.write_text("成果类型,成果名称,年份,完成单位\n专利,X,2026,不存在\n", encoding="utf-8")
        result = runner.invoke(app, ["outputs", "import", "achievements", str(bad), "--lang", "en"])
        assert result.exit_code == 1 and "output.no_org" in result.output and "No such organisation" in result.output
        assert runner.invoke(app, ["outputs", "reindex"]).exit_code == 0
    finally:
        get_settings.cache_clear()
