"""My bookings: the signed-in user's bookings, newest first, each with the moves the lifecycle lets them make now
(cancelling), and what a cancellation would cost now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.resources import bookings
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.pages.resources import common

router = APIRouter(include_in_schema=False)
DONE = ("confirmed", "waiting", "cancel")


def mine_page(request: Request, session: Session, actor: Actor, cursor: str = "", status_code: int = 200,
              **extra: Any) -> Response:
    if actor.user_id is None:  # the public is sent to sign in
        raise PermissionDenied("booking.create", actor)
    try:
        page = bookings.page(session, actor=actor, mine=True, cursor=cursor or None, limit=common.PAGE)
    except DomainError:  # a stale or edited cursor: start again
        page = bookings.page(session, actor=actor, mine=True, limit=common.PAGE)
    items = page.items
    tools = common.instruments_by_id(session, actor, {b.instrument_id for b in items})
    # the hosts, shown, and held so that the moves' targets find them in the session (its identity map is weak)
    hosts = common.organisations(session, actor, {i.org_id for i in tools.values()})
    now = utcnow()
    rows = []
    for b in items:
        instrument = tools.get(b.instrument_id)
        late = instrument is not None and b.status == "confirmed" and instrument.cancel_fee_fen > 0 and \
            now > b.starts_at - timedelta(hours=instrument.cancel_hours_before)
        rows.append({"booking": b, "instrument": instrument, "moves": common.moves(session, actor, b, ("cancel",)),
                     "fee_now": instrument.cancel_fee_fen if late and instrument is not None else 0})
    return common.page(request, "resources/bookings.html", status_code=status_code, rows=rows, hosts=hosts,
                  orgs=common.organisations(session, actor, {b.org_id for b in items}),
                  next_href=f"/resources/bookings?cursor={page.next_cursor}" if page.next_cursor else "", **extra)


@router.get("/resources/bookings")
def my_bookings(request: Request, session: SessionDep, actor: ActorDep, cursor: str = "", done: str = "") -> Response:
    return mine_page(request, session, actor, cursor=cursor, done=done if done in DONE else "")
