"""The states of monitoring's objects and the moves between them, as data.

Submissions (the DHIS2 approval model): a jurisdiction's statistician fills a draft and submits it once its values
validate; the jurisdiction's admin approves it or returns it with a reason; the joint office accepts an approved
one or sends it back with a reason. Accepted data are locked: a correction is a new version (opened with a reason,
not a move).

Plan tasks: each progress report moves the task. A task not started is at 0 %, one in progress or behind
schedule below 100 %, a completed one at 100 % with evidence (those rules are the report's schema); a started task
cannot go back to "not started"; a completed task is closed to the jurisdictions and only the joint office reopens
it, with a reason. A task several jurisdictions share is completed when each of them has reported its part
complete (or when the office says so); until then a jurisdiction's completed part leaves it in progress.

Evaluation runs: a run is computed by the joint office and is visible to the office only; publishing it makes it
"the" evaluation the public sees, and supersedes the run published before (which stays readable, for history and
for the reports that cite it).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from yrdhub.errors import DomainError, Invalid
from yrdhub.i18n import N_
from yrdhub.lifecycle import Lifecycle, Move
from yrdhub.monitoring.labels import EVALUATION_STATUS, SUBMISSION_STATUS, TASK_STATUS


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACCEPTED = "accepted"
    RETURNED = "returned"


EDITABLE = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})
UNDER_REVIEW = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED})


def _values_validate(_submission: Any, context: Mapping[str, Any]) -> DomainError | None:
    """Submitting needs values that pass every validation rule (the service puts the problems in the context)."""
    problems = context["problems"]
    return Invalid(problems) if problems else None


S = SubmissionStatus
SUBMISSION: Lifecycle[SubmissionStatus] = Lifecycle(S, [
    Move("submit", frozenset(EDITABLE), S.SUBMITTED, action="monitoring.submit", label=N_("Submit for review"),
         check=_values_validate),
    Move("approve", frozenset({S.SUBMITTED}), S.APPROVED, action="monitoring.approve", label=N_("Approve")),
    Move("return", frozenset({S.SUBMITTED}), S.RETURNED, action="monitoring.return",
         label=N_("Return for correction"), needs_reason=True),
    Move("accept", frozenset({S.APPROVED}), S.ACCEPTED, action="monitoring.accept", label=N_("Accept")),
    # who accepts may also send an approved submission back
    Move("send_back", frozenset({S.APPROVED}), S.RETURNED, action="monitoring.accept",
         label=N_("Return for correction"), needs_reason=True),
], labels={s: SUBMISSION_STATUS[s.value] for s in S})


class TaskStatus(StrEnum):
    UNREPORTED = "unreported"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DELAYED = "delayed"
    COMPLETED = "completed"


T = TaskStatus
OPEN_TASK = frozenset({T.UNREPORTED, T.NOT_STARTED, T.IN_PROGRESS, T.DELAYED})
REPORTED = (T.NOT_STARTED, T.IN_PROGRESS, T.DELAYED, T.COMPLETED)  # what a progress report may say


def _every_part_done(_task: Any, context: Mapping[str, Any]) -> DomainError | None:
    """A jurisdiction's report completes a shared task only when the other jurisdictions' parts are complete."""
    return None if context.get("all_done", True) else DomainError("state.move_not_allowed", move=N_("Completed"),
                                                                   state=TASK_STATUS["in_progress"])


def _parts_remain(_task: Any, context: Mapping[str, Any]) -> DomainError | None:
    return None if not context.get("all_done", True) else DomainError(
        "state.move_not_allowed", move=N_("Our part is completed"), state=TASK_STATUS["completed"])


TASK: Lifecycle[TaskStatus] = Lifecycle(T, [
    Move("not_started", frozenset({T.UNREPORTED, T.NOT_STARTED}), T.NOT_STARTED, action="monitoring.task_report",
         label=TASK_STATUS["not_started"]),
    Move("in_progress", OPEN_TASK, T.IN_PROGRESS, action="monitoring.task_report", label=TASK_STATUS["in_progress"]),
    Move("delayed", OPEN_TASK, T.DELAYED, action="monitoring.task_report", label=TASK_STATUS["delayed"]),
    Move("complete", OPEN_TASK, T.COMPLETED, action="monitoring.task_report", label=TASK_STATUS["completed"],
         check=_every_part_done),
    Move("complete_part", OPEN_TASK, T.IN_PROGRESS, action="monitoring.task_report",
         label=N_("Our part is completed"), check=_parts_remain),
    Move("reopen", frozenset({T.COMPLETED}), T.IN_PROGRESS, action="monitoring.task_reopen",
         label=N_("Reopen"), needs_reason=True),
], labels={s: TASK_STATUS[s.value] for s in T})


def task_move(current: TaskStatus, reported: str, *, all_done: bool, may_reopen: bool) -> str:
    """The move a progress report makes: what the report says, from where the task is (a completed task reported
    in progress again is reopened, by those who may)."""
    if reported == T.COMPLETED:
        return "complete" if all_done else "complete_part"
    if current == T.COMPLETED and reported == T.IN_PROGRESS and may_reopen:
        return "reopen"
    return reported


class EvaluationStatus(StrEnum):
    COMPUTED = "computed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


E = EvaluationStatus
PUBLIC_RUNS = (E.PUBLISHED, E.SUPERSEDED)
EVALUATION: Lifecycle[EvaluationStatus] = Lifecycle(E, [
    Move("publish", frozenset({E.COMPUTED}), E.PUBLISHED, action="monitoring.publish", label=N_("Publish")),
    Move("supersede", frozenset({E.PUBLISHED}), E.SUPERSEDED, action="monitoring.publish",
         label=N_("Supersede")),
], labels={s: EVALUATION_STATUS[s.value] for s in E})
