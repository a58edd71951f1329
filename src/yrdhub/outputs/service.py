"""Writes of S&T reports: register a draft, change a draft, move it through its lifecycle (`outputs.lifecycle`).

Every function takes the schema the form, the API and the importer build (`outputs.schemas`), checks what only
the database can tell (the organisation, the project, the number, the state), authorises against the record,
audits, and re-indexes the report for search. None commits: the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, Invalid, field_errors
from yrdhub.lifecycle import touch
from yrdhub.outputs.indexing import reindex
from yrdhub.outputs.lifecycle import LIFECYCLE, PATH, ReportStatus
from yrdhub.outputs.models import Report
from yrdhub.outputs.schemas import ReportCreate, ReportFields, ReportMove, ReportUpdate
from yrdhub.programmes.models import Project
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation

FIELDS = tuple(ReportFields.model_fields)


def organisation(session: Session, org_id: int, field: str = "org_id") -> Organisation:
    """A current organisation (not merged away), or a refusal naming the field."""
    org = orgs.get(session, org_id)
    if org is None or org.merged_into_id is not None:
        raise DomainError("output.no_org", field=field, org=org_id)
    return org


def check_project(session: Session, project_id: int | None, field: str = "project_id") -> None:
    if project_id is not None and session.get(Project, project_id) is None:
        raise DomainError("output.no_project", field=field, project=project_id)


def target(session: Session, report: Report) -> Target:
    """What the policy needs of a report: its organisation with the ones above it, and its jurisdiction."""
    org = session.get(Organisation, report.org_id)
    return Target(province=report.province_code,
                  org_ids=orgs.ancestors(session, org) if org is not None else (report.org_id,))


def snapshot(report: Report) -> dict[str, Any]:
    """What an audit event records of a report (the full text by its digest: it may be megabytes)."""
    out: dict[str, Any] = {f: getattr(report, f) for f in FIELDS if f != "full_text"}
    out.update(number=report.number, status=report.status,
               embargo_until=report.embargo_until.isoformat() if report.embargo_until else None,
               full_text_sha256=hashlib.sha256(report.full_text.encode("utf-8")).hexdigest())
    return out


def create_report(session: Session, *, actor: Actor, data: ReportCreate, is_sample: bool = False) -> Report:
    """Register a report as a draft of its organisation; `data.status` submitted or accepted makes those moves
    at once, each authorised as the single move would be."""
    org = organisation(session, data.org_id)
    authorize(actor, "output.create", Target(province=org.province_code, org_ids=orgs.ancestors(session, org)))
    check_project(session, data.project_id)
    if session.execute(select(Report.id).where(Report.number == data.number)).first() is not None:
        raise Conflict("report.duplicate_number", field="number", number=data.number)
    values = data.model_dump(include=set(FIELDS))
    report = Report(number=data.number, **values, province_code=org.province_code, status=ReportStatus.DRAFT.value,
                    created_by=actor.username, is_sample=is_sample)
    session.add(report)
    session.flush()
    audit.record(session, actor, "output.report", "report", report.id, after=snapshot(report))
    for name in PATH[ReportStatus(data.status)]:
        _move(session, actor, report, name)
    reindex(session, report)
    return report


def _merged(report: Report, changes: dict[str, Any]) -> ReportFields:
    """The report as it would be after the changes, checked whole (the openness with its embargo, …)."""
    current = {f: getattr(report, f) for f in FIELDS}
    try:
        return ReportFields.model_validate(current | changes)
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from exc


def update_report(session: Session, *, actor: Actor, report: Report, data: ReportUpdate) -> bool:
    """Change fields of a draft (by insiders of its organisation, and of the new one when it moves). False when
    nothing changed: nothing is written, and the state is not checked."""
    here = target(session, report)
    authorize(actor, "output.create", here)  # also when nothing changes: a row may only name what it may write
    merged = _merged(report, data.changes())
    changed = {f: v for f, v in merged.model_dump().items() if getattr(report, f) != v}
    if not changed:
        return False
    if report.status != ReportStatus.DRAFT:
        raise Conflict("report.not_draft", status=LIFECYCLE.labels[LIFECYCLE.state_of(report)])
    if "org_id" in changed:
        org = organisation(session, merged.org_id)
        authorize(actor, "output.create", Target(province=org.province_code, org_ids=orgs.ancestors(session, org)))
        report.province_code = org.province_code
    if "project_id" in changed:
        check_project(session, merged.project_id)
    before = snapshot(report)
    for name, value in changed.items():
        setattr(report, name, value)
    touch(report)
    session.flush()
    audit.record(session, actor, "output.report_update", "report", report.id, before=before, after=snapshot(report))
    reindex(session, report)
    return True


def _move(session: Session, actor: Actor, report: Report, name: str, reason: str = "") -> None:
    before, after = LIFECYCLE.move(report, name, actor=actor, target=target(session, report), reason=reason)
    if name in ("return", "withdraw"):
        report.status_reason = reason.strip()
    elif name in ("submit", "reinstate"):
        report.status_reason = ""
    if after == ReportStatus.ACCEPTED and report.accepted_at is None:
        report.accepted_at = utcnow()
    session.flush()
    audit.record(session, actor, f"output.report_{name}", "report", report.id,
                 before={"status": before.value}, after={"status": after.value}, note=reason.strip())


def move_report(session: Session, *, actor: Actor, report: Report, data: ReportMove) -> Report:
    """Make one move of the report's lifecycle (policy, state and condition checked by `LIFECYCLE.move`)."""
    if data.row_version is not None and data.row_version != report.row_version:
        raise Conflict("state_changed")
    _move(session, actor, report, data.move, data.reason)
    reindex(session, report)
    return report


def advance_to(session: Session, *, actor: Actor, report: Report, status: str) -> bool:
    """Take a report forward to `status` (submitted, accepted) by its moves, as an import row asks; a report
    already there is left alone (False). A report beyond it, or withdrawn, is refused."""
    wanted, now = ReportStatus(status), LIFECYCLE.state_of(report)
    if wanted == now:
        return False
    path = PATH.get(wanted, ())
    steps = path[path.index(_last_move_to(now)) + 1:] if _last_move_to(now) in path else \
        (path if now == ReportStatus.DRAFT else None)
    if steps is None or not steps:
        raise Conflict("report.import_status", field="status", status=LIFECYCLE.labels[now],
                       wanted=LIFECYCLE.labels[wanted])
    for name in steps:
        _move(session, actor, report, name)
    reindex(session, report)
    return True


def _last_move_to(state: ReportStatus) -> str | None:
    return {ReportStatus.SUBMITTED: "submit", ReportStatus.ACCEPTED: "accept"}.get(state)
