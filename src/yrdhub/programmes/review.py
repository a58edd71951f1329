"""Review and funding decisions: the owners assign experts (the conflict rule refuses an expert affiliated with a
participant), each expert scores or declares a conflict, then each funding jurisdiction signs its own share —
every funder approving approves the project, one refusing rejects it. Never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import RoleGrant, User
from yrdhub.accounts.policy import Target, authorize
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError
from yrdhub.lifecycle import touch
from yrdhub.programmes import labels
from yrdhub.programmes.common import owners_target, programme_of, record_move, reindex, snapshot
from yrdhub.programmes.labels import PROJECT_STATUS
from yrdhub.programmes.lifecycle import FUNDING, LIFECYCLE, Decision, Status
from yrdhub.programmes.models import Funding, Project, Review
from yrdhub.programmes.schemas import ConflictIn, ReviewIn
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation


def conflict_of(session: Session, expert: User, project: Project) -> DomainError | None:
    """Why the expert may not review the project: an affiliation with a participant (or an organisation above
    one); None when there is none."""
    participant_orgs: set[int] = set()
    for p in project.participants:
        org = session.get(Organisation, p.org_id)
        if org is not None:
            participant_orgs.update(orgs.ancestors(session, org))
    for grant in expert.grants:
        if grant.scope.startswith("org:") and int(grant.scope[4:]) in participant_orgs:
            return Conflict("review.conflict_of_interest", expert=expert.username)
    return None


def assign_refusal(project: Project) -> Conflict | None:
    if project.status != Status.UNDER_REVIEW:
        return Conflict("project.not_under_review", status=PROJECT_STATUS[project.status])
    return None


def assign_reviewer(session: Session, *, actor: Actor, project: Project, expert: User) -> Review:
    authorize(actor, "programme.manage", owners_target(programme_of(session, project)))
    refusal: DomainError | None = assign_refusal(project)
    if refusal is None and not any(g.role == "expert" for g in expert.grants):
        refusal = DomainError("review.not_expert", field="username", expert=expert.username)
    if refusal is None and any(r.expert_user_id == expert.id for r in project.reviews):
        refusal = Conflict("review.already_assigned", expert=expert.username)
    refusal = refusal or conflict_of(session, expert, project)
    if refusal is not None:
        raise refusal
    review = Review(expert_user_id=expert.id, assigned_by=actor.username)
    project.reviews.append(review)
    touch(project)
    session.flush()
    audit.record(session, actor, "project.assign_reviewer", "project", project.id,
                 after={"expert": expert.username})
    reindex(session, project)  # the reviewer now finds it
    return review


def own_review(project: Project, actor: Actor) -> Review | None:
    return next((r for r in project.reviews if actor.user_id is not None and r.expert_user_id == actor.user_id),
                None)


def review_refusal(project: Project, review: Review) -> Conflict | None:
    if project.status != Status.UNDER_REVIEW or review.submitted_at is not None:
        return Conflict("review.closed")
    return None


def _writable_review(project: Project, actor: Actor) -> Review:
    review = own_review(project, actor)
    authorize(actor, "project.review", Target(owner_user_id=review.expert_user_id if review else None))
    assert review is not None
    refusal = review_refusal(project, review)
    if refusal is not None:
        raise refusal
    return review


def submit_review(session: Session, *, actor: Actor, project: Project, data: ReviewIn) -> Review:
    review = _writable_review(project, actor)
    review.score, review.comment, review.submitted_at = data.score, data.comment, utcnow()
    touch(project)
    session.flush()
    audit.record(session, actor, "project.review", "project", project.id, after={"score": data.score})
    return review


def declare_conflict(session: Session, *, actor: Actor, project: Project, data: ConflictIn) -> Review:
    review = _writable_review(project, actor)
    review.conflict_declared, review.conflict_reason, review.submitted_at = True, data.reason, utcnow()
    touch(project)
    session.flush()
    audit.record(session, actor, "project.conflict", "project", project.id, note=data.reason)
    return review


def review_summary(project: Project) -> dict[str, Any]:
    scores = [r.score for r in project.reviews if r.score is not None and not r.conflict_declared]
    return {"assigned": len(project.reviews), "done": sum(r.submitted_at is not None for r in project.reviews),
            "conflicts": sum(r.conflict_declared for r in project.reviews),
            "mean": sum(scores) / len(scores) if scores else None}


def decide_funding(session: Session, *, actor: Actor, project: Project, province: str, approve: bool,
                   reason: str = "") -> Funding:
    """One funder signs its own share (`project.fund`: that jurisdiction's admin), once every assigned review
    is in. Every funder approved: the project is approved; one refused: it is rejected."""
    funding = next((f for f in project.funders if f.province_code == province), None)
    if funding is None:
        raise DomainError("project.not_a_funder", field="province", province=labels.province(province))
    target = Target(province=funding.province_code)
    before = snapshot(project)
    FUNDING.move(funding, "approve_share" if approve else "refuse_share", actor=actor, target=target,
                 reason=reason, context={"project": project})
    funding.decided_by, funding.decided_at, funding.reason = actor.username, utcnow(), reason.strip()
    touch(project)
    session.flush()
    audit.record(session, actor, "project.fund", "project", project.id,
                 after={"province": funding.province_code, "decision": funding.decision}, note=reason.strip())
    if funding.decision == Decision.REJECTED:
        moved = LIFECYCLE.move(project, "reject", actor=actor, target=target)
        record_move(session, actor, project, moved, "reject", reason=reason, note="funder_refused",
                    params={"province": funding.province_code}, before=before)
    elif LIFECYCLE.by_name["approve"].refusal(project, {}) is None:
        moved = LIFECYCLE.move(project, "approve", actor=actor, target=target)
        record_move(session, actor, project, moved, "approve", note="all_approved", before=before)
    return funding


def expert_candidates(session: Session, project: Project) -> list[tuple[User, DomainError | None]]:
    """Active experts not yet assigned, each with the conflict that would refuse them (None: none)."""
    assigned = {r.expert_user_id for r in project.reviews}
    stmt = (select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == "expert", User.is_active).options(selectinload(User.grants))
            .order_by(User.username).distinct())
    return [(u, conflict_of(session, u, project)) for u in session.execute(stmt).scalars() if u.id not in assigned]
