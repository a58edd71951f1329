"""The programme list (with the projects the reader may see, a page at a time), a programme with its calls, a
call with its projects and the application form, and each jurisdiction's view."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError, NotFound
from yrdhub.i18n import BEIJING
from yrdhub.programmes import offers, queries, writes
from yrdhub.programmes.common import get_call, get_programme
from yrdhub.programmes.labels import PROVINCES
from yrdhub.programmes.models import Call, Programme
from yrdhub.programmes.schemas import CallCreate, ProgrammeCreate, ProjectCreate
from yrdhub.regions.models import ORG_TYPES
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.pages.programmes.common import (
    PROJECT_FIELDS,
    build,
    fund_entered,
    names,
    page,
    problems,
    project_form,
    text,
    years,
)

router = APIRouter()
PAGE = 50


def _list_page(request: Request, session: SessionDep, actor: Actor, funder: str = "", participant: str = "",
               cursor: str | None = None, status_code: int = 200, errors: list[Any] | None = None,
               entered: dict[str, Any] | None = None) -> Response:
    listed = queries.list_projects(session, actor=actor, funder=funder or None,
                                   participant_province=participant or None, cursor=cursor, limit=PAGE)
    return page(request, "programmes/list.html", status_code=status_code, programmes=queries.programmes(session),
                projects=listed.items, next_cursor=listed.next_cursor, names=names(session), funder=funder,
                participant=participant, collaboration=queries.collaboration_counts(session),
                owners_allowed=offers.owners_allowed(actor), my_reviews=queries.my_reviews(session, actor=actor),
                errors=errors or [], entered=entered or {})


@router.get("/programmes")
def programme_list(request: Request, session: SessionDep, actor: ActorDep, funder: str = "", participant: str = "",
                   cursor: str = "") -> Response:
    funder = funder if funder in PROVINCES else ""
    participant = participant if participant in PROVINCES else ""
    return _list_page(request, session, actor, funder, participant, cursor or None)


@router.post("/programmes", dependencies=[CsrfForm], openapi_extra=policy("programme.create"))
async def create_programme(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    form = await request.form()
    entered: dict[str, Any] = {k: text(form, k) for k in ("code", "name", "name_en", "description")}
    entered["owners"] = [str(o) for o in form.getlist("owners")]
    try:
        programme = writes.create_programme(session, actor=actor, data=build(ProgrammeCreate, entered))
        session.commit()
        return RedirectResponse(f"/programmes/{programme.id}?done=created", status_code=303)
    except PermissionDenied:
        raise  # as from the API: the public is sent to sign in, anyone else refused (403)
    except DomainError as exc:
        session.rollback()
        return _list_page(request, session, actor, status_code=422, errors=problems(exc), entered=entered)


def _programme_page(request: Request, session: SessionDep, actor: Actor, programme: Programme,
                    status_code: int = 200, errors: list[Any] | None = None,
                    entered: dict[str, Any] | None = None) -> Response:
    now = datetime.now(BEIJING).replace(second=0, microsecond=0)
    return page(request, "programmes/programme.html", status_code=status_code, programme=programme,
                names=names(session), can_manage=offers.can_manage(actor, programme), org_types=ORG_TYPES,
                errors=errors or [], entered=entered or {}, now=now,
                default_deadline=(now + timedelta(days=60)).replace(hour=17, minute=0))


@router.get("/programmes/{programme_id}")
def programme_page(programme_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _programme_page(request, session, actor, get_programme(session, programme_id))


@router.post("/programmes/{programme_id}/calls", dependencies=[CsrfForm], openapi_extra=policy("programme.manage"))
async def open_call(programme_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    programme = get_programme(session, programme_id)
    form = await request.form()
    entered: dict[str, Any] = {k: text(form, k) for k in ("code", "title", "description", "opens_at", "deadline",
                                                          "max_budget_wan")}
    entered["eligible_provinces"] = [str(v) for v in form.getlist("eligible_provinces")]
    entered["eligible_org_types"] = [str(v) for v in form.getlist("eligible_org_types")]
    values = {**entered, "max_budget_wan": entered["max_budget_wan"].replace(",", "") or None}
    try:
        call = writes.create_call(session, actor=actor, programme=programme, data=build(CallCreate, values))
        session.commit()
        return RedirectResponse(f"/calls/{call.id}?done=created", status_code=303)
    except PermissionDenied:
        raise  # as from the API: the public is sent to sign in, anyone else refused (403)
    except DomainError as exc:
        session.rollback()
        return _programme_page(request, session, actor, get_programme(session, programme_id), status_code=422,
                               errors=problems(exc), entered=entered)


# --- calls and applications -------------------------------------------------------------------------------------

def _call_page(request: Request, session: SessionDep, actor: Actor, call: Call, cursor: str | None = None,
               status_code: int = 200, errors: list[Any] | None = None,
               entered: dict[str, Any] | None = None) -> Response:
    programme = get_programme(session, call.programme_id)
    listed = queries.list_projects(session, actor=actor, call_id=call.id, cursor=cursor, limit=PAGE)
    now = datetime.now(BEIJING)
    return page(request, "programmes/call.html", status_code=status_code, call=call, programme=programme,
                names=names(session), projects=listed.items, next_cursor=listed.next_cursor,
                applicant_orgs=offers.applicant_orgs(session, actor),
                years=years(call.deadline.astimezone(BEIJING).year), is_open=call.opens_at <= now <= call.deadline,
                errors=errors or [], entered=entered or {})


@router.get("/calls/{call_id}")
def call_page(call_id: RowId, request: Request, session: SessionDep, actor: ActorDep, cursor: str = "") -> Response:
    return _call_page(request, session, actor, get_call(session, call_id), cursor or None)


@router.post("/calls/{call_id}/projects", dependencies=[CsrfForm], openapi_extra=policy("project.apply"))
async def apply(call_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    call = get_call(session, call_id)
    form = await request.form()
    entered: dict[str, Any] = {k: text(form, k) for k in PROJECT_FIELDS} | fund_entered(form)
    try:
        entered, data = project_form(session, form, ProjectCreate)
        project = writes.create_project(session, actor=actor, call=call, data=data)
        session.commit()
        return RedirectResponse(f"/projects/{project.id}?done=created", status_code=303)
    except PermissionDenied:
        raise  # as from the API: the public is sent to sign in, anyone else refused (403)
    except DomainError as exc:
        session.rollback()
        return _call_page(request, session, actor, get_call(session, call_id), status_code=422,
                          errors=problems(exc), entered=entered)


# --- each jurisdiction's view -------------------------------------------------------------------------------------

@router.get("/programmes/jurisdictions/{code}")
def jurisdiction_page(code: str, request: Request, session: SessionDep, actor: ActorDep, funded: str = "",
                      part: str = "") -> Response:
    if code not in PROVINCES:
        raise NotFound("not_found")
    totals = queries.jurisdiction_totals(session, actor=actor, province=code)
    funded_page = queries.list_projects(session, actor=actor, funder=code, cursor=funded or None, limit=PAGE)
    part_page = queries.list_projects(session, actor=actor, participant_province=code, cursor=part or None,
                                      limit=PAGE)
    regions = names(session)
    english = request.state.lang == "en"
    chart = {
        "years": list(totals["by_year"]),
        "running": [float(v["running"]) for v in totals["by_year"].values()],
        "applied": [float(v["applied"]) for v in totals["by_year"].values()],
        "partners": [{"code": c, "name": (regions[c].name_en if english else regions[c].short_name)
                      if regions.get(c) else c, "count": n} for c, n in totals["partners"].items()],
    }
    return page(request, "programmes/jurisdiction.html", code=code, region=regions.get(code), names=regions,
                totals=totals, funded=funded_page, taking_part=part_page, chart=chart, funded_cursor=funded,
                part_cursor=part)
