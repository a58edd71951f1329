"""Bulk import of reports and achievements: atomic, idempotent, every bad row reported, each row by the
submitting / applicant organisation's rules; imported reports obey the same openness rules everywhere."""

from __future__ import annotations

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
from yrdhub.outputs import imports
from yrdhub.outputs.models import Achievement, Report
from yrdhub.regions import orgs
from yrdhub.regions.orgs import OrgInput


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    a = orgs.create(session, actor=SYSTEM, data=OrgInput(name="导入报告研究院", type="institute", region="上海"))
    b = orgs.create(session, actor=SYSTEM, data=OrgInput(name="导入报告大学", type="university", region="合肥"))
    member = Actor(username="a-member", grants=(Grant("member", f"org:{a.id}"),), via="system")
    return {"a": a, "b": b, "member": member}


def reports_csv(embargo: date) -> str:
    return ("报告编号,报告名称,报告类型,提交单位,公开类别,年份,解密日期,摘要,作者,关键词\n"
            "IMP-2025-0001,导入的公开报告,最终报告,导入报告研究院,公开,2025,,公开摘要,张三;李四,芯片\n"
            f"IMP-2025-0002,导入的延期报告 IMPEMBARGOMARK,年度报告,导入报告研究院,延期公开,2025,{embargo},摘要,王五,\n"
            "IMP-2025-0003,导入的限制报告,专题报告,导入报告研究院,限制,2024,,摘要,,\n")


def test_reports_gbk_then_idempotent_then_updated(session: Session, world: dict[str, Any]) -> None:
    data = reports_csv(date.today() + timedelta(days=30)).encode("gbk")
    report = imports.import_reports(session, actor=world["member"], data=data, filename="r.csv")
    assert report.ok, report.errors
    assert (report.fmt, report.created) == ("gbk", 3)
    first = session.execute(select(Report).where(Report.number == "IMP-2025-0001")).scalar_one()
    assert first.authors == ["张三", "李四"] and first.type == "final" and first.province_code == "310000"
    delayed = session.execute(select(Report).where(Report.number == "IMP-2025-0002")).scalar_one()
    assert delayed.openness == "delayed" and delayed.embargo_until == date.today() + timedelta(days=30)
    again = imports.import_reports(session, actor=world["member"], data=data, filename="r.csv")
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    edited = data.decode("gbk").replace("公开摘要", "修订后的摘要").encode("gbk")
    changed = imports.import_reports(session, actor=world["member"], data=edited, filename="r.csv")
    assert changed.ok and (changed.updated, changed.unchanged) == (1, 2)
    session.refresh(first)
    assert first.abstract == "修订后的摘要"


def test_another_organisations_member_cannot_import_its_reports(session: Session, world: dict[str, Any]) -> None:
    outsider = Actor(username="b-member", grants=(Grant("member", f"org:{world['b'].id}"),), via="system")
    data = reports_csv(date.today() + timedelta(days=30)).encode()
    report = imports.import_reports(session, actor=outsider, data=data, filename="r.csv")
    assert [e.line for e in report.errors] == [2, 3, 4] and all("无权" in e.reason for e in report.errors)
    assert count(session, Report) == 0
    admin = Actor(username="js-admin", grants=(Grant("jurisdiction_admin", "310000"),), via="system")
    with pytest.raises(PermissionDenied):  # a jurisdiction admin registers no organisation's reports
        imports.import_reports(session, actor=admin, data=data, filename="r.csv")
    assert count(session, Report) == 0


def test_one_bad_report_row_writes_nothing(session: Session, world: dict[str, Any]) -> None:
    lines = [f"IMP-2026-{i:04d},报告{i},最终报告,导入报告研究院,公开,2026,\n" for i in range(40)]
    lines[5] = "IMP-2026-0005,报告5,年终总结,导入报告研究院,公开,2026,\n"  # unknown type
    lines[17] = "IMP-2026-0017,报告17,最终报告,导入报告研究院,延期公开,2026,\n"  # delayed without a date
    lines[29] = "imp-2026-0000,重复,最终报告,导入报告研究院,公开,2026,\n"  # same number as line 2 (case-folded)
    lines[31] = "IMP-2026-0031,报告31,最终报告,没有的单位,公开,2026,\n"
    lines[36] = "IMP-2026-0036,报告36,最终报告,导入报告研究院,公开,二〇二六,\n"
    data = ("报告编号,报告名称,报告类型,提交单位,公开类别,年份,解密日期\n" + "".join(lines)).encode()
    report = imports.import_reports(session, actor=SYSTEM, data=data, filename="r.csv")
    assert [e.line for e in report.errors] == [7, 19, 31, 33, 38]
    reasons = [e.reason for e in report.errors]
    assert "年终总结" in reasons[0] and "解密日期" in reasons[1] and "重复" in reasons[2] and "没有的单位" in reasons[3]
    assert count(session, Report) == 0


