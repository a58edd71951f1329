"""Reads under the policy, in SQL: every get and list takes the actor and filters with the read rules of
`outputs.access` in the WHERE clause; lists are keyset pages (`yrdhub.keyset`), exports stream the same select.
A report the reader may not see is `NotFound` — never a 403 that would reveal it exists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import readable
from yrdhub.errors import NotFound
from yrdhub.keyset import Order, Page, paginate
from yrdhub.outputs.access import FULL_TEXT
from yrdhub.outputs.models import Achievement, Report

REPORT_ORDER = [Order(Report.year, descending=True), Order(Report.id, descending=True)]
ACHIEVEMENT_ORDER = [Order(Achievement.year, descending=True), Order(Achievement.id, descending=True)]
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class ReportFilter:
    type: str | None = None
    province: str | None = None
    year: int | None = None
    status: str | None = None
    org_id: int | None = None


def get_report(session: Session, *, actor: Actor, report_id: int) -> Report:
    report = session.execute(select(Report).where(Report.id == report_id, readable(actor, Report))
                             ).scalar_one_or_none()
    if report is None:
        raise NotFound("not_found")
    return report


def reads_full_text(session: Session, *, actor: Actor, report: Report) -> bool:
    """The full text (and the original file) of a report the actor sees."""
    found = session.execute(select(literal(1)).select_from(Report)
                            .where(Report.id == report.id, readable(actor, FULL_TEXT))).first()
    return found is not None


def _reports(actor: Actor, flt: ReportFilter) -> Select[Any]:
    stmt = select(Report).where(readable(actor, Report))
    if flt.type:
        stmt = stmt.where(Report.type == flt.type)
    if flt.province:
        stmt = stmt.where(Report.province_code == flt.province)
    if flt.year:
        stmt = stmt.where(Report.year == flt.year)
    if flt.status:
        stmt = stmt.where(Report.status == flt.status)
    if flt.org_id:
        stmt = stmt.where(Report.org_id == flt.org_id)
    return stmt


def list_reports(session: Session, *, actor: Actor, flt: ReportFilter = ReportFilter(), cursor: str | None = None,
                 limit: int = 50) -> Page[Report]:
    return paginate(session, _reports(actor, flt), REPORT_ORDER, cursor=cursor, limit=limit)


def _batches(session: Session, stmt: Select[Any], orders: list[Order]) -> Iterator[Any]:
    """Every row of `stmt`, a keyset page at a time (an export never holds the whole table)."""
    cursor = None
    while True:
        page = paginate(session, stmt, orders, cursor=cursor, limit=EXPORT_BATCH)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def iter_reports(session: Session, *, actor: Actor, flt: ReportFilter = ReportFilter()) -> Iterator[Report]:
    return _batches(session, _reports(actor, flt), REPORT_ORDER)


def _achievements(actor: Actor, kind: str | None) -> Select[Any]:
    stmt = select(Achievement).where(readable(actor, Achievement))
    return stmt.where(Achievement.kind == kind) if kind else stmt


def list_achievements(session: Session, *, actor: Actor, kind: str | None = None, cursor: str | None = None,
                      limit: int = 50) -> Page[Achievement]:
    return paginate(session, _achievements(actor, kind), ACHIEVEMENT_ORDER, cursor=cursor, limit=limit)


def iter_achievements(session: Session, *, actor: Actor, kind: str | None = None) -> Iterator[Achievement]:
    return _batches(session, _achievements(actor, kind), ACHIEVEMENT_ORDER)


def get_achievement(session: Session, *, actor: Actor, achievement_id: int) -> Achievement:
    row = session.execute(select(Achievement).where(Achievement.id == achievement_id,
                                                    readable(actor, Achievement))).scalar_one_or_none()
    if row is None:
        raise NotFound("not_found")
    return row
