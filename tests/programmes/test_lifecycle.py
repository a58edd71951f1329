"""A joint project funded by three jurisdictions, through its whole life with the lifecycle tables; refused
moves answer with codes; the history stores what the system notes as codes; the table is complete."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.accounts.policy import PermissionDenied, Target
from yrdhub.accounts.schemas import GrantRequest
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, Invalid
from yrdhub.programmes import moves, offers, queries, review
from yrdhub.programmes.lifecycle import CHANGE, FUNDING, LIFECYCLE, OUTCOMES, Decision, Status
from yrdhub.programmes.schemas import ChangeIn, ConflictIn, MilestoneDoneIn, MilestoneIn, ReviewIn
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from .conftest import apply_for, open_call, programme

THREE = {"310000": {"2026": 300, "2027": 200}, "320000": {"2026": 400}, "340000": {"2026": 500, "2027": 600}}


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="联合攻关牵头大学", type="university", region="合肥"))
    sh = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="上海合作研究所", type="institute", region="上海"))
    js = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="江苏合作企业", type="enterprise", region="苏州"))
    users = {
        "office": make_user("office_admin"),
        "sh": make_user("jurisdiction_admin", "310000"), "js": make_user("jurisdiction_admin", "320000"),
        "ah": make_user("jurisdiction_admin", "340000"), "zj": make_user("jurisdiction_admin", "330000"),
        "applicant": make_user("member", f"org:{lead.id}"),
        "expert": make_user("expert"),
        "conflicted": make_user("expert"),
    }
    accounts.grant(session, actor=SYSTEM, user=users["conflicted"][0],
                   data=GrantRequest(role="member", scope=f"org:{js.id}"))
    prog = programme(session, users["office"][1], "YRD-JOINT-2026", ["310000", "320000", "340000"],
                     name="长三角联合攻关计划")
    call = open_call(session, users["sh"][1], prog, "YRD-JOINT-2026-01", title="集成电路共性技术联合攻关",
                     max_budget_wan=Decimal(3000))
    return {"lead": lead, "sh": sh, "js": js, "users": users, "programme": prog, "call": call}


def who(world: dict[str, Any], key: str) -> Any:
    return world["users"][key][1]


def test_three_funders_one_record(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    applicant = who(world, "applicant")
    project = apply_for(session, applicant, world["call"], "P-001", world["lead"].id, title="高端芯片EDA联合攻关",
                        partner_org_ids=[world["sh"].id, world["js"].id], funders=THREE,
                        start_on=date(2026, 7, 1), end_on=date(2028, 6, 30))
    assert project.requested_budget_wan == Decimal(2000)
    assert {p.province_code for p in project.participants} == {"340000", "310000", "320000"}
    with pytest.raises(PermissionDenied):  # only the lead organisation applies
        moves.submit(session, actor=who(world, "sh"), project=project)
    moves.submit(session, actor=applicant, project=project)
    with pytest.raises(PermissionDenied):  # Zhejiang owns no part of this programme
        moves.move(session, actor=who(world, "zj"), project=project, name="start_review")
    moves.move(session, actor=who(world, "ah"), project=project, name="start_review")

    expert, conflicted = world["users"]["expert"][0], world["users"]["conflicted"][0]
    with pytest.raises(Conflict) as refused:
        review.assign_reviewer(session, actor=who(world, "ah"), project=project, expert=conflicted)
    assert refused.value.code == "review.conflict_of_interest"
    review.assign_reviewer(session, actor=who(world, "ah"), project=project, expert=expert)
    with pytest.raises(Conflict) as refused:
        review.decide_funding(session, actor=who(world, "sh"), project=project, province="310000", approve=True)
    assert refused.value.code == "project.reviews_pending" and refused.value.params == {"done": 0, "assigned": 1}
    with pytest.raises(PermissionDenied):  # nobody else writes the expert's review
        review.submit_review(session, actor=applicant, project=project, data=ReviewIn(score=99, comment="好"))
    review.submit_review(session, actor=who(world, "expert"), project=project,
                         data=ReviewIn(score=86, comment="创新性强"))

    with pytest.raises(PermissionDenied):  # Jiangsu cannot sign Shanghai's share
        review.decide_funding(session, actor=who(world, "js"), project=project, province="310000", approve=True)
    with pytest.raises(DomainError) as refused:  # Zhejiang funds nothing here
        review.decide_funding(session, actor=who(world, "zj"), project=project, province="330000", approve=True)
    assert refused.value.code == "project.not_a_funder"
    review.decide_funding(session, actor=who(world, "sh"), project=project, province="310000", approve=True)
    with pytest.raises(Conflict) as refused:  # a decided share is decided
        review.decide_funding(session, actor=who(world, "sh"), project=project, province="310000", approve=False,
                              reason="改变主意")
    assert refused.value.code == "state.move_not_allowed"
    review.decide_funding(session, actor=who(world, "js"), project=project, province="320000", approve=True)
    assert project.status == Status.UNDER_REVIEW  # waits for the third sign-off
    review.decide_funding(session, actor=who(world, "ah"), project=project, province="340000", approve=True)
    assert project.status == Status.APPROVED
    assert (project.transitions[-1].move, project.transitions[-1].note) == ("approve", "all_approved")

    office = who(world, "office")
    with pytest.raises(Conflict) as refused:  # acceptance before mid-term
        moves.move(session, actor=office, project=project, name="accept")
    assert refused.value.code == "state.move_not_allowed"
    with pytest.raises(Conflict):  # the funders' outcome is not a button
        moves.move(session, actor=office, project=project, name="approve")
    moves.move(session, actor=office, project=project, name="contract")
    milestone = moves.add_milestone(session, actor=applicant, project=project,
                                    data=MilestoneIn(title="流片验证", due=date(2027, 6, 30)))
    moves.move(session, actor=who(world, "js"), project=project, name="midterm", reason="中期检查通过")
    with pytest.raises(Conflict) as refused:
        moves.move(session, actor=office, project=project, name="accept")
    assert refused.value.code == "project.open_milestones" and refused.value.params == {"count": 1}
    moves.complete_milestone(session, actor=applicant, project=project, milestone_id=milestone.id,
                             data=MilestoneDoneIn(evidence="流片报告 2027-05"))
    change = moves.request_change(session, actor=applicant, project=project,
                                  data=ChangeIn(kind="schedule", description="延期三个月"))
    with pytest.raises(DomainError) as refused:  # a refusal needs a reason
        moves.decide_change(session, actor=who(world, "sh"), project=project, change_id=change.id, approve=False)
    assert refused.value.code == "state.reason_required"
    moves.decide_change(session, actor=who(world, "sh"), project=project, change_id=change.id, approve=True,
                        reason="同意")
    moves.move(session, actor=office, project=project, name="accept", reason="验收通过")
    assert project.status == Status.ACCEPTED
    assert [t.to_status for t in project.transitions] == [
        "submitted", "under_review", "approved", "contracted", "midterm_passed", "accepted"]
    assert [t.move for t in project.transitions] == [
        "submit", "start_review", "approve", "contract", "midterm", "accept"]
    assert audit.verify(session).ok


def test_one_refusal_rejects_and_termination_needs_a_reason(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    applicant = who(world, "applicant")
    project = apply_for(session, applicant, world["call"], "P-002", world["lead"].id, title="被否决的项目",
                        funders={"310000": {"2026": 100}, "340000": {"2026": 100}})
    moves.submit(session, actor=applicant, project=project)
    moves.move(session, actor=who(world, "office"), project=project, name="start_review")
    review.assign_reviewer(session, actor=who(world, "office"), project=project, expert=world["users"]["expert"][0])
    review.declare_conflict(session, actor=who(world, "expert"), project=project, data=ConflictIn(reason="曾合作"))
    with pytest.raises(DomainError) as refused:
        review.decide_funding(session, actor=who(world, "sh"), project=project, province="310000", approve=False)
    assert refused.value.code == "state.reason_required"
    review.decide_funding(session, actor=who(world, "sh"), project=project, province="310000", approve=False,
                          reason="与本市布局重复")
    assert project.status == Status.REJECTED
    last = project.transitions[-1]
    assert (last.note, last.note_params, last.reason) == ("funder_refused", {"province": "310000"}, "与本市布局重复")
    with pytest.raises(Conflict):
        moves.move(session, actor=who(world, "office"), project=project, name="terminate", reason="x")


def test_termination_needs_a_reason(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project = apply_for(session, who(world, "applicant"), world["call"], "P-T", world["lead"].id,
                        funders={"310000": {"2026": 1}})
    moves.submit(session, actor=who(world, "applicant"), project=project)
    with pytest.raises(DomainError) as refused:
        moves.move(session, actor=who(world, "office"), project=project, name="terminate", reason="  ")
    assert refused.value.code == "state.reason_required" and project.status == Status.SUBMITTED
    moves.move(session, actor=who(world, "office"), project=project, name="terminate", reason="撤回")
    assert project.status == Status.TERMINATED


def test_eligibility_is_every_problem_at_once(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    applicant = who(world, "applicant")
    project = apply_for(session, applicant, world["call"], "P-003", world["lead"].id, title="超预算",
                        funders={"330000": {"2026": 5000}})
    with pytest.raises(Invalid) as refused:
        moves.submit(session, actor=applicant, project=project)
    assert {e.code for e in refused.value.errors} == {"project.funder_not_owner", "project.over_budget"}
    late = utcnow() + timedelta(days=60)
    project2 = apply_for(session, applicant, world["call"], "P-004", world["lead"].id,
                         funders={"340000": {"2026": 10}})
    with pytest.raises(Invalid) as refused:
        moves.submit(session, actor=applicant, project=project2, now=late)
    assert [e.code for e in refused.value.errors] == ["project.outside_window"]
    empty = apply_for(session, applicant, world["call"], "P-005", world["lead"].id)
    with pytest.raises(Invalid) as refused:
        moves.submit(session, actor=applicant, project=empty)
    assert [e.code for e in refused.value.errors] == ["project.no_funders"]
    assert project.status == project2.status == empty.status == Status.DRAFT


def test_milestones_are_not_done_in_the_future(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        MilestoneDoneIn(evidence="样机", done_on=moves.today() + timedelta(days=1))
    assert refused.value.errors()[0]["type"] == "milestone.future"
    assert MilestoneDoneIn(evidence="样机", done_on=moves.today()).done_on == moves.today()


def test_views_and_collaboration_counts(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    test_three_funders_one_record(session, world)
    funded_by_js = queries.list_projects(session, actor=ANONYMOUS, funder="320000")
    assert [p.code for p in funded_by_js.items] == ["P-001"]
    assert [p.code for p in queries.list_projects(session, actor=ANONYMOUS,
                                                  participant_province="310000").items] == ["P-001"]
    counts = queries.collaboration_counts(session)
    assert counts[2026]["cross_province"] == 1
    assert counts[2026]["pairs"] == {"310000-320000": 1, "310000-340000": 1, "320000-340000": 1}


def test_drafts_are_private(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    from yrdhub.errors import NotFound

    project = apply_for(session, who(world, "applicant"), world["call"], "P-006", world["lead"].id, title="草稿",
                        funders={"340000": {"2026": 10}})
    for reader in (ANONYMOUS, who(world, "zj")):
        with pytest.raises(NotFound):
            queries.get_project(session, actor=reader, project_id=project.id)
    for reader in (who(world, "applicant"), who(world, "ah"), who(world, "office")):
        assert queries.get_project(session, actor=reader, project_id=project.id) is project


# --- the tables themselves ----------------------------------------------------------------------------------------

def test_every_state_has_a_label_and_is_reachable() -> None:
    reached = {Status.DRAFT}
    changed = True
    while changed:
        changed = False
        for move in LIFECYCLE.moves:
            if move.sources & reached and move.target not in reached:
                reached.add(move.target)
                changed = True
    assert reached == set(Status)
    assert set(OUTCOMES) <= set(LIFECYCLE.by_name)
    assert {m.name for m in FUNDING.moves} == {"approve_share", "refuse_share"}
    assert {m.name for m in CHANGE.moves} == {"approve_change", "refuse_change"}
    decisions = [*FUNDING.moves, *CHANGE.moves]
    assert len(decisions) == 4 and all(m.target in Decision for m in decisions)


def test_the_database_refuses_a_state_the_table_does_not_know(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    project = apply_for(session, who(world, "applicant"), world["call"], "P-CK", world["lead"].id)
    for table, column, row in (("prog_project", "status", project.id),):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(text(f"UPDATE {table} SET {column} = 'bogus' WHERE id = :id"), {"id": row})


def test_pages_offer_exactly_what_the_table_allows(session: Session, world) -> None:  # type: ignore[no-untyped-def]
    """For every reader and state on the way, the offered moves are `LIFECYCLE.allowed` (without the funders'
    outcomes), and each offered move succeeds when made (in a savepoint, rolled back)."""
    applicant = who(world, "applicant")
    project = apply_for(session, applicant, world["call"], "P-OFFER", world["lead"].id,
                        funders={"310000": {"2026": 10}})
    readers = {k: v[1] for k, v in world["users"].items()}
    seen = 0
    for step in ("draft", "submit", "start_review"):
        if step != "draft":
            actor = applicant if step == "submit" else who(world, "office")
            moves.move(session, actor=actor, project=project, name=step)
        for name, actor in readers.items():
            try:
                offered = offers.for_project(session, actor=actor, project=project)
            except Exception:
                continue
            target = Target(province="340000", org_ids=(world["lead"].id,), provinces=tuple(world["programme"].owners))
            allowed = [m.name for m in LIFECYCLE.allowed(actor, project, target, moves.context_of(session, project))
                       if m.name not in OUTCOMES]
            assert offered["moves"] == allowed, (step, name)
            for move in offered["moves"]:
                seen += 1
                with session.begin_nested() as savepoint:
                    moves.move(session, actor=actor, project=project, name=move, reason="测试")
                    savepoint.rollback()
                session.expire(project)
    assert seen >= 4
