"""The submission cycle (the DHIS2 model): a jurisdiction's statistician opens a submission for a period, enters
values (form, API or uploaded template) that pass validation, and submits; the jurisdiction admin approves or
returns it; the joint office accepts or sends it back. Accepted data are locked; a correction opens a new version
with a reason. Every state change goes through `SUBMISSION.move`; every write touches the submission's row
version, so of two simultaneous writes one fails (409). Services never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, can
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, FieldError, Invalid
from yrdhub.lifecycle import Move, touch
from yrdhub.monitoring.history import entry
from yrdhub.monitoring.labels import SUBMISSION_STATUS
from yrdhub.monitoring.lifecycle import EDITABLE, SUBMISSION, UNDER_REVIEW, SubmissionStatus
from yrdhub.monitoring.models import DataValue, Framework, Submission
from yrdhub.monitoring.queries import PROVINCES, framework_of, history, previous_values, spec_of
from yrdhub.monitoring.validation import Entry, validate

S = SubmissionStatus


def _target(submission: Submission) -> Target:
    return Target(province=submission.region_code)


def _snapshot(s: Submission) -> dict[str, Any]:
    return {"region": s.region_code, "period": s.period, "version": s.version, "status": s.status,
            "values": {v.element: str(v.value) for v in s.values}}


def _newest(session: Session, framework: Framework, region: str, period: int) -> Submission | None:
    stmt = (select(Submission).where(Submission.framework_id == framework.id, Submission.region_code == region,
                                     Submission.period == period)
            .options(selectinload(Submission.values)).order_by(Submission.version.desc()).limit(1))
    return session.execute(stmt).scalar_one_or_none()


def open_submission(session: Session, *, actor: Actor, framework: Framework, region: str, period: int,
                    reason: str = "") -> Submission:
    """The open (draft or returned) submission for the period, or a new one; after acceptance, a correction (a new
    version, starting from the accepted values, with a reason)."""
    authorize(actor, "monitoring.edit", Target(province=region))
    spec = spec_of(framework)
    if region not in PROVINCES:
        raise DomainError("submission.region", field="region", region=region)
    first, last = spec.periods[0], spec.periods[1] + 5
    if not first <= period <= last:
        raise DomainError("submission.period", field="period", period=str(period), first=str(first), last=str(last))
    latest = _newest(session, framework, region, period)
    if latest is not None and latest.status in EDITABLE:
        return latest
    if latest is not None and latest.status in UNDER_REVIEW:
        raise Conflict("submission.under_review", status=SUBMISSION_STATUS[latest.status])
    reason = reason.strip()
    if latest is not None and not reason:
        raise DomainError("submission.correction_reason", field="reason")
    submission = Submission(framework_id=framework.id, region_code=region, period=period,
                            version=(latest.version + 1) if latest else 1, status=S.DRAFT.value, reason=reason,
                            created_by=actor.username,
                            comments=[entry(actor, region, "correct" if latest else "open", text=reason)])
    if latest is not None:  # a correction starts from the accepted values
        submission.values = [DataValue(element=v.element, value=v.value, reason=v.reason, source=v.source)
                             for v in latest.values]
    session.add(submission)
    session.flush()
    audit.record(session, actor, "monitoring.open", "submission", submission.id, after=_snapshot(submission),
                 note=reason)
    return submission


def check_values(session: Session, *, submission: Submission, entries: dict[str, Entry]) -> list[FieldError]:
    """Every validation problem of these values for this submission (nothing is written)."""
    framework = framework_of(session, submission)
    return validate(spec_of(framework), entries,
                    previous_values(session, framework, submission.region_code, submission.period),
                    history(session, framework, submission.region_code), submission.period)


def entries_of(submission: Submission) -> dict[str, Entry]:
    return {v.element: Entry(v.value, v.reason) for v in submission.values}


def set_values(session: Session, *, actor: Actor, submission: Submission, entries: dict[str, Entry]) -> Submission:
    """Replace the draft's values after validating all of them; on any problem nothing changes (`Invalid`)."""
    authorize(actor, "monitoring.edit", _target(submission))
    if submission.status not in EDITABLE:
        raise Conflict("submission.not_editable", status=SUBMISSION_STATUS[submission.status])
    problems = check_values(session, submission=submission, entries=entries)
    if problems:
        raise Invalid(problems)
    before = _snapshot(submission)
    touch(submission)
    session.flush()  # the row's version is compared and taken first: a simultaneous move or edit fails here
    _replace_values(session, submission, {k: e for k, e in entries.items() if e.value is not None})
    audit.record(session, actor, "monitoring.edit", "submission", submission.id, before=before,
                 after=_snapshot(submission))
    return submission