def test_empty_and_unreadable_report_files(session: Session) -> None:
    assert "为空" in (imports.import_reports(session, actor=SYSTEM, data=b"", filename="r.csv").file_error or "")
    missing = imports.import_reports(session, actor=SYSTEM, data="报告编号,报告名称\nA,B\n".encode(), filename="r.csv")
    assert missing.file_error and "type" in missing.file_error and "org" in missing.file_error


def test_imported_embargoed_reports_stay_hidden(client: TestClient, session: Session, world: dict[str, Any],
                                               make_user) -> None:  # type: ignore[no-untyped-def]
    data = reports_csv(date.today() + timedelta(days=30)).encode()
    assert imports.import_reports(session, actor=world["member"], data=data, filename="r.csv").ok
    make_user("member", f"org:{world['b'].id}", username="imp_outsider")
    for who in (None, "imp_outsider"):
        if who:
            login(client, who)
        assert "IMPEMBARGOMARK" not in client.get("/api/v1/outputs/reports").text
        assert client.get("/api/v1/search", params={"q": "IMPEMBARGOMARK"}).json()["total"] == 0
        assert "IMPEMBARGOMARK" not in client.get("/outputs").text


def test_achievements_with_applicants_and_their_regions(session: Session, world: dict[str, Any]) -> None:
    doc = [{"kind": "专利", "title": "一种芯片封装方法", "identifier": "CN202610000001.1", "year": 2026,
            "applicants": ["导入报告研究院", "导入报告大学"], "trl": 6, "transfer_status": "许可"},
           {"成果类型": "论文", "成果名称": "长三角协同创新网络", "年份": 2025, "完成单位": "导入报告大学"}]
    data = json.dumps(doc, ensure_ascii=False).encode()
    report = imports.import_achievements(session, actor=SYSTEM, data=data, filename="a.json")
    assert report.ok and report.created == 2, report.errors
    patent = session.execute(select(Achievement).where(Achievement.kind == "patent")).scalar_one()
    assert [(a["name"], a["province"]) for a in patent.applicants] == [("导入报告研究院", "310000"),
                                                                       ("导入报告大学", "340000")]
    assert patent.trl == 6 and patent.transfer_status == "licensed"
    again = imports.import_achievements(session, actor=SYSTEM, data=data, filename="a.json")
    assert again.ok and again.unchanged == 2
    # the applicants change: one update; a member of only one applicant may not import the row
    doc[0]["applicants"] = ["导入报告研究院"]
    changed = imports.import_achievements(session, actor=SYSTEM, filename="a.json",
                                          data=json.dumps(doc, ensure_ascii=False).encode())
    assert changed.ok and (changed.updated, changed.unchanged) == (1, 1)
    outsider = Actor(username="b-member", grants=(Grant("member", f"org:{world['b'].id}"),), via="system")
    csv_data = "成果类型,成果名称,标识号,年份,完成单位\n专利,别人的专利,CN202610000009.9,2026,导入报告研究院\n"
    refused = imports.import_achievements(session, actor=outsider, data=csv_data.encode("gbk"), filename="a.csv")
    assert [e.line for e in refused.errors] == [2] and "无权" in refused.errors[0].reason


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
    assert response.status_code == 422
    assert [(r["line"], r["field"]) for r in response.json()["error"]["rows"]] == [(2, "kind"), (3, "applicants")]
    template = client.get("/api/v1/outputs/achievements/import/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"


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
        assert result.exit_code == 0 and "新增 created 3" in result.output, result.output
        result = runner.invoke(app, ["outputs", "import", "reports", str(file)])
        assert result.exit_code == 0 and "未变 unchanged 3" in result.output
        bad = tmp_path / "a.csv"
        bad.write_text("成果类型,成果名称,年份,完成单位\n专利,X,2026,不存在\n", encoding="utf-8")
        result = runner.invoke(app, ["outputs", "import", "achievements", str(bad)])
        assert result.exit_code == 1 and "不存在" in result.output
    finally:
        get_settings.cache_clear()
