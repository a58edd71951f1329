"""Every write route of the pages × every kind of actor → allowed or refused, as the API matrix decides.

Each entry posts the page's real form (its fields as the handler reads them, with the CSRF token) as a user signed
in through the login form, on the world of `test_policy_matrix.py`. Who is allowed comes from the API route the
page mirrors (`MATRIX[api][1]`: one source of truth); a page without an API twin names its own set, and says why.
Whether something was written is read from the audit chain (every service write appends an event), and for the
representative routes also from the rows themselves.

The matrix must name every page write route: a route without a policy declaration or without an entry here (and
an entry for a route that no longer exists) fails `test_every_page_write_route_is_in_the_matrix`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import csrf_from, login
from web.test_policy_matrix import (
    ACTORS,
    HIDDEN_DRAFT_ROUTES,
    MATRIX,
    MATRIX_PASSWORD,
    REASON,
    SIGNED_IN,
    SYSTEM_JS,
    WRITE,
    World,
    _all_routes,
    _res,
    build_world,
    matrix_user,
    write_routes,
)
from yrdhub import errors
from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.accounts.models import ApiToken, AuditEvent, User
from yrdhub.accounts.policy import POLICY
from yrdhub.i18n import BEIJING
from yrdhub.monitoring.lifecycle import SUBMISSION
from yrdhub.monitoring.models import EvaluationRun, Submission
from yrdhub.outputs.lifecycle import LIFECYCLE as REPORT
from yrdhub.outputs.models import Report
from yrdhub.programmes.lifecycle import LIFECYCLE as PROJECT
from yrdhub.programmes.lifecycle import OUTCOMES
from yrdhub.programmes.models import Programme, Project
from yrdhub.regions.models import Organisation
from yrdhub.resources.models import Booking, Outage, Training

Post = Callable[[TestClient, World, str], httpx.Response]  # (client, world, CSRF token) -> the response
Check = Callable[[Session, World], bool]


@dataclass(frozen=True)
class Form:
    post: Post
    api: str | None = None  # the API route the page mirrors: MATRIX[api][1] is who may
    allowed: frozenset[str] | None = None  # only for a page without an API twin (the entry says why)
    hidden: bool | None = None  # the record is hidden from outsiders (404); default: as the API twin
    setup: Callable[[Session, World], None] | None = None  # brings the world to the state the form acts on
    written: Check | None = None  # the write itself, read from its rows
    row_refused: frozenset[str] = frozenset()  # import pages: these actors may import, but not this row

    def who_may(self) -> frozenset[str]:
        if self.api is not None:
            return frozenset(MATRIX[self.api][1])
        assert self.allowed is not None
        return self.allowed

    def is_hidden(self) -> bool:
        return self.hidden if self.hidden is not None else self.api in HIDDEN_DRAFT_ROUTES


# Authentication itself: no actor exists yet to authorise (signing in), or it only ends the visitor's own session.
EXEMPT = {
    "POST /login": "signing in is authentication: it is throttled, not authorised",
    "POST /logout": "signing out only clears the visitor's own session cookie",
}


def send(client: TestClient, csrf: str, path: str, data: dict[str, Any] | None = None,
         files: dict[str, Any] | None = None) -> httpx.Response:
    return client.post(path, data={**(data or {}), "csrf_token": csrf}, files=files, follow_redirects=False)


def _csv(name: str, text: str) -> dict[str, Any]:
    return {"file": (name, io.BytesIO(text.encode()), "text/csv")}


def _local(moment: datetime) -> str:
    """A datetime-local field's value (Beijing time), as the browser sends it."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


# --- the states the lifecycle forms act on (made by the system, before the actor signs in) ------------------------

def _report_to(*steps: str) -> Callable[[Session, World], None]:
    def setup(session: Session, w: World) -> None:
        from yrdhub.outputs import service
        from yrdhub.outputs.schemas import ReportMove

        report = session.get(Report, w.report)
        assert report is not None
        for step in steps:
            service.move_report(session, actor=SYSTEM, report=report, data=ReportMove(move=step, reason=REASON))
    return setup


