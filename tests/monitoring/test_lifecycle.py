"""States as data: submissions, plan tasks and evaluation runs move only as their tables allow; the pages offer
exactly the moves `allowed()` returns, and each offered move succeeds."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.errors import Conflict, DomainError
from yrdhub.monitoring import evaluation, evaluations, service
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.lifecycle import EVALUATION, SUBMISSION, TASK, SubmissionStatus, TaskStatus
from yrdhub.monitoring.models import Framework, Submission
from yrdhub.monitoring.validation import Entry


@pytest.fixture
def framework(session: Session) -> Framework:
    fw = service.get_framework(session, "yrd-monitoring", 1)
    assert fw is not None
    return fw


def _entries(session: Session, framework: Framework, region: str, reason: str = "") -> dict[str, Entry]:
    """Plausible values for 2024 (the accepted 2023 ones grown 3 %); with a reason, for any later year too."""
    last = service.accepted_values(session, framework)[(region, 2023)]
    out = {k: Entry(float(v) * 1.03, reason) for k, v in last.items()}
    out["rd_intensity_published"] = Entry(float(out["rd_expenditure"].value) / float(out["gdp"].value) * 100,  # type: ignore[arg-type]
                                          reason)
    return out


# --- submissions -------------------------------------------------------------------------------------------------

def test_every_state_is_guarded_by_the_database(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "310000")
    sub = service.open_submission(session, actor=stat, framework=framework, region="310000", period=2024)
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text("UPDATE mon_submission SET status = 'published' WHERE id = :i"), {"i": sub.id})
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text("UPDATE mon_plan_task SET status = 'finished' WHERE code = 'T01'"))
    assert set(SUBMISSION.states) == set(SubmissionStatus)


def test_wrong_state_and_missing_reason_are_codes(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "340000")
    _, admin = make_user("jurisdiction_admin", "340000")
    _, office = make_user("office_admin")
    sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    with pytest.raises(DomainError) as caught:
        service.submit(session, actor=stat, submission=sub)  # empty: the values do not validate
    assert caught.value.code == "invalid" and {f.code for f in caught.value.field_errors} >= {"value.required"}
    service.set_values(session, actor=stat, submission=sub, entries=_entries(session, framework, "340000"))
    service.submit(session, actor=stat, submission=sub)
    with pytest.raises(Conflict) as state:
        service.set_values(session, actor=stat, submission=sub, entries={})
    assert state.value.code == "submission.not_editable"
    with pytest.raises(DomainError) as reason:
        service.return_for_correction(session, actor=admin, submission=sub, reason="  ")
    assert reason.value.code == "state.reason_required"
    service.approve(session, actor=admin, submission=sub)
    with pytest.raises(Conflict) as late:  # the jurisdiction returns only what it has not approved yet
        service.return_for_correction(session, actor=admin, submission=sub, reason="再核对")
    assert late.value.code == "state.move_not_allowed"
    service.return_for_correction(session, actor=office, submission=sub, reason="GDP 请按快报数更新")
    assert sub.status == SubmissionStatus.RETURNED
    assert sub.comments[-1]["text"] == "GDP 请按快报数更新"  # what a person typed stays as typed
    with pytest.raises(DomainError) as correction:
        service.accept(session, actor=office, submission=sub)
    assert correction.value.code == "state.move_not_allowed"


def test_a_correction_needs_a_reason_and_opens_a_new_version(session: Session, framework: Framework,
                                                             make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "310000")
    with pytest.raises(DomainError) as caught:
        service.open_submission(session, actor=stat, framework=framework, region="310000", period=2023)
    assert caught.value.code == "submission.correction_reason" and caught.value.field == "reason"
    fix = service.open_submission(session, actor=stat, framework=framework, region="310000", period=2023,
                                  reason="统计局修订")
    assert fix.version == 2 and fix.status == SubmissionStatus.DRAFT and fix.reason == "统计局修订"
    assert fix.comments[-1]["step"] == "correct"


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'id="do-([a-z_]+)"', html))


@pytest.fixture
def people(client: TestClient, app: FastAPI, make_user) -> dict[str, tuple[TestClient, str, Actor]]:  # type: ignore[no-untyped-def]
    out = {}
    for name, role, scope in (("lc_stat", "statistician", "340000"), ("lc_admin", "jurisdiction_admin", "340000"),
                              ("lc_other", "jurisdiction_admin", "320000"), ("lc_office", "office_admin", "")):
        _, actor = make_user(role, scope, username=name)
        c = TestClient(app)
        out[name] = (c, login(c, name), actor)
    return out


def test_pages_offer_exactly_the_allowed_moves_and_each_offered_move_succeeds(
        session: Session, framework: Framework, people: dict[str, tuple[TestClient, str, Actor]]) -> None:
    stat = people["lc_stat"][2]
    admin = people["lc_admin"][2]
    paths: dict[str, tuple[str, ...]] = {
        "empty draft": (), "valid draft": (), "submitted": ("fill", "submit"),
        "approved": ("fill", "submit", "approve"), "returned": ("fill", "submit", "return"),
        "accepted": ("fill", "submit", "approve", "accept")}
    checked = 0
    periods = [2024, 2023, 2025, 2026, 2027, 2028]  # 2023 is accepted: its valid draft is a correction
    for period, (label, steps) in zip(periods, paths.items(), strict=True):
        sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=period,
                                      reason="统计局修订" if period == 2023 else "")
        for step in steps:
            if step == "fill":
                service.set_values(session, actor=stat, submission=sub,
                                   entries=_entries(session, framework, "340000", reason="按快报数填报"))
            elif step == "return":
                service.return_for_correction(session, actor=admin, submission=sub, reason="核对")
            elif step == "accept":
                service.accept(session, actor=SYSTEM, submission=sub)
            else:
                getattr(service, step)(session, actor=stat if step == "submit" else admin, submission=sub)
        session.flush()
        for name, (client, _token, actor) in people.items():
            page = client.get(f"/monitoring/submissions/{sub.id}")
            if page.status_code == 404:
                assert sub.status != SubmissionStatus.ACCEPTED and name == "lc_other"
                continue
            offered = _buttons(page.text)
            expected = {m.name for m in service.allowed_moves(session, actor=actor, submission=sub)}
            assert offered == expected, (label, name, offered, expected)
            checked += 1
        for name, (client, token, actor) in people.items():
            moves = service.allowed_moves(session, actor=actor, submission=sub)
            if moves:  # the first offered move really succeeds through the page
                move = moves[0]
                response = client.post(f"/monitoring/submissions/{sub.id}/{move.name}",
                                       data={"csrf_token": token, "comment": "已核对"}, follow_redirects=False)
                assert response.status_code == 303, (label, name, move.name, response.text[:300])
                assert session.get(Submission, sub.id).status == move.target  # type: ignore[union-attr]
                break
    assert checked >= 18


# --- plan tasks --------------------------------------------------------------------------------------------------

def _report(client: TestClient, token: str, code: str, **body: Any) -> Any:
    return client.post(f"/api/v1/monitoring/tasks/{code}/updates", headers={"X-CSRF-Token": token}, json=body)


def test_task_reports_follow_the_rules(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("jurisdiction_admin", "340000", username="t_anhui")
    token = login(client, "t_anhui")
    refusals = {
        "task.completion_progress": {"status": "completed", "progress": 0, "note": "完成", "evidence": "验收报告"},
        "task.completion_evidence": {"status": "completed", "progress": 100, "note": "完成"},
        "task.not_started_progress": {"status": "not_started", "progress": 40, "note": "筹备"},
        "task.open_progress": {"status": "in_progress", "progress": 100, "note": "基本完成"},
    }
    for code, body in refusals.items():
        refused = _report(client, token, "T07", region="340000", **body)
        assert refused.status_code == 422, (code, refused.text)
        assert code in {f["code"] for f in refused.json()["error"]["fields"]} | {refused.json()["error"]["code"]}
    assert _report(client, token, "T07", region="340000", status="in_progress", progress=60,
                   note="主体完工").status_code == 201
    back = _report(client, token, "T07", region="340000", status="not_started", progress=0, note="重新规划")
    assert back.status_code == 409 and back.json()["error"]["code"] == "state.move_not_allowed"
    done = _report(client, token, "T07", region="340000", status="completed", progress=100, note="建成投运",
                   evidence="验收报告 2024-06")
    assert done.status_code == 201 and done.json()["status"] == TaskStatus.COMPLETED
    again = _report(client, token, "T07", region="340000", status="in_progress", progress=90, note="整改")
    assert again.status_code == 409 and again.json()["error"]["code"] == "state.move_not_allowed"


def test_the_office_reopens_a_completed_task_with_a_reason(client: TestClient, session: Session,
                                                           make_user) -> None:  # type: ignore[no-untyped-def]
    _, anhui = make_user("jurisdiction_admin", "340000")
    make_user("office_admin", username="t_office")
    task = plan_tasks.get(session, actor=anhui, code="T07")
    plan_tasks.report(session, actor=anhui, task=task, status="completed", progress=100, note="建成",
                      evidence="验收报告", region="340000")
    session.flush()
    token = login(client, "t_office")
    reopened = _report(client, token, "T07", status="in_progress", progress=80, note="验收材料不全，重新开放")
    assert reopened.status_code == 201 and reopened.json()["status"] == TaskStatus.IN_PROGRESS
    assert "reopen" in {m.name for m in TASK.moves}


def test_a_shared_task_is_completed_when_every_responsible_jurisdiction_is_done(session: Session,
                                                                                make_user) -> None:  # type: ignore[no-untyped-def]
    admins = {p: make_user("jurisdiction_admin", p)[1] for p in ("310000", "320000", "330000", "340000")}
    task = plan_tasks.get(session, actor=SYSTEM, code="T01")  # 三省一市
    for i, (province, actor) in enumerate(sorted(admins.items()), start=1):
        plan_tasks.report(session, actor=actor, task=task, status="completed", progress=100, note="本省部分完成",
                          evidence=f"{province} 验收报告", region=province)
        if i < 4:
            assert task.status == TaskStatus.IN_PROGRESS and task.progress == 25 * i
    assert task.status == TaskStatus.COMPLETED and task.progress == 100


# --- evaluation runs ---------------------------------------------------------------------------------------------

def test_only_a_published_run_is_the_public_evaluation(client: TestClient, session: Session, framework: Framework,
                                                       make_user) -> None:  # type: ignore[no-untyped-def]
    _, office = make_user("office_admin", username="ev_office")
    first = evaluations.run(session, actor=office, framework=framework,
                            method=evaluation.Method(runs=50, last_year=2023))
    session.flush()
    assert first.status == "computed"
    public = TestClient(client.app)
    assert public.get(f"/api/v1/monitoring/evaluations/{first.id}").status_code == 404
    assert public.get("/api/v1/monitoring/evaluations/latest").status_code == 404
    assert f"/monitoring/evaluations/{first.id}/report" not in public.get("/monitoring").text
    assert public.get(f"/monitoring/evaluations/{first.id}/report").status_code == 404
    token = login(client, "ev_office")
    assert 'id="do-publish"' in client.get(f"/monitoring?run={first.id}").text
    published = client.post(f"/api/v1/monitoring/evaluations/{first.id}/publish", headers={"X-CSRF-Token": token})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert public.get("/api/v1/monitoring/evaluations/latest").json()["id"] == first.id
    second = evaluations.run(session, actor=office, framework=framework,
                             method=evaluation.Method(runs=50, last_year=2023))
    evaluations.publish(session, actor=office, run=second)
    session.flush()
    session.refresh(first)
    assert first.status == "superseded" and second.status == "published"
    assert public.get("/api/v1/monitoring/evaluations/latest").json()["id"] == second.id
    assert public.get(f"/api/v1/monitoring/evaluations/{first.id}").json()["status"] == "superseded"
    again = client.post(f"/api/v1/monitoring/evaluations/{first.id}/publish", headers={"X-CSRF-Token": token})
    assert again.status_code == 409 and again.json()["error"]["code"] == "state.move_not_allowed"
    assert {s.value for s in EVALUATION.states} == {"computed", "published", "superseded"}


def test_only_the_office_publishes(client: TestClient, session: Session, framework: Framework,
                                   make_user) -> None:  # type: ignore[no-untyped-def]
    run = evaluations.run(session, actor=SYSTEM, framework=framework,
                          method=evaluation.Method(runs=50, last_year=2023))
    session.flush()
    make_user("jurisdiction_admin", "320000", username="ev_js")
    token = login(client, "ev_js")
    refused = client.post(f"/api/v1/monitoring/evaluations/{run.id}/publish", headers={"X-CSRF-Token": token})
    assert refused.status_code in (403, 404)

