"""The programme pages' forms, driven like a user (real forms, CSRF, redirects) on SQLite and PostgreSQL: every
step from a new programme to acceptance; only the steps the user may take are offered; a refused step shows the
refusal (its code rendered in the page's language) and changes nothing."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.programmes import queries
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="表单测试牵头大学", type="university", region="合肥"))
    sh = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="表单测试上海研究所", type="institute", region="上海"))
    js = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="表单测试江苏企业", type="enterprise", region="苏州"))
    make_user("office_admin", username="f_office")
    make_user("jurisdiction_admin", "310000", username="f_sh")
    make_user("jurisdiction_admin", "320000", username="f_js")
    make_user("jurisdiction_admin", "340000", username="f_ah")
    make_user("jurisdiction_admin", "330000", username="f_zj")
    make_user("member", f"org:{lead.id}", username="f_applicant")
    make_user("expert", username="f_expert")
    conflicted, _ = make_user("expert", username="f_conflicted")
    accounts.grant(session, actor=SYSTEM, user=conflicted, data=GrantRequest(role="member", scope=f"org:{js.id}"))
    return {"lead": lead, "sh": sh, "js": js}


def csrf(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert match
    return match.group(1)


def as_user(client: TestClient, username: str) -> str:
    client.cookies.clear()
    return login(client, username)


def post(client: TestClient, url: str, token: str, **data: str | list[str]) -> httpx.Response:
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def codes(html: str) -> set[str]:
    return set(re.findall(r'data-code="([^"]+)"', html))


def project(session: Session, project_id: int) -> Project:
    session.expire_all()
    return queries.get_project(session, actor=SYSTEM, project_id=project_id)


def forms(html: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="([^"]+)"', html)) | set(
        re.findall(r'<form class="[^"]*" method="post" action="([^"]+)"', html))


def test_a_joint_project_through_every_form(client: TestClient, session: Session, world) -> None:  # type: ignore[no-untyped-def]
    # the office creates a joint programme owned by three jurisdictions, and opens a call
    token = as_user(client, "f_office")
    created = post(client, "/programmes", token, code="F-JOINT", name="表单联合攻关计划",
                   owners=["310000", "320000", "340000"])
    assert created.status_code == 303
    programme = session.query(Programme).filter_by(code="F-JOINT").one()
    assert programme.owners == ["310000", "320000", "340000"]
    duplicate = post(client, "/programmes", token, code="F-JOINT", name="重复", owners=["310000"])
    assert duplicate.status_code == 422 and codes(duplicate.text) == {"programme.code_taken"}
    assert "已被使用" in duplicate.text
    opened = post(client, f"/programmes/{programme.id}/calls", token, code="F-CALL", title="表单指南",
                  opens_at="2020-01-01T09:00", deadline="2099-12-31T17:00", max_budget_wan="3000",
                  eligible_provinces=["340000", "310000"])
    assert opened.status_code == 303
    call = session.query(Call).filter_by(code="F-CALL").one()
    assert call.eligible_provinces == ["310000", "340000"] and call.deadline.hour == 9  # 17:00 Beijing = 09:00 UTC
    bad = post(client, f"/programmes/{programme.id}/calls", token, code="F-CALL2", title="坏",
               opens_at="2030-01-01T00:00", deadline="2029-01-01T00:00")
    assert bad.status_code == 422 and codes(bad.text) == {"call.deadline_before_opening"}
    assert "截止时间须晚于开始时间" in bad.text

    # the applicant applies with partners and three funders' yearly shares
    token = as_user(client, "f_applicant")
    page = client.get(f"/calls/{call.id}").text
    assert 'id="apply-form"' in page
    unknown = post(client, f"/calls/{call.id}/projects", token, code="F-P1", title="表单高端芯片联合攻关",
                   lead_org_id=str(world["lead"].id), partners="没有这个单位", fund__310000__2099="100")
    assert unknown.status_code == 422 and codes(unknown.text) == {"project.no_such_org"}
    assert "没有这个单位" in unknown.text
    assert session.query(Project).filter_by(code="F-P1").count() == 0
    years = {"fund__310000__2099": "300", "fund__320000__2099": "400", "fund__340000__2099": "500",
             "fund__340000__2100": "600"}
    applied = post(client, f"/calls/{call.id}/projects", token, code="F-P1", title="表单高端芯片联合攻关",
                   lead_org_id=str(world["lead"].id), partners=f"{world['sh'].name}\n{world['js'].id}",
                   summary="EDA 工具链", keywords="芯片 EDA", start_on="2026-07-01", end_on="2028-06-30", **years)
    assert applied.status_code == 303
    project_id = session.query(Project).filter_by(code="F-P1").one().id
    url = f"/projects/{project_id}"
    assert {f.province_code: {y: int(a) for y, a in f.yearly.items()} for f in project(session, project_id).funders} \
        == {"310000": {"2099": 300}, "320000": {"2099": 400}, "340000": {"2099": 500, "2100": 600}}
    assert len(project(session, project_id).participants) == 3
    assert f"{url}/submit" in forms(client.get(url).text)
    assert post(client, f"{url}/submit", token).status_code == 303

    # a forged step by someone the policy refuses: the policy's reason, nothing changed
    token = as_user(client, "f_zj")
    assert client.get(url).status_code == 404  # not an owner: the application is not visible
    token = as_user(client, "f_js")
    page = client.get(url).text
    assert f"{url}/review/start" in forms(page) and f"{url}/funding/320000" not in forms(page)
    token = as_user(client, "f_applicant")
    refused = post(client, f"{url}/review/start", token)
    assert refused.status_code == 403 and "没有权限" in refused.text and 'id="refused"' in refused.text

    # an owner starts the review; the conflict rule refuses the affiliated expert, then assigns another
    token = as_user(client, "f_ah")
    assert post(client, f"{url}/review/start", token).status_code == 303
    page = client.get(url).text
    assert "f_conflicted" in page and "利益冲突" in page
    conflict = post(client, f"{url}/reviewers", token, username="f_conflicted")
    assert conflict.status_code == 409 and "隶属于参与单位" in conflict.text
    assert project(session, project_id).reviews == []
    assert post(client, f"{url}/reviewers", token, username="f_expert").status_code == 303
    assert f"{url}/funding/340000" not in forms(client.get(url).text)  # the reviews are not in yet: not offered
    early = post(client, f"{url}/funding/340000", token, decision="approve")  # and refused when forged
    assert early.status_code == 409 and "须待全部指派的评审完成" in early.text

    # the expert's own page: score and comment
    token = as_user(client, "f_expert")
    assert f"/projects/{project_id}/review" in client.get("/programmes").text  # the queue
    review_page = client.get(f"{url}/review").text
    assert 'id="review-form"' in review_page and 'id="conflict-form"' in review_page
    out_of_range = post(client, f"{url}/review", token, score="120", comment="好")
    assert out_of_range.status_code == 422 and "100" in out_of_range.text and 'id="refused"' in out_of_range.text
    assert post(client, f"{url}/review", token, score="87", comment="技术路线清晰").status_code == 303

    # each funder signs off its own share only
    for username, province in (("f_sh", "310000"), ("f_js", "320000"), ("f_ah", "340000")):
        token = as_user(client, username)
        page = client.get(url).text
        offered = {a for a in forms(page) if "/funding/" in a}
        assert offered == {f"{url}/funding/{province}"}, (username, offered)
        assert post(client, f"{url}/funding/{province}", token, decision="approve",
                    reason="同意").status_code == 303
    assert project(session, project_id).status == "approved"

    # contract; a refused transition shows the rule's reason and changes nothing
    token = as_user(client, "f_office")
    assert post(client, f"{url}/transitions", token, action="contract", reason="任务书").status_code == 303
    refused = post(client, f"{url}/transitions", token, action="terminate", reason="")
    assert refused.status_code == 422 and "理由" in refused.text
    assert 'id="project-status">已签约' in refused.text

    # milestones and a change request, then mid-term and acceptance
    token = as_user(client, "f_applicant")
    assert post(client, f"{url}/milestones", token, title="流片验证", due="2027-06-30").status_code == 303
    milestone = project(session, project_id).milestones[0]
    assert post(client, f"{url}/changes", token, kind="schedule", description="延期三个月").status_code == 303
    token = as_user(client, "f_sh")
    assert post(client, f"{url}/transitions", token, action="midterm", reason="中期检查通过").status_code == 303
    page = client.get(url).text
    assert 'id="move-accept"' not in page and 'data-move="accept"' in page  # not offered, and why
    open_milestone = post(client, f"{url}/transitions", token, action="accept", reason="验收")
    assert open_milestone.status_code == 409 and "尚有 1 个里程碑未完成" in open_milestone.text
    change = project(session, project_id).changes[0]
    assert post(client, f"{url}/changes/{change.id}/decision", token, decision="approve",
                reason="同意延期").status_code == 303
    token = as_user(client, "f_applicant")
    no_evidence = post(client, f"{url}/milestones/{milestone.id}/done", token, evidence="")
    assert no_evidence.status_code == 422 and 'id="refused"' in no_evidence.text
    assert post(client, f"{url}/milestones/{milestone.id}/done", token,
                evidence="流片报告 2027-05").status_code == 303
    token = as_user(client, "f_office")
    assert post(client, f"{url}/transitions", token, action="accept", reason="验收通过").status_code == 303
    done = project(session, project_id)
    assert done.status == "accepted"
    assert [t.to_status for t in done.transitions] == [
        "submitted", "under_review", "approved", "contracted", "midterm_passed", "accepted"]

    # the public sees the record and no forms at all
    client.cookies.clear()
    page = client.get(url).text
    assert "已验收" in page and not forms(page) - {"/logout"}
    english = client.get(url, params={"lang": "en"}).text
    assert "Accepted" in english and "Funders and sign-offs" in english


def test_jurisdiction_view(client: TestClient, session: Session, world) -> None:  # type: ignore[no-untyped-def]
    from datetime import date
    from decimal import Decimal

    from yrdhub.accounts.actor import Actor, Grant

    from .conftest import admin, apply_for, open_call, programme, reviewed

    office = Actor(username="jv-office", grants=(Grant("office_admin"),), via="system")
    prog = programme(session, office, "JV", ["310000", "320000"], name="视图计划")
    call = open_call(session, office, prog, "JV-C", days=9, title="视图指南")
    applicant = Actor(username="jv-app", grants=(Grant("member", f"org:{world['js'].id}"),), via="system")
    running = apply_for(session, applicant, call, "JV-1", world["js"].id, title="江苏牵头跨省项目",
                        partner_org_ids=[world["sh"].id, world["lead"].id],
                        funders={"320000": {"2026": 250, "2027": "150.5"}, "310000": {"2026": 100}},
                        start_on=date(2026, 1, 1))
    expert = accounts.create_user(session, actor=SYSTEM,
                                  data=UserCreate(username="jv_expert", password="jv-expert-password-1"))
    accounts.grant(session, actor=SYSTEM, user=expert, data=GrantRequest(role="expert"))
    reviewed(session, running, office, applicant, (expert, accounts.actor_for(expert)))
    from yrdhub.programmes import review

    for p in ("310000", "320000"):
        review.decide_funding(session, actor=admin(p), project=running, province=p, approve=True)
    draft = apply_for(session, applicant, call, "JV-2", world["js"].id, title="江苏草稿项目",
                      funders={"320000": {"2026": 80}})
    session.flush()
    page = client.get("/programmes/jurisdictions/320000")
    assert page.status_code == 200
    assert "江苏牵头跨省项目" in page.text and draft.title not in page.text  # the public view: no drafts
    assert re.search(r'id="count-cross">1<', page.text) and 'id="jurisdiction-data"' in page.text
    assert "150.5" in page.text  # exact, through the locale's number format
    public = queries.jurisdiction_totals(session, actor=ANONYMOUS, province="320000")
    assert public["funded"] == 1 and public["by_year"]["2026"] == {"running": 250, "applied": 0, "other": 0}
    view = queries.jurisdiction_totals(session, actor=office, province="320000")
    assert view["funded"] == 2 and view["committed"] == Decimal("400.5")
    assert view["by_year"]["2026"] == {"running": Decimal(250), "applied": Decimal(0), "other": Decimal(80)}
    assert view["partners"] == {"310000": 1, "330000": 0, "340000": 1} and view["cross_region"] == 1
    listed = queries.list_projects(session, actor=office, funder="320000")
    assert [p.code for p in listed.items] == ["JV-1", "JV-2"]
    assert client.get("/programmes/jurisdictions/999999").status_code == 404