def _project_to(*steps: str) -> Callable[[Session, World], None]:
    """The approved project moved on by its owners' admin, and its milestone done (acceptance needs it)."""
    def setup(session: Session, w: World) -> None:
        from yrdhub.programmes import moves
        from yrdhub.programmes.schemas import MilestoneDoneIn

        assert w.prog is not None
        project = session.get(Project, w.prog["approved"])
        assert project is not None
        for step in steps:
            moves.move(session, actor=SYSTEM_JS, project=project, name=step)
        applicant = Actor(username="matrix-applicant", grants=(Grant("member", f"org:{w.org_a}"),), via="system")
        moves.complete_milestone(session, actor=applicant, project=project, milestone_id=w.prog["milestone"],
                                 data=MilestoneDoneIn(evidence="中期报告"))
    return setup


# --- proofs read from the rows --------------------------------------------------------------------------------

def _status(model: Any, key: Callable[[World], int], status: str) -> Check:
    return lambda s, w: s.execute(select(model.status).where(model.id == key(w))).scalar_one() == status


def _exists(stmt_of: Callable[[World], Any]) -> Check:
    return lambda s, w: s.execute(stmt_of(w)).first() is not None


def _prog(name: str) -> Callable[[World], int]:
    def key(w: World) -> int:
        assert w.prog is not None
        return w.prog[name]
    return key


def _report(w: World) -> int:
    assert w.report is not None
    return w.report


def _evaluation(w: World) -> int:
    assert w.evaluation is not None
    return w.evaluation


def _booking(key: str) -> Callable[[World], int]:
    return lambda w: _res(w)[key]


