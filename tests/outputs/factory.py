"""Reports and achievements for tests, made through the services (as a form, the API or an import would)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.outputs import achievements, files, service
from yrdhub.outputs.models import Achievement, Report
from yrdhub.outputs.schemas import AchievementCreate, ReportCreate, ReportMove


def report(session: Session, *, number: str, org_id: int, actor: Actor = SYSTEM, title: str = "测试报告",
           openness: str = "public", status: str = "accepted", embargo_until: date | None = None,
           type: str = "final", year: int = 2025, abstract: str = "摘要", full_text: str = "全文",
           authors: Sequence[str] = (), keywords: Sequence[str] = (), file: tuple[bytes, str] | None = None,
           reason: str = "撤销原因", **extra: Any) -> Report:
    """A report registered by `actor` (a draft), with its file, then taken to `status` by the joint office's
    moves (submitted, accepted, withdrawn)."""
    row = service.create_report(session, actor=actor, data=ReportCreate(
        number=number, title=title, type=type, org_id=org_id, openness=openness, embargo_until=embargo_until,
        year=year, abstract=abstract, full_text=full_text, authors=list(authors), keywords=list(keywords), **extra))
    if file is not None:
        files.attach(session, actor=actor, report=row, data=file[0], filename=file[1])
    if status in ("submitted", "accepted", "withdrawn"):
        service.advance_to(session, actor=SYSTEM, report=row, status="accepted" if status == "withdrawn" else status)
    if status == "withdrawn":
        service.move_report(session, actor=SYSTEM, report=row, data=ReportMove(move="withdraw", reason=reason))
    return row


def achievement(session: Session, *, org_ids: Sequence[int], actor: Actor = SYSTEM, kind: str = "patent",
                title: str = "一种测试装置", year: int = 2025, identifier: str = "", **extra: Any) -> Achievement:
    return achievements.create_achievement(session, actor=actor, data=AchievementCreate(
        kind=kind, title=title, year=year, applicant_org_ids=list(org_ids), identifier=identifier, **extra))
