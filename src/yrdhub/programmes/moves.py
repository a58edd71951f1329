"""The project's moves through its lifecycle (submit, start the review, contract, mid-term check, acceptance,
termination), its milestones and its change requests — each through the lifecycle tables of `lifecycle.py`, the
policy, the history and the audit log. Never commits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, NotFound
from yrdhub.i18n import BEIJING
from yrdhub.lifecycle import touch
from yrdhub.programmes.common import (
    applicant_target,
    owners_target,
    programme_of,
    project_target,
    record_move,
    snapshot,
)
from yrdhub.programmes.labels import PROJECT_STATUS
from yrdhub.programmes.lifecycle import CHANGE, LIFECYCLE, OUTCOMES, RUNNING, Status
from yrdhub.programmes.models import Call, ChangeRequest, Milestone, Project
from yrdhub.programmes.schemas import ChangeIn, MilestoneDoneIn, MilestoneIn
from yrdhub.regions.models import Organisation

CLOSED = frozenset({Status.ACCEPTED, Status.TERMINATED, Status.REJECTED})


def context_of(session: Session, project: Project, now: datetime | None = None) -> dict[str, Any]:
    """What the moves' conditions read besides the project: its call, lead organisation, owners, the clock."""
    call = session.get(Call, project.call_id)
    return {"call": call, "lead": session.get(Organisation, project.lead_org_id),
            "owners": programme_of(session, project).owners, "now": now or utcnow()}


def move(session: Session, *, actor: Actor, project: Project, name: str, reason: str = "",
         now: datetime | None = None) -> Project:
    """submit, start_review, contract, midterm, accept, terminate. (approve and reject are the funders'
    sign-offs' outcomes: `review.decide_funding` makes them.)"""
    if name in OUTCOMES:
        raise Conflict("state.move_not_allowed", move=name, state=PROJECT_STATUS[project.status])
    before = snapshot(project)
    moved = LIFECYCLE.move(project, name, actor=actor, target=project_target(session, project), reason=reason,
                           context=context_of(session, project, now))
    record_move(session, actor, project, moved, name, reason=reason, before=before)
    return project


def submit(session: Session, *, actor: Actor, project: Project, now: datetime | None = None) -> Project:
    return move(session, actor=actor, project=project, name="submit", now=now)


# --- milestones -------------------------------------------------------------------------------------------------

def milestone_refusal(project: Project, *, complete: bool = False) -> Conflict | None:
    """Milestones are planned until the project is closed, and completed while it runs."""
    if complete and project.status not in RUNNING:
        return Conflict("milestone.not_running", status=PROJECT_STATUS[project.status])
    if not complete and project.status in CLOSED:
        return Conflict("milestone.closed", status=PROJECT_STATUS[project.status])
    return None


def add_milestone(session: Session, *, actor: Actor, project: Project, data: MilestoneIn) -> Milestone:
    authorize(actor, "project.apply", applicant_target(session, project))
    refusal = milestone_refusal(project)
    if refusal is not None:
        raise refusal
    milestone = Milestone(title=data.title, due=data.due)
    project.milestones.append(milestone)
    touch(project)
    session.flush()
    audit.record(session, actor, "project.milestone", "project", project.id,
                 after={"milestone": milestone.id, "title": data.title, "due": data.due.isoformat()})
    return milestone


def complete_milestone(session: Session, *, actor: Actor, project: Project, milestone_id: int,
                       data: MilestoneDoneIn) -> Milestone:
    authorize(actor, "project.apply", applicant_target(session, project))
    milestone = next((m for m in project.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFound("not_found")
    if milestone.done_on is not None:
        raise Conflict("milestone.done", day=milestone.done_on)
    refusal = milestone_refusal(project, complete=True)
    if refusal is not None:
        raise refusal
    milestone.done_on = data.done_on or today()
    milestone.evidence = data.evidence
    touch(project)
    session.flush()
    audit.record(session, actor, "project.milestone_done", "project", project.id,
                 after={"milestone": milestone.id, "done_on": milestone.done_on.isoformat()})
    return milestone


def today() -> date:
    return datetime.now(BEIJING).date()


# --- change requests ----------------------------------------------------------------------------------------------

def change_refusal(project: Project) -> Conflict | None:
    if project.status not in RUNNING:
        return Conflict("change.not_running", status=PROJECT_STATUS[project.status])
    return None


def request_change(session: Session, *, actor: Actor, project: Project, data: ChangeIn) -> ChangeRequest:
    """After approval, every change (budget, schedule, participants, content) is requested by the lead
    organisation and decided by the programme's owners."""
    authorize(actor, "project.apply", applicant_target(session, project))
    refusal = change_refusal(project)
    if refusal is not None:
        raise refusal
    change = ChangeRequest(kind=data.kind, description=data.description, requested_by=actor.username)
    project.changes.append(change)
    touch(project)
    session.flush()
    audit.record(session, actor, "project.change_request", "project", project.id,
                 after={"change": change.id, "kind": data.kind, "description": data.description})
    return change


def decide_change(session: Session, *, actor: Actor, project: Project, change_id: int, approve: bool,
                  reason: str = "") -> ChangeRequest:
    change = next((c for c in project.changes if c.id == change_id), None)
    if change is None:
        raise NotFound("not_found")
    CHANGE.move(change, "approve_change" if approve else "refuse_change", actor=actor,
                target=owners_target(programme_of(session, project)), reason=reason)
    change.decided_by, change.reason = actor.username, reason.strip()
    touch(project)
    session.flush()
    audit.record(session, actor, "project.change_decision", "project", project.id,
                 after={"change": change.id, "status": change.status}, note=reason.strip())
    return change
