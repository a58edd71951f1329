"""/api/v1/programmes, /calls, /projects — the programme-management platform."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor
from yrdhub.programmes import imports as programme_imports
from yrdhub.programmes import service
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.programmes.schemas import (
    CallIn,
    CallRead,
    ChangeIn,
    ConflictIn,
    DecisionIn,
    MilestoneDoneIn,
    MilestoneIn,
    ProgrammeIn,
    ProgrammeRead,
    ProjectIn,
    ProjectRead,
    ProjectUpdate,
    ReviewerIn,
    ReviewIn,
    TransitionIn,
)
from yrdhub.regions.schemas import ImportResult
from yrdhub.web.api.common import ExportFormat, export, policy
from yrdhub.web.api.outputs import import_answer, mapping_of, read_upload
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep, SettingsDep
from yrdhub.web.errors import ApiError

router = APIRouter(tags=["programmes 科技计划"])
ProvinceQuery = Annotated[str | None, Query(pattern=r"^3[1-4]0000$")]


def _refused(exc: service.ProgrammeError) -> ApiError:
    return ApiError(409, "conflict", str(exc))


def _programme(session: SessionDep, programme_id: int) -> Programme:
    row = session.get(Programme, programme_id)
    if row is None:
        raise ApiError(404, "not_found", f"计划不存在 / no such programme: {programme_id}")
    return row


def _call(session: SessionDep, call_id: int) -> Call:
    row = session.get(Call, call_id)
    if row is None:
        raise ApiError(404, "not_found", f"指南不存在 / no such call: {call_id}")
    return row


def _project(session: SessionDep, actor: Actor, project_id: int) -> Project:
    row = service.get_project(session, project_id)
    if row is None or not service.can_read(session, actor, row):
        raise ApiError(404, "not_found", f"项目不存在 / no such project: {project_id}")
    return row


@router.get("/programmes", response_model=list[ProgrammeRead])
def programmes(session: SessionDep, format: ExportFormat = "json") -> Any:
    rows = list(session.execute(select(Programme).order_by(Programme.code)).scalars())
    if format != "json":
        header = ["code", "name", "name_en", "owners", "description", "sample"]
        return export(format, "programmes", header, ([p.code, p.name, p.name_en, "; ".join(p.owners), p.description,
                                                     "示例" if p.is_sample else ""] for p in rows))
    return rows


@router.get("/programmes/collaboration")
def collaboration(session: SessionDep) -> Any:
    """Approved projects with participants from several provinces, and province pairs, by start year."""
    return service.collaboration_counts(session)


@router.get("/programmes/{programme_id}", response_model=ProgrammeRead)
def programme(programme_id: RowId, session: SessionDep) -> Any:
    return _programme(session, programme_id)


@router.get("/programmes/{programme_id}/calls", response_model=list[CallRead])
def calls(programme_id: RowId, session: SessionDep, format: ExportFormat = "json") -> Any:
    rows = _programme(session, programme_id).calls
    if format != "json":
        header = ["code", "title", "opens_at", "deadline", "eligible_provinces", "eligible_org_types",
                  "max_budget_wan", "sample"]
        return export(format, "calls", header, (
            [c.code, c.title, c.opens_at, c.deadline, "; ".join(c.eligible_provinces),
             "; ".join(c.eligible_org_types), c.max_budget_wan, "示例" if c.is_sample else ""] for c in rows))
    return rows


@router.post("/programmes", response_model=ProgrammeRead, status_code=201, openapi_extra=policy("programme.create"),
             dependencies=[CsrfApi])
def create_programme(body: ProgrammeIn, session: SessionDep, actor: ActorDep) -> Any:
    try:
        row = service.create_programme(session, actor=actor, **body.model_dump())
    except service.ProgrammeError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    session.commit()
    return row


@router.post("/programmes/{programme_id}/calls", response_model=CallRead, status_code=201,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def create_call(programme_id: RowId, body: CallIn, session: SessionDep, actor: ActorDep) -> Any:
    try:
        row = service.create_call(session, actor=actor, programme=_programme(session, programme_id),
                                  **body.model_dump())
    except service.ProgrammeError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    session.commit()
    return row


@router.get("/calls/{call_id}", response_model=CallRead)
def call(call_id: RowId, session: SessionDep) -> Any:
    return _call(session, call_id)


@router.post("/calls/{call_id}/projects", response_model=ProjectRead, status_code=201,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def apply(call_id: RowId, body: ProjectIn, session: SessionDep, actor: ActorDep) -> Any:
    try:
        row = service.create_project(session, actor=actor, call=_call(session, call_id), **body.model_dump())
    except service.ProgrammeError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    session.commit()
    return row


@router.get("/projects", response_model=list[ProjectRead])
def projects(session: SessionDep, actor: ActorDep, funder: ProvinceQuery = None,
             participant_province: ProvinceQuery = None, status: str | None = None,
             format: ExportFormat = "json") -> Any:
    """What each jurisdiction funds (`funder`) and what its organisations take part in (`participant_province`)."""
    rows = service.list_projects(session, actor=actor, funder=funder, participant_province=participant_province,
                                 status=status)
    if format != "json":
        header = ["code", "title", "status", "lead_org_id", "requested_budget_wan", "funders", "participant_provinces",
                  "start_on", "end_on", "sample"]
        return export(format, "projects", header, (
            [p.code, p.title, p.status, p.lead_org_id, p.requested_budget_wan,
             "; ".join(f"{f.province_code}:{f.amount_wan:g}" for f in p.funders),
             "; ".join(sorted({x.province_code or "" for x in p.participants})), p.start_on, p.end_on,
             "示例" if p.is_sample else ""] for p in rows))
    return rows


@router.get("/projects/{project_id}", response_model=ProjectRead)
def project(project_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return _project(session, actor, project_id)


@router.patch("/projects/{project_id}", response_model=ProjectRead, openapi_extra=policy("project.apply"),
              dependencies=[CsrfApi])
def edit_draft(project_id: RowId, body: ProjectUpdate, session: SessionDep, actor: ActorDep) -> Any:
    """Edit a saved draft before submission (only the fields sent); after submission: 409 with the reason, and
    nothing changes. `null` clears a date; `title` may not be null."""
    row = _project(session, actor, project_id)
    refusal = row.status != "draft"  # 409: the project's state refuses; 422: the values do
    try:
        service.update_draft(session, actor=actor, project=row, changes=body.model_dump(exclude_unset=True))
    except service.ProgrammeError as exc:
        session.rollback()
        raise (_refused(exc) if refusal else ApiError(422, "validation_error", str(exc))) from exc
    session.commit()
    return row


def _step(session: SessionDep, fn: Any) -> Any:
    try:
        result = fn()
    except service.ProgrammeError as exc:
        raise _refused(exc) from exc
    session.commit()
    return result


@router.post("/projects/{project_id}/submit", response_model=ProjectRead, openapi_extra=policy("project.apply"),
             dependencies=[CsrfApi])
def submit(project_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    return _step(session, lambda: service.submit(session, actor=actor, project=row))


@router.post("/projects/{project_id}/review/start", response_model=ProjectRead,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def start_review(project_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    return _step(session, lambda: service.start_review(session, actor=actor, project=row))


@router.post("/projects/{project_id}/reviewers", response_model=ProjectRead, openapi_extra=policy("programme.manage"),
             dependencies=[CsrfApi])
def assign_reviewer(project_id: RowId, body: ReviewerIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    expert = accounts.get_user(session, username=body.username)
    if expert is None:
        raise ApiError(404, "not_found", f"用户不存在 / no such user: {body.username}")
    _step(session, lambda: service.assign_reviewer(session, actor=actor, project=row, expert=expert))
    return row


@router.post("/projects/{project_id}/review", response_model=ProjectRead, openapi_extra=policy("project.review"),
             dependencies=[CsrfApi])
def review(project_id: RowId, body: ReviewIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.submit_review(session, actor=actor, project=row, score=body.score,
                                                 comment=body.comment))
    return row


@router.post("/projects/{project_id}/conflict", response_model=ProjectRead, openapi_extra=policy("project.review"),
             dependencies=[CsrfApi])
def conflict(project_id: RowId, body: ConflictIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.declare_conflict(session, actor=actor, project=row, reason=body.reason))
    return row


@router.post("/projects/{project_id}/funding/{province}", response_model=ProjectRead,
             openapi_extra=policy("project.fund"), dependencies=[CsrfApi])
def funding(project_id: RowId, province: Annotated[str, Path(pattern=r"^3[1-4]0000$")], body: DecisionIn,
            session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.decide_funding(session, actor=actor, project=row, province=province,
                                                  approve=body.approve, reason=body.reason))
    return row


@router.post("/projects/{project_id}/transitions", response_model=ProjectRead,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def transition(project_id: RowId, body: TransitionIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    return _step(session, lambda: service.move(session, actor=actor, project=row, action=body.action,
                                               reason=body.reason))


@router.post("/projects/{project_id}/milestones", response_model=ProjectRead, status_code=201,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def add_milestone(project_id: RowId, body: MilestoneIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.add_milestone(session, actor=actor, project=row, title=body.title, due=body.due))
    return row


@router.post("/projects/{project_id}/milestones/{milestone_id}/done", response_model=ProjectRead,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def milestone_done(project_id: RowId, milestone_id: RowId, body: MilestoneDoneIn, session: SessionDep,
                   actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.complete_milestone(session, actor=actor, project=row, milestone_id=milestone_id,
                                                      evidence=body.evidence, done_on=body.done_on))
    return row


@router.post("/projects/{project_id}/changes", response_model=ProjectRead, status_code=201,
             openapi_extra=policy("project.apply"), dependencies=[CsrfApi])
def request_change(project_id: RowId, body: ChangeIn, session: SessionDep, actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.request_change(session, actor=actor, project=row, kind=body.kind,
                                                  description=body.description))
    return row


@router.post("/projects/{project_id}/changes/{change_id}/decision", response_model=ProjectRead,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def decide_change(project_id: RowId, change_id: RowId, body: DecisionIn, session: SessionDep,
                  actor: ActorDep) -> Any:
    row = _project(session, actor, project_id)
    _step(session, lambda: service.decide_change(session, actor=actor, project=row, change_id=change_id,
                                                 approve=body.approve, reason=body.reason))
    return row


# --- bulk import (CSV in UTF-8/GBK, XLSX, JSON): all rows or none ----------------------------------------------

MapQuery = Annotated[list[str] | None, Query(max_length=50, description="源列=字段 source column=field")]


@router.post("/programmes/import", response_model=ImportResult, openapi_extra=policy("programme.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
async def import_programmes(session: SessionDep, actor: ActorDep, settings: SettingsDep,
                            file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                            map: MapQuery = None) -> Any:
    """Programmes by code; a jurisdiction admin only for its own jurisdiction's (other rows are refused)."""
    data = await read_upload(file, settings)
    report = programme_imports.import_programmes(session, actor=actor, data=data, filename=file.filename or "upload",
                                                 dry_run=dry_run, mapping=mapping_of(map),
                                                 ignore_unknown=ignore_unknown)
    return import_answer(session, report, dry_run)


@router.post("/projects/import", response_model=ImportResult, openapi_extra=policy("programme.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
async def import_projects(session: SessionDep, actor: ActorDep, settings: SettingsDep,
                          file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                          map: MapQuery = None, programme: Annotated[str | None, Query(max_length=40)] = None,
                          call: Annotated[str | None, Query(max_length=40)] = None) -> Any:
    """Projects by code with participants and funders' yearly amounts, by the programme's owners.
    `programme` / `call` give the default for rows without those columns."""
    data = await read_upload(file, settings)
    report = programme_imports.import_projects(session, actor=actor, data=data, filename=file.filename or "upload",
                                               dry_run=dry_run, mapping=mapping_of(map),
                                               ignore_unknown=ignore_unknown, programme=programme, call=call)
    return import_answer(session, report, dry_run)


@router.get("/programmes/import/template")
def programmes_template() -> Response:
    return _template("programmes")


@router.get("/projects/import/template")
def projects_template() -> Response:
    return _template("projects")


def _template(kind: str) -> Response:
    """An XLSX with the Chinese column headers and one example row."""
    columns, example = programme_imports.EXAMPLES[kind]
    return Response(programme_imports.template(columns, example),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.xlsx"'})
