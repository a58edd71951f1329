"""What every programme write shares: the policy targets of a programme and of a project, the project's snapshot
for the audit log, its history, and the audit events and search documents a bulk writer defers to the end of its
file (`Later`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target
from yrdhub.errors import Conflict, DomainError, NotFound
from yrdhub.lifecycle import touch
from yrdhub.programmes import indexing
from yrdhub.programmes.models import Call, Programme, Project, Transition
from yrdhub.programmes.schemas import plain_decimal
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation


@dataclass
class Later:
    """Audit events and search documents a bulk writer (an import) defers to the end of its file: one batch of
    events in order (`audit.record_many`), one batch of documents."""

    changes: list[audit.Change] = field(default_factory=list)
    projects: dict[int, Project] = field(default_factory=dict)

    def run(self, session: Session, actor: Actor) -> None:
        audit.record_many(session, actor, self.changes)
        indexing.index_projects(session, list(self.projects.values()))
        self.changes, self.projects = [], {}


def audited(session: Session, actor: Actor, change: audit.Change, later: Later | None = None) -> None:
    if later is not None:
        later.changes.append(change)
    else:
        audit.record(session, actor, change.action, change.object_type, change.object_id, before=change.before,
                     after=change.after, note=change.note)


def reindex(session: Session, project: Project, later: Later | None = None) -> None:
    """Keep the project's search document (text, facets, readers) in step, now or at the end of the file."""
    if later is not None:
        later.projects[project.id] = project
    else:
        indexing.index_projects(session, [project])


def owners_target(programme: Programme) -> Target:
    return Target(provinces=tuple(programme.owners))


def live_org(session: Session, org_id: int, field_name: str) -> Organisation:
    """A registered organisation that has not been merged into another."""
    org = session.get(Organisation, org_id)
    if org is None or org.merged_into_id is not None:
        raise DomainError("project.no_such_org", field=field_name, org=org_id)
    return org


def applicant_target(session: Session, project: Project) -> Target:
    lead = session.get(Organisation, project.lead_org_id)
    assert lead is not None
    return Target(org_ids=orgs.ancestors(session, lead), province=lead.province_code)


def programme_of(session: Session, project: Project) -> Programme:
    call = session.get(Call, project.call_id)
    assert call is not None
    programme = session.get(Programme, call.programme_id)
    assert programme is not None
    return programme


def project_target(session: Session, project: Project) -> Target:
    """One target for every move of the project: the lead organisation and those above it (applicants), its
    province, and the programme's owner jurisdictions."""
    applicant = applicant_target(session, project)
    return Target(province=applicant.province, org_ids=applicant.org_ids,
                  provinces=tuple(programme_of(session, project).owners))


def get_programme(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("not_found")
    return programme


def get_call(session: Session, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound("not_found")
    return call


def code_is_free(session: Session, model: Any, code: str, kind: str) -> None:
    """Codes are unique (the database says so too, for a writer that races this check)."""
    if session.execute(select(model.id).where(model.code == code)).first() is not None:
        raise Conflict(f"{kind}.code_taken", field="code", code=code)


def snapshot(project: Project) -> dict[str, Any]:
    return {"code": project.code, "title": project.title, "status": project.status,
            "lead_org_id": project.lead_org_id, "budget": plain_decimal(project.requested_budget_wan),
            "participants": [[p.org_id, p.role, p.province_code] for p in project.participants],
            "funders": {f.province_code: [plain_decimal(f.amount_wan), f.decision] for f in project.funders}}


def record_move(session: Session, actor: Actor, project: Project, moved: tuple[str, str], move: str, *,
                reason: str = "", note: str = "", params: Mapping[str, Any] | None = None,
                before: dict[str, Any] | None = None, later: Later | None = None) -> None:
    """A move made: its history row (who, why — typed, or a code the system notes), its audit event, and the
    project's search document (its readers change with its state)."""
    project.transitions.append(Transition(from_status=moved[0], to_status=moved[1], move=move, actor=actor.username,
                                          reason=reason.strip(), note=note, note_params=dict(params or {})))
    touch(project)
    session.flush()
    audited(session, actor, audit.Change(f"project.{move}", "project", project.id, before=before,
                                         after=snapshot(project), note=reason.strip() or note), later)
    reindex(session, project, later)
