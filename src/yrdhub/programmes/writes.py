"""Programmes, calls and applications: create and update, each from its schema, each authorised against the
record it changes, audited, and (projects) kept in step in the search index. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.errors import Conflict, DomainError
from yrdhub.lifecycle import touch
from yrdhub.programmes.common import (
    Later,
    applicant_target,
    audited,
    code_is_free,
    live_org,
    owners_target,
    reindex,
    snapshot,
)
from yrdhub.programmes.labels import PROJECT_STATUS
from yrdhub.programmes.lifecycle import Status
from yrdhub.programmes.models import Call, Funding, FundingYear, Participant, Programme, ProgrammeOwner, Project
from yrdhub.programmes.schemas import (
    CallCreate,
    ProgrammeCreate,
    ProgrammeUpdate,
    ProjectCreate,
    ProjectUpdate,
    plain_decimal,
    total,
)
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation

Funders = dict[str, dict[str, Decimal]]


# --- programmes and calls ---------------------------------------------------------------------------------------

def _programme_fields(p: Programme) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "name_en": p.name_en, "description": p.description, "owners": p.owners}


def create_programme(session: Session, *, actor: Actor, data: ProgrammeCreate) -> Programme:
    """A programme of one jurisdiction or, with several owners, a joint one: each owner must consent (a
    jurisdiction admin creates programmes of their own jurisdiction only; the office any)."""
    authorize(actor, "programme.create", Target(provinces=tuple(data.owners)))
    code_is_free(session, Programme, data.code, "programme")
    programme = Programme(code=data.code, name=data.name, name_en=data.name_en, description=data.description,
                          is_sample=data.is_sample, owner_rows=[ProgrammeOwner(province_code=p) for p in data.owners])
    session.add(programme)
    session.flush()
    audit.record(session, actor, "programme.create", "programme", programme.id, after=_programme_fields(programme))
    return programme


def update_programme(session: Session, *, actor: Actor, programme: Programme, data: ProgrammeUpdate) -> bool:
    """Only the fields given change; by the programme's owners; new owners must consent as for a new programme.
    Returns whether anything changed (nothing is written otherwise)."""
    authorize(actor, "programme.manage", owners_target(programme))
    wanted = data.model_dump(exclude_unset=True)
    changed = {k: v for k, v in wanted.items() if getattr(programme, k) != v}
    if not changed:
        return False
    if "owners" in changed:
        authorize(actor, "programme.create", Target(provinces=tuple(changed["owners"])))
    before = _programme_fields(programme)
    for key, value in changed.items():
        if key == "owners":
            keep = {o.province_code: o for o in programme.owner_rows}
            programme.owner_rows = [keep.get(p) or ProgrammeOwner(province_code=p) for p in value]
        else:
            setattr(programme, key, value)
    session.flush()
    audit.record(session, actor, "programme.update", "programme", programme.id, before=before,
                 after=_programme_fields(programme))
    return True


def create_call(session: Session, *, actor: Actor, programme: Programme, data: CallCreate) -> Call:
    authorize(actor, "programme.manage", owners_target(programme))
    code_is_free(session, Call, data.code, "call")
    call = Call(programme_id=programme.id, **data.model_dump())
    session.add(call)
    session.flush()
    audit.record(session, actor, "programme.call", "call", call.id,
                 after={"code": call.code, "deadline": call.deadline.isoformat(), "programme": programme.code,
                        "max_budget_wan": None if call.max_budget_wan is None else plain_decimal(call.max_budget_wan)})
    return call


# --- applications -----------------------------------------------------------------------------------------------

def partners_of(session: Session, lead_id: int, org_ids: Sequence[int]) -> list[Organisation]:
    wanted: list[Organisation] = []
    for org_id in org_ids:
        org = live_org(session, org_id, "partner_org_ids")
        if org.id != lead_id and all(org.id != o.id for o in wanted):
            wanted.append(org)
    return wanted


def set_funders(project: Project, funders: Funders, decision: str = "pending", by: str | None = None,
                at: Any = None) -> None:
    """The project's shares become `funders` (kept rows are updated in place), and its budget their sum."""
    by_province = {f.province_code: f for f in project.funders}
    for province, funding in by_province.items():
        if province not in funders:
            project.funders.remove(funding)
    for province, yearly in funders.items():
        share = by_province.get(province)
        if share is None:
            share = Funding(province_code=province, decision=decision, decided_by=by, decided_at=at)
            project.funders.append(share)
        if share.yearly != yearly:
            years = {y.year: y for y in share.years}
            share.years = [_year(years.get(int(year)), int(year), amount) for year, amount in sorted(yearly.items())]
        share.amount_wan = sum(yearly.values(), Decimal(0))
    project.requested_budget_wan = total(funders)


