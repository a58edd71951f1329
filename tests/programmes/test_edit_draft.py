"""A saved draft is edited by its applicant before submission — by the service, the project page's form and
PATCH /api/v1/projects/{id} — through the policy (`project.apply`), audited and re-indexed; another
jurisdiction's user and an edit after submission are refused with a code and change nothing.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import login
from yrdhub import search
from yrdhub.accounts import audit
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.accounts.models import AuditEvent
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import Conflict, DomainError, field_errors
from yrdhub.programmes import moves, queries, writes
from yrdhub.programmes.models import Project
from yrdhub.programmes.schemas import ProjectUpdate
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from .conftest import apply_for, open_call, programme


@pytest.fixture
def world(session: Session, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="草稿修改牵头大学", type="university", region="合肥"))
    sh = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="草稿修改上海研究所", type="institute", region="上海"))
    zj = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="草稿修改浙江企业", type="enterprise", region="杭州"))
    users = {"applicant": make_user("member", f"org:{lead.id}", username="e_applicant"),
             "sh": make_user("jurisdiction_admin", "310000", username="e_sh"),  # an owner: reads, may not edit
             "js": make_user("jurisdiction_admin", "320000", username="e_js"),  # another jurisdiction
             "outsider": make_user("member", f"org:{zj.id}", username="e_outsider"),
             "office": make_user("office_admin", username="e_office")}
    prog = programme(session, users["office"][1], "EDIT-PROG", ["310000", "340000"], name="草稿修改计划")
    call = open_call(session, users["office"][1], prog, "EDIT-CALL", title="草稿修改指南")
    project = apply_for(session, users["applicant"][1], call, "EDIT-001", lead.id, title="DRAFTOLDKV 原来的题目",
                        partner_org_ids=[sh.id], funders={"340000": {"2026": 100}}, summary="原摘要")
    session.flush()
    return {"lead": lead, "sh": sh, "zj": zj, "users": users, "project": project}


def actor(world: dict[str, Any], key: str) -> Actor:
    return world["users"][key][1]


def events(session: Session, project: Project) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(
        AuditEvent.action == "project.update", AuditEvent.object_id == str(project.id))
        .order_by(AuditEvent.seq)).scalars())


def finds(session: Session, who: Actor, text: str) -> bool:
    result = search.search(session, search.SearchQuery(text=text, kinds=["project"]), search.reader_tokens(who))
    return result.total > 0


def test_the_applicant_edits_a_draft_audited_and_reindexed(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project, applicant = world["project"], actor(world, "applicant")
    assert writes.update_draft(session, actor=applicant, project=project, data=ProjectUpdate(
        title="DRAFTNEWKV 修改后的题目", partner_org_ids=[world["zj"].id],
        funders={"340000": {"2026": 150, "2027": 50}, "310000": {"2026": 80}}, keywords=["量子", "量子", "传感"],
        start_on=date(2026, 7, 1)))
    assert project.title == "DRAFTNEWKV 修改后的题目" and project.keywords == ["量子", "传感"]
    people = [(p.org_id, p.role) for p in project.participants]
    assert people == [(world["lead"].id, "lead"), (world["zj"].id, "partner")]
    assert project.requested_budget_wan == 280 and {f.province_code for f in project.funders} == {"310000", "340000"}
    assert project.summary == "原摘要"  # not sent: unchanged
    [event] = events(session, project)
    assert event.actor_name == "e_applicant" and event.before is not None and event.after is not None
    assert set(event.after) == {"title", "partner_org_ids", "funders", "keywords", "start_on"}
    assert event.before["title"] == "DRAFTOLDKV 原来的题目" and event.after["start_on"] == "2026-07-01"
    assert event.after["funders"]["340000"] == {"2026": "150", "2027": "50"}  # exact, as strings
    assert audit.verify(session).ok
    assert finds(session, applicant, "DRAFTNEWKV") and not finds(session, applicant, "DRAFTOLDKV")
    assert finds(session, world["users"]["sh"][1], "DRAFTNEWKV")  # an owner's admin reads drafts
    assert not finds(session, world["users"]["js"][1], "DRAFTNEWKV")
    # the same values again: nothing changes, nothing is audited
    assert not writes.update_draft(session, actor=applicant, project=project,
                                   data=ProjectUpdate(title="DRAFTNEWKV 修改后的题目"))
    assert len(events(session, project)) == 1


@pytest.mark.parametrize("who", ["sh", "js", "outsider", "office"])
def test_others_may_not_edit(session: Session, world, who: str) -> None:  # type: ignore[no-untyped-def]
    project = world["project"]
    with pytest.raises(PermissionDenied):
        writes.update_draft(session, actor=actor(world, who), project=project, data=ProjectUpdate(title="篡改"))
    assert project.title == "DRAFTOLDKV 原来的题目" and not events(session, project)


def test_after_submission_the_draft_is_closed(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project, applicant = world["project"], actor(world, "applicant")
    moves.submit(session, actor=applicant, project=project)
    with pytest.raises(Conflict) as refused:
        writes.update_draft(session, actor=applicant, project=project, data=ProjectUpdate(title="提交后修改"))
    assert refused.value.code == "project.not_draft"
    assert project.title == "DRAFTOLDKV 原来的题目" and not events(session, project)


@pytest.mark.parametrize(("changes", "codes"), [
    ({"title": "好题目", "end_on": "2020-01-01", "start_on": "2021-01-01"}, {("end_on", "project.end_before_start")}),
    ({"funders": {"330000": {"2026": -5}}}, {("funders", "project.funder_amount")}),
    ({"funders": {"999999": {"2026": 5}}}, {("funders", "project.funder_unknown")}),
    ({"funders": {"330000": {"26": 5}}}, {("funders", "project.funder_year")}),
    ({"funders": {"330000": {"2026": "abc"}}}, {("funders.330000.2026", "validation.number")}),
    ({"title": " "}, {("title", "validation.too_short")}), ({"title": None}, {("title", "validation.required")}),
    ({"keywords": [f"k{i}" for i in range(21)]}, {("keywords", "validation.too_many")}),
    ({"code": "X-1"}, {("code", "validation.unknown_field")}),
])
def test_the_schema_refuses_with_codes(changes: dict[str, Any], codes: set[tuple[str, str]]) -> None:
    with pytest.raises(ValidationError) as refused:
        ProjectUpdate(**changes)
    assert {(e.field, e.code) for e in field_errors(refused.value)} == codes


def test_rules_on_the_stored_values_change_nothing(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project, applicant = world["project"], actor(world, "applicant")
    project.start_on = date(2026, 1, 1)
    session.flush()
    for data, code in ((ProjectUpdate(end_on=date(2025, 1, 1)), "project.end_before_start"),
                       (ProjectUpdate(partner_org_ids=[987654]), "project.no_such_org")):
        with pytest.raises(DomainError) as refused:
            writes.update_draft(session, actor=applicant, project=project, data=data)
        assert refused.value.code == code
        assert project.title == "DRAFTOLDKV 原来的题目" and project.end_on is None
        assert [f.province_code for f in project.funders] == ["340000"]
    assert not events(session, project)


# --- the page's form ---------------------------------------------------------------------------------------------

def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_edit_form(client: TestClient, session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project = world["project"]
    url = f"/projects/{project.id}"
    login(client, "e_applicant")
    page = client.get(url).text
    assert 'id="edit-form"' in page and "DRAFTOLDKV 原来的题目" in page and "草稿修改上海研究所" in page
    token = token_of(page)
    form = {"csrf_token": token, "title": "DRAFTFORMKV 表单修改", "summary": "新的摘要", "keywords": "量子，传感",
            "discipline": "物理", "partners": "草稿修改浙江企业", "start_on": "2026-07-01", "end_on": "2028-06-30",
            "fund__340000__2026": "120", "fund__310000__2027": "60"}
    bad = client.post(f"{url}/edit", data={**form, "fund__340000__2026": "-1", "end_on": "2028-13-01"},
                      follow_redirects=False)
    assert bad.status_code == 422
    assert set(re.findall(r'data-code="([^"]+)"', bad.text)) == {"project.funder_amount", "validation.date"}
    assert "DRAFTFORMKV 表单修改" in bad.text  # what was entered is kept in the form
    session.expire_all()
    assert session.get(Project, project.id).title == "DRAFTOLDKV 原来的题目"  # type: ignore[union-attr]
    done = client.post(f"{url}/edit", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}?done=edited"
    assert "草稿已修改" in client.get(done.headers["location"]).text
    session.expire_all()
    edited = queries.get_project(session, actor=actor(world, "applicant"), project_id=project.id)
    assert edited.title == "DRAFTFORMKV 表单修改" and edited.keywords == ["量子", "传感"]
    assert {f.province_code: f.yearly for f in edited.funders} == {"340000": {"2026": Decimal(120)},
                                                                    "310000": {"2027": Decimal(60)}}
    assert [p.org_id for p in edited.participants if p.role == "partner"] == [world["zj"].id]
    assert len(events(session, edited)) == 1
    assert "DRAFTFORMKV" in client.get("/search", params={"q": "DRAFTFORMKV"}).text
    assert "Edit the draft" in client.get(url, params={"lang": "en"}).text  # in English, the same form


def test_the_form_refuses_others_and_after_submission(client: TestClient, session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project = world["project"]
    url = f"/projects/{project.id}"
    login(client, "e_sh")  # reads the draft (an owner) but the form is not offered, and a forged post is refused
    page = client.get(url).text
    assert 'id="edit-form"' not in page
    refused = client.post(f"{url}/edit", data={"csrf_token": token_of(page), "title": "篡改"}, follow_redirects=False)
    assert refused.status_code == 403 and 'id="refused"' in refused.text
    client.cookies.clear()
    login(client, "e_js")  # another jurisdiction: the draft does not exist for it
    page = client.get("/programmes").text
    assert client.post(f"{url}/edit", data={"csrf_token": token_of(page), "title": "篡改"},
                       follow_redirects=False).status_code == 404
    client.cookies.clear()
    login(client, "e_applicant")
    token = token_of(client.get(url).text)
    assert client.post(f"{url}/submit", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    page = client.get(url).text
    assert 'id="edit-form"' not in page
    late = client.post(f"{url}/edit", data={"csrf_token": token, "title": "提交后修改"}, follow_redirects=False)
    assert late.status_code == 409 and 'id="refused"' in late.text and "只有草稿可以修改" in late.text
    session.expire_all()
    assert session.get(Project, project.id).title == "DRAFTOLDKV 原来的题目"  # type: ignore[union-attr]
    assert not events(session, project)


# --- the API --------------------------------------------------------------------------------------------------------

def test_patch_the_draft(client: TestClient, session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project = world["project"]
    url = f"/api/v1/projects/{project.id}"
    token = login(client, "e_applicant")
    headers = {"X-CSRF-Token": token}
    answer = client.patch(url, headers=headers, json={"summary": "API 修改的摘要", "end_on": "2028-12-31"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["summary"] == "API 修改的摘要" and body["title"] == "DRAFTOLDKV 原来的题目"
    assert body["end_on"] == "2028-12-31"
    not_editable = client.patch(url, headers=headers, json={"code": "X"})
    assert not_editable.status_code == 422
    assert [(f["field"], f["code"]) for f in not_editable.json()["error"]["fields"]] == [
        ("code", "validation.unknown_field")]
    bad = client.patch(url, headers=headers, json={"funders": {"310000": {"2026": -3}}})
    assert bad.status_code == 422 and [f["code"] for f in bad.json()["error"]["fields"]] == ["project.funder_amount"]
    assert len(events(session, project)) == 1
    client.cookies.clear()
    other = login(client, "e_sh")
    denied = client.patch(url, headers={"X-CSRF-Token": other}, json={"title": "篡改"})
    assert denied.status_code == 403
    client.cookies.clear()
    other = login(client, "e_js")
    assert client.patch(url, headers={"X-CSRF-Token": other}, json={"title": "篡改"}).status_code == 404
    client.cookies.clear()
    token = login(client, "e_applicant")
    headers = {"X-CSRF-Token": token}
    assert client.post(f"{url}/submit", headers=headers).status_code == 200
    late = client.patch(url, headers=headers, json={"title": "提交后修改"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "project.not_draft"
    english = client.patch(url, headers={**headers, "Accept-Language": "en"}, json={"title": "提交后修改"})
    assert english.json()["error"]["message"].startswith("Only a draft can be edited; the project is Submitted")
    session.expire_all()
    row = session.get(Project, project.id)
    assert row is not None and row.title == "DRAFTOLDKV 原来的题目" and row.status == "submitted"
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "project.update")) == 1
