"""The shared instrument catalogue: the list with its search box, facets (with counts) and keyset pages; an
instrument's page with its prices, booking rules, CSTR identifier, the week's held time (when, never who) and,
for a member of an organisation, the booking form. The form builds `BookingCreate` and calls `bookings.book`,
as the API does; a refusal is shown next to its field in the page's language, nothing written."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, can
from yrdhub.config import Settings
from yrdhub.errors import DomainError, field_errors
from yrdhub.resources import bookings, instruments
from yrdhub.resources.models import INSTRUMENT_STATUSES, PRICE_GROUPS, UNITS, Facility, Instrument
from yrdhub.resources.schemas import BookingCreate
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep, SettingsDep
from yrdhub.web.errors import status_of
from yrdhub.web.pages.resources import common

router = APIRouter(include_in_schema=False)
BOOKING_FIELDS = ("org_id", "starts_at", "ends_at", "service_type", "purpose", "wait")


@router.get("/resources/instruments")
def catalogue(request: Request, session: SessionDep, actor: ActorDep, q: str = "", category: str = "",
              city: str = "", org: str = "", band: str = "", status: str = "", cursor: str = "") -> Response:
    flt = instruments.InstrumentFilter(
        q=q.strip()[:100], category=category[:100], city=city if city.isdigit() else "",
        org_id=int(org) if org.isdigit() and len(org) < 10 else None,
        value_band=band if band in instruments.VALUE_BANDS else "",
        status=status if status in INSTRUMENT_STATUSES else "")
    try:
        page = instruments.page(session, actor=actor, flt=flt, cursor=cursor or None, limit=common.PAGE)
    except DomainError:  # a stale or edited cursor: start again
        page, cursor = instruments.page(session, actor=actor, flt=flt, limit=common.PAGE), ""
    facets = instruments.facet_counts(session, actor=actor, flt=flt)
    hosts = common.organisations(session, actor, [i.org_id for i in page.items] + [o for o, _ in facets["org_id"]])
    params = {"q": flt.q, "category": flt.category, "city": flt.city, "org": str(flt.org_id or ""),
              "band": flt.value_band, "status": flt.status}
    return common.page(request, "resources/instruments.html", rows=page.items, facets=facets, hosts=hosts,
                  cities=common.cities(session), flt=flt, params=params,
                  href=lambda **change: _href(params, change),
                  next_href=_href(params, {"cursor": page.next_cursor}) if page.next_cursor else "",
                  first_href=_href(params, {}) if cursor else "")


def _href(params: dict[str, str], change: dict[str, Any]) -> str:
    merged = {**params, **{k: "" if v is None else str(v) for k, v in change.items()}}
    return "/resources/instruments?" + urlencode([(k, v) for k, v in merged.items() if v])


# --- an instrument's page -----------------------------------------------------------------------------------


class BookingForm(BaseModel):
    """What the booking form posts, as typed (checked by the schema and the service, not here)."""

    org_id: str = ""
    starts_at: str = ""
    ends_at: str = ""
    service_type: str = ""
    purpose: str = ""
    wait: str = ""


def _instrument_page(request: Request, session: Session, actor: Actor, settings: Settings, instrument: Instrument,
                     week: str = "", status_code: int = 200, **extra: Any) -> Response:
    monday = common.monday_of(common.parse_day(week) or common.today())
    start, end = common.week_bounds(monday)
    held = bookings.slots(session, instrument.id, actor=actor, start=start, end=end)
    host_target = instruments.target_of(session, instrument.org_id)
    mine = common.member_orgs(actor)
    orgs = common.organisations(session, actor, [instrument.org_id, *mine])
    facility = session.get(Facility, instrument.facility_id) if instrument.facility_id else None
    services = instrument.service_types or ["self_operated"]
    extra.setdefault("entered", {"org_id": str(min(mine)) if mine else "",
                                 "service_type": "self_operated" if "self_operated" in services else services[0]})
    extra.setdefault("errors", [])
    return common.page(request, "resources/instrument.html", status_code=status_code, instrument=instrument,
                  rates=sorted(instruments.rates_of(session, instrument.id),
                               key=lambda r: (PRICE_GROUPS.index(r.price_group), UNITS.index(r.unit))),
                  cstr=instruments.cstr(instrument, settings.cstr_prefix), host=orgs.get(instrument.org_id),
                  city=common.cities(session).get(instrument.city_code or ""), facility=facility,
                  days=common.week(monday, held, request.state.lang), monday=monday,
                  prev_week=monday - timedelta(days=7), next_week=monday + timedelta(days=7),
                  booking_orgs=[orgs[o] for o in sorted(mine) if o in orgs],
                  may_manage=can(actor, "instrument.manage", host_target), no_org=DomainError("booking.no_org"),
                  **extra)


@router.get("/resources/instruments/{instrument_id}")
def instrument_page(instrument_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                    settings: SettingsDep, week: str = "") -> Response:
    instrument = instruments.get(session, instrument_id, actor=actor)
    return _instrument_page(request, session, actor, settings, instrument, week=week)


@router.post("/resources/instruments/{instrument_id}/bookings", dependencies=[CsrfForm],
             openapi_extra=policy("booking.create"))
def book(instrument_id: RowId, request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
         form: Annotated[BookingForm, Form()]) -> Response:
    instrument = instruments.get(session, instrument_id, actor=actor)
    if actor.user_id is None:  # the public is sent to sign in
        raise PermissionDenied("booking.create", actor)
    entered = form.model_dump()
    values = {k: v for k, v in entered.items() if k in ("org_id", "starts_at", "ends_at", "service_type") and v}
    try:
        data = BookingCreate(instrument_id=instrument.id, purpose=form.purpose, wait=bool(form.wait), **values)
    except ValidationError as exc:
        return _instrument_page(request, session, actor, settings, instrument, week=form.starts_at[:10],
                                status_code=422, entered=entered, errors=field_errors(exc))
    try:
        booking = bookings.book(session, actor=actor, data=data)
    except PermissionDenied:
        raise
    except DomainError as exc:
        session.rollback()
        return _instrument_page(request, session, actor, settings, instrument, week=form.starts_at[:10],
                                status_code=status_of(exc), entered=entered, errors=common.problems(exc))
    session.commit()
    return RedirectResponse(f"/resources/bookings?done={booking.status}#booking-{booking.id}", status_code=303)
