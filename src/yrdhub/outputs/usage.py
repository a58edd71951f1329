"""Usage of reports: views and downloads, counted once per reader and day, and the statistics the managers
read — per report, per organisation, per jurisdiction — within each manager's scope (`access.REPORT_USAGE`),
computed in SQL."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import readable
from yrdhub.db import utcnow
from yrdhub.i18n import beijing
from yrdhub.outputs.access import USAGE
from yrdhub.outputs.models import Report, UsageEvent

Kind = Literal["view", "download"]
Group = Literal["org", "province"]
GROUPS = {"org": Report.org_id, "province": Report.province_code}


def reader_of(actor: Actor, client: str) -> str:
    """A signed-in user by id; the anonymous public by a digest of the address (never stored as it is)."""
    if actor.user_id is not None:
        return f"user:{actor.user_id}"
    return "anon:" + hashlib.sha256(client.encode()).hexdigest()[:16]


def record_use(session: Session, *, report: Report, actor: Actor, client: str, kind: Kind) -> bool:
    """Count a view or download once per reader and (Beijing) day; True when it was counted. Needs a writing
    session (a GET that records a use asks for one)."""
    try:
        with session.begin_nested():
            session.add(UsageEvent(report_id=report.id, reader=reader_of(actor, client),
                                   day=beijing(utcnow()).date(), kind=kind))
    except IntegrityError:
        return False
    return True


_VIEWS = func.sum(case((UsageEvent.kind == "view", 1), else_=0))
_DOWNLOADS = func.sum(case((UsageEvent.kind == "download", 1), else_=0))


def usage(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """Views and downloads per report within the actor's scope, most used first. `title` is None for a report
    the actor counts but may not read (a restricted report of the jurisdiction)."""
    rows = session.execute(
        select(Report.id, Report.number, Report.title, Report.province_code, Report.org_id,
               _VIEWS.label("views"), _DOWNLOADS.label("downloads"))
        .join(UsageEvent, UsageEvent.report_id == Report.id).where(readable(actor, USAGE))
        .group_by(Report.id, Report.number, Report.title, Report.province_code, Report.org_id)
        .order_by((_VIEWS + _DOWNLOADS).desc(), Report.id)).all()
    ids = [r.id for r in rows]
    seen = set(session.execute(select(Report.id).where(Report.id.in_(ids), readable(actor, Report))).scalars()) \
        if ids else set()
    return [{"report_id": r.id, "number": r.number, "title": r.title if r.id in seen else None,
             "province_code": r.province_code, "org_id": r.org_id, "views": int(r.views),
             "downloads": int(r.downloads)} for r in rows]


def usage_by(session: Session, *, actor: Actor, by: Group) -> list[dict[str, Any]]:
    """The same counts summed per organisation (`org`) or per jurisdiction (`province`), within the same scope."""
    column = GROUPS[by]
    name = "org_id" if by == "org" else "province_code"
    rows = session.execute(
        select(column.label("group"), func.count(func.distinct(Report.id)).label("reports"),
               _VIEWS.label("views"), _DOWNLOADS.label("downloads"))
        .join(UsageEvent, UsageEvent.report_id == Report.id).where(readable(actor, USAGE))
        .group_by(column).order_by((_VIEWS + _DOWNLOADS).desc(), column)).all()
    return [{name: r.group, "reports": int(r.reports), "views": int(r.views), "downloads": int(r.downloads)}
            for r in rows]
