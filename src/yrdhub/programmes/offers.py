"""What a page offers an actor on a project now: exactly the moves the lifecycle tables allow (policy, state and
condition — `Lifecycle.allowed`) and the other steps whose service would accept them; the writes check again.
Moves the policy and the state allow but a condition refuses are returned with their refusal, so the page can
say why (e.g. acceptance while milestones are open)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, can
from yrdhub.programmes.common import owners_target, programme_of, project_target
from yrdhub.programmes.labels import PROVINCES
from yrdhub.programmes.lifecycle import CHANGE, FUNDING, LIFECYCLE, OUTCOMES, Status
from yrdhub.programmes.models import Programme, Project
from yrdhub.programmes.moves import change_refusal, context_of, milestone_refusal
from yrdhub.programmes.review import assign_refusal, own_review, review_refusal
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation


def for_project(session: Session, *, actor: Actor, project: Project) -> dict[str, Any]:
    target = project_target(session, project)
    context = context_of(session, project)
    state = LIFECYCLE.state_of(project)
    moves, blocked = [], {}
    for move in LIFECYCLE.moves:
        if move.name in OUTCOMES or state not in move.sources or not can(actor, move.action, target):
            continue
        refusal = move.refusal(project, context)
        if refusal is None:
            moves.append(move.name)
        else:
            blocked[move.name] = refusal
    apply = can(actor, "project.apply", target)
    manage = can(actor, "programme.manage", target)
    review = own_review(project, actor)
    fund = {f.province_code: [m.name for m in FUNDING.allowed(actor, f, Target(province=f.province_code),
                                                                {"project": project})] for f in project.funders}
    changes = {c.id: [m.name for m in CHANGE.allowed(actor, c, owners_target(programme_of(session, project)))]
               for c in project.changes}
    funder_admin = any(can(actor, "project.fund", Target(province=f.province_code)) for f in project.funders)
    return {
        "moves": moves, "blocked": blocked,
        "edit": apply and project.status == Status.DRAFT,
        "assign": manage and assign_refusal(project) is None,
        "review": review is not None and review_refusal(project, review) is None
        and can(actor, "project.review", Target(owner_user_id=review.expert_user_id)),
        "fund": {k: v for k, v in fund.items() if v},
        "milestone": apply and milestone_refusal(project) is None,
        "complete_milestone": apply and milestone_refusal(project, complete=True) is None,
        "change": apply and change_refusal(project) is None,
        "decide_change": {k: v for k, v in changes.items() if v},
        "show_reviews": manage or funder_admin,  # owners and funders read the reviewers' scores and comments
    }


def owners_allowed(actor: Actor) -> list[str]:
    """The jurisdictions the actor may name as owners of a new programme (any subset of them)."""
    return [p for p in PROVINCES if can(actor, "programme.create", Target(provinces=(p,)))]


def can_manage(actor: Actor, programme: Programme) -> bool:
    return can(actor, "programme.manage", owners_target(programme))


def applicant_orgs(session: Session, actor: Actor) -> list[Organisation]:
    """Organisations the actor may apply for (those of the actor's organisation grants the policy accepts)."""
    out = []
    for org_id in sorted({g.org_id for g in actor.grants if g.org_id is not None}):
        org = session.get(Organisation, org_id)
        if org is not None and org.merged_into_id is None and can(
                actor, "project.apply", Target(org_ids=orgs.ancestors(session, org), province=org.province_code)):
            out.append(org)
    return out
