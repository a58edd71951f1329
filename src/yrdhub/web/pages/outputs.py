"""Output pages: the reports and achievements list, a report's page (its moves, its draft's form, its file), the
form that registers a report, an achievement's page. Thin: the forms build the schemas of `yrdhub.outputs` and
call the same services as the API; every refusal is shown in the page's language from its code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, Target, authorize, can
from yrdhub.errors import DomainError, FieldError, NotFound, field_errors
from yrdhub.outputs import files, queries, service, usage
from yrdhub.outputs.lifecycle import LIFECYCLE, ReportStatus
from yrdhub.outputs.models import Report
from yrdhub.outputs.schemas import ReportCreate, ReportMove, ReportUpdate
from yrdhub.programmes.models import Project
from yrdhub.regions import orgs
from yrdhub.web.api.common import policy
from yrdhub.web.api.outputs import client_of, file_response
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep, SettingsDep, WriteSessionDep
from yrdhub.web.errors import status_of
from yrdhub.web.templating import render
from yrdhub.web.uploads import read_upload

router = APIRouter(include_in_schema=False)
TYPES, OPENNESS = ("final", "annual", "topical"), ("public", "delayed", "restricted")
STATES = tuple(s.value for s in ReportStatus)


class ReportForm(BaseModel):
    """What the report form posts, as typed (checked by the schema, not here)."""

    number: str = ""
    title: str = ""
    type: str = ""
    org: str = ""
    openness: str = ""
    embargo_until: str = ""
    year: str = ""
    abstract: str = ""
    full_text: str = ""
    authors: str = ""
    keywords: str = ""
    project: str = ""


class MoveForm(BaseModel):
    move: str = ""
    reason: str = ""
    row_version: str = ""


@router.get("/outputs")
def outputs(request: Request, session: SessionDep, actor: ActorDep, cursor: str = "", type: str = "",
            status: str = "") -> Response:
    flt = queries.ReportFilter(type=type if type in TYPES else None, status=status if status in STATES else None)
    page = queries.list_reports(session, actor=actor, flt=flt, cursor=cursor or None, limit=50)
    achievements = queries.list_achievements(session, actor=actor, limit=20).items
    return render(request, "outputs/list.html", reports=page.items, achievements=achievements, type=type,
                  status=status, types=TYPES, states=STATES, may_create=_may_create(actor),
                  next_href=_list_href(type, status, page.next_cursor) if page.next_cursor else "")


def _list_href(type: str, status: str, cursor: str) -> str:
    from urllib.parse import urlencode

    params = [(k, v) for k, v in (("type", type), ("status", status), ("cursor", cursor)) if v]
    return "/outputs?" + urlencode(params)


def _may_create(actor: Actor) -> bool:
    """Whether to offer the form: the joint office, or a member of some organisation (the organisation is then
    checked with the record)."""
    return can(actor, "output.create", Target(org_ids=tuple(sorted(actor.org_ids("org_admin", "member")))))


# --- the form of a report (new, or a draft's edit) -----------------------------------------------------------


def _values(session: Session, form: ReportForm, errors: list[FieldError]) -> dict[str, Any]:
    """The form's fields as the schema's (an organisation and a project named by name, id or code)."""
    values: dict[str, Any] = {k: getattr(form, k) for k in ("title", "type", "openness", "year", "abstract",
                                                             "full_text", "authors", "keywords")}
    values["embargo_until"] = form.embargo_until or None
    org = orgs.resolve(session, form.org) if form.org.strip() else None
    if org is None:
        errors.append(FieldError("org", "output.no_org", {"org": form.org}) if form.org.strip()
                      else FieldError("org", "validation.required"))
    else:
        values["org_id"] = org.id
    values["project_id"] = None
    if form.project.strip():
        found = session.execute(select(Project.id).where(Project.code == form.project.strip())).scalar_one_or_none()
        if found is None:
            errors.append(FieldError("project", "output.no_project", {"project": form.project.strip()}))
        values["project_id"] = found
    return values


def _entered(session: Session, report: Report) -> dict[str, Any]:
    org = orgs.get(session, report.org_id)
    project = session.get(Project, report.project_id) if report.project_id else None
    return {"number": report.number, "title": report.title, "type": report.type, "org": org.name if org else "",
            "openness": report.openness, "embargo_until": report.embargo_until or "", "year": report.year,
            "abstract": report.abstract, "full_text": report.full_text, "authors": "; ".join(report.authors),
            "keywords": "; ".join(report.keywords), "project": project.code if project else ""}


def _form_page(request: Request, actor: Actor, entered: dict[str, Any], errors: list[Any],
               status_code: int = 200) -> Response:
    return render(request, "outputs/new.html", status_code=status_code, entered=entered, errors=errors,
                  types=TYPES, openness=OPENNESS)


@router.get("/outputs/reports/new")
def new_report(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    if not _may_create(actor):  # the anonymous are sent to sign in, others refused
        raise PermissionDenied("output.create", actor)
    mine = sorted(actor.org_ids("org_admin", "member"))
    org = orgs.get(session, mine[0]) if mine else None
    return _form_page(request, actor, {"org": org.name if org else "", "type": "final", "openness": "public"}, [])


@router.post("/outputs/reports/new", dependencies=[CsrfForm], openapi_extra=policy("output.create"))
def create_report(request: Request, session: SessionDep, actor: ActorDep,
                  form: Annotated[ReportForm, Form()]) -> Response:
    errors: list[Any] = []
    values = _values(session, form, errors)
    try:
        data = ReportCreate(number=form.number, **values) if not errors else None
    except ValidationError as exc:
        errors += field_errors(exc)
        data = None
    if data is None:
        return _form_page(request, actor, form.model_dump(), errors, status_code=422)
    try:
        report = service.create_report(session, actor=actor, data=data)
    except PermissionDenied:
        raise
    except DomainError as exc:
        session.rollback()
        return _form_page(request, actor, form.model_dump(), exc.field_errors or [exc], status_code=status_of(exc))
    session.commit()
    return RedirectResponse(f"/outputs/reports/{report.id}?done=created", status_code=303)


# --- a report's page ------------------------------------------------------------------------------------------


def _report_page(request: Request, session: Session, actor: Actor, report: Report, status_code: int = 200,
                 **extra: Any) -> Response:
    here = service.target(session, report)
    readable = queries.reads_full_text(session, actor=actor, report=report)
    moves = LIFECYCLE.allowed(actor, report, here)
    # Moves the state and the policy allow but a condition holds back: shown with their reason, not as buttons.
    held = [(m, m.refusal(report, {})) for m in LIFECYCLE.moves
            if report.status in m.sources and can(actor, m.action, here) and m.refusal(report, {}) is not None]
    may_edit = report.status == ReportStatus.DRAFT and can(actor, "output.create", here)
    extra.setdefault("entered", _entered(session, report) if may_edit else {})
    return render(request, "outputs/report.html", status_code=status_code, report=report,
                  org=orgs.get(session, report.org_id), full_text=report.full_text if readable else None,
                  stored=files.file_of(session, report.id) if readable else None, moves=moves, held=held,
                  may_edit=may_edit, may_upload=files.may_upload(session, actor, report), types=TYPES,
                  openness=OPENNESS, **extra)


@router.get("/outputs/reports/{report_id}")
def report_page(report_id: RowId, request: Request, session: WriteSessionDep, actor: ActorDep,
                done: str = "") -> Response:
    report = queries.get_report(session, actor=actor, report_id=report_id)
    usage.record_use(session, report=report, actor=actor, client=client_of(request), kind="view")
    session.commit()
    return _report_page(request, session, actor, report, done=done)


@router.post("/outputs/reports/{report_id}/edit", dependencies=[CsrfForm], openapi_extra=policy("output.create"))
def edit_report(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                form: Annotated[ReportForm, Form()]) -> Response:
    report = queries.get_report(session, actor=actor, report_id=report_id)
    errors: list[Any] = []
    values = _values(session, form, errors)
    try:
        data = ReportUpdate(**values) if not errors else None
        if data is not None:
            service.update_report(session, actor=actor, report=report, data=data)
    except ValidationError as exc:
        errors += field_errors(exc)
    except PermissionDenied:
        raise
    except DomainError as exc:
        errors += exc.field_errors or [exc]
    if errors:
        session.rollback()
        return _report_page(request, session, actor, report, status_code=422, edit_errors=errors,
                            entered=form.model_dump() | {"number": report.number})
    session.commit()
    return RedirectResponse(f"/outputs/reports/{report.id}?done=saved", status_code=303)


@router.post("/outputs/reports/{report_id}/transitions", dependencies=[CsrfForm], openapi_extra=policy("lifecycle"))
def move_report(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                form: Annotated[MoveForm, Form()]) -> Response:
    report = queries.get_report(session, actor=actor, report_id=report_id)
    try:
        data = ReportMove.model_validate({"move": form.move, "reason": form.reason,
                                          "row_version": int(form.row_version) if form.row_version.isdigit() else None})
        service.move_report(session, actor=actor, report=report, data=data)
    except ValidationError as exc:
        session.rollback()
        return _report_page(request, session, actor, report, status_code=422, refused=field_errors(exc)[0])
    except PermissionDenied:
        raise
    except DomainError as exc:
        session.rollback()
        session.refresh(report)
        return _report_page(request, session, actor, report, status_code=status_of(exc), refused=exc)
    session.commit()
    return RedirectResponse(f"/outputs/reports/{report.id}?done={form.move}", status_code=303)


@router.get("/outputs/reports/{report_id}/download")
def report_download(report_id: RowId, request: Request, session: WriteSessionDep, actor: ActorDep) -> Response:
    """The original file: the same rule as the full text (404 unless visible; sign in first; insiders always)."""
    report = queries.get_report(session, actor=actor, report_id=report_id)
    if not queries.reads_full_text(session, actor=actor, report=report):
        raise PermissionDenied("report.full_text", actor)  # the anonymous are sent to sign in
    stored = files.content_of(session, report.id)
    if stored is None:
        raise NotFound("file.none")
    usage.record_use(session, report=report, actor=actor, client=client_of(request), kind="download")
    session.commit()
    return file_response(report, stored)


@router.post("/outputs/reports/{report_id}/file", dependencies=[CsrfForm], openapi_extra=policy("output.upload"))
def report_upload(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                  file: Annotated[UploadFile, File()]) -> Response:
    report = queries.get_report(session, actor=actor, report_id=report_id)
    authorize(actor, "output.upload", service.target(session, report))
    try:
        data, filename = read_upload(file, settings)
        files.attach(session, actor=actor, report=report, data=data, filename=filename)
    except PermissionDenied:
        raise
    except DomainError as exc:
        session.rollback()
        return _report_page(request, session, actor, report, status_code=status_of(exc), upload_error=exc)
    session.commit()
    return RedirectResponse(f"/outputs/reports/{report.id}?done=uploaded", status_code=303)


# --- achievements ---------------------------------------------------------------------------------------------


@router.get("/outputs/achievements/{achievement_id}")
def achievement_page(achievement_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    row = queries.get_achievement(session, actor=actor, achievement_id=achievement_id)
    return render(request, "outputs/achievement.html", achievement=row)