def _paid_by_org_c(key: str) -> Callable[[Session, World], None]:
    """The booking the form acts on, made instead by the victim as a member of org_c (org_c pays): org_c's admin
    then reads it (a payer's admin) yet may not make the move — the policy refuses, not the read rule."""
    def setup(session: Session, w: World) -> None:
        from yrdhub.accounts.service import get_user
        from yrdhub.resources import bookings
        from yrdhub.resources.schemas import BookingCreate

        victim = get_user(session, username=w.victim)
        assert victim is not None
        member = Actor(user_id=victim.id, username=victim.username, grants=(Grant("member", f"org:{w.org_c}"),),
                       via="system")
        start = (datetime.now(BEIJING) + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        _res(w)[key] = bookings.book(session, actor=member, data=BookingCreate(
            instrument_id=_res(w)["instrument"], org_id=w.org_c, starts_at=start,
            ends_at=start + timedelta(hours=1))).id
    return setup


def _in(days: int, hours: int = 1) -> dict[str, str]:
    """A slot `days` ahead as the booking form's datetime-local fields send it (Beijing time)."""
    start = (datetime.now(BEIJING) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {"starts_at": _local(start), "ends_at": _local(start + timedelta(hours=hours))}


def _password_changed(session: Session, w: World) -> bool:
    from yrdhub.accounts.service import check_password

    changed = session.execute(select(User.password_hash).where(User.username.like("m\\_%", escape="\\"))).scalars()
    return any(check_password(h, "matrix-password-2") for h in changed)


SUBMISSIONS = "POST /monitoring/submissions/{submission_id}/{move}"
REPORT_MOVES = "POST /outputs/reports/{report_id}/transitions"
PROJECT_MOVES = "POST /projects/{project_id}/transitions"
PROJECT_MANAGERS = frozenset({"office_admin", "js_admin"})  # programme.manage: the joint office, the owners' admins

PAGES: dict[str, Form] = {
    # --- accounts
    "POST /account/password": Form(
        lambda c, w, t: send(c, t, "/account/password", {"old_password": MATRIX_PASSWORD,
                                                         "new_password": "matrix-password-2"}),
        # no API twin: every signed-in user changes their own password (user.update: oneself), nobody else's
        allowed=frozenset(SIGNED_IN), written=_password_changed),
    "POST /account/tokens": Form(
        lambda c, w, t: send(c, t, "/account/tokens", {"name": "mine", "days": "30"}),
        api="POST /api/v1/tokens", written=_exists(lambda w: select(ApiToken.id).where(ApiToken.name == "mine"))),
    "POST /account/tokens/{token_id}/revoke": Form(
        lambda c, w, t: send(c, t, f"/account/tokens/{w.victim_token}/revoke"),
        api="DELETE /api/v1/tokens/{token_id}",
        written=lambda s, w: s.execute(select(ApiToken.revoked_at).where(ApiToken.id == w.victim_token))
        .scalar_one() is not None),
    # --- monitoring
    "POST /monitoring/data/open": Form(
        lambda c, w, t: send(c, t, "/monitoring/data/open", {"region": "320000", "period": "2027", "reason": ""}),
        api="POST /api/v1/monitoring/submissions",
        written=_exists(lambda w: select(Submission.id).where(Submission.region_code == "320000",
                                                              Submission.period == 2027))),
    "POST /monitoring/evaluations": Form(
        lambda c, w, t: send(c, t, "/monitoring/evaluations"), api="POST /api/v1/monitoring/evaluations"),
    "POST /monitoring/evaluations/{run_id}/publish": Form(
        lambda c, w, t: send(c, t, f"/monitoring/evaluations/{w.evaluation}/publish"),
        api="POST /api/v1/monitoring/evaluations/{run_id}/publish",
        written=_status(EvaluationRun, _evaluation, "published")),
    "POST /monitoring/submissions/{submission_id}/values": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.draft}/values", {
            **{f"value__{k}": format(v, ".6f") for k, v in w.values.items()},
            **{f"reason__{k}": REASON for k in w.values}}),
        api="PUT /api/v1/monitoring/submissions/{submission_id}/values"),
    "POST /monitoring/submissions/{submission_id}/upload": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.draft}/upload", files=_csv("t.csv", (
            "代码 code,数值 value,说明 reason\n" + "".join(f"{k},{v},{REASON}\n" for k, v in w.values.items())))),
        api="POST /api/v1/monitoring/submissions/{submission_id}/upload"),
    f"{SUBMISSIONS} [submit]": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.draft}/submit"),
        api="POST /api/v1/monitoring/submissions/{submission_id}/submit",
        written=_status(Submission, lambda w: w.draft, "submitted")),
    f"{SUBMISSIONS} [approve]": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.submitted}/approve", {"comment": ""}),
        api="POST /api/v1/monitoring/submissions/{submission_id}/approve",
        written=_status(Submission, lambda w: w.submitted, "approved")),
    f"{SUBMISSIONS} [return]": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.submitted}/return", {"comment": "请核对"}),
        api="POST /api/v1/monitoring/submissions/{submission_id}/return"),
    f"{SUBMISSIONS} [accept]": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.approved}/accept", {"comment": ""}),
        api="POST /api/v1/monitoring/submissions/{submission_id}/accept",
        written=_status(Submission, lambda w: w.approved, "accepted")),
    f"{SUBMISSIONS} [send_back]": Form(
        lambda c, w, t: send(c, t, f"/monitoring/submissions/{w.approved}/send_back", {"comment": "请核对"}),
        # the API's /return makes this move for whoever may accept (monitoring.accept: the joint office)
        allowed=frozenset({"office_admin"}), hidden=True,
        written=_status(Submission, lambda w: w.approved, "returned")),
    "POST /monitoring/tasks/{code}": Form(
        lambda c, w, t: send(c, t, "/monitoring/tasks/T02", {
            "region": "320000", "status": "in_progress", "progress": "40", "note": "紫金山实验室二期建设中",
            "evidence": "", "milestone": "", "milestone_due": ""}),
        api="POST /api/v1/monitoring/tasks/{code}/updates"),
    # --- organisations
    "POST /organisations/import": Form(
        lambda c, w, t: send(c, t, "/organisations/import", files=_csv("o.csv", "名称,类型,地区\n导入机构,lab,南京\n")),
        api="POST /api/v1/organisations/import", row_refused=frozenset({"zj_admin"}),
        written=_exists(lambda w: select(Organisation.id).where(Organisation.name == "导入机构"))),
    # --- outputs
    "POST /outputs/reports/new": Form(
        lambda c, w, t: send(c, t, "/outputs/reports/new", {
            "number": "JS-2026-0001", "title": "矩阵报告", "type": "final", "org": "矩阵甲", "openness": "public",
            "embargo_until": "", "year": "2026", "abstract": "", "full_text": "", "authors": "", "keywords": "",
            "project": ""}),
        api="POST /api/v1/outputs/reports",
        written=_exists(lambda w: select(Report.id).where(Report.number == "JS-2026-0001"))),
    "POST /outputs/reports/{report_id}/edit": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/edit", {
            "title": "矩阵报告（修订）", "type": "final", "org": "矩阵甲", "openness": "public", "embargo_until": "",
            "year": "2026", "abstract": "摘要", "full_text": "全文", "authors": "", "keywords": "", "project": ""}),
        api="PATCH /api/v1/outputs/reports/{report_id}",
        written=lambda s, w: s.execute(select(Report.title).where(Report.id == w.report)).scalar_one()
        == "矩阵报告（修订）"),
    "POST /outputs/reports/{report_id}/file": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/file", files={
            "file": ("r.txt", io.BytesIO("矩阵报告全文".encode("gbk")), "text/plain")}),
        api="POST /api/v1/outputs/reports/{report_id}/file"),
    f"{REPORT_MOVES} [submit]": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/transitions", {"move": "submit"}),
        api="POST /api/v1/outputs/reports/{report_id}/transitions",
        written=_status(Report, _report, "submitted")),
    f"{REPORT_MOVES} [recall]": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/transitions", {"move": "recall"}),
        # output.submit, as submitting: the joint office and the report's organisation
        allowed=frozenset({"office_admin", "org_admin_own", "member"}), hidden=True, setup=_report_to("submit"),
        written=_status(Report, _report, "draft")),
    f"{REPORT_MOVES} [accept]": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/transitions", {"move": "accept"}),
        # output.accept: the joint office and the admins of the report's jurisdiction (Jiangsu)
        allowed=frozenset({"office_admin", "js_admin"}), hidden=True, setup=_report_to("submit"),
        written=_status(Report, _report, "accepted")),
    f"{REPORT_MOVES} [return]": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/transitions", {"move": "return", "reason": REASON}),
        allowed=frozenset({"office_admin", "js_admin"}), hidden=True, setup=_report_to("submit")),  # output.accept
    f"{REPORT_MOVES} [withdraw]": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/transitions", {"move": "withdraw",
                                                                                 "reason": REASON}),
        # output.withdraw: the joint office; an accepted public report is read by everyone (refused: 403, not 404)
        allowed=frozenset({"office_admin"}), hidden=False, setup=_report_to("submit", "accept"),
        written=_status(Report, _report, "withdrawn")),
    f"{REPORT_MOVES} [reinstate]": Form(
        lambda c, w, t: send(c, t, f"/outputs/reports/{w.report}/transitions", {"move": "reinstate"}),
        allowed=frozenset({"office_admin"}), hidden=True,  # output.withdraw; a withdrawn report is the insiders'
        setup=_report_to("submit", "accept", "withdraw")),
    # --- programmes
    "POST /programmes": Form(
        lambda c, w, t: send(c, t, "/programmes", {"code": "NEW-P", "name": "新计划", "name_en": "", "description": "",
                                                   "owners": ["320000"]}),
        api="POST /api/v1/programmes",
        written=_exists(lambda w: select(Programme.id).where(Programme.code == "NEW-P"))),
    "POST /programmes/{programme_id}/calls": Form(
        lambda c, w, t: send(c, t, f"/programmes/{_prog('programme')(w)}/calls", {
            "code": "NEW-C", "title": "新指南", "description": "", "max_budget_wan": "",
            "opens_at": _local(datetime.now(BEIJING) - timedelta(days=1)),
            "deadline": _local(datetime.now(BEIJING) + timedelta(days=60)), "eligible_provinces": ["320000"]}),
        api="POST /api/v1/programmes/{programme_id}/calls"),
    "POST /calls/{call_id}/projects": Form(
        lambda c, w, t: send(c, t, f"/calls/{_prog('call')(w)}/projects", {
            "code": "NEW-PRJ", "title": "新项目", "summary": "", "keywords": "", "discipline": "",
            "lead_org_id": str(w.org_a), "partners": "", "start_on": "", "end_on": "", "fund__320000__2026": "50"}),
        api="POST /api/v1/calls/{call_id}/projects",
        written=_exists(lambda w: select(Project.id).where(Project.code == "NEW-PRJ"))),
    "POST /projects/{project_id}/edit": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('draft')(w)}/edit", {
            "title": "draft", "summary": "修改草稿", "keywords": "", "discipline": "", "partners": "",
            "start_on": "", "end_on": "", "fund__320000__2026": "100"}),
        api="PATCH /api/v1/projects/{project_id}",
        written=lambda s, w: s.execute(select(Project.summary).where(Project.id == _prog("draft")(w)))
        .scalar_one() == "修改草稿"),
    "POST /projects/{project_id}/submit": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('draft')(w)}/submit"),
        api="POST /api/v1/projects/{project_id}/submit", written=_status(Project, _prog("draft"), "submitted")),
    "POST /projects/{project_id}/review/start": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('submitted')(w)}/review/start"),
        api="POST /api/v1/projects/{project_id}/review/start",
        written=_status(Project, _prog("submitted"), "under_review")),
    "POST /projects/{project_id}/reviewers": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('review')(w)}/reviewers", {"username": "m_expert2"}),
        api="POST /api/v1/projects/{project_id}/reviewers"),
    "POST /projects/{project_id}/review": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('review')(w)}/review", {"score": "90", "comment": "优秀"}),
        api="POST /api/v1/projects/{project_id}/review"),
    "POST /projects/{project_id}/conflict": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('review2')(w)}/conflict", {"reason": "曾合作"}),
        api="POST /api/v1/projects/{project_id}/conflict"),
    "POST /projects/{project_id}/funding/{province}": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('reviewed')(w)}/funding/320000",
                             {"decision": "approve", "reason": ""}),
        api="POST /api/v1/projects/{project_id}/funding/{province}",
        written=_status(Project, _prog("reviewed"), "approved")),  # its one funder approved: so is the project
    f"{PROJECT_MOVES} [contract]": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/transitions", {"action": "contract",
                                                                                      "reason": ""}),
        api="POST /api/v1/projects/{project_id}/transitions",
        written=_status(Project, _prog("approved"), "contracted")),
    f"{PROJECT_MOVES} [midterm]": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/transitions", {"action": "midterm",
                                                                                      "reason": ""}),
        allowed=PROJECT_MANAGERS, hidden=False, setup=_project_to("contract")),  # programme.manage
    f"{PROJECT_MOVES} [accept]": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/transitions", {"action": "accept",
                                                                                      "reason": ""}),
        allowed=PROJECT_MANAGERS, hidden=False, setup=_project_to("contract", "midterm"),  # programme.manage
        written=_status(Project, _prog("approved"), "accepted")),
    f"{PROJECT_MOVES} [terminate]": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/transitions", {"action": "terminate",
                                                                                      "reason": "无法继续"}),
        allowed=PROJECT_MANAGERS, hidden=False),  # programme.manage
    "POST /projects/{project_id}/milestones": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/milestones", {"title": "样机",
                                                                                     "due": "2027-06-30"}),
        api="POST /api/v1/projects/{project_id}/milestones"),
    "POST /projects/{project_id}/milestones/{milestone_id}/done": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/milestones/{_prog('milestone')(w)}/done",
                             {"evidence": "报告", "done_on": ""}),
        api="POST /api/v1/projects/{project_id}/milestones/{milestone_id}/done"),
    "POST /projects/{project_id}/changes": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/changes", {"kind": "budget",
                                                                                  "description": "调整预算"}),
        api="POST /api/v1/projects/{project_id}/changes"),
    "POST /projects/{project_id}/changes/{change_id}/decision": Form(
        lambda c, w, t: send(c, t, f"/projects/{_prog('approved')(w)}/changes/{_prog('change')(w)}/decision",
                             {"decision": "approve", "reason": "同意"}),
        api="POST /api/v1/projects/{project_id}/changes/{change_id}/decision"),
    # --- resources (the world's instrument is org_a's; its bookings are the victim's, for org_b)
    "POST /resources/instruments/{instrument_id}/bookings": Form(
        lambda c, w, t: send(c, t, f"/resources/instruments/{_res(w)['instrument']}/bookings", {
            "org_id": str(w.org_a), **_in(10), "service_type": "self_operated", "purpose": "矩阵预约", "wait": ""}),
        api="POST /api/v1/resources/bookings",
        written=_exists(lambda w: select(Booking.id).where(Booking.purpose == "矩阵预约"))),
    "POST /resources/bookings/{booking_id}/cancel": Form(
        lambda c, w, t: send(c, t, f"/resources/bookings/{_res(w)['cancel']}/cancel", {"reason": "设备故障",
                                                                                       "back": "console"}),
        api="POST /api/v1/resources/bookings/{booking_id}/cancel", setup=_paid_by_org_c("cancel"),
        written=_status(Booking, _booking("cancel"), "cancelled")),
    "POST /resources/bookings/{booking_id}/use": Form(
        lambda c, w, t: send(c, t, f"/resources/bookings/{_res(w)['use']}/use", {
            "started_at": _in(5)["starts_at"], "ended_at": _in(5)["ends_at"], "samples": ""}),
        api="POST /api/v1/resources/bookings/{booking_id}/use", setup=_paid_by_org_c("use"),
        written=_status(Booking, _booking("use"), "used")),
    "POST /resources/bookings/{booking_id}/miss": Form(
        lambda c, w, t: send(c, t, f"/resources/bookings/{_res(w)['miss']}/miss"),
        api="POST /api/v1/resources/bookings/{booking_id}/miss", setup=_paid_by_org_c("miss"),
        written=_status(Booking, _booking("miss"), "missed")),
    "POST /resources/instruments/{instrument_id}/training": Form(
        lambda c, w, t: send(c, t, f"/resources/instruments/{_res(w)['instrument']}/training", {
            "user": w.victim, "trained_on": "", "valid_until": ""}),
        api="POST /api/v1/resources/instruments/{instrument_id}/training",
        written=_exists(lambda w: select(Training.id).where(Training.instrument_id == _res(w)["instrument"]))),
    "POST /resources/instruments/{instrument_id}/outages": Form(
        lambda c, w, t: send(c, t, f"/resources/instruments/{_res(w)['instrument']}/outages", {
            **_in(20), "reason": "年度校准"}),
        api="POST /api/v1/resources/instruments/{instrument_id}/outages",
        written=_exists(lambda w: select(Outage.id).where(Outage.reason == "年度校准"))),
}

