"""Every write route of the API × every kind of actor → allowed or denied, as the policy says.

The matrix must name every write route: adding a route without an entry here (or without a policy action)
fails `test_every_write_route_is_in_the_matrix`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import POLICY
from yrdhub.accounts.schemas import GrantRequest, TokenCreate, UserCreate
from yrdhub.monitoring import service as monitoring
from yrdhub.monitoring.validation import Entry
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

WRITE = {"POST", "PUT", "PATCH", "DELETE"}
MATRIX_PASSWORD = "matrix-password-1"  # every matrix user's (the pages sign in with it)
REASON = "按快报数填报"  # answers any rule that asks for a reason; the matrix tests permissions, not validation
SYSTEM_JS = Actor(username="matrix-setup", grants=(Grant("jurisdiction_admin", "320000"),), via="system")
ACTORS = ["anonymous", "office_admin", "js_admin", "zj_admin", "js_statistician", "org_admin_own",
          "org_admin_other", "member", "expert"]


@dataclass
class World:
    org_a: int  # a Jiangsu organisation, administered by org_admin_own
    org_b: int  # another Jiangsu organisation
    org_c: int  # a Zhejiang organisation (org_admin_other's)
    victim_token: int  # a token of a third user
    victim: str
    draft: int  # Jiangsu monitoring submissions: a valid draft, a submitted one, an approved one
    submitted: int
    approved: int
    values: dict[str, float]
    prog: dict[str, int] | None = None  # programme, call and projects in each state (ids)
    report: int | None = None  # a draft public report of org_a (its file, its edit, its submission)
    achievement: int | None = None  # an achievement of org_a
    evaluation: int | None = None  # a computed (unpublished) evaluation run
    res: dict[str, int] | None = None  # an instrument of org_a and bookings of it (by the victim, for org_b)


def build_world(session: Session) -> World:
    a = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="矩阵甲", type="enterprise", region="南京"))
    b = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="矩阵乙", type="enterprise", region="苏州"))
    c = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="矩阵丙", type="enterprise", region="杭州"))
    victim = accounts.create_user(session, actor=SYSTEM,
                                  data=UserCreate(username="victim", password="victim-password-1"))
    token, _ = accounts.create_token(session, actor=accounts.actor_for(victim), user=victim,
                                     data=TokenCreate(name="v", scopes=["read"]))
    drafts = _monitoring(session)
    world = World(a.id, b.id, c.id, token.id, victim.username, *drafts)
    world.prog = _programmes(session, a.id)
    world.report, world.achievement = _report(session, a.id)
    world.evaluation = _evaluation(session)
    world.res = _resources(session, a.id, b.id, victim)
    return world


def _resources(session: Session, host: int, payer: int, booker: User) -> dict[str, int]:
    """An instrument hosted by org_a and three confirmed bookings of it, made by a member of org_b."""
    from datetime import date, timedelta
    from decimal import Decimal

    from yrdhub.db import utcnow
    from yrdhub.resources import bookings, instruments, vouchers
    from yrdhub.resources.schemas import BookingCreate, InstrumentCreate, SchemeCreate, VoucherIssue

    instrument = instruments.create(session, actor=SYSTEM, data=InstrumentCreate(
        code="M-INS-0001", name="矩阵仪器", category="分析仪器", value_yuan=Decimal(500_000), org_id=host))
    member = Actor(user_id=booker.id, username=booker.username, grants=(Grant("member", f"org:{payer}"),),
                   via="system")
    ids = {"instrument": instrument.id, "trainee": booker.id}
    start = (utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    for n, key in enumerate(("cancel", "use", "miss")):
        begins = start + timedelta(hours=2 * n)
        ids[key] = bookings.book(session, actor=member, data=BookingCreate(
            instrument_id=instrument.id, org_id=payer, starts_at=begins, ends_at=begins + timedelta(hours=1))).id
    # a booking paid by org_a (the host's own), and a Jiangsu voucher held by org_a to pay for it
    own = Actor(user_id=booker.id, username=booker.username, grants=(Grant("member", f"org:{host}"),), via="system")
    begins = start + timedelta(hours=8)
    ids["redeem"] = bookings.book(session, actor=own, data=BookingCreate(
        instrument_id=instrument.id, org_id=host, starts_at=begins, ends_at=begins + timedelta(hours=1))).id
    scheme = vouchers.create_scheme(session, actor=SYSTEM_JS, data=SchemeCreate(
        code="M-SCHEME", name="矩阵创新券", province="320000", share_percent=Decimal(50),
        holder_cap_yuan=Decimal(10_000), budget_yuan=Decimal(100_000), valid_from=date(2020, 1, 1),
        valid_until=date(2099, 12, 31)))
    ids["scheme"] = scheme.id
    ids["voucher"] = vouchers.issue(session, actor=SYSTEM_JS, data=VoucherIssue(
        scheme_id=scheme.id, holder_org_id=host, face_yuan=Decimal(1000))).id
    return ids


def _res(w: World) -> dict[str, int]:
    assert w.res is not None
    return w.res


def _when(days: int) -> dict[str, str]:
    from datetime import timedelta

    from yrdhub.db import utcnow

    start = (utcnow() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}


def _report(session: Session, org_id: int) -> tuple[int, int]:
    from yrdhub.outputs import achievements, service
    from yrdhub.outputs.schemas import AchievementCreate, ReportCreate

    report = service.create_report(session, actor=SYSTEM, data=ReportCreate(
        number="M-REP-0001", title="矩阵报告", type="final", org_id=org_id, openness="public", year=2026,
        abstract="摘要", full_text="全文"))
    achievement = achievements.create_achievement(session, actor=SYSTEM, data=AchievementCreate(
        kind="patent", title="矩阵成果", year=2026, applicant_org_ids=[org_id]))
    return report.id, achievement.id


def _programmes(session: Session, lead_org: int) -> dict[str, int]:
    """A Jiangsu programme with an open call and projects at every stage the write routes act on."""
    from datetime import date, timedelta

    from yrdhub.db import utcnow
    from yrdhub.programmes import moves, review, writes
    from yrdhub.programmes.schemas import (
        CallCreate,
        ChangeIn,
        MilestoneIn,
        ProgrammeCreate,
        ProjectCreate,
        ReviewIn,
    )

    applicant = Actor(username="matrix-applicant", grants=(Grant("member", f"org:{lead_org}"),), via="system")
    programme = writes.create_programme(session, actor=SYSTEM_JS, data=ProgrammeCreate(
        code="M-PROG", name="矩阵计划", owners=["320000"]))
    call = writes.create_call(session, actor=SYSTEM_JS, programme=programme, data=CallCreate(
        code="M-CALL", title="矩阵指南", opens_at=utcnow() - timedelta(days=1), deadline=utcnow() + timedelta(days=30)))
    experts = []
    for name in ("m_expert", "m_expert2"):
        user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=name, password=MATRIX_PASSWORD))
        accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="expert"))
        experts.append(user)
    ids: dict[str, int] = {"programme": programme.id, "call": call.id}

    def project(key: str) -> Any:
        row = writes.create_project(session, actor=applicant, call=call, data=ProjectCreate(
            code=f"M-{key}", title=key, lead_org_id=lead_org, funders={"320000": {"2026": 100}}))
        ids[key] = row.id
        return row

    project("draft")
    moves.submit(session, actor=applicant, project=project("submitted"))
    for key in ("review", "review2", "reviewed", "approved"):
        row = project(key)
        moves.submit(session, actor=applicant, project=row)
        moves.move(session, actor=SYSTEM_JS, project=row, name="start_review")
        review.assign_reviewer(session, actor=SYSTEM_JS, project=row, expert=experts[0])
        if key in ("reviewed", "approved"):
            expert = accounts.actor_for(experts[0])
            review.submit_review(session, actor=expert, project=row, data=ReviewIn(score=80, comment="良好"))
        if key == "approved":
            review.decide_funding(session, actor=SYSTEM_JS, project=row, province="320000", approve=True)
            milestone = moves.add_milestone(session, actor=applicant, project=row,
                                            data=MilestoneIn(title="中期", due=date(2027, 1, 1)))
            change = moves.request_change(session, actor=applicant, project=row,
                                          data=ChangeIn(kind="schedule", description="延期"))
            ids["milestone"], ids["change"] = milestone.id, change.id
    return ids


def _monitoring(session: Session) -> tuple[int, int, int, dict[str, float]]:
    framework = monitoring.get_framework(session, "yrd-monitoring")
    assert framework is not None
    last = monitoring.accepted_values(session, framework)[("320000", 2023)]
    ids = []
    for period, steps in ((2024, ()), (2025, ("submit",)), (2026, ("submit", "approve"))):
        values = {k: v * 1.05 ** (period - 2023) for k, v in last.items()}  # on trend
        values["rd_intensity_published"] = values["rd_expenditure"] / values["gdp"] * 100
        sub = monitoring.open_submission(session, actor=SYSTEM_JS, framework=framework, region="320000",
                                         period=period)
        monitoring.set_values(session, actor=SYSTEM_JS, submission=sub,
                              entries={k: Entry(v, REASON) for k, v in values.items()})
        for step in steps:
            getattr(monitoring, step)(session, actor=SYSTEM_JS, submission=sub)
        ids.append(sub.id)
        if period == 2024:
            draft_values = values
    return ids[0], ids[1], ids[2], draft_values


def _evaluation(session: Session) -> int:
    """A computed evaluation run (its results do not matter here: publishing only changes its state)."""
    from yrdhub.monitoring.models import EvaluationRun

    framework = monitoring.get_framework(session, "yrd-monitoring")
    assert framework is not None
    run = EvaluationRun(framework_id=framework.id, created_by="matrix-setup", method={}, inputs="{}",
                        inputs_hash="0" * 64, results={}, results_hash="0" * 64, status="computed", published_by="")
    session.add(run)
    session.flush()
    return run.id


def matrix_user(session: Session, who: str, world: World) -> User:
    """The user `m_<who>` with the role `who` names (password MATRIX_PASSWORD), made on first use."""
    grants = {"office_admin": ("office_admin", ""), "js_admin": ("jurisdiction_admin", "320000"),
              "zj_admin": ("jurisdiction_admin", "330000"), "js_statistician": ("statistician", "320000"),
              "org_admin_own": ("org_admin", f"org:{world.org_a}"),
              "org_admin_other": ("org_admin", f"org:{world.org_c}"), "member": ("member", f"org:{world.org_a}"),
              "expert": ("expert", "")}
    role, scope = grants[who]
    user = accounts.get_user(session, username=f"m_{who}")  # the expert exists already: it was assigned
    if user is None:
        user = accounts.create_user(session, actor=SYSTEM,
                                    data=UserCreate(username=f"m_{who}", password=MATRIX_PASSWORD))
        accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role=role, scope=scope))
    return user


def bearer_for(session: Session, who: str, world: World) -> dict[str, str]:
    if who == "anonymous":
        return {}
    user = matrix_user(session, who, world)
    _, secret = accounts.create_token(session, actor=accounts.actor_for(user), user=user,
                                      data=TokenCreate(name="matrix", scopes=["read", "write"]))
    return {"Authorization": f"Bearer {secret}"}


Request = Callable[[TestClient, World, dict[str, str]], Any]
SIGNED_IN = set(ACTORS) - {"anonymous"}

# route -> (how to call it, who is allowed)
MATRIX: dict[str, tuple[Request, set[str]]] = {
    "PATCH /api/v1/regions/{code}": (
        lambda c, w, h: c.patch("/api/v1/regions/320100", json={"name_en": "Nanking"}, headers=h),
        {"office_admin"}),
    "POST /api/v1/organisations": (
        lambda c, w, h: c.post("/api/v1/organisations", json={"name": "新机构", "type": "lab", "region": "无锡"},
                               headers=h),
        {"office_admin", "js_admin"}),
    "PATCH /api/v1/organisations/{org_id}": (
        lambda c, w, h: c.patch(f"/api/v1/organisations/{w.org_a}",
                                json={"name": "矩阵甲（新）", "type": "enterprise", "region": "南京"}, headers=h),
        {"office_admin", "js_admin", "org_admin_own"}),
    "POST /api/v1/organisations/{org_id}/merge": (
        lambda c, w, h: c.post(f"/api/v1/organisations/{w.org_b}/merge", json={"into": w.org_a}, headers=h),
        {"office_admin", "js_admin"}),
    "POST /api/v1/organisations/import": (
        lambda c, w, h: c.post("/api/v1/organisations/import", headers=h, files={
            "file": ("o.csv", io.BytesIO("名称,类型,地区\n导入机构,lab,南京\n".encode()), "text/csv")}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/tokens": (
        lambda c, w, h: c.post("/api/v1/tokens", json={"name": "mine", "scopes": ["read"]}, headers=h),
        SIGNED_IN),
    "DELETE /api/v1/tokens/{token_id}": (
        lambda c, w, h: c.delete(f"/api/v1/tokens/{w.victim_token}", headers=h),
        {"office_admin"}),
    "POST /api/v1/users": (
        lambda c, w, h: c.post("/api/v1/users", json={"username": "newbie", "password": "newbie-password-1"},
                               headers=h),
        {"office_admin"}),
    "POST /api/v1/users/{username}/grants": (
        lambda c, w, h: c.post(f"/api/v1/users/{w.victim}/grants", json={"role": "expert"}, headers=h),
        {"office_admin"}),
    "DELETE /api/v1/users/{username}/grants": (
        lambda c, w, h: c.delete(f"/api/v1/users/{w.victim}/grants", params={"role": "expert"}, headers=h),
        {"office_admin"}),
    "POST /api/v1/monitoring/submissions": (
        lambda c, w, h: c.post("/api/v1/monitoring/submissions", json={"region": "320000", "period": 2027},
                               headers=h),
        {"js_admin", "js_statistician"}),
    "PUT /api/v1/monitoring/submissions/{submission_id}/values": (
        lambda c, w, h: c.put(f"/api/v1/monitoring/submissions/{w.draft}/values", headers=h,
                              json={"values": {k: {"value": v, "reason": REASON} for k, v in w.values.items()}}),
        {"js_admin", "js_statistician"}),
    "POST /api/v1/monitoring/submissions/{submission_id}/upload": (
        lambda c, w, h: c.post(f"/api/v1/monitoring/submissions/{w.draft}/upload", headers=h, files={
            "file": ("t.csv", io.BytesIO(("代码 code,数值 value,说明 reason\n" + "".join(
                f"{k},{v},{REASON}\n" for k, v in w.values.items())).encode()), "text/csv")}),
        {"js_admin", "js_statistician"}),
    "POST /api/v1/monitoring/submissions/{submission_id}/submit": (
        lambda c, w, h: c.post(f"/api/v1/monitoring/submissions/{w.draft}/submit", headers=h),
        {"js_admin", "js_statistician"}),
    "POST /api/v1/monitoring/submissions/{submission_id}/approve": (
        lambda c, w, h: c.post(f"/api/v1/monitoring/submissions/{w.submitted}/approve", json={}, headers=h),
        {"js_admin"}),
    "POST /api/v1/monitoring/submissions/{submission_id}/accept": (
        lambda c, w, h: c.post(f"/api/v1/monitoring/submissions/{w.approved}/accept", json={}, headers=h),
        {"office_admin"}),
    "POST /api/v1/monitoring/submissions/{submission_id}/return": (
        lambda c, w, h: c.post(f"/api/v1/monitoring/submissions/{w.submitted}/return", json={"reason": "请核对"},
                               headers=h),
        {"office_admin", "js_admin"}),
    "POST /api/v1/monitoring/tasks/{code}/updates": (
        lambda c, w, h: c.post("/api/v1/monitoring/tasks/T02/updates", headers=h, json={
            "region": "320000", "status": "in_progress", "progress": 40, "note": "紫金山实验室二期建设中"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/monitoring/measurements": (
        lambda c, w, h: c.post("/api/v1/monitoring/measurements", headers=h, data={"source": "WoS 导出 2026-11"},
                               files={"values": ("indicators_city.csv",
                                                 b"indicator,year,value\nyrd_coauthored_intl_papers,2024,3\n")}),
        {"office_admin"}),
    "POST /api/v1/programmes": (
        lambda c, w, h: c.post("/api/v1/programmes", headers=h, json={"code": "NEW-P", "name": "新计划",
                                                                     "owners": ["320000"]}),
        {"office_admin", "js_admin"}),
    "PATCH /api/v1/programmes/{programme_id}": (
        lambda c, w, h: c.patch(f"/api/v1/programmes/{w.prog['programme']}", headers=h,
                                json={"description": "矩阵计划说明"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/programmes/{programme_id}/calls": (
        lambda c, w, h: c.post(f"/api/v1/programmes/{w.prog['programme']}/calls", headers=h, json={
            "code": "NEW-C", "title": "新指南", "opens_at": "2026-01-01T00:00:00Z",
            "deadline": "2027-01-01T00:00:00Z"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/calls/{call_id}/projects": (
        lambda c, w, h: c.post(f"/api/v1/calls/{w.prog['call']}/projects", headers=h, json={
            "code": "NEW-PRJ", "title": "新项目", "lead_org_id": w.org_a, "funders": {"320000": {"2026": 50}}}),
        {"org_admin_own", "member"}),
    "POST /api/v1/projects/{project_id}/submit": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['draft']}/submit", headers=h),
        {"org_admin_own", "member"}),
    "PATCH /api/v1/projects/{project_id}": (
        lambda c, w, h: c.patch(f"/api/v1/projects/{w.prog['draft']}", headers=h, json={"summary": "修改草稿"}),
        {"org_admin_own", "member"}),
    "POST /api/v1/projects/{project_id}/review/start": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['submitted']}/review/start", headers=h),
        {"office_admin", "js_admin"}),
    "POST /api/v1/projects/{project_id}/reviewers": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['review']}/reviewers", headers=h,
                               json={"username": "m_expert2"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/projects/{project_id}/review": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['review']}/review", headers=h,
                               json={"score": 90, "comment": "优秀"}),
        {"expert"}),
    "POST /api/v1/projects/{project_id}/conflict": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['review2']}/conflict", headers=h,
                               json={"reason": "曾合作"}),
        {"expert"}),
    "POST /api/v1/projects/{project_id}/funding/{province}": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['reviewed']}/funding/320000", headers=h,
                               json={"approve": True}),
        {"js_admin"}),
    "POST /api/v1/projects/{project_id}/transitions": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['approved']}/transitions", headers=h,
                               json={"action": "contract"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/projects/{project_id}/milestones": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['approved']}/milestones", headers=h,
                               json={"title": "样机", "due": "2027-06-30"}),
        {"org_admin_own", "member"}),
    "POST /api/v1/projects/{project_id}/milestones/{milestone_id}/done": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['approved']}/milestones/{w.prog['milestone']}/done",
                               headers=h, json={"evidence": "报告"}),
        {"org_admin_own", "member"}),
    "POST /api/v1/projects/{project_id}/changes": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['approved']}/changes", headers=h,
                               json={"kind": "budget", "description": "调整预算"}),
        {"org_admin_own", "member"}),
    "POST /api/v1/projects/{project_id}/changes/{change_id}/decision": (
        lambda c, w, h: c.post(f"/api/v1/projects/{w.prog['approved']}/changes/{w.prog['change']}/decision",
                               headers=h, json={"approve": True, "reason": "同意"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/outputs/reports": (
        lambda c, w, h: c.post("/api/v1/outputs/reports", headers=h, json={
            "number": "JS-2026-0001", "title": "矩阵报告", "type": "final", "org_id": w.org_a, "openness": "public",
            "year": 2026}),
        {"office_admin", "org_admin_own", "member"}),
    "POST /api/v1/outputs/achievements": (
        lambda c, w, h: c.post("/api/v1/outputs/achievements", headers=h, json={
            "kind": "patent", "title": "矩阵专利", "year": 2026, "applicant_org_ids": [w.org_a]}),
        {"office_admin", "org_admin_own", "member"}),
    "PATCH /api/v1/outputs/reports/{report_id}": (
        lambda c, w, h: c.patch(f"/api/v1/outputs/reports/{w.report}", headers=h, json={"title": "矩阵报告（修订）"}),
        {"office_admin", "org_admin_own", "member"}),
    "POST /api/v1/outputs/reports/{report_id}/transitions": (
        lambda c, w, h: c.post(f"/api/v1/outputs/reports/{w.report}/transitions", headers=h, json={"move": "submit"}),
        {"office_admin", "org_admin_own", "member"}),
    "PATCH /api/v1/outputs/achievements/{achievement_id}": (
        lambda c, w, h: c.patch(f"/api/v1/outputs/achievements/{w.achievement}", headers=h, json={"trl": 4}),
        {"office_admin", "org_admin_own", "member"}),
    "POST /api/v1/outputs/reports/{report_id}/file": (
        lambda c, w, h: c.post(f"/api/v1/outputs/reports/{w.report}/file", headers=h, files={
            "file": ("r.txt", io.BytesIO("矩阵报告全文".encode("gbk")), "text/plain")}),
        {"office_admin", "org_admin_own", "member"}),
    "POST /api/v1/outputs/reports/import": (
        lambda c, w, h: c.post("/api/v1/outputs/reports/import", headers=h, files={"file": ("r.csv", io.BytesIO(
            f"报告编号,报告名称,报告类型,提交单位,公开类别,年份\nM-IMP-0001,矩阵导入报告,最终报告,{w.org_a},公开,2026\n"
            .encode()), "text/csv")}),
        {"office_admin", "org_admin_own", "member"}),
    "POST /api/v1/outputs/achievements/import": (
        lambda c, w, h: c.post("/api/v1/outputs/achievements/import", headers=h, files={"file": ("a.csv", io.BytesIO(
            f"成果类型,成果名称,年份,完成单位\n专利,矩阵导入专利,2026,{w.org_a}\n".encode()), "text/csv")}),
        {"office_admin", "org_admin_own", "member"}),
    "POST /api/v1/programmes/import": (
        lambda c, w, h: c.post("/api/v1/programmes/import", headers=h, files={"file": ("p.csv", io.BytesIO(
            "计划编号,计划名称,主管方\nM-IMP,矩阵导入计划,江苏\n".encode()), "text/csv")}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/projects/import": (
        lambda c, w, h: c.post("/api/v1/projects/import", headers=h, files={"file": ("p.csv", io.BytesIO(
            f"项目编号,项目名称,计划编号,牵头单位\nM-IMP-1,矩阵导入项目,M-PROG,{w.org_a}\n".encode()), "text/csv")}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/monitoring/evaluations": (
        lambda c, w, h: c.post("/api/v1/monitoring/evaluations", headers=h),
        {"office_admin"}),
    "POST /api/v1/monitoring/evaluations/{run_id}/publish": (
        lambda c, w, h: c.post(f"/api/v1/monitoring/evaluations/{w.evaluation}/publish", headers=h),
        {"office_admin"}),
    "POST /api/v1/resources/instruments": (
        lambda c, w, h: c.post("/api/v1/resources/instruments", headers=h, json={
            "code": "M-INS-0002", "name": "新仪器", "category": "分析仪器", "value_yuan": "300000", "org_id": w.org_a}),
        {"office_admin", "org_admin_own"}),
    "PUT /api/v1/resources/instruments/{instrument_id}": (
        lambda c, w, h: c.put(f"/api/v1/resources/instruments/{_res(w)['instrument']}", headers=h, json={
            "code": "M-INS-0001", "name": "矩阵仪器（改）", "category": "分析仪器", "value_yuan": "500000",
            "org_id": w.org_a}),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/instruments/import": (
        lambda c, w, h: c.post("/api/v1/resources/instruments/import", headers=h, files={"file": ("i.csv", io.BytesIO(
            f"仪器编号,仪器名称,仪器分类,原值（万元）,所属单位\nM-INS-0003,导入仪器,分析仪器,40,{w.org_a}\n"
            .encode()), "text/csv")}),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/instruments/{instrument_id}/training": (
        lambda c, w, h: c.post(f"/api/v1/resources/instruments/{_res(w)['instrument']}/training", headers=h,
                               json={"user_id": _res(w)["trainee"]}),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/instruments/{instrument_id}/outages": (
        lambda c, w, h: c.post(f"/api/v1/resources/instruments/{_res(w)['instrument']}/outages", headers=h,
                               json={**_when(20), "reason": "校准"}),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/bookings": (
        lambda c, w, h: c.post("/api/v1/resources/bookings", headers=h, json={
            "instrument_id": _res(w)["instrument"], "org_id": w.org_a, **_when(10)}),
        {"org_admin_own", "member"}),
    "POST /api/v1/resources/bookings/{booking_id}/cancel": (
        lambda c, w, h: c.post(f"/api/v1/resources/bookings/{_res(w)['cancel']}/cancel", headers=h),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/bookings/{booking_id}/use": (
        lambda c, w, h: c.post(f"/api/v1/resources/bookings/{_res(w)['use']}/use", headers=h, json={
            k.replace("starts", "started").replace("ends", "ended"): v for k, v in _when(5).items()}),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/bookings/{booking_id}/miss": (
        lambda c, w, h: c.post(f"/api/v1/resources/bookings/{_res(w)['miss']}/miss", headers=h),
        {"office_admin", "org_admin_own"}),
    "POST /api/v1/resources/schemes": (
        lambda c, w, h: c.post("/api/v1/resources/schemes", headers=h, json={
            "code": "M-SCHEME-2", "name": "新创新券", "province": "320000", "share_percent": "40",
            "holder_cap_yuan": "5000", "budget_yuan": "50000", "valid_from": "2026-01-01",
            "valid_until": "2026-12-31"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/resources/vouchers": (
        lambda c, w, h: c.post("/api/v1/resources/vouchers", headers=h, json={
            "scheme_id": _res(w)["scheme"], "holder_org_id": w.org_b, "face_yuan": "500"}),
        {"office_admin", "js_admin"}),
    "POST /api/v1/resources/redemptions": (
        lambda c, w, h: c.post("/api/v1/resources/redemptions", headers=h, json={
            "voucher_id": _res(w)["voucher"], "booking_id": _res(w)["redeem"], "key": "matrix-redemption-1"}),
        {"org_admin_own"}),
}
# Drafts of a jurisdiction are invisible to outsiders: they get 404 (not even a 403 revealing existence).
HIDDEN_DRAFT_ROUTES = {k for k in MATRIX if k.startswith(("PUT /api/v1/monitoring",
                                                           "POST /api/v1/monitoring/submissions/"))} | {
    "POST /api/v1/monitoring/evaluations/{run_id}/publish",  # a run not yet published is the office's
    # projects before approval are visible only to their applicants, owners and assigned reviewers
    "POST /api/v1/projects/{project_id}/submit", "PATCH /api/v1/projects/{project_id}",
    "POST /api/v1/projects/{project_id}/review/start",
    "POST /api/v1/projects/{project_id}/reviewers", "POST /api/v1/projects/{project_id}/review",
    "POST /api/v1/projects/{project_id}/conflict", "POST /api/v1/projects/{project_id}/funding/{province}",
    # a report is a draft of its organisation until it is accepted
    "PATCH /api/v1/outputs/reports/{report_id}", "POST /api/v1/outputs/reports/{report_id}/transitions",
    "POST /api/v1/outputs/reports/{report_id}/file",
    # a booking is read by its booker, the paying and the hosting organisations' admins and the joint office
    "POST /api/v1/resources/bookings/{booking_id}/cancel", "POST /api/v1/resources/bookings/{booking_id}/use",
    "POST /api/v1/resources/bookings/{booking_id}/miss", "POST /api/v1/resources/redemptions"}


ROW_REFUSED = {(f"POST /api/v1/{path}/import", who) for path in ("programmes", "projects") for who in ("zj_admin",)} | {
    (f"POST /api/v1/outputs/{kind}/import", "org_admin_other") for kind in ("reports", "achievements")} | {
    ("POST /api/v1/resources/instruments/import", "org_admin_other")}


def write_routes(app: FastAPI) -> dict[str, dict[str, Any]]:
    """Every write operation the API publishes (its OpenAPI document is the list clients see)."""
    routes = {}
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if method.upper() in WRITE:
                routes[f"{method.upper()} {path}"] = operation
    return routes


def test_no_write_route_hides_from_the_api_document(app: FastAPI) -> None:
    hidden = []
    routes = _all_routes(app)
    assert sum(1 for r in routes if r.full_path.startswith("/api/v1/organisations")) >= 4
    for route in routes:
        methods = (getattr(route, "methods", None) or set()) & WRITE
        if methods and route.full_path.startswith("/api/") and not route.visible:
            hidden.append(route.full_path)
    assert not hidden


def _all_routes(app: FastAPI) -> list[Any]:
    """Every route object with its full path (FastAPI keeps included routers as branches with a prefix)."""
    found: list[Any] = []
    stack: list[tuple[str, bool, Any]] = [("", True, r) for r in app.routes]
    while stack:
        prefix, in_schema, route = stack.pop()
        original = getattr(route, "original_router", None)
        if original is not None:
            context = route.include_context
            stack.extend((prefix + context.prefix, in_schema and context.include_in_schema, r)
                         for r in original.routes)
        else:
            route.full_path = prefix + getattr(route, "path", "")
            route.visible = in_schema and getattr(route, "include_in_schema", True)
            found.append(route)
    return found


def test_every_write_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = write_routes(app)
    assert routes, "no write routes found"
    missing = sorted(set(routes) - set(MATRIX))
    assert not missing, f"write routes without a policy-matrix entry: {missing}"
    stale = sorted(set(MATRIX) - set(routes))
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"
    for key, operation in routes.items():
        action = operation.get("x-policy-action")
        assert action in POLICY, f"{key} declares no policy action known to accounts/policy.py ({action!r})"


def test_policy_actions_appear_in_openapi(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    declared = {op.get("x-policy-action") for path in spec["paths"].values() for op in path.values()}
    assert {"org.create", "org.merge", "token.revoke"} <= declared


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_matrix(route: str, who: str, client: TestClient, session: Session) -> None:
    world = build_world(session)
    headers = bearer_for(session, who, world)
    call, allowed = MATRIX[route]
    response = call(client, world, headers)
    if who in allowed:
        assert 200 <= response.status_code < 300, (route, who, response.status_code, response.text)
    elif route == "POST /api/v1/organisations/import" and who == "zj_admin":
        # may import, but not a Jiangsu row: the row is refused, nothing is written
        assert response.status_code == 422 and response.json()["error"]["rows"][0]["code"] == "policy.denied"
    elif (route, who) in ROW_REFUSED:
        # may import files, but not this row (another jurisdiction's, another organisation's): nothing written
        assert response.status_code == 422, response.text
        assert response.json()["error"]["rows"][0]["code"] == "policy.denied", response.text
    elif route in HIDDEN_DRAFT_ROUTES and not (route.endswith("/accept") and who == "office_admin"):
        assert response.status_code == 404 or response.status_code == 403, (route, who, response.status_code)
        if response.status_code == 404:
            assert response.json()["error"]["code"].endswith("not_found")
    else:
        expected = 401 if who == "anonymous" else 403
        assert response.status_code == expected, (route, who, response.status_code, response.text)
        assert response.json()["error"]["code"] in {"unauthenticated", "forbidden"}
