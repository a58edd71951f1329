"""What the resources pages share: names of organisations, instruments and users looked up once per page (never
once per row), Beijing times for forms and calendars, who manages instruments, and the moves a booking offers
this reader now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_date
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import readable
from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.i18n import BEIJING, LOCALES, Lang, beijing, format_number
from yrdhub.regions import service as regions
from yrdhub.regions.models import Organisation, Region
from yrdhub.resources import bookings
from yrdhub.resources.lifecycle import LIFECYCLE
from yrdhub.resources.models import Booking, Instrument
from yrdhub.resources.schemas import yuan
from yrdhub.web.templating import render

PAGE = 50


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A resources page: `render` with `yuan_of(fen)`, an amount of integer fen as yuan in the reader's locale."""
    lang = request.state.lang
    return render(request, name, status_code=status_code,
                  yuan_of=lambda amount: format_number(yuan(amount), lang, 2), **context)


def organisations(session: Session, actor: Actor, ids: Iterable[int | None]) -> dict[int, Organisation]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Organisation).where(Organisation.id.in_(wanted), readable(actor, Organisation)))
    return {o.id: o for o in rows.scalars()}


def instruments_by_id(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, Instrument]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Instrument).where(Instrument.id.in_(wanted), readable(actor, Instrument)))
    return {i.id: i for i in rows.scalars()}


def usernames(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Who booked, for readers who may read those bookings (the caller holds the rows under their read rule)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {uid: name for uid, name in session.execute(select(User.id, User.username).where(User.id.in_(wanted)))}


def cities(session: Session) -> dict[str, Region]:
    """The 41 cities (reference data, one query): names and seats."""
    return {r.code: r for r in regions.list_regions(session, level="city", limit=100)}


def member_orgs(actor: Actor) -> set[int]:
    """The organisations the actor may book for."""
    return actor.org_ids("org_admin", "member")


def managed_orgs(actor: Actor) -> set[int]:
    """The organisations whose instruments the actor manages (their admins)."""
    return actor.org_ids("org_admin")


def manages_any(actor: Actor) -> bool:
    return bool(managed_orgs(actor)) or actor.has_role("office_admin")


def form_time(moment: datetime | None) -> str:
    """A moment as a datetime-local field shows it: Beijing time, to the minute."""
    return beijing(moment).strftime("%Y-%m-%dT%H:%M") if moment is not None else ""


def today() -> date:
    return utcnow().astimezone(BEIJING).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    start = datetime(monday.year, monday.month, monday.day, tzinfo=BEIJING)
    return start, start + timedelta(days=7)


def week(monday: date, held: list[tuple[datetime, datetime, str]], lang: Lang) -> list[dict[str, Any]]:
    """Seven days of held time (a slot across midnight is cut at each day's end), each block with its place in
    the day (minutes from midnight, Beijing time); each day named in the reader's locale."""
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        start = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
        end = start + timedelta(days=1)
        blocks = []
        for s, e, kind in held:
            lo, hi = max(beijing(s), start), min(beijing(e), end)
            if lo < hi:
                top = int((lo - start).total_seconds() // 60)
                blocks.append({"top": top, "length": int((hi - lo).total_seconds() // 60), "kind": kind,
                               "from": lo.strftime("%H:%M"), "to": "24:00" if hi == end else hi.strftime("%H:%M")})
        days.append({"day": day, "weekday": format_date(day, "EEE", locale=LOCALES[lang]), "blocks": blocks})
    return days


def moves(session: Session, actor: Actor, booking: Booking, names: tuple[str, ...]) -> list[str]:
    """The moves among `names` the lifecycle lets this actor make on the booking now (its target is read from
    the session's identity map after the page's first booking of an instrument)."""
    allowed = LIFECYCLE.allowed(actor, booking, bookings.target_of(session, booking))
    return [m.name for m in allowed if m.name in names]


def problems(exc: DomainError) -> list[Any]:
    """What a form shows of a refusal: each field's, or the refusal itself."""
    return list(exc.field_errors) or [exc]