# Routes whose action is decided by the lifecycle's move (declared `policy("lifecycle")`): the moves the page offers
# on that route, each an entry of its own.
LIFECYCLES: dict[str, Any] = {SUBMISSIONS: SUBMISSION, REPORT_MOVES: REPORT, PROJECT_MOVES: PROJECT}
LIFECYCLE_ROUTES = {
    SUBMISSIONS: {m.name for m in SUBMISSION.moves},
    REPORT_MOVES: {m.name for m in REPORT.moves},
    # submitting and starting the review have routes of their own; the funders' sign-offs make approve and reject
    PROJECT_MOVES: {m.name for m in PROJECT.moves} - set(OUTCOMES) - {"submit", "start_review"},
}


def route_of(key: str) -> str:
    return key.split(" [")[0]


def move_of(key: str) -> str | None:
    return key.split(" [")[1].rstrip("]") if " [" in key else None


def page_write_routes(app: FastAPI) -> dict[str, Any]:
    """Every write route that is not the API's (the server-rendered forms), included routers expanded."""
    routes = {}
    for route in _all_routes(app):
        for method in (getattr(route, "methods", None) or set()) & WRITE:
            if not route.full_path.startswith("/api/"):
                routes[f"{method} {route.full_path}"] = route
    return routes


def declared(route: Any) -> str | None:
    action: str | None = (route.openapi_extra or {}).get("x-policy-action")
    return action


