"""The project's states and every move between them, as data (with the funders' sign-offs and change requests).

    draft ─submit─▶ submitted ─start_review─▶ under_review ─approve (every funder approved)─▶ approved
    under_review ─reject (a funder refused)─▶ rejected
    approved ─contract─▶ contracted ─midterm─▶ midterm_passed ─accept (no open milestone)─▶ accepted
    submitted … midterm_passed ─terminate (a reason)─▶ terminated

Each move names the policy action that decides who may make it and the condition it needs; `allowed` (what a
page offers) and `move` (what a write does) read the same table. A funder's share has its own small table
(pending → approved | rejected, by that funder's jurisdiction only, once every assigned review is in), and so
does a change request (pending → approved | rejected, by the programme's owners). The conditions that need more
than the object (the call, the lead organisation, the clock) read them from the context the service builds
(`moves.context_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from yrdhub.errors import Conflict, DomainError, FieldError, Invalid
from yrdhub.lifecycle import Lifecycle, Move
from yrdhub.programmes import labels


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    CONTRACTED = "contracted"
    MIDTERM_PASSED = "midterm_passed"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


S = Status
PUBLIC = frozenset({S.APPROVED, S.CONTRACTED, S.MIDTERM_PASSED, S.ACCEPTED, S.TERMINATED})  # on the public record
RUNNING = frozenset({S.APPROVED, S.CONTRACTED, S.MIDTERM_PASSED})  # milestones are done, changes requested
FUNDED = RUNNING | {S.ACCEPTED}  # approved and after (what a jurisdiction has committed to)
APPLIED = frozenset({S.SUBMITTED, S.UNDER_REVIEW})
ACTIVE = APPLIED | RUNNING
DECIDED = frozenset({S.APPROVED, S.REJECTED, S.CONTRACTED, S.MIDTERM_PASSED, S.ACCEPTED, S.TERMINATED})
OUTCOMES = ("approve", "reject")  # moves the funders' sign-offs make, never offered as buttons


def _eligible(project: Any, ctx: Mapping[str, Any]) -> DomainError | None:
    """Submission: the call's window, the lead's jurisdiction and type, funders among the owners, the maximum."""
    call, lead, owners, now = ctx["call"], ctx["lead"], ctx["owners"], ctx["now"]
    problems: list[FieldError] = []
    if not call.opens_at <= now <= call.deadline:
        problems.append(FieldError("call", "project.outside_window", {"opens": call.opens_at,
                                                                      "deadline": call.deadline}))
    eligible = call.eligible_provinces or list(labels.PROVINCES)
    if lead is None or lead.province_code not in eligible:
        problems.append(FieldError("lead_org_id", "project.lead_province_ineligible"))
    if call.eligible_org_types and lead is not None and lead.type not in call.eligible_org_types:
        problems.append(FieldError("lead_org_id", "project.lead_type_ineligible",
                                   {"type": labels.org_type(lead.type)}))
    if not project.funders:
        problems.append(FieldError("funders", "project.no_funders"))
    for funding in project.funders:
        if funding.province_code not in owners:
            problems.append(FieldError("funders", "project.funder_not_owner",
                                       {"province": labels.province(funding.province_code)}))
    if call.max_budget_wan is not None and project.requested_budget_wan > call.max_budget_wan:
        problems.append(FieldError("funders", "project.over_budget", {"budget": project.requested_budget_wan,
                                                                      "maximum": call.max_budget_wan}))
    return Invalid(problems) if problems else None


def _every_funder_approved(project: Any, ctx: Mapping[str, Any]) -> DomainError | None:
    if project.funders and all(f.decision == Decision.APPROVED for f in project.funders):
        return None
    return Conflict("project.funders_pending")


def _a_funder_refused(project: Any, ctx: Mapping[str, Any]) -> DomainError | None:
    return None if any(f.decision == Decision.REJECTED for f in project.funders) else Conflict("project.no_refusal")


def _milestones_done(project: Any, ctx: Mapping[str, Any]) -> DomainError | None:
    still = sum(m.done_on is None for m in project.milestones)
    return Conflict("project.open_milestones", count=still) if still else None


LIFECYCLE: Lifecycle[Status] = Lifecycle(Status, [
    Move("submit", frozenset({S.DRAFT}), S.SUBMITTED, action="project.apply",
         label=labels.PROJECT_ACTION["submit"], check=_eligible),
    Move("start_review", frozenset({S.SUBMITTED}), S.UNDER_REVIEW, action="programme.manage",
         label=labels.PROJECT_ACTION["start_review"]),
    Move("approve", frozenset({S.UNDER_REVIEW}), S.APPROVED, action="project.fund",
         label=labels.PROJECT_ACTION["approve"], check=_every_funder_approved),
    Move("reject", frozenset({S.UNDER_REVIEW}), S.REJECTED, action="project.fund",
         label=labels.PROJECT_ACTION["reject"], check=_a_funder_refused),
    Move("contract", frozenset({S.APPROVED}), S.CONTRACTED, action="programme.manage",
         label=labels.PROJECT_ACTION["contract"]),
    Move("midterm", frozenset({S.CONTRACTED}), S.MIDTERM_PASSED, action="programme.manage",
         label=labels.PROJECT_ACTION["midterm"]),
    Move("accept", frozenset({S.MIDTERM_PASSED}), S.ACCEPTED, action="programme.manage",
         label=labels.PROJECT_ACTION["accept"], check=_milestones_done),
    Move("terminate", ACTIVE, S.TERMINATED, action="programme.manage", label=labels.PROJECT_ACTION["terminate"],
         needs_reason=True),
], labels={Status(k): v for k, v in labels.PROJECT_STATUS.items()})


def _signable(funding: Any, ctx: Mapping[str, Any]) -> DomainError | None:
    """A funder signs only while the project is under review and once every assigned review is in."""
    project = ctx["project"]
    if project.status != S.UNDER_REVIEW:
        return Conflict("project.not_under_review", status=labels.PROJECT_STATUS[project.status])
    done = sum(r.submitted_at is not None for r in project.reviews)
    if done == 0 or done < len(project.reviews):
        return Conflict("project.reviews_pending", done=done, assigned=len(project.reviews))
    return None


FUNDING: Lifecycle[Decision] = Lifecycle(Decision, [
    Move("approve_share", frozenset({Decision.PENDING}), Decision.APPROVED, action="project.fund",
         label=labels.PROJECT_ACTION["approve_share"], check=_signable),
    Move("refuse_share", frozenset({Decision.PENDING}), Decision.REJECTED, action="project.fund",
         label=labels.PROJECT_ACTION["refuse_share"], needs_reason=True, check=_signable),
], labels={Decision(k): v for k, v in labels.DECISION.items()}, column="decision")


CHANGE: Lifecycle[Decision] = Lifecycle(Decision, [
    Move("approve_change", frozenset({Decision.PENDING}), Decision.APPROVED, action="programme.manage",
         label=labels.PROJECT_ACTION["approve_change"]),
    Move("refuse_change", frozenset({Decision.PENDING}), Decision.REJECTED, action="programme.manage",
         label=labels.PROJECT_ACTION["refuse_change"], needs_reason=True),
], labels={Decision(k): v for k, v in labels.DECISION.items()})
