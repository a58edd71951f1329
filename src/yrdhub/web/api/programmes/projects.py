"""Projects: applications, review, each funder's sign-off, the lifecycle, milestones and change requests. A
project the caller may not read is 404 (its existence is not revealed); a step its state refuses is 409."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor
from yrdhub.errors import DomainError
from yrdhub.programmes import moves, queries, review, writes
from yrdhub.programmes.common import get_call
from yrdhub.programmes.models import Project
from yrdhub.programmes.reads import ProjectPage, ProjectRead
from yrdhub.programmes.schemas import (
    ChangeIn,
    ConflictIn,
    DecisionIn,
    MilestoneDoneIn,
    MilestoneIn,
    ProjectCreate,
    ProjectUpdate,
    ReviewerIn,
    ReviewIn,
    TransitionIn,
    plain_decimal,
)
from yrdhub.web.api.common import ExportFormat, export, policy
from yrdhub.web.api.programmes.common import commit
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep

router = APIRouter()
ProvinceQuery = Annotated[str | None, Query(pattern=r"^3[1-4]0000$")]
Province = Annotated[str, Path(pattern=r"^3[1-4]0000$")]
EXPORT_HEADER = ["code", "title", "status", "lead_org_id", "requested_budget_wan", "funders",
                 "participant_provinces", "start_on", "end_on", "recorded", "sample"]


def _project(session: SessionDep, actor: Actor, project_id: int) -> Project:
    return queries.get_project(session, actor=actor, project_id=project_id)


@router.post("/calls/{call_id}/projects", response_model=ProjectRead, status_code=201,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def apply(call_id: RowId, body: ProjectCreate, session: SessionDep, actor: ActorDep) -> Any:
    call = get_call(session, call_id)
    created = commit(session, lambda: writes.create_project(session, actor=actor, call=call, data=body))
    return _project(session, actor, created.id)


@router.get("/projects", response_model=ProjectPage)
def projects(session: SessionDep, actor: ActorDep, funder: ProvinceQuery = None,
             participant_province: ProvinceQuery = None, status: str | None = None,
             cursor: Annotated[str | None, Query(max_length=500)] = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 50, format: ExportFormat = "json") -> Any:
    """What each jurisdiction funds (`funder`) and what its organisations take part in (`participant_province`):
    a page in code order (`next_cursor` for the next); `format=csv|xlsx` exports every project the caller may
    read."""
    filters = {"funder": funder, "participant_province": participant_province, "status": status}
    if format != "json":
        return export(format, "projects", EXPORT_HEADER, (
            [p.code, p.title, p.status, p.lead_org_id, plain_decimal(p.requested_budget_wan),
             "; ".join(f"{f.province_code}:{plain_decimal(f.amount_wan)}" for f in p.funders),
             "; ".join(sorted({x.province_code or "" for x in p.participants})), p.start_on, p.end_on,
             "recorded" if p.recorded else "", "sample" if p.is_sample else ""]
            for p in queries.each_project(session, actor=actor, **filters)))
    page = queries.list_projects(session, actor=actor, cursor=cursor, limit=limit, **filters)
    return ProjectPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/projects/{project_id}", response_model=ProjectRead)
def project(project_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return _project(session, actor, project_id)


@router.patch("/projects/{project_id}", response_model=ProjectRead, openapi_extra=policy("project.apply"),
              dependencies=[CsrfApi])
def edit_draft(project_id: RowId, body: ProjectUpdate, session: SessionDep, actor: ActorDep) -> Any:
    """Edit a saved draft before submission (only the fields sent); after submission: 409 `project.not_draft`,
    and nothing changes. `null` clears a date, the partners, the keywords or the funders."""
    row = _project(session, actor, project_id)
    commit(session, lambda: writes.update_draft(session, actor=actor, project=row, data=body))
    return row


@router.post("/projects/{project_id}/submit", response_model=ProjectRead, openapi_extra=policy("project.apply"),
             dependencies=[CsrfApi])
def submit(project_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    return commit(session, lambda: moves.submit(session, actor=actor, project=row))


@router.post("/projects/{project_id}/review/start", response_model=ProjectRead,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def start_review(project_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    return commit(session, lambda: moves.move(session, actor=actor, project=row, name="start_review"))


@router.post("/projects/{project_id}/reviewers", response_model=ProjectRead, openapi_extra=policy("programme.manage"),
             dependencies=[CsrfApi])
def assign_reviewer(project_id: RowId, body: ReviewerIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    expert = accounts.get_user(session, username=body.username)
    if expert is None:
        raise DomainError("review.no_such_expert", field="username", username=body.username)
    commit(session, lambda: review.assign_reviewer(session, actor=actor, project=row, expert=expert))
    return row


@router.post("/projects/{project_id}/review", response_model=ProjectRead, openapi_extra=policy("project.review"),
             dependencies=[CsrfApi])
def submit_review(project_id: RowId, body: ReviewIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: review.submit_review(session, actor=actor, project=row, data=body))
    return row


@router.post("/projects/{project_id}/conflict", response_model=ProjectRead, openapi_extra=policy("project.review"),
             dependencies=[CsrfApi])
def conflict(project_id: RowId, body: ConflictIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: review.declare_conflict(session, actor=actor, project=row, data=body))
    return row


@router.post("/projects/{project_id}/funding/{province}", response_model=ProjectRead,
             openapi_extra=policy("project.fund"), dependencies=[CsrfApi])
def funding(project_id: RowId, province: Province, body: DecisionIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: review.decide_funding(session, actor=actor, project=row, province=province,
                                                  approve=body.approve, reason=body.reason))
    return row


@router.post("/projects/{project_id}/transitions", response_model=ProjectRead,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def transition(project_id: RowId, body: TransitionIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    return commit(session, lambda: moves.move(session, actor=actor, project=row, name=body.action,
                                              reason=body.reason))


@router.post("/projects/{project_id}/milestones", response_model=ProjectRead, status_code=201,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def add_milestone(project_id: RowId, body: MilestoneIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: moves.add_milestone(session, actor=actor, project=row, data=body))
    return row


@router.post("/projects/{project_id}/milestones/{milestone_id}/done", response_model=ProjectRead,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def milestone_done(project_id: RowId, milestone_id: RowId, body: MilestoneDoneIn, session: SessionDep,
                   actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: moves.complete_milestone(session, actor=actor, project=row, milestone_id=milestone_id,
                                                     data=body))
    return row


@router.post("/projects/{project_id}/changes", response_model=ProjectRead, status_code=201,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def request_change(project_id: RowId, body: ChangeIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: moves.request_change(session, actor=actor, project=row, data=body))
    return row


@router.post("/projects/{project_id}/changes/{change_id}/decision", response_model=ProjectRead,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def decide_change(project_id: RowId, change_id: RowId, body: DecisionIn, session: SessionDep,
                  actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    commit(session, lambda: moves.decide_change(session, actor=actor, project=row, change_id=change_id,
                                                approve=body.approve, reason=body.reason))
    return row
