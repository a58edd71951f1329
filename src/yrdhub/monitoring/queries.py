"""Reading monitoring data: frameworks, accepted values and the indicators computed from them, submissions
(filtered by the read rule in SQL, keyset pages), completeness."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal, overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import readable
from yrdhub.i18n import beijing
from yrdhub.keyset import Order, Page, paginate
from yrdhub.monitoring.framework import BUNDLED, Spec, parse
from yrdhub.monitoring.lifecycle import SubmissionStatus
from yrdhub.monitoring.models import DataValue, Framework, Submission
from yrdhub.regions.service import YRD_PROVINCES

PROVINCES = YRD_PROVINCES
NATIONAL = "100000"
ACCEPTED = SubmissionStatus.ACCEPTED.value


def get_framework(session: Session, code: str, version: int | None = None) -> Framework | None:
    """A framework version (the newest without a version); frameworks are public."""
    stmt = select(Framework).where(Framework.code == code)
    stmt = stmt.where(Framework.version == version) if version else stmt.order_by(Framework.version.desc())
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def framework_of(session: Session, submission: Submission) -> Framework:
    framework = session.get(Framework, submission.framework_id)
    assert framework is not None
    return framework


def spec_of(framework: Framework) -> Spec:
    """The parsed spec; a stored version never changes, so one parse per spec hash is enough."""
    return _parsed(framework.spec_hash, framework.spec)


_SPECS: dict[str, Spec] = {}


def _parsed(digest: str, raw: dict[str, Any]) -> Spec:
    if digest not in _SPECS:
        _SPECS[digest] = parse(raw)
    return _SPECS[digest]


@overload
def accepted_values(session: Session, framework: Framework, *, regions: tuple[str, ...] = ...,
                    exact: Literal[False] = ...) -> dict[tuple[str, int], dict[str, float]]: ...
@overload
def accepted_values(session: Session, framework: Framework, *, regions: tuple[str, ...] = ...,
                    exact: Literal[True]) -> dict[tuple[str, int], dict[str, Decimal]]: ...
def accepted_values(session: Session, framework: Framework, *, regions: tuple[str, ...] = PROVINCES,
                    exact: bool = False) -> dict[tuple[str, int], dict[str, Any]]:
    """The values of the latest accepted version of every (jurisdiction, period): what the public sees. Exact
    numbers with `exact`, else floats (what the statistics compute with)."""
    latest = (select(Submission.region_code, Submission.period, func.max(Submission.version).label("v"))
              .where(Submission.framework_id == framework.id, Submission.status == ACCEPTED,
                     Submission.region_code.in_(regions))
              .group_by(Submission.region_code, Submission.period).subquery())
    stmt = (select(Submission.region_code, Submission.period, DataValue.element, DataValue.value)
            .join(DataValue, DataValue.submission_id == Submission.id)
            .join(latest, (latest.c.region_code == Submission.region_code) & (latest.c.period == Submission.period)
                  & (latest.c.v == Submission.version))
            .where(Submission.framework_id == framework.id, Submission.status == ACCEPTED))
    out: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
    for region, period, element, value in session.execute(stmt):
        out[(region, period)][element] = value if exact else float(value)
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


@lru_cache(maxsize=32)
def national_series(element: str) -> tuple[tuple[int, float], ...]:
    """A published national figure for comparison (not submitted by anyone: read from the bundled data)."""
    with (BUNDLED / "data_values.csv").open(encoding="utf-8") as fh:
        return tuple(sorted((int(r["year"]), float(r["value"])) for r in csv.DictReader(fh)
                            if r["region_code"] == NATIONAL and r["element"] == element))


def previous_values(session: Session, framework: Framework, region: str, period: int) -> dict[str, Decimal]:
    return accepted_values(session, framework, regions=(region,), exact=True).get((region, period - 1), {})


def history(session: Session, framework: Framework, region: str) -> dict[str, list[tuple[int, Decimal]]]:
    series: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for (_, period), values in sorted(accepted_values(session, framework, regions=(region,), exact=True).items()):
        for element, value in values.items():
            series[element].append((period, value))
    return dict(series)


# --- submissions under the read rule ---------------------------------------------------------------------------

def get_submission(session: Session, *, actor: Actor, submission_id: int) -> Submission | None:
    """A submission the actor may read (None otherwise: an unreadable one does not exist for them)."""
    stmt = (select(Submission).where(Submission.id == submission_id, readable(actor, Submission))
            .options(selectinload(Submission.values)))
    return session.execute(stmt).scalar_one_or_none()


def list_submissions(session: Session, *, actor: Actor, framework: Framework | None = None,
                     region: str | None = None, period: int | None = None, status: str | None = None,
                     cursor: str | None = None, limit: int = 50) -> Page[Submission]:
    """The submissions the actor may read, newest period first, filtered and paged in SQL."""
    stmt = select(Submission).where(readable(actor, Submission)).options(selectinload(Submission.values))
    if framework is not None:
        stmt = stmt.where(Submission.framework_id == framework.id)
    if region:
        stmt = stmt.where(Submission.region_code == region)
    if period:
        stmt = stmt.where(Submission.period == period)
    if status:
        stmt = stmt.where(Submission.status == status)
    orders = [Order(Submission.period, descending=True), Order(Submission.region_code),
              Order(Submission.version, descending=True), Order(Submission.id)]
    return paginate(session, stmt, orders, cursor=cursor, limit=limit)


@dataclass(frozen=True)
class Completeness:
    region_code: str
    period: int
    status: str | None  # status of the newest version, None when nothing was opened
    version: int | None
    submitted_at: datetime | None
    accepted: bool  # some version is accepted
    due: date
    late: bool  # not submitted by the due date, or submitted after it


def completeness(session: Session, framework: Framework, periods: list[int], today: date | None = None
                 ) -> list[Completeness]:
    """Who has submitted what, and on time: per jurisdiction and period, the newest version's status (states are
    not secret: the grid shows that a draft exists, never its values)."""
    spec = spec_of(framework)
    today = today or beijing(datetime.now().astimezone()).date()
    rows = session.execute(select(Submission.region_code, Submission.period, Submission.version, Submission.status,
                                  Submission.submitted_at)
                           .where(Submission.framework_id == framework.id, Submission.period.in_(periods)))
    newest: dict[tuple[str, int], Any] = {}
    accepted: set[tuple[str, int]] = set()
    for row in rows:
        key = (row.region_code, row.period)
        if key not in newest or row.version > newest[key].version:
            newest[key] = row
        if row.status == ACCEPTED:
            accepted.add(key)
    out = []
    for period in periods:
        for region in PROVINCES:
            sub = newest.get((region, period))
            due = spec.due_date(period)
            submitted = beijing(sub.submitted_at).date() if sub and sub.submitted_at else None
            # Late: still not accepted, and either nothing submitted by the due date or submitted after it.
            late = (region, period) not in accepted and (
                (submitted is None and today > due) or (submitted is not None and submitted > due))
            out.append(Completeness(region, period, sub.status if sub else None, sub.version if sub else None,
                                    sub.submitted_at if sub else None, (region, period) in accepted, due, late))
    return out
