"""One schema per write: a report's number, type, openness and release date are checked in one place
(`outputs.schemas`), so the API, the page form and an import refuse the same mistake with the same code — and an
update is checked as the whole record it makes."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from helpers import csrf_from, login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.errors import Invalid, field_errors
from yrdhub.imports import run
from yrdhub.outputs import service
from yrdhub.outputs.imports import ReportImporter
from yrdhub.outputs.schemas import AchievementCreate, ReportCreate, ReportUpdate
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory

GOOD = {"number": "SC-2026-0001", "title": "规则报告", "type": "final", "openness": "public", "year": 2026}
# (what is wrong, the fields that make it so, the field refused, its code)
MISTAKES = [
    ("number", {"number": "SC 2026 0001"}, "number", "report.number"),
    ("short number", {"number": "SC1"}, "number", "report.number"),
    ("type", {"type": "yearly"}, "type", "validation.choice"),
    ("openness", {"openness": "secret"}, "openness", "validation.choice"),
    ("delayed without a date", {"openness": "delayed"}, "embargo_until", "report.embargo_required"),
    ("a date without delay", {"embargo_until": "2030-01-01"}, "embargo_until", "report.embargo_only_delayed"),
    ("year", {"year": 1900}, "year", "validation.min"),
    ("title", {"title": "   "}, "title", "validation.too_short"),
]
HEADERS = {"number": "报告编号", "title": "报告名称", "type": "报告类型", "openness": "公开类别", "year": "年份",
           "embargo_until": "解密日期"}


@pytest.fixture
def org(session: Session, make_user) -> Any:  # type: ignore[no-untyped-def]
    row = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="规则测试研究院", type="institute", region="上海"))
    make_user("member", f"org:{row.id}", username="sc_member")
    return row


def schema_codes(fields: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        ReportCreate(**fields)
    return [(e.field, e.code) for e in field_errors(info.value)]


@pytest.mark.parametrize(("what", "change", "field", "code"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_the_same_mistake_gives_the_same_code_everywhere(what: str, change: dict[str, Any], field: str, code: str,
                                                         client: TestClient, session: Session, org: Any) -> None:
    fields = GOOD | {"org_id": org.id} | change
    assert schema_codes(fields) == [(field, code)]
    # the API
    headers = {"X-CSRF-Token": login(client, "sc_member")}
    api = client.post("/api/v1/outputs/reports", headers=headers, json=fields)
    assert api.status_code == 422
    assert [(f["field"], f["code"]) for f in api.json()["error"]["fields"]] == [(field, code)]
    # the page form (the message of the same code, in the page's language)
    form = {k: str(v) for k, v in fields.items() if k != "org_id"} | {"org": org.name}
    csrf = csrf_from(client.get("/outputs/reports/new").text)
    page = client.post("/outputs/reports/new", data=form | {"csrf_token": csrf})
    assert page.status_code == 422
    assert api.json()["error"]["fields"][0]["message"] in html.unescape(page.text)
    # an import
    row = {HEADERS[k]: str(v) for k, v in fields.items() if k in HEADERS}
    header = [*list(HEADERS.values()), "提交单位"]
    data = (",".join(header) + "\n" + ",".join(row.get(h, "") for h in HEADERS.values()) + f",{org.name}\n").encode()
    report = run(session, ReportImporter, actor=SYSTEM, data=data, filename="r.csv")
    imported = [(e.column, e.code) for e in report.errors]
    if field in ("type", "openness"):  # a cell of a choice column is read first, by its labels
        assert imported == [(HEADERS[field], "cell.choice")]
    elif field == "title":  # a required column's blank cell, before the row is built
        assert imported == [(HEADERS[field], "cell.required")]
    else:
        assert imported == [(HEADERS[field], code)]


def test_an_update_is_checked_as_the_record_it_makes(session: Session, org: Any) -> None:
    report = factory.report(session, number="SC-2026-0002", org_id=org.id, status="draft", openness="public")
    with pytest.raises(Invalid) as info:  # delayed, but the record has no release date
        service.update_report(session, actor=SYSTEM, report=report, data=ReportUpdate(openness="delayed"))
    assert [(e.field, e.code) for e in info.value.errors] == [("embargo_until", "report.embargo_required")]
    service.update_report(session, actor=SYSTEM, report=report,
                          data=ReportUpdate(openness="delayed", embargo_until=date(2030, 1, 1)))
    assert report.openness == "delayed"


def test_lists_are_normalised_and_achievements_have_their_rules() -> None:
    data = ReportCreate(**GOOD, org_id=1, authors="张三；李四\n张三", keywords=["储能", "储能"])  # type: ignore[arg-type]
    assert data.authors == ["张三", "李四"] and data.keywords == ["储能"] and data.number == "SC-2026-0001"
    assert ReportCreate(**GOOD | {"number": " sc-2026-0001 "}, org_id=1).number == "SC-2026-0001"
    with pytest.raises(ValidationError) as info:
        AchievementCreate(kind="patent", title="x", year=2026, applicant_org_ids=[], trl=10)
    assert {(e.field, e.code) for e in field_errors(info.value)} == {("applicant_org_ids", "validation.too_few"),
                                                                   ("trl", "validation.max")}
