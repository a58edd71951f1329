"""Bulk import of programmes and projects through the one import engine: CSV (UTF-8/GBK), XLSX, JSON; atomic,
idempotent, every bad row reported with its line, column and code; each row decided by the same services and
policy as a single write; the real National Key R&D list imports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import require
from helpers import login
from yrdhub import imports as import_engine
from yrdhub import search
from yrdhub.accounts import audit
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.accounts.models import AuditEvent
from yrdhub.programmes import imports
from yrdhub.programmes.models import Funding, Programme, Project
from yrdhub.regions import orgs
from yrdhub.regions.imports import OrgImporter
from yrdhub.regions.schemas import OrgCreate
from yrdhub.tabular import xlsx_bytes

from .conftest import admin

JS_ADMIN = admin("320000")
PROGRAMMES = ("计划编号,计划名称,主管方,简介\nJS-A,江苏甲计划,江苏,说明甲\nJS-B,苏浙联合计划,江苏;浙江,\n"
              "SH-A,上海计划,上海,\n")


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def errors_of(report: imports.imports.ImportReport) -> list[tuple[int, str | None, str]]:
    return [(e.line, e.column, e.code) for e in report.errors]


def test_programmes_gbk_csv_then_idempotent_then_updated(session: Session) -> None:
    data = PROGRAMMES.encode("gbk")
    report = imports.import_programmes(session, actor=SYSTEM, data=data, filename="p.csv")
    assert report.ok and report.fmt == "gbk" and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    joint = session.execute(select(Programme).where(Programme.code == "JS-B")).scalar_one()
    assert joint.owners == ["320000", "330000"] and joint.name == "苏浙联合计划"
    again = imports.import_programmes(session, actor=SYSTEM, data=data, filename="p.csv")
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = imports.import_programmes(session, actor=SYSTEM, filename="p.csv",
                                        data=PROGRAMMES.replace("说明甲", "新的说明").encode("utf-8-sig"))
    assert changed.ok and changed.fmt == "utf-8-sig" and (changed.updated, changed.unchanged) == (1, 2)
    events = session.execute(select(AuditEvent.action).where(AuditEvent.object_type.in_(["programme", "import"]))
                             ).scalars().all()
    assert events.count("programme.create") == 3 and events.count("programme.update") == 1
    assert events.count("programme.import") == 3  # one per file written


def test_a_jurisdiction_admin_cannot_import_another_jurisdictions_programme(session: Session) -> None:
    before = count(session, Programme)
    report = imports.import_programmes(session, actor=JS_ADMIN, data=PROGRAMMES.encode(), filename="p.csv")
    # the joint programme needs Zhejiang's consent too; the Shanghai one is not Jiangsu's at all
    assert errors_of(report) == [(3, None, "policy.denied"), (4, None, "policy.denied")]
    assert count(session, Programme) == before  # the good Jiangsu row was not written either


def test_one_bad_row_among_many_writes_nothing_and_every_bad_row_is_listed(session: Session) -> None:
    rows = [f"JS-{i:03d},计划{i},江苏,\n" for i in range(60)]
    rows[10] = "JS-010,,江苏,\n"  # no name
    rows[33] = "JS-033,计划33,北京,\n"  # not one of the four
    rows[47] = "JS-000,重复的编号,江苏,\n"  # duplicate of the first row
    data = ("计划编号,计划名称,主管方,简介\n" + "".join(rows)).encode()
    before = count(session, Programme)
    report = imports.import_programmes(session, actor=SYSTEM, data=data, filename="p.csv")
    assert report.rows == 60
    assert errors_of(report) == [(12, "计划名称", "cell.required"), (35, "主管方", "programme.owner_unknown"),
                                 (49, None, "import.duplicate_row")]
    assert report.errors[2].params == {"line": 2} and report.errors[1].params == {"province": "北京"}
    assert count(session, Programme) == before


@pytest.mark.parametrize(("data", "code"), [
    (b"", "table.empty"), ("计划编号,名称\n".encode(), "import.missing_columns"),
    ("计划编号,计划名称,主管方,颜色\nA,B,江苏,红\n".encode(), "import.unknown_columns"),
    (b"[1, 2", "table.json"), (b'{"rows": 3}', "table.json_shape"),
])
def test_files_that_cannot_be_read(session: Session, data: bytes, code: str) -> None:
    report = imports.import_programmes(session, actor=SYSTEM, data=data, filename="p.csv")
    assert report.file_error is not None and report.file_error.code == code, report.errors


def test_json_and_xlsx_and_dry_run(session: Session) -> None:
    doc = [{"code": "JS-J1", "name": "JSON 计划", "owners": ["江苏", "安徽"]},
           {"计划编号": "JS-J2", "计划名称": "第二", "主管方": "320000"}]
    dry = imports.import_programmes(session, actor=SYSTEM, data=json.dumps(doc, ensure_ascii=False).encode(),
                                    filename="p.json", dry_run=True)
    assert dry.ok and dry.fmt == "json" and dry.created == 2
    assert session.execute(select(Programme).where(Programme.code == "JS-J1")).scalar_one_or_none() is None
    book = xlsx_bytes(["计划编号", "计划名称", "主管方"], [["JS-X1", "表格计划", "江苏"], ["JS-X2", "表格二", "安徽"]])
    report = imports.import_programmes(session, actor=SYSTEM, data=book, filename="p.xlsx")
    assert report.ok and report.fmt == "xlsx" and report.created == 2
    bad = [{"code": "JS-J3", "name": "好"}, "not an object", {"code": "JS-J4", "name": "坏", "owners": "火星"},
           {"code": "JS-J5", "计划编号": "JS-J5", "name": "两次", "owners": "江苏"}]
    report = imports.import_programmes(session, actor=SYSTEM, data=json.dumps(bad).encode(), filename="b.json")
    assert [(e.line, e.code) for e in report.errors] == [  # JSON: the item number
        (1, "cell.required"), (2, "import.not_object"), (3, "programme.owner_unknown"), (4, "import.field_twice")]


# --- projects ---------------------------------------------------------------------------------------------------

@pytest.fixture
def programme_world(session: Session) -> dict[str, Any]:
    nj = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="导入测试南京研究院", type="institute", region="南京"))
    hz = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="导入测试杭州大学", type="university", region="杭州"))
    sh = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="导入测试上海企业", type="enterprise", region="上海"))
    assert imports.import_programmes(session, actor=SYSTEM, data=PROGRAMMES.encode(), filename="p.csv").ok
    return {"nj": nj, "hz": hz, "sh": sh}


PROJECTS = ("项目编号,项目名称,计划编号,牵头单位,参与单位,出资方,经费,开始日期,结束日期,关键词,状态\n"
            "JS-P-001,长三角芯片联合攻关,JS-B,导入测试南京研究院,导入测试杭州大学;导入测试上海企业,"
            "\"江苏: 2026=300, 2027=200; 浙江: 2026=100.25\",600.25,2026-01-01,2027-12-31,芯片;封装,在研\n"
            "JS-P-002,江苏单列项目,JS-A,导入测试南京研究院,,江苏: 150,,2025,2026,,已验收\n")


def test_projects_with_participants_and_yearly_funders(session: Session, programme_world: dict[str, Any]) -> None:
    report = imports.import_projects(session, actor=SYSTEM, data=PROJECTS.encode("gbk"), filename="x.csv")
    assert report.ok, report.errors
    assert report.created == 2
    project = session.execute(select(Project).where(Project.code == "JS-P-001")).scalar_one()
    assert project.status == "contracted" and project.requested_budget_wan == Decimal("600.25") and project.recorded
    assert [(p.org_id, p.role, p.province_code) for p in project.participants] == [
        (programme_world["nj"].id, "lead", "320000"), (programme_world["hz"].id, "partner", "330000"),
        (programme_world["sh"].id, "partner", "310000")]
    assert {f.province_code: f.yearly for f in project.funders} == {
        "320000": {"2026": Decimal(300), "2027": Decimal(200)}, "330000": {"2026": Decimal("100.25")}}
    assert [f.decision for f in project.funders] == ["approved", "approved"]
    assert [(t.from_status, t.to_status, t.move, t.note) for t in project.transitions] == [
        ("draft", "contracted", "record", "imported")]
    single = session.execute(select(Project).where(Project.code == "JS-P-002")).scalar_one()
    assert single.status == "accepted" and single.funders[0].yearly == {"2025": Decimal(150)}
    assert str(single.end_on) == "2026-12-31"
    again = imports.import_projects(session, actor=SYSTEM, data=PROJECTS.encode("gbk"), filename="x.csv")
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # recorded projects are in the search, with the same readers as every project (contracted: public)
    hits = search.search(session, search.SearchQuery(text="芯片联合攻关", kinds=["project"]),
                         search.reader_tokens(ANONYMOUS))
    assert [h.ref for h in hits.hits] == [str(project.id)]
    # a decided share does not change by import (a change request does that); the description may be corrected
    raised = imports.import_projects(session, actor=SYSTEM, filename="x.csv", data=PROJECTS.replace(
        "2027=200", "2027=250").replace(",600.25,", ",650.25,").encode())
    assert errors_of(raised) == [(2, "出资方", "project.share_decided")]
    corrected = imports.import_projects(session, actor=SYSTEM, filename="x.csv",
                                        data=PROJECTS.replace("芯片;封装", "芯片;封装;测试").encode())
    assert corrected.ok and (corrected.updated, corrected.unchanged) == (1, 1), corrected.errors
    session.refresh(project)
    assert project.keywords == ["芯片", "封装", "测试"] and project.requested_budget_wan == Decimal("600.25")
    assert count(session, Funding) >= 3


def test_reimport_with_other_partners_replaces_them(session: Session, programme_world: dict[str, Any]) -> None:
    assert imports.import_projects(session, actor=SYSTEM, data=PROJECTS.encode(), filename="x.csv").ok
    fewer = PROJECTS.replace("导入测试杭州大学;导入测试上海企业", "导入测试上海企业")
    report = imports.import_projects(session, actor=SYSTEM, data=fewer.encode(), filename="x.csv")
    assert report.ok and (report.updated, report.unchanged) == (1, 1), report.errors
    project = session.execute(select(Project).where(Project.code == "JS-P-001")).scalar_one()
    session.refresh(project)
    assert [(p.org_id, p.role) for p in project.participants] == [(programme_world["nj"].id, "lead"),
                                                                  (programme_world["sh"].id, "partner")]


def test_project_rows_the_rules_refuse(session: Session, programme_world: dict[str, Any]) -> None:
    head = "项目编号,项目名称,计划编号,牵头单位,出资方,经费,状态\n"
    rows = ["JS-Q-1,好项目,JS-A,导入测试南京研究院,江苏: 2026=10,10,\n",
            "JS-Q-2,上海的计划,SH-A,导入测试上海企业,上海: 2026=10,,\n",  # a Jiangsu admin: not their programme
            "JS-Q-3,出资方不是主管方,JS-A,导入测试南京研究院,浙江: 2026=10,,\n",
            "JS-Q-4,未知单位,JS-A,不存在的单位,,,\n",
            "JS-Q-5,经费不符,JS-A,导入测试南京研究院,江苏: 2026=10,99,\n",
            "JS-Q-6,未知计划,NOPE,导入测试南京研究院,,,\n",
            "JS-Q-7,坏状态,JS-A,导入测试南京研究院,,,飞升\n",
            "JS-Q-8,缺年度,JS-A,导入测试南京研究院,江苏: 10,,\n",
            "JS-Q-9,草稿不能补录,JS-A,导入测试南京研究院,,,草稿\n",
            "JS-Q-10,坏格式,JS-A,导入测试南京研究院,江苏 2026 10,,\n"]
    before = count(session, Project)
    report = imports.import_projects(session, actor=JS_ADMIN, data=(head + "".join(rows)).encode(), filename="q.csv")
    assert errors_of(report) == [
        (3, None, "policy.denied"), (4, "出资方", "project.funder_not_owner"),
        (5, "牵头单位", "project.no_such_org"), (6, "经费", "project.budget_mismatch"),
        (7, "计划编号", "project_import.no_such_programme"), (8, "状态", "cell.choice"),
        (9, "出资方", "project_import.funder_year_missing"), (10, "状态", "cell.choice"),
        (11, "出资方", "project_import.funders_format")]
    assert count(session, Project) == before
    # the placeholder call of JS-A, made by the good row, was rolled back with the file
    assert session.scalar(select(func.count()).select_from(Project).where(Project.code == "JS-Q-1")) == 0


def test_the_api_answers_422_with_rows_or_200_with_counts(  # type: ignore[no-untyped-def]
        client: TestClient, session: Session, make_user, programme_world: dict[str, Any]) -> None:
    make_user("jurisdiction_admin", "320000", username="imp_js_admin")
    csrf = login(client, "imp_js_admin")
    headers = {"X-CSRF-Token": csrf}
    fresh = PROGRAMMES.replace("JS-", "JS2-").replace("SH-", "SH2-")
    files = {"file": ("p.csv", io.BytesIO(fresh.encode("gbk")), "text/csv")}
    bad = client.post("/api/v1/programmes/import", headers=headers, files=files)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "import.refused"
    assert [(r["line"], r["code"]) for r in bad.json()["error"]["rows"]] == [(3, "policy.denied"), (4, "policy.denied")]
    assert bad.json()["error"]["rows"][0]["message"].startswith("没有权限")
    english = client.post("/api/v1/programmes/import", headers={**headers, "Accept-Language": "en"}, files={
        "file": ("p.csv", io.BytesIO(fresh.encode("gbk")), "text/csv")})
    assert english.json()["error"]["rows"][0]["message"].startswith("You are not allowed")
    # rows naming existing programmes: the Jiangsu admin manages the joint one, not Shanghai's (even unchanged)
    again = client.post("/api/v1/programmes/import", headers=headers, files={
        "file": ("p.csv", io.BytesIO(PROGRAMMES.encode("gbk")), "text/csv")})
    assert again.status_code == 422 and [r["line"] for r in again.json()["error"]["rows"]] == [4]
    mine = "计划编号,计划名称,主管方\nJS-API,江苏接口计划,江苏\n".encode()
    dry = client.post("/api/v1/programmes/import", params={"dry_run": "true"}, headers=headers,
                      files={"file": ("p.csv", io.BytesIO(mine), "text/csv")})
    assert dry.status_code == 200 and dry.json()["created"] == 1 and dry.json()["dry_run"]
    assert session.execute(select(Programme).where(Programme.code == "JS-API")).scalar_one_or_none() is None
    ok = client.post("/api/v1/programmes/import", headers=headers, files={"file": ("p.csv", io.BytesIO(mine))})
    assert ok.status_code == 200 and ok.json() == {"filename": "p.csv", "format": "utf-8", "rows": 1, "created": 1,
                                                   "updated": 0, "unchanged": 0, "dry_run": False}
    renamed = "编号X,名称X,地区X\nJS-P-900,映射的项目,导入测试南京研究院\n".encode()
    mapped = client.post("/api/v1/projects/import", headers=headers,
                         params={"programme": "JS-API", "map": ["编号X=code", "名称X=title", "地区X=lead_org_id"]},
                         files={"file": ("m.csv", io.BytesIO(renamed))})
    assert mapped.status_code == 200 and mapped.json()["created"] == 1, mapped.text
    empty = client.post("/api/v1/projects/import", headers=headers, files={"file": ("e.csv", io.BytesIO(b""))})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "table.empty"
    bad_map = client.post("/api/v1/projects/import", headers=headers, params={"map": "no-equals-sign"},
                          files={"file": ("m.csv", io.BytesIO(renamed))})
    assert bad_map.status_code == 422 and bad_map.json()["error"]["code"] == "import.mapping"
    template = client.get("/api/v1/projects/import/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_an_upload_beyond_the_limit_is_refused_before_it_is_read(  # type: ignore[no-untyped-def]
        client: TestClient, make_user, app) -> None:
    app.state.settings.max_upload_mb = 1
    make_user("office_admin", username="imp_office")
    headers = {"X-CSRF-Token": login(client, "imp_office")}
    big = b"x" * (2**20 + 1)
    answer = client.post("/api/v1/projects/import", headers=headers, files={"file": ("big.csv", io.BytesIO(big))})
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "upload.too_large"


# --- the real National Key R&D list (2018-2020) -------------------------------------------------------------

@pytest.fixture
def national_key_rd(shared: Path) -> Path:
    path = shared / "data" / "projects" / "national_key_rd_projects_2018_2020.csv"
    require(path.is_file(), f"{path} is absent (the shared National Key R&D project list)")
    return path


NKRD_MAP = {"NO": "code", "title": "title", "institution": "lead_org_id", "funds": "budget", "type": "discipline",
            "year": "start_on"}


def test_the_national_key_rd_projects_import(session: Session, national_key_rd: Path) -> None:
    data = national_key_rd.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2579
    institutions = sorted({r["institution"].strip() for r in rows})
    org_csv = "名称,类型\n" + "".join(f"{name},{'高校' if '大学' in name or '学院' in name else '科研院所'}\n"
                                     for name in institutions)
    assert import_engine.run(session, OrgImporter, actor=SYSTEM, data=org_csv.encode(), filename="o.csv").ok
    programme = "计划编号,计划名称,主管方\nNKRD,国家重点研发计划（2018—2020 年立项，参考数据）,上海;江苏;浙江;安徽\n"
    assert imports.import_programmes(session, actor=SYSTEM, filename="p.csv", data=programme.encode()).ok
    options: dict[str, Any] = dict(mapping=NKRD_MAP, ignore_unknown=True, programme="NKRD")
    # as published, 430 project numbers appear twice (an announcement and its correction): each is reported
    raw = imports.import_projects(session, actor=SYSTEM, data=data, filename=national_key_rd.name, **options)
    first_seen: dict[str, int] = {}
    expected = []
    for line, row in enumerate(rows, start=2):
        if row["NO"] in first_seen:
            expected.append((line, first_seen[row["NO"]]))
        first_seen.setdefault(row["NO"], line)
    assert len(expected) == 430
    assert [(e.line, e.params["line"]) for e in raw.errors] == expected
    assert {e.code for e in raw.errors} == {"import.duplicate_row"}
    assert count(session, Project) == 0
    # keep the later announcement of each number: every row then goes in, and a second run changes nothing
    latest = {r["NO"]: r for r in rows}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(latest.values())
    clean = out.getvalue().encode("gb18030")  # GBK plus the odd no-break space the list carries
    report = imports.import_projects(session, actor=SYSTEM, data=clean, filename="nkrd.csv", **options)
    assert report.ok, report.errors[:5]
    assert (report.rows, report.created) == (2149, 2149)
    assert count(session, Project) == 2149
    project = session.execute(select(Project).where(Project.code == "2018YFA0208400")).scalar_one()
    assert project.title == "碳纳米管有序宏观体功能化及在极端条件下的应用"
    assert project.requested_budget_wan == Decimal(1937) and project.recorded
    assert str(project.start_on) == "2018-01-01" and project.discipline == "纳米科技"
    assert orgs.get(session, project.lead_org_id).name == "清华大学"  # type: ignore[union-attr]
    undisclosed = session.execute(select(Project).where(Project.code == "2018YFB0604800")).scalar_one()
    assert undisclosed.requested_budget_wan == 0  # "*" = not disclosed
    # fully audited (one event per project, in line order, the chain intact) and indexed with the file
    events = list(session.execute(select(AuditEvent.object_id).where(
        AuditEvent.action == "project.record", AuditEvent.object_type == "project").order_by(AuditEvent.seq)).scalars())
    ids = {p.code: str(p.id) for p in session.execute(select(Project)).scalars()}
    assert events == [ids[code] for code in latest]
    assert audit.verify(session).ok
    found = search.search(session, search.SearchQuery(kinds=["project"], limit=1), search.reader_tokens(ANONYMOUS))
    assert found.total == 2149
    logged = count(session, AuditEvent)
    again = imports.import_projects(session, actor=SYSTEM, data=clean, filename="nkrd.csv", **options)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 2149)
    assert count(session, AuditEvent) == logged + 1  # only the import's own summary: no row changed


# --- command line -----------------------------------------------------------------------------------------------

@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from yrdhub.config import get_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("YRDHUB_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_cli_imports(fresh_db: str, tmp_path: Path) -> None:
    from yrdhub.cli import app

    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.output

    assert run("db", "upgrade")[0] == 0
    assert run("data", "load")[0] == 0
    assert run("users", "create", "js_cli", "--role", "jurisdiction_admin", "--scope", "320000")[0] == 0
    good = tmp_path / "p.csv"
    good.write_bytes(PROGRAMMES.encode("gbk"))
    code, out = run("programmes", "import", str(good), "--dry-run")
    assert code == 0 and "试运行" in out and "新增 3" in out
    code, out = run("programmes", "import", str(good), "--as", "js_cli")
    assert code == 1 and "发现 2 处问题" in out and "没有权限" in out
    code, out = run("programmes", "import", str(good), "--as", "js_cli", "--lang", "en")
    assert code == 1 and "problems found: 2" in out and "You are not allowed" in out
    code, out = run("programmes", "import", str(good))
    assert code == 0 and "新增 3" in out
    code, out = run("programmes", "import", str(good), "--lang", "en")
    assert code == 0 and "unchanged 3" in out
    orgs_file = tmp_path / "o.csv"
    orgs_file.write_bytes("名称,类型,地区\n命令行研究院,科研院所,南京\n".encode("gbk"))
    assert run("orgs", "import", str(orgs_file))[0] == 0
    projects = tmp_path / "x.csv"
    projects.write_text("编号X,题目,单位\nCLI-1,命令行项目,命令行研究院\n", encoding="utf-8")
    code, out = run("programmes", "import-projects", str(projects), "--programme", "JS-A", "--map", "编号X=code",
                    "--map", "单位=lead_org_id")
    assert code == 0 and "新增 1" in out, out
    template = tmp_path / "t.xlsx"
    assert run("programmes", "template", "projects", "-o", str(template))[0] == 0
    assert template.read_bytes()[:2] == b"PK"


def test_a_constraint_the_checks_do_not_know_names_the_line(session: Session, programme_world: dict[str, Any]) -> None:
    # A deployment's own rule, unknown to the services: project titles unique. The refused row is named, and the
    # file (run again once, as a race on a natural key would be) writes nothing.
    session.execute(text("CREATE UNIQUE INDEX ux_test_project_title ON prog_project (title)"))
    head = "项目编号,项目名称,计划编号,牵头单位,出资方,经费\n"
    rows = ["JS-U-1,同名项目,JS-A,导入测试南京研究院,江苏: 2026=10,10\n",
            "JS-U-2,另一个项目,JS-A,导入测试南京研究院,江苏: 2026=10,10\n",
            "JS-U-3,同名项目,JS-A,导入测试南京研究院,江苏: 2026=10,10\n"]
    before = count(session, Project)
    events = count(session, AuditEvent)
    report = imports.import_projects(session, actor=SYSTEM, data=(head + "".join(rows)).encode(), filename="u.csv")
    assert errors_of(report) == [(4, None, "import.conflict")]
    assert count(session, Project) == before  # atomic: the good rows are not written either
    assert session.scalar(select(func.count()).select_from(Project).where(Project.code.like("JS-U-%"))) == 0
    assert count(session, AuditEvent) == events  # nor their audit events
    session.execute(text("DROP INDEX ux_test_project_title"))
    fixed = head + "".join(rows).replace("JS-U-3,同名项目", "JS-U-3,第三个项目")
    again = imports.import_projects(session, actor=SYSTEM, data=fixed.encode(), filename="u.csv")
    assert again.ok and again.created == 3, again.errors
