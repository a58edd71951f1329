"""Monitoring services: frameworks, the submission and approval cycle, accepted values and indicators.

The cycle (the DHIS2 model): a jurisdiction's statistician opens a submission for a period, enters values (form
or uploaded template) that pass validation, and submits; the jurisdiction admin approves or returns it; the
joint office accepts or returns it. Accepted data are locked; a correction opens a new version with a reason.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, can
from yrdhub.db import utcnow
from yrdhub.monitoring.framework import BUNDLED, FrameworkError, Spec, bundled_raw, parse, spec_hash
from yrdhub.monitoring.models import DataValue, Framework, Submission
from yrdhub.monitoring.validation import Entry, Problem, validate
from yrdhub.regions.service import YRD_PROVINCES

PROVINCES = YRD_PROVINCES
OPEN = ("draft", "returned")


class MonitoringError(ValueError):
    """A request the cycle's rules refuse (wrong state, missing reason, unknown period)."""


class ValidationFailed(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个问题 / {len(problems)} problems")
        self.problems = problems


# --- frameworks -------------------------------------------------------------------------------------


def ensure_framework(session: Session, *, actor: Actor, raw: dict[str, Any]) -> Framework:
    """Store a framework version once; a published version never changes (a change needs a new version)."""
    spec = parse(raw)
    digest = spec_hash(raw)
    existing = get_framework(session, spec.code, spec.version)
    if existing is not None:
        if existing.spec_hash != digest:
            raise FrameworkError(f"{spec.code} v{spec.version} 已发布，不能修改；请发布新版本 / "
                                 "a published version is immutable; publish a new version")
        return existing
    authorize(actor, "monitoring.framework")
    row = Framework(code=spec.code, version=spec.version, name=spec.name, name_en=spec.name_en, spec=raw,
                    spec_hash=digest)
    session.add(row)
    session.flush()
    audit.record(session, actor, "monitoring.framework", "framework", row.id,
                 after={"code": spec.code, "version": spec.version, "hash": digest})
    return row


def get_framework(session: Session, code: str, version: int | None = None) -> Framework | None:
    stmt = select(Framework).where(Framework.code == code)
    stmt = stmt.where(Framework.version == version) if version else stmt.order_by(Framework.version.desc())
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def spec_of(framework: Framework) -> Spec:
    """The parsed spec; a stored version never changes, so one parse per spec hash is enough."""
    return _parsed(framework.spec_hash, framework.spec)


_SPECS: dict[str, Spec] = {}


def _parsed(digest: str, raw: dict[str, Any]) -> Spec:
    if digest not in _SPECS:
        _SPECS[digest] = parse(raw)
    return _SPECS[digest]


def load_bundled(session: Session, *, actor: Actor) -> int:
    """The bundled framework and its official values, as accepted version-1 submissions (idempotent)."""
    framework = ensure_framework(session, actor=actor, raw=bundled_raw())
    by_key: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    with (BUNDLED / "data_values.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["region_code"] in PROVINCES:
                by_key[(row["region_code"], int(row["year"]))].append(row)
    have = {(s.region_code, s.period) for s in session.execute(
        select(Submission).where(Submission.framework_id == framework.id)).scalars()}
    added = 0
    for (region, period), rows in sorted(by_key.items()):
        if (region, period) in have:
            continue
        now = utcnow()
        submission = Submission(framework_id=framework.id, region_code=region, period=period, version=1,
                                status="accepted", created_by=actor.username, submitted_at=now, approved_at=now,
                                accepted_at=now, reason="",
                                comments=[{"at": now.isoformat(), "by": actor.username, "action": "load",
                                           "text": "官方统计（内置数据）/ official statistics (bundled)"}],
                                values=[DataValue(element=r["element"], value=float(r["value"]),
                                                  source=r["source"]) for r in rows])
        session.add(submission)
        added += 1
    session.flush()
    if added:
        audit.record(session, actor, "monitoring.load", "framework", framework.id,
                     after={"submissions": added}, note="bundled official statistics")
    return added


# --- reading ----------------------------------------------------------------------------------------


def _latest(session: Session, framework_id: int, region: str, period: int,
            statuses: tuple[str, ...] | None = None) -> Submission | None:
    stmt = (select(Submission).where(Submission.framework_id == framework_id, Submission.region_code == region,
                                     Submission.period == period)
            .options(selectinload(Submission.values)).order_by(Submission.version.desc()))
    if statuses:
        stmt = stmt.where(Submission.status.in_(statuses))
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def accepted_values(session: Session, framework: Framework, *, regions: tuple[str, ...] = PROVINCES
                    ) -> dict[tuple[str, int], dict[str, float]]:
    """The values of the latest accepted version of every (jurisdiction, period): what the public sees."""
    latest = (select(Submission.region_code, Submission.period, func.max(Submission.version).label("v"))
              .where(Submission.framework_id == framework.id, Submission.status == "accepted",
                     Submission.region_code.in_(regions))
              .group_by(Submission.region_code, Submission.period).subquery())
    stmt = (select(Submission.region_code, Submission.period, DataValue.element, DataValue.value)
            .join(DataValue, DataValue.submission_id == Submission.id)
            .join(latest, (latest.c.region_code == Submission.region_code) & (latest.c.period == Submission.period)
                  & (latest.c.v == Submission.version))
            .where(Submission.framework_id == framework.id, Submission.status == "accepted"))
    out: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for region, period, element, value in session.execute(stmt):
        out[(region, period)][element] = value
    return dict(out)


def indicator_values(session: Session, framework: Framework, *, regions: tuple[str, ...] = PROVINCES
                     ) -> list[dict[str, Any]]:
    """Every indicator of the framework computed from accepted values (rows: region, period, indicator, value)."""
    spec = spec_of(framework)
    rows = []
    for (region, period), values in sorted(accepted_values(session, framework, regions=regions).items()):
        for indicator in spec.indicators:
            value = indicator.compute(values)
            if value is not None:
                rows.append({"region_code": region, "period": period, "indicator": indicator.code,
                             "dimension": indicator.dimension, "value": value, "unit": indicator.unit})
    return rows


NATIONAL = "100000"


@lru_cache(maxsize=32)
def national_series(element: str) -> tuple[tuple[int, float], ...]:
    """A published national figure for comparison (not submitted by anyone: read from the bundled data)."""
    with (BUNDLED / "data_values.csv").open(encoding="utf-8") as fh:
        return tuple(sorted((int(r["year"]), float(r["value"])) for r in csv.DictReader(fh)
                            if r["region_code"] == NATIONAL and r["element"] == element))


def get_submission(session: Session, submission_id: int) -> Submission | None:
    stmt = select(Submission).where(Submission.id == submission_id).options(selectinload(Submission.values))
    return session.execute(stmt).scalar_one_or_none()


def can_read(actor: Actor, submission: Submission) -> bool:
    return submission.status == "accepted" or can(actor, "monitoring.read_draft",
                                                  Target(province=submission.region_code))


def list_submissions(session: Session, *, actor: Actor, framework: Framework, region: str | None = None,
                     period: int | None = None, status: str | None = None) -> list[Submission]:
    stmt = (select(Submission).where(Submission.framework_id == framework.id)
            .order_by(Submission.period.desc(), Submission.region_code, Submission.version.desc()))
    if region:
        stmt = stmt.where(Submission.region_code == region)
    if period:
        stmt = stmt.where(Submission.period == period)
    if status:
        stmt = stmt.where(Submission.status == status)
    return [s for s in session.execute(stmt).scalars() if can_read(actor, s)]


@dataclass(frozen=True)
class Completeness:
    region_code: str
    period: int
    status: str | None  # status of the newest version, None when nothing was opened
    version: int | None
    submitted_at: Any
    accepted: bool  # some version is accepted
    due: date
    late: bool  # not submitted by the due date, or submitted after it


def completeness(session: Session, framework: Framework, periods: list[int], today: date | None = None
                 ) -> list[Completeness]:
    """Who has submitted what, and on time: per jurisdiction and period, the newest version's status."""
    spec = spec_of(framework)
    today = today or date.today()
    rows = session.execute(select(Submission).where(Submission.framework_id == framework.id,
                                                    Submission.period.in_(periods))).scalars()
    newest: dict[tuple[str, int], Submission] = {}
    accepted: set[tuple[str, int]] = set()
    for s in rows:
        key = (s.region_code, s.period)
        if key not in newest or s.version > newest[key].version:
            newest[key] = s
        if s.status == "accepted":
            accepted.add(key)
    out = []
    for period in periods:
        for region in PROVINCES:
            sub = newest.get((region, period))
            due = spec.due_date(period)
            submitted = sub.submitted_at.date() if sub and sub.submitted_at else None
            # Late: still not accepted, and either nothing submitted by the due date or submitted after it.
            late = (region, period) not in accepted and (
                (submitted is None and today > due) or (submitted is not None and submitted > due))
            out.append(Completeness(region, period, sub.status if sub else None, sub.version if sub else None,
                                    sub.submitted_at if sub else None, (region, period) in accepted, due, late))
    return out


def previous_values(session: Session, framework: Framework, region: str, period: int) -> dict[str, float]:
    return accepted_values(session, framework, regions=(region,)).get((region, period - 1), {})


def history(session: Session, framework: Framework, region: str) -> dict[str, list[tuple[int, float]]]:
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for (_, period), values in sorted(accepted_values(session, framework, regions=(region,)).items()):
        for element, value in values.items():
            series[element].append((period, value))
    return dict(series)


# --- the cycle --------------------------------------------------------------------------------------


def _snapshot(s: Submission) -> dict[str, Any]:
    return {"region": s.region_code, "period": s.period, "version": s.version, "status": s.status,
            "values": {v.element: v.value for v in s.values}}


def _comment(s: Submission, actor: Actor, action: str, text: str = "") -> None:
    s.comments = [*s.comments, {"at": utcnow().isoformat(), "by": actor.username, "action": action, "text": text}]


def open_submission(session: Session, *, actor: Actor, framework: Framework, region: str, period: int,
                    reason: str = "") -> Submission:
    """The open (draft or returned) submission for the period, or a new one; after acceptance, a correction."""
    authorize(actor, "monitoring.edit", Target(province=region))
    spec = spec_of(framework)
    if region not in PROVINCES:
        raise MonitoringError(f"只能为三省一市提交数据 / data are submitted by the four jurisdictions: {region}")
    if not spec.periods[0] <= period <= spec.periods[1] + 5:
        raise MonitoringError(f"期间 {period} 不在指标体系范围内 / period outside the framework")
    latest = _latest(session, framework.id, region, period)
    if latest is not None and latest.status in (*OPEN, "submitted", "approved"):
        if latest.status in ("submitted", "approved"):
            raise MonitoringError("该期数据正在审核中 / this period's data are under review")
        return latest
    if latest is not None and not reason.strip():
        raise MonitoringError("已接受的数据须说明更正原因 / correcting accepted data needs a reason")
    submission = Submission(framework_id=framework.id, region_code=region, period=period,
                            version=(latest.version + 1) if latest else 1, status="draft",
                            reason=reason.strip(), created_by=actor.username, comments=[])
    if latest is not None:  # a correction starts from the accepted values
        submission.values = [DataValue(element=v.element, value=v.value, reason=v.reason, source=v.source)
                             for v in latest.values]
    session.add(submission)
    session.flush()
    audit.record(session, actor, "monitoring.open", "submission", submission.id, after=_snapshot(submission),
                 note=reason)
    return submission


def set_values(session: Session, *, actor: Actor, submission: Submission, entries: dict[str, Entry]) -> Submission:
    """Replace the draft's values after validating all of them; on any problem nothing changes."""
    authorize(actor, "monitoring.edit", Target(province=submission.region_code))
    if submission.status not in OPEN:
        raise MonitoringError(f"状态为 {submission.status} 的数据不能修改 / cannot edit a {submission.status} "
                              "submission")
    framework = session.get(Framework, submission.framework_id)
    assert framework is not None
    spec = spec_of(framework)
    problems = validate(spec, entries, previous_values(session, framework, submission.region_code,
                                                       submission.period),
                        history(session, framework, submission.region_code), submission.period)
    if problems:
        raise ValidationFailed(problems)
    before = _snapshot(submission)
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
    for element, entry in sorted(entries.items()):
        row = existing.get(element)
        if row is None:
            submission.values.append(DataValue(element=element, value=float(entry.value or 0.0),
                                               reason=entry.reason.strip()))
        else:
            row.value, row.reason = float(entry.value or 0.0), entry.reason.strip()
    session.flush()


def _transition(session: Session, *, actor: Actor, submission: Submission, action: str, allowed_from: tuple[str, ...],
                to: str, text: str = "") -> Submission:
    authorize(actor, action, Target(province=submission.region_code))
    if submission.status not in allowed_from:
        raise MonitoringError(f"状态 {submission.status} 不能执行此操作 / not possible from status {submission.status}")
    before = _snapshot(submission)
    submission.status = to
    now = utcnow()
    if to == "submitted":
        submission.submitted_at = now
    elif to == "approved":
        submission.approved_at = now
    elif to == "accepted":
        submission.accepted_at = now
    _comment(submission, actor, action.split(".")[1], text)
    session.flush()
    audit.record(session, actor, action, "submission", submission.id, before=before, after=_snapshot(submission),
                 note=text)
    return submission


def submit(session: Session, *, actor: Actor, submission: Submission) -> Submission:
    framework = session.get(Framework, submission.framework_id)
    assert framework is not None
    entries = {v.element: Entry(v.value, v.reason) for v in submission.values}
    problems = validate(spec_of(framework), entries,
                        previous_values(session, framework, submission.region_code, submission.period),
                        history(session, framework, submission.region_code), submission.period)
    authorize(actor, "monitoring.submit", Target(province=submission.region_code))
    if problems:
        raise ValidationFailed(problems)
    return _transition(session, actor=actor, submission=submission, action="monitoring.submit",
                       allowed_from=OPEN, to="submitted")


def approve(session: Session, *, actor: Actor, submission: Submission, comment: str = "") -> Submission:
    return _transition(session, actor=actor, submission=submission, action="monitoring.approve",
                       allowed_from=("submitted",), to="approved", text=comment)


def accept(session: Session, *, actor: Actor, submission: Submission, comment: str = "") -> Submission:
    return _transition(session, actor=actor, submission=submission, action="monitoring.accept",
                       allowed_from=("approved",), to="accepted", text=comment)


def return_for_correction(session: Session, *, actor: Actor, submission: Submission, reason: str) -> Submission:
    """The jurisdiction admin returns a submitted one; the office returns a submitted or approved one."""
    if not reason.strip():
        raise MonitoringError("退回须说明原因 / returning needs a reason")
    office = actor.has_role("office_admin")
    allowed = ("submitted", "approved") if office else ("submitted",)
    return _transition(session, actor=actor, submission=submission, action="monitoring.return",
                       allowed_from=allowed, to="returned", text=reason.strip())
