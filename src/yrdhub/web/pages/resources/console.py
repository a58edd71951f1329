"""The provider console, for an instrument's managers (the admins of its host organisation; the joint office):
its bookings with the moves the lifecycle allows them now (record the use, record a no-show, cancel with a
reason), its training records and outages, and the month's statement of charges (exported by the API's
`/api/v1/resources/statements?format=csv|xlsx`, as the house's lists are)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, authorize
from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.i18n import BEIJING
from yrdhub.resources import bookings, instruments, usage
from yrdhub.resources.lifecycle import BookingStatus
from yrdhub.resources.models import Instrument
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.pages.resources import common

router = APIRouter(include_in_schema=False)
STATES = tuple(s.value for s in BookingStatus)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
BOOKING_MOVES = ("record_use", "miss", "cancel")


def _month(text: str) -> str:
    return text if MONTH.match(text) else utcnow().astimezone(BEIJING).strftime("%Y-%m")


def _managed(session: Session, actor: Actor) -> list[Instrument]:
    """The instruments of the organisations the actor administers (the joint office: the catalogue's first)."""
    if not common.manages_any(actor):
        raise PermissionDenied("instrument.manage", actor)
    if actor.has_role("office_admin"):
        return instruments.page(session, actor=actor, flt=instruments.InstrumentFilter(), limit=100).items
    found: list[Instrument] = []
    for org_id in sorted(common.managed_orgs(actor)):
        found += instruments.page(session, actor=actor, flt=instruments.InstrumentFilter(org_id=org_id),
                                  limit=100).items
    return found


def managed_instrument(session: Session, actor: Actor, instrument_id: int) -> Instrument:
    """An instrument the actor manages (404 when there is none, 403 when it is another host's)."""
    instrument = instruments.get(session, instrument_id, actor=actor)
    authorize(actor, "instrument.manage", instruments.target_of(session, instrument.org_id))
    return instrument


def console_page(request: Request, session: Session, actor: Actor, *, instrument: int | None = None,
                 status: str = "confirmed", cursor: str = "", month: str = "", by: str = "org",
                 status_code: int = 200, **extra: Any) -> Response:
    managed = _managed(session, actor)
    selected = managed_instrument(session, actor, instrument) if instrument else (managed[0] if managed else None)
    rows: list[dict[str, Any]] = []
    next_href, outages = "", []
    status = status if status in STATES else ""
    if selected is not None:
        try:
            page = bookings.page(session, actor=actor, instrument_id=selected.id, status=status,
                                 cursor=cursor or None, limit=common.PAGE)
        except DomainError:  # a stale or edited cursor: start again
            page = bookings.page(session, actor=actor, instrument_id=selected.id, status=status, limit=common.PAGE)
        people = common.usernames(session, {b.user_id for b in page.items})
        payers = common.organisations(session, actor, {b.org_id for b in page.items})
        rows = [{"booking": b, "user": people.get(b.user_id, ""), "org": payers.get(b.org_id),
                 "moves": common.moves(session, actor, b, BOOKING_MOVES)} for b in page.items]
        if page.next_cursor:
            next_href = f"/resources/console?instrument={selected.id}&status={status}&cursor={page.next_cursor}"
        now = utcnow()
        outages = [(s, e) for s, e, kind in bookings.slots(session, selected.id, actor=actor, start=now,
                                                            end=now + timedelta(days=120)) if kind == "outage"]
    month = _month(month)
    by = by if by in usage.STATEMENT_KEYS else "org"
    statement = usage.statement(session, actor=actor, month=month, by=by)
    names = _statement_names(session, actor, by, statement)
    return common.page(request, "resources/console.html", status_code=status_code, managed=managed, selected=selected,
                  rows=rows, status=status, states=STATES, next_href=next_href, outages=outages,
                  month=month, by=by, statement=statement, names=names, form_time=common.form_time,
                  **({"refused": None, "refused_at": None, "errors": [], "entered": {}} | extra))


def _statement_names(session: Session, actor: Actor, by: str, rows: list[dict[str, Any]]) -> dict[int, Any]:
    keys = {r[by] for r in rows}
    if by == "org":
        return dict(common.organisations(session, actor, keys))
    return dict(common.instruments_by_id(session, actor, keys))


@router.get("/resources/console")
def console(request: Request, session: SessionDep, actor: ActorDep, instrument: str = "", status: str = "confirmed",
            cursor: str = "", month: str = "", by: str = "org", done: str = "") -> Response:
    chosen = int(instrument) if instrument.isdigit() and len(instrument) < 10 else None
    return console_page(request, session, actor, instrument=chosen, status=status, cursor=cursor, month=month,
                        by=by, done=done if done in ("record_use", "miss", "cancel", "training", "outage") else "")