def test_every_page_write_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = page_write_routes(app)
    assert len(routes) >= 30, sorted(routes)
    assert set(EXEMPT) <= set(routes), "an exemption names a route that no longer exists"
    undeclared = sorted(k for k, r in routes.items() if k not in EXEMPT and declared(r) is None)
    assert not undeclared, f"page write routes without openapi_extra=policy(...): {undeclared}"
    for key, route in routes.items():
        action = declared(route)
        if key in LIFECYCLE_ROUTES:
            assert action == "lifecycle", f"{key}: the move decides; declare policy('lifecycle')"
        elif key not in EXEMPT:
            assert action in POLICY, f"{key} declares no policy action known to accounts/policy.py ({action!r})"
    entries = {route_of(k) for k in PAGES}
    missing = sorted(set(routes) - set(EXEMPT) - entries)
    assert not missing, f"page write routes without a page-matrix entry: {missing}"
    stale = sorted(entries - set(routes))
    assert not stale, f"page-matrix entries for routes that no longer exist: {stale}"
    for route, moves in LIFECYCLE_ROUTES.items():
        covered = {move_of(k) for k in PAGES if route_of(k) == route}
        assert covered == moves, f"{route}: entries for the moves {sorted(moves)}, not {sorted(map(str, covered))}"
    assert not {move_of(k) for k in PAGES if route_of(k) not in LIFECYCLE_ROUTES} - {None}


