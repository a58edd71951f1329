"""A joint project funded by three jurisdictions, through its whole life, with refused transitions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.db import utcnow
from yrdhub.programmes import service
from yrdhub.regions import orgs
from yrdhub.regions.orgs import OrgInput


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgInput(name="联合攻关牵头大学", type="university", region="合肥"))
    sh = orgs.create(session, actor=SYSTEM, data=OrgInput(name="上海合作研究所", type="institute", region="上海"))
    js = orgs.create(session, actor=SYSTEM, data=OrgInput(name="江苏合作企业", type="enterprise", region="苏州"))
    users = {
        "office": make_user("office_admin"),
        "sh": make_user("jurisdiction_admin", "310000"), "js": make_user("jurisdiction_admin", "320000"),
        "ah": make_user("jurisdiction_admin", "340000"), "zj": make_user("jurisdiction_admin", "330000"),
        "applicant": make_user("member", f"org:{lead.id}"),
        "expert": make_user("expert"),
        "conflicted": make_user("expert"),
    }
    from yrdhub.accounts import service as accounts

    accounts.grant(session, actor=SYSTEM, user=users["conflicted"][0], role="member", scope=f"org:{js.id}")
    programme = service.create_programme(session, actor=users["office"][1], code="YRD-JOINT-2026",
                                         name="长三角联合攻关计划", owners=["310000", "320000", "340000"])
    now = utcnow()
    call = service.create_call(session, actor=users["sh"][1], programme=programme, code="YRD-JOINT-2026-01",
                               title="集成电路共性技术联合攻关", opens_at=now - timedelta(days=1),
                               deadline=now + timedelta(days=30), max_budget_wan=3000)
    return {"lead": lead, "sh": sh, "js": js, "users": users, "programme": programme, "call": call}


def _actor(world, key):  # type: ignore[no-untyped-def]
    return world["users"][key][1]


def test_three_funders_one_record(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    applicant = _actor(world, "applicant")
    project = service.create_project(
        session, actor=applicant, call=world["call"], code="P-001", title="高端芯片EDA联合攻关",
        lead_org_id=world["lead"].id, partner_org_ids=[world["sh"].id, world["js"].id],
        funders={"310000": {"2026": 300, "2027": 200}, "320000": {"2026": 400}, "340000": {"2026": 500, "2027": 600}},
        start_on=date(2026, 7, 1), end_on=date(2028, 6, 30))
    assert project.requested_budget_wan == 2000
    assert {p.province_code for p in project.participants} == {"340000", "310000", "320000"}
    with pytest.raises(PermissionDenied):  # only the lead organisation applies
        service.submit(session, actor=_actor(world, "sh"), project=project)
    service.submit(session, actor=applicant, project=project)
    with pytest.raises(PermissionDenied):  # refused: Zhejiang owns no part of this programme
        service.start_review(session, actor=_actor(world, "zj"), project=project)
    service.start_review(session, actor=_actor(world, "ah"), project=project)

    expert, conflicted = world["users"]["expert"][0], world["users"]["conflicted"][0]
    with pytest.raises(service.ProgrammeError, match="participating"):
        service.assign_reviewer(session, actor=_actor(world, "ah"), project=project, expert=conflicted)
    service.assign_reviewer(session, actor=_actor(world, "ah"), project=project, expert=expert)
    with pytest.raises(service.ProgrammeError, match="reviews"):
        service.decide_funding(session, actor=_actor(world, "sh"), project=project, province="310000", approve=True)
    with pytest.raises(PermissionDenied):  # nobody else writes the expert's review
        service.submit_review(session, actor=_actor(world, "applicant"), project=project, score=99, comment="好")
    service.submit_review(session, actor=_actor(world, "expert"), project=project, score=86, comment="创新性强")

    with pytest.raises(PermissionDenied):  # Jiangsu cannot sign Shanghai's share
        service.decide_funding(session, actor=_actor(world, "js"), project=project, province="310000", approve=True)
    with pytest.raises(service.ProgrammeError):  # Zhejiang funds nothing here
        service.decide_funding(session, actor=_actor(world, "zj"), project=project, province="330000", approve=True)
    service.decide_funding(session, actor=_actor(world, "sh"), project=project, province="310000", approve=True)
    service.decide_funding(session, actor=_actor(world, "js"), project=project, province="320000", approve=True)
    assert project.status == "under_review"  # waits for the third sign-off
    service.decide_funding(session, actor=_actor(world, "ah"), project=project, province="340000", approve=True)
    assert project.status == "approved"

    office = _actor(world, "office")
    with pytest.raises(service.ProgrammeError, match="not possible"):  # refused: acceptance before mid-term
        service.move(session, actor=office, project=project, action="accept")
    service.move(session, actor=office, project=project, action="contract")
    milestone = service.add_milestone(session, actor=applicant, project=project, title="流片验证",
                                      due=date(2027, 6, 30))
    service.move(session, actor=_actor(world, "js"), project=project, action="midterm", reason="中期检查通过")
    with pytest.raises(service.ProgrammeError, match="milestones"):
        service.move(session, actor=office, project=project, action="accept")
    service.complete_milestone(session, actor=applicant, project=project, milestone_id=milestone.id,
                               evidence="流片报告 2027-05")
    change = service.request_change(session, actor=applicant, project=project, kind="schedule",
                                    description="延期三个月")
    service.decide_change(session, actor=_actor(world, "sh"), project=project, change_id=change.id, approve=True,
                          reason="同意")
    service.move(session, actor=office, project=project, action="accept", reason="验收通过")
    assert project.status == "accepted"
    assert [t.to_status for t in project.transitions] == [
        "submitted", "under_review", "approved", "contracted", "midterm_passed", "accepted"]
    assert audit.verify(session).ok


def test_one_refusal_rejects_and_termination_needs_reason(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    applicant = _actor(world, "applicant")
    project = service.create_project(session, actor=applicant, call=world["call"], code="P-002", title="被否决的项目",
                                     lead_org_id=world["lead"].id, funders={"310000": {"2026": 100},
                                                                            "340000": {"2026": 100}})
    service.submit(session, actor=applicant, project=project)
    service.start_review(session, actor=_actor(world, "office"), project=project)
    service.assign_reviewer(session, actor=_actor(world, "office"), project=project, expert=world["users"]["expert"][0])
    service.declare_conflict(session, actor=_actor(world, "expert"), project=project, reason="曾与牵头人合作")
    with pytest.raises(service.ProgrammeError, match="reason"):
        service.decide_funding(session, actor=_actor(world, "sh"), project=project, province="310000", approve=False)
    service.decide_funding(session, actor=_actor(world, "sh"), project=project, province="310000", approve=False,
                           reason="与本市布局重复")
    assert project.status == "rejected"
    with pytest.raises(service.ProgrammeError):
        service.move(session, actor=_actor(world, "office"), project=project, action="terminate", reason="x")


def test_eligibility_and_deadline(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    applicant = _actor(world, "applicant")
    project = service.create_project(session, actor=applicant, call=world["call"], code="P-003", title="超预算",
                                     lead_org_id=world["lead"].id, funders={"330000": {"2026": 5000}})
    with pytest.raises(service.ProgrammeError) as info:
        service.submit(session, actor=applicant, project=project)
    assert "not a funder" in str(info.value) and "maximum" in str(info.value)
    late = utcnow() + timedelta(days=60)
    project2 = service.create_project(session, actor=applicant, call=world["call"], code="P-004", title="逾期",
                                      lead_org_id=world["lead"].id, funders={"340000": {"2026": 10}})
    with pytest.raises(service.ProgrammeError, match="window"):
        service.submit(session, actor=applicant, project=project2, now=late)


def test_views_and_collaboration_counts(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    test_three_funders_one_record(session, world)
    from yrdhub.accounts.actor import ANONYMOUS

    funded_by_js = service.list_projects(session, actor=ANONYMOUS, funder="320000")
    assert [p.code for p in funded_by_js] == ["P-001"]
    assert [p.code for p in service.list_projects(session, actor=ANONYMOUS, participant_province="310000")] == ["P-001"]
    counts = service.collaboration_counts(session)
    assert counts[2026]["cross_province"] == 1
    assert counts[2026]["pairs"] == {"310000-320000": 1, "310000-340000": 1, "320000-340000": 1}


def test_drafts_are_private(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    from yrdhub.accounts.actor import ANONYMOUS

    project = service.create_project(session, actor=_actor(world, "applicant"), call=world["call"], code="P-005",
                                     title="草稿", lead_org_id=world["lead"].id, funders={"340000": {"2026": 10}})
    assert not service.can_read(session, ANONYMOUS, project)
    assert not service.can_read(session, _actor(world, "zj"), project)
    assert service.can_read(session, _actor(world, "applicant"), project)
    assert service.can_read(session, _actor(world, "ah"), project)  # an owner of the programme


def test_pages(session: Session, world, client) -> None:  # type: ignore[no-untyped-def]
    test_three_funders_one_record(session, world)
    listing = client.get("/programmes", params={"funder": "340000"})
    assert listing.status_code == 200 and "高端芯片EDA联合攻关" in listing.text and "长三角联合攻关计划" in listing.text
    project = service.list_projects(session, actor=_actor(world, "office"))[0]
    detail = client.get(f"/projects/{project.id}")
    assert detail.status_code == 200 and "已验收" in detail.text and "中期检查通过" in detail.text
    draft = service.create_project(session, actor=_actor(world, "applicant"), call=world["call"], code="P-DRAFT",
                                   title="保密草稿", lead_org_id=world["lead"].id, funders={"340000": {"2026": 1}})
    assert client.get(f"/projects/{draft.id}").status_code == 404
    assert "保密草稿" not in client.get("/programmes").text