def _year(row: FundingYear | None, year: int, amount: Decimal) -> FundingYear:
    if row is None:
        return FundingYear(year=year, amount_wan=amount)
    row.amount_wan = amount
    return row


def set_partners(project: Project, wanted: Sequence[Organisation]) -> None:
    """The partners become `wanted` (kept rows stay: (project, org) is unique and a flush inserts first)."""
    keep = {o.id for o in wanted}
    for p in list(project.participants):
        if p.role == "partner" and p.org_id not in keep:
            project.participants.remove(p)
    present = {p.org_id for p in project.participants}
    project.participants.extend(Participant(org_id=o.id, role="partner", province_code=o.province_code)
                                for o in wanted if o.id not in present)


def create_project(session: Session, *, actor: Actor, call: Call, data: ProjectCreate) -> Project:
    """A draft application by a member (or admin) of the lead organisation (or of one above it)."""
    lead = live_org(session, data.lead_org_id, "lead_org_id")
    authorize(actor, "project.apply", Target(org_ids=orgs.ancestors(session, lead), province=lead.province_code))
    code_is_free(session, Project, data.code, "project")
    project = new_project(session, actor, call, lead, data)
    set_funders(project, data.funders)
    session.add(project)
    session.flush()
    audit.record(session, actor, "project.create", "project", project.id, after=snapshot(project))
    reindex(session, project)
    return project


def new_project(session: Session, actor: Actor, call: Call, lead: Organisation, data: ProjectCreate,
                **fields: Any) -> Project:
    project = Project(call_id=call.id, code=data.code, title=data.title, summary=data.summary,
                      keywords=list(data.keywords), discipline=data.discipline, lead_org_id=lead.id,
                      start_on=data.start_on, end_on=data.end_on, created_by=actor.username, is_sample=data.is_sample,
                      **fields)
    project.participants.append(Participant(org_id=lead.id, role="lead", province_code=lead.province_code))
    set_partners(project, partners_of(session, lead.id, data.partner_org_ids))
    return project


EDITABLE = ("title", "summary", "keywords", "discipline", "start_on", "end_on", "partner_org_ids", "funders")


def draft_fields(project: Project) -> dict[str, Any]:
    """What an applicant may edit in a draft, as plain values (audited before and after each edit)."""
    return {"title": project.title, "summary": project.summary, "keywords": list(project.keywords),
            "discipline": project.discipline,
            "start_on": project.start_on.isoformat() if project.start_on else None,
            "end_on": project.end_on.isoformat() if project.end_on else None,
            "partner_org_ids": [p.org_id for p in project.participants if p.role == "partner"],
            "funders": {f.province_code: {y: plain_decimal(a) for y, a in f.yearly.items()} for f in project.funders}}


def update_draft(session: Session, *, actor: Actor, project: Project, data: ProjectUpdate,
                 later: Later | None = None) -> bool:
    """Edit a saved draft before it is submitted: only the fields given change (PATCH). By the lead
    organisation's members (policy `project.apply`, as creating and submitting); after submission a change goes
    through a change request. Audited with the changed fields before and after, and re-indexed; an edit that
    changes nothing writes nothing. Returns whether anything changed."""
    authorize(actor, "project.apply", applicant_target(session, project))
    if project.status != Status.DRAFT:
        raise Conflict("project.not_draft", status=PROJECT_STATUS[project.status])
    changes = data.model_dump(exclude_unset=True)
    start = changes.get("start_on", project.start_on)
    end = changes.get("end_on", project.end_on)
    if start is not None and end is not None and end < start:
        raise DomainError("project.end_before_start", field="end_on")
    partners = partners_of(session, project.lead_org_id, changes["partner_org_ids"]) \
        if "partner_org_ids" in changes else None
    before = draft_fields(project)
    for key in ("title", "summary", "keywords", "discipline", "start_on", "end_on"):
        if key in changes and getattr(project, key) != changes[key]:
            setattr(project, key, changes[key])
    if partners is not None:
        set_partners(project, partners)
    if "funders" in changes:
        set_funders(project, changes["funders"])
    after = draft_fields(project)
    changed = [k for k in EDITABLE if before[k] != after[k]]
    if not changed:
        return False
    touch(project)
    session.flush()
    audited(session, actor, audit.Change("project.update", "project", project.id,
                                         before={k: before[k] for k in changed},
                                         after={k: after[k] for k in changed}), later)
    reindex(session, project, later)
    return True