def test_every_page_entry_names_its_twin_or_its_own_set(app: FastAPI) -> None:
    """A twin is an API route of the matrix deciding by the same action; only a page without one names a set."""
    api = write_routes(app)
    routes = page_write_routes(app)
    for key, entry in PAGES.items():
        assert (entry.api is None) != (entry.allowed is None), f"{key}: a twin or an allowed set, not both"
        if entry.api is None:
            continue
        assert entry.api in MATRIX and entry.api in api, f"{key}: {entry.api} is not an API write route"
        action = declared(routes[route_of(key)])
        if action == "lifecycle":  # the move's action
            action = LIFECYCLES[route_of(key)].by_name[move_of(key)].action
        assert api[entry.api]["x-policy-action"] == action, (key, entry.api, action)


def audit_tip(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one())


def sign_in(client: TestClient, session: Session, who: str, world: World) -> str:
    """Through the real login form (the anonymous only open it, for a CSRF token); the world is committed."""
    if who == "anonymous":
        token = csrf_from(client.get("/login").text)
    else:
        matrix_user(session, who, world)
        token = login(client, f"m_{who}", MATRIX_PASSWORD)
    session.commit()
    return token


def denied() -> str:
    """A form's refusal by the policy, as the page shows it (its params left out)."""
    return errors.render("policy.denied", {"action": "\0"}, "zh").split("\0")[0]