def _replace_values(session: Session, submission: Submission, entries: dict[str, Entry]) -> None:
    """Update rows in place, drop the missing ones first: (submission, element) stays unique throughout."""
    existing = {v.element: v for v in submission.values}
    for element in set(existing) - set(entries):
        submission.values.remove(existing.pop(element))
    session.flush()
    for element, item in sorted(entries.items()):
        row = existing.get(element)
        if row is None:
            submission.values.append(DataValue(element=element, value=item.value, reason=item.reason.strip()))
        else:
            row.value, row.reason = item.value, item.reason.strip()  # type: ignore[assignment]
    session.flush()


def _context(session: Session, actor: Actor, submission: Submission) -> dict[str, Any]:
    """What the moves' conditions need: the validation problems of the values, when submitting is in question."""
    relevant = submission.status in EDITABLE and can(actor, "monitoring.submit", _target(submission))
    problems = check_values(session, submission=submission, entries=entries_of(submission)) if relevant else []
    return {"problems": problems}


def allowed_moves(session: Session, *, actor: Actor, submission: Submission) -> list[Move[SubmissionStatus]]:
    """The moves this actor may make on the submission now (what the pages offer)."""
    return SUBMISSION.allowed(actor, submission, _target(submission), _context(session, actor, submission))


STAMPS = {S.SUBMITTED: "submitted_at", S.APPROVED: "approved_at", S.ACCEPTED: "accepted_at"}


def move(session: Session, *, actor: Actor, submission: Submission, name: str, text: str = "") -> Submission:
    """Make a move of the cycle (policy, state, reason and conditions checked by the lifecycle), record it in the
    history (the person's text as typed) and the audit log."""
    before = _snapshot(submission)
    context = _context(session, actor, submission) if name == "submit" else {}
    _, target = SUBMISSION.move(submission, name, actor=actor, target=_target(submission), reason=text,
                                context=context)
    if target in STAMPS:
        setattr(submission, STAMPS[target], utcnow())
    submission.comments = [*submission.comments, entry(actor, submission.region_code, name, text=text.strip())]
    session.flush()
    audit.record(session, actor, f"monitoring.{name}", "submission", submission.id, before=before,
                 after=_snapshot(submission), note=text.strip())
    return submission


def submit(session: Session, *, actor: Actor, submission: Submission) -> Submission:
    return move(session, actor=actor, submission=submission, name="submit")


def approve(session: Session, *, actor: Actor, submission: Submission, comment: str = "") -> Submission:
    return move(session, actor=actor, submission=submission, name="approve", text=comment)


def accept(session: Session, *, actor: Actor, submission: Submission, comment: str = "") -> Submission:
    return move(session, actor=actor, submission=submission, name="accept", text=comment)


def return_for_correction(session: Session, *, actor: Actor, submission: Submission, reason: str) -> Submission:
    """Return a submitted submission (its jurisdiction's admin or the office), or send an approved one back (the
    office), with a reason."""
    approved = submission.status == S.APPROVED and can(actor, "monitoring.accept", _target(submission))
    name = "send_back" if approved else "return"
    return move(session, actor=actor, submission=submission, name=name, text=reason)
