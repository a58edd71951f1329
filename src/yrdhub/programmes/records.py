"""Projects decided outside the platform (earlier years, other systems), recorded by the programme's owners —
what a project import is for — and the import's changes to projects that exist.

`record_project` creates a project in the status given (default contracted) with its funders' sign-offs: the
owners (`programme.manage`) record it, and each funder's decision is recorded only by someone who may speak for
that funder (`project.record_share`: the office, or that jurisdiction's admin). `update_from_record` takes an
import row naming an existing project through the same rules as a single write: a draft through
`writes.update_draft` (its applicant only); a recorded project's description may be corrected by its owners; a
decided share, the lead organisation and the status never change this way (after approval, changes go through
change requests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError
from yrdhub.lifecycle import touch
from yrdhub.programmes import labels
from yrdhub.programmes.common import (
    Later,
    audited,
    code_is_free,
    live_org,
    owners_target,
    record_move,
    reindex,
)
from yrdhub.programmes.lifecycle import Decision, Status
from yrdhub.programmes.models import Call, Programme, Project
from yrdhub.programmes.schemas import ProjectRecord, ProjectUpdate, total
from yrdhub.programmes.writes import draft_fields, new_project, partners_of, set_funders, set_partners, update_draft

DESCRIPTION = ("title", "summary", "keywords", "discipline", "start_on", "end_on")


def record_project(session: Session, *, actor: Actor, call: Call, data: ProjectRecord,
                   later: Later | None = None) -> Project:
    programme = session.get(Programme, call.programme_id)
    assert programme is not None
    authorize(actor, "programme.manage", owners_target(programme))
    for code in data.funders:
        if code not in programme.owners:
            raise DomainError("project.funder_not_owner", field="funders", province=labels.province(code))
        authorize(actor, "project.record_share", Target(province=code))
    code_is_free(session, Project, data.code, "project")
    lead = live_org(session, data.lead_org_id, "lead_org_id")
    project = new_project(session, actor, call, lead, data, status=data.status, recorded=True)
    decision = Decision.REJECTED if data.status == Status.REJECTED else Decision.APPROVED
    set_funders(project, data.funders, decision=decision.value, by=actor.username, at=utcnow())
    if not data.funders:
        project.requested_budget_wan = data.budget or Decimal(0)
    session.add(project)
    record_move(session, actor, project, (Status.DRAFT.value, data.status), "record", note="imported",
                later=later)
    return project


def update_from_record(session: Session, *, actor: Actor, project: Project, data: ProjectRecord,
                       later: Later | None = None) -> bool:
    """An import row naming an existing project (only the fields the row gives count). Returns whether anything
    changed."""
    given = data.model_fields_set
    if data.lead_org_id != project.lead_org_id:
        raise DomainError("project.lead_fixed", field="lead_org_id")
    if project.status == Status.DRAFT:
        if "status" in given and data.status != project.status:
            raise Conflict("project.status_via_lifecycle", field="status",
                           status=labels.PROJECT_STATUS[project.status])
        fields = {k: getattr(data, k) for k in (*DESCRIPTION, "partner_org_ids", "funders") if k in given}
        _budget_agrees(data, given, fields.get("funders"), project)
        return update_draft(session, actor=actor, project=project, data=ProjectUpdate(**fields), later=later)
    authorize(actor, "programme.manage", owners_target(_programme(session, project)))
    if "status" in given and data.status != project.status:
        raise Conflict("project.status_via_lifecycle", field="status", status=labels.PROJECT_STATUS[project.status])
    if "funders" in given:
        _shares_unchanged(project, data.funders)
    _budget_agrees(data, given, None, project)
    before = draft_fields(project)
    budget_before = project.requested_budget_wan
    wanted = {k: getattr(data, k) for k in DESCRIPTION if k in given}
    changed = {k: v for k, v in wanted.items() if getattr(project, k) != v}
    partners = partners_of(session, project.lead_org_id, data.partner_org_ids) \
        if "partner_org_ids" in given else None
    if partners is not None and [o.id for o in partners] != before["partner_org_ids"]:
        changed["partner_org_ids"] = [o.id for o in partners]
    budget = data.budget if "budget" in given and not project.funders else None
    if budget is not None and budget != budget_before:
        changed["budget"] = budget
    if not changed:
        return False
    if not project.recorded:  # an application of the platform: after submission, a change request
        raise Conflict("project.change_request_needed", status=labels.PROJECT_STATUS[project.status])
    for key in DESCRIPTION:
        if key in changed:
            setattr(project, key, changed[key])
    if partners is not None:
        set_partners(project, partners)
    if budget is not None:
        project.requested_budget_wan = budget
    touch(project)
    session.flush()
    after = draft_fields(project)
    audited(session, actor, audit.Change(
        "project.import_update", "project", project.id, before=_plain(before, budget_before, changed),
        after=_plain(after, project.requested_budget_wan, changed)), later)
    reindex(session, project, later)
    return True


def _programme(session: Session, project: Project) -> Programme:
    call = session.get(Call, project.call_id)
    assert call is not None
    programme = session.get(Programme, call.programme_id)
    assert programme is not None
    return programme


def _shares_unchanged(project: Project, funders: dict[str, dict[str, Decimal]]) -> None:
    """After submission a share changes only through a change request; a decided one never by an import."""
    current = {f.province_code: f for f in project.funders}
    for code in sorted(set(current) | set(funders)):
        share = current.get(code)
        if share is not None and share.yearly == funders.get(code, {}):
            continue
        if share is not None and share.decision != Decision.PENDING:
            raise Conflict("project.share_decided", field="funders", province=labels.province(code),
                           decision=labels.DECISION[share.decision])
        raise Conflict("project.change_request_needed", field="funders",
                       status=labels.PROJECT_STATUS[project.status])


def _budget_agrees(data: ProjectRecord, given: set[str], funders: Any, project: Project) -> None:
    """A budget given for a project with shares must be their sum (a project without shares keeps a budget of
    its own)."""
    if "budget" not in given or data.budget is None:
        return
    shares = funders if funders is not None else {f.province_code: f.yearly for f in project.funders}
    if shares and data.budget != total(shares):
        raise DomainError("project.budget_mismatch", field="budget", budget=data.budget, sum=total(shares))


def _plain(fields: dict[str, Any], budget: Decimal, changed: dict[str, Any]) -> dict[str, Any]:
    out = {k: fields[k] for k in changed if k in fields}
    if "budget" in changed:
        out["budget"] = format(budget.normalize(), "f")
    return out