def refused(html: str) -> bool:
    """The page says it was refused: the refusal alert, the policy's refusal in a form, or the 403 error page."""
    return 'id="refused"' in html or denied() in html or f"403 · {errors.render('forbidden', {}, 'zh')}" in html


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("key", sorted(PAGES))
def test_page_matrix(key: str, who: str, client: TestClient, session: Session) -> None:
    entry = PAGES[key]
    world = build_world(session)
    if entry.setup is not None:
        entry.setup(session, world)
    csrf = sign_in(client, session, who, world)
    tip = audit_tip(session)
    response = entry.post(client, world, csrf)
    session.expire_all()
    wrote = audit_tip(session) > tip
    status, location, html = response.status_code, response.headers.get("location", ""), response.text
    said = (key, who, status, location, html[:300] if status != 303 else "")
    if who in entry.who_may():
        assert status in (200, 303), said
        assert not location.startswith("/login") and not refused(html) and 'class="alert bad"' not in html, said
        assert wrote, f"{key} as {who}: answered {status} but no audited write"
        if entry.written is not None:
            assert entry.written(session, world), f"{key} as {who}: the rows do not show the write"
        return
    assert not wrote, f"{key} as {who}: refused ({status}) yet the audit chain grew"
    if entry.written is not None:
        assert not entry.written(session, world), f"{key} as {who}: refused ({status}) yet the rows changed"
    if who == "anonymous":
        if entry.is_hidden() and status == 404:  # the record is not revealed to the public
            assert "404 ·" in html, said
        else:
            assert status == 303 and location.startswith("/login"), said
    elif who in entry.row_refused:
        # may import files, but not this row (another jurisdiction's): the problem table says so, nothing written
        assert status == 422 and 'id="import-errors"' in html and denied() in html, said
    elif entry.is_hidden() and status == 404:
        assert "404 ·" in html, said
    else:
        assert status == 403 and refused(html), said
