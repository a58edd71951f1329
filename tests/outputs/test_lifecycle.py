"""A report's lifecycle, as the national S&T report system has it: the organisation registers a draft and submits
it; the S&T department of its jurisdiction (or the joint office) accepts it (收录) or returns it with a reason;
the joint office withdraws it and may reinstate it. Only an accepted report is visible outside its organisation.
Every move is authorised by its policy action, checked against the state and its condition, made through
`LIFECYCLE.move`; the pages offer exactly the moves that would succeed; the database refuses a state that is not
one (CHECK); a stale version is a conflict."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpers import csrf_from, login
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import Conflict, DomainError
from yrdhub.outputs import service
from yrdhub.outputs.lifecycle import LIFECYCLE, ReportStatus
from yrdhub.outputs.models import Report
from yrdhub.outputs.schemas import ReportMove, ReportUpdate
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory

MARK = "LIFECYCLEMARKERQZ"


@pytest.fixture
def world(session: Session, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    owner = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="生命周期研究院", type="institute", region="上海"))
    other = orgs.create(session, actor=SYSTEM,
                        data=OrgCreate(name="生命周期其他单位", type="enterprise", region="南京"))
    users = {
        "member": make_user("member", f"org:{owner.id}", username="lc_member")[1],
        "outsider": make_user("member", f"org:{other.id}", username="lc_outsider")[1],
        "sh_admin": make_user("jurisdiction_admin", "310000", username="lc_sh_admin")[1],
        "js_admin": make_user("jurisdiction_admin", "320000", username="lc_js_admin")[1],
        "office": make_user("office_admin", username="lc_office")[1],
    }
    return {"owner": owner, **users}


def draft(session: Session, world: dict[str, Any], **kw: Any) -> Report:
    return factory.report(session, actor=world["member"], number=kw.pop("number", "LC-2026-0001"),
                          org_id=world["owner"].id, title=f"{MARK} 报告", status="draft", **kw)


def move(session: Session, actor: Actor, report: Report, name: str, reason: str = "") -> Report:
    return service.move_report(session, actor=actor, report=report, data=ReportMove(move=name, reason=reason))


def test_the_national_flow_and_who_decides_each_move(session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world)
    assert report.status == "draft" and report.row_version == 1
    with pytest.raises(PermissionDenied):
        move(session, world["outsider"], report, "submit")
    move(session, world["member"], report, "submit")
    assert report.status == "submitted"
    for who in ("member", "js_admin", "outsider"):  # the organisation does not accept its own report
        with pytest.raises(PermissionDenied):
            move(session, world[who], report, "accept")
    with pytest.raises(DomainError) as no_reason:
        move(session, world["sh_admin"], report, "return")
    assert no_reason.value.code == "state.reason_required" and no_reason.value.field == "reason"
    move(session, world["sh_admin"], report, "return", "请补充研究结论")
    assert report.status == "draft" and report.status_reason == "请补充研究结论"
    move(session, world["member"], report, "submit")
    assert report.status_reason == ""
    move(session, world["member"], report, "recall")  # the organisation takes it back to change it
    move(session, world["member"], report, "submit")
    move(session, world["sh_admin"], report, "accept")
    assert report.status == "accepted" and report.accepted_at is not None
    for who in ("sh_admin", "member"):
        with pytest.raises(PermissionDenied):
            move(session, world[who], report, "withdraw", "重复提交")
    move(session, world["office"], report, "withdraw", "与 LC-2025-0009 重复")
    assert report.status == "withdrawn" and report.status_reason == "与 LC-2025-0009 重复"
    move(session, world["office"], report, "reinstate")
    assert report.status == "accepted"
    session.flush()
    assert report.row_version > 1  # every move compared and set the version


def test_a_move_the_state_does_not_allow_is_a_conflict(session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world)
    with pytest.raises(Conflict) as early:
        move(session, world["office"], report, "accept")
    assert early.value.code == "state.move_not_allowed"
    assert early.value.params["state"] == LIFECYCLE.labels[ReportStatus.DRAFT]  # a label, shown translated


def test_a_report_is_submitted_with_its_abstract_and_full_text(session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world, abstract="", full_text="")
    with pytest.raises(DomainError) as both:
        move(session, world["member"], report, "submit")
    assert {(f.field, f.code) for f in both.value.field_errors} == {("abstract", "report.no_abstract"),
                                                                     ("full_text", "report.no_full_text")}
    assert [m.name for m in LIFECYCLE.allowed(world["member"], report, service.target(session, report))] == []
    service.update_report(session, actor=world["member"], report=report,
                          data=ReportUpdate(abstract="摘要", full_text="全文"))
    assert [m.name for m in LIFECYCLE.allowed(world["member"], report, service.target(session, report))] == ["submit"]


def test_only_a_draft_changes(session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world)
    assert service.update_report(session, actor=world["member"], report=report, data=ReportUpdate(title="新标题"))
    move(session, world["member"], report, "submit")
    with pytest.raises(Conflict) as late:
        service.update_report(session, actor=world["member"], report=report, data=ReportUpdate(title="再改"))
    assert late.value.code == "report.not_draft"
    # nothing to change is not refused (an import row that repeats the record)
    assert not service.update_report(session, actor=world["member"], report=report, data=ReportUpdate(title="新标题"))


def test_the_database_refuses_a_state_that_is_not_one(session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world)
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text("UPDATE out_report SET status = 'published' WHERE id = :id"), {"id": report.id})


def test_visibility_follows_the_state(client: TestClient, session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world)

    def public_sees() -> bool:
        return (client.get(f"/api/v1/outputs/reports/{report.id}").status_code == 200
                and client.get("/api/v1/search", params={"q": MARK}).json()["total"] == 1)

    assert not public_sees()
    move(session, world["member"], report, "submit")
    assert not public_sees()
    move(session, world["office"], report, "accept")
    assert public_sees()
    move(session, world["office"], report, "withdraw", "撤销")
    assert not public_sees()
    move(session, world["office"], report, "reinstate")
    assert public_sees()


def moves_offered(page: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="/outputs/reports/\d+/transitions"[^>]*id="move-(\w+)"', page))


@pytest.mark.parametrize("state", ["draft", "submitted", "accepted", "withdrawn"])
def test_the_page_offers_exactly_the_allowed_moves(state: str, client: TestClient, session: Session,
                                                  world: dict[str, Any]) -> None:
    report = factory.report(session, actor=world["member"], number=f"LC-{state.upper()}-01",
                            org_id=world["owner"].id, status=state)
    offered_somewhere = set()
    for who in ("member", "outsider", "sh_admin", "js_admin", "office"):
        client.cookies.clear()
        login(client, f"lc_{who}")
        response = client.get(f"/outputs/reports/{report.id}")
        allowed = {m.name for m in LIFECYCLE.allowed(world[who], report, service.target(session, report))}
        if response.status_code == 404:
            assert not allowed or state != "accepted", (who, state)
            continue
        assert moves_offered(response.text) == allowed, (who, state)
        offered_somewhere |= allowed
    expected = {"draft": {"submit"}, "submitted": {"recall", "accept", "return"}, "accepted": {"withdraw"},
                "withdrawn": {"reinstate"}}[state]
    assert offered_somewhere == expected


def test_moves_through_the_page_and_the_api(client: TestClient, session: Session, world: dict[str, Any]) -> None:
    report = draft(session, world)
    csrf = login(client, "lc_member")
    page = client.post(f"/outputs/reports/{report.id}/transitions", follow_redirects=False,
                       data={"csrf_token": csrf, "move": "submit", "row_version": str(report.row_version)})
    assert page.status_code == 303 and page.headers["location"].endswith("done=submit")
    assert "已提交" in client.get(page.headers["location"]).text
    client.cookies.clear()
    csrf = login(client, "lc_sh_admin")
    headers = {"X-CSRF-Token": csrf}
    url = f"/api/v1/outputs/reports/{report.id}/transitions"
    stale = client.post(url, headers=headers, json={"move": "accept", "row_version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "state_changed"
    refused = client.post(url, headers=headers, json={"move": "return"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "state.reason_required"
    accepted = client.post(url, headers=headers, json={"move": "accept", "row_version": report.row_version})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(url, headers=headers, json={"move": "accept"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "state.move_not_allowed"
    assert "已收录" in again.json()["error"]["message"]  # the state's label, translated
    # a refused move on the page: shown in the page's language, nothing changed
    client.cookies.clear()
    csrf = login(client, "lc_office")
    html = client.post(f"/outputs/reports/{report.id}/transitions", data={"csrf_token": csrf, "move": "withdraw"})
    assert html.status_code == 422 and 'id="refused"' in html.text and report.status == "accepted"


def test_the_draft_form_registers_and_edits(client: TestClient, session: Session, world: dict[str, Any]) -> None:
    csrf = csrf_from(client.get("/login").text)
    login(client, "lc_member")
    form = client.get("/outputs/reports/new")
    assert form.status_code == 200 and 'id="report-form"' in form.text and "生命周期研究院" in form.text
    csrf = csrf_from(form.text)
    fields = {"csrf_token": csrf, "number": "lc-2026-0100", "title": "表单登记的报告", "type": "annual",
              "org": "生命周期研究院", "openness": "delayed", "embargo_until": "2030-01-01", "year": "2026",
              "abstract": "摘要", "full_text": "", "authors": "张三；李四", "keywords": "氢能、储能"}
    created = client.post("/outputs/reports/new", data=fields, follow_redirects=False)
    assert created.status_code == 303, created.text
    report = session.query(Report).filter_by(number="LC-2026-0100").one()
    assert report.authors == ["张三", "李四"] and report.keywords == ["氢能", "储能"] and report.status == "draft"
    page = client.get(created.headers["location"]).text
    assert 'id="edit-form"' in page and 'id="held-submit"' in page  # the full text is missing: why, not a button
    assert 'id="move-submit"' not in page
    edit = client.post(f"/outputs/reports/{report.id}/edit", data=fields | {"full_text": "全文", "openness": "public"})
    assert edit.status_code == 422 and 'id="form-errors"' in edit.text  # public with a release date
    saved = client.post(f"/outputs/reports/{report.id}/edit", follow_redirects=False,
                        data=fields | {"full_text": "全文", "openness": "public", "embargo_until": ""})
    assert saved.status_code == 303
    session.refresh(report)
    assert report.openness == "public" and report.embargo_until is None and report.full_text == "全文"
    assert 'id="move-submit"' in client.get(f"/outputs/reports/{report.id}").text
