"""Programmes and calls (public to read; owners manage)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from yrdhub.programmes import queries, writes
from yrdhub.programmes.common import get_call, get_programme
from yrdhub.programmes.reads import CallRead, ProgrammeRead
from yrdhub.programmes.schemas import CallCreate, ProgrammeCreate, ProgrammeUpdate, plain_decimal
from yrdhub.web.api.common import ExportFormat, bounded, export, policy
from yrdhub.web.api.programmes.common import commit
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep

router = APIRouter()


@router.get("/programmes", response_model=list[ProgrammeRead],
            openapi_extra=bounded("the programmes of four jurisdictions: a few dozen"))
def programmes(session: SessionDep, format: ExportFormat = "json") -> Any:
    rows = queries.programmes(session)
    if format != "json":
        header = ["code", "name", "name_en", "owners", "description", "sample"]
        return export(format, "programmes", header, ([p.code, p.name, p.name_en, "; ".join(p.owners), p.description,
                                                     "sample" if p.is_sample else ""] for p in rows))
    return rows


@router.get("/programmes/collaboration")
def collaboration(session: SessionDep) -> Any:
    """Approved projects with participants from several provinces, and province pairs, by start year."""
    return queries.collaboration_counts(session)


@router.get("/programmes/{programme_id}", response_model=ProgrammeRead)
def programme(programme_id: RowId, session: SessionDep) -> Any:
    return get_programme(session, programme_id)


@router.patch("/programmes/{programme_id}", response_model=ProgrammeRead, openapi_extra=policy("programme.manage"),
              dependencies=[CsrfApi])
def update_programme(programme_id: RowId, body: ProgrammeUpdate, session: SessionDep, actor: ActorDep) -> Any:
    """Only the fields sent change; new owners must consent as for a new programme (`programme.create`)."""
    row = get_programme(session, programme_id)
    commit(session, lambda: writes.update_programme(session, actor=actor, programme=row, data=body))
    return row


@router.get("/programmes/{programme_id}/calls", response_model=list[CallRead],
            openapi_extra=bounded("the calls of one programme"))
def calls(programme_id: RowId, session: SessionDep, format: ExportFormat = "json") -> Any:
    rows = get_programme(session, programme_id).calls
    if format != "json":
        header = ["code", "title", "opens_at", "deadline", "eligible_provinces", "eligible_org_types",
                  "max_budget_wan", "sample"]
        return export(format, "calls", header, (
            [c.code, c.title, c.opens_at, c.deadline, "; ".join(c.eligible_provinces),
             "; ".join(c.eligible_org_types), None if c.max_budget_wan is None else plain_decimal(c.max_budget_wan),
             "sample" if c.is_sample else ""] for c in rows))
    return rows


@router.post("/programmes", response_model=ProgrammeRead, status_code=201, openapi_extra=policy("programme.create"),
             dependencies=[CsrfApi])
def create_programme(body: ProgrammeCreate, session: SessionDep, actor: ActorDep) -> Any:
    return commit(session, lambda: writes.create_programme(session, actor=actor, data=body))


@router.post("/programmes/{programme_id}/calls", response_model=CallRead, status_code=201,
             openapi_extra=policy("programme.manage"), dependencies=[CsrfApi])
def create_call(programme_id: RowId, body: CallCreate, session: SessionDep, actor: ActorDep) -> Any:
    row = get_programme(session, programme_id)
    return commit(session, lambda: writes.create_call(session, actor=actor, programme=row, data=body))


@router.get("/calls/{call_id}", response_model=CallRead)
def call(call_id: RowId, session: SessionDep) -> Any:
    return get_call(session, call_id)
