"""The forms that change bookings and instruments' calendars: cancel a booking (its booker, its host's managers,
the joint office), record its use or a no-show (the host's managers), record a user's training and an outage of
an instrument. Each builds the module's schema and calls its service, as the API does; a refusal re-renders the
page the form was on with the refusal next to the form, nothing written; a success redirects (POST → GET)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError, field_errors
from yrdhub.resources import bookings, usage
from yrdhub.resources.models import Booking
from yrdhub.resources.schemas import OutageCreate, TrainingCreate, UsageCreate
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.errors import status_of
from yrdhub.web.pages.resources import common
from yrdhub.web.pages.resources.console import console_page, managed_instrument
from yrdhub.web.pages.resources.mine import mine_page

router = APIRouter(include_in_schema=False)


class CancelForm(BaseModel):
    reason: str = ""
    back: str = ""  # the page the form was on: "console" or "mine"


class UseForm(BaseModel):
    started_at: str = ""
    ended_at: str = ""
    samples: str = ""


class TrainingForm(BaseModel):
    user: str = ""  # a username, or a user's id
    trained_on: str = ""
    valid_until: str = ""


class OutageForm(BaseModel):
    starts_at: str = ""
    ends_at: str = ""
    reason: str = ""


def _booking(session: Session, actor: Actor, booking_id: int, action: str) -> Booking:
    if actor.user_id is None:  # the public is sent to sign in
        raise PermissionDenied(action, actor)
    return bookings.get(session, booking_id, actor=actor)  # 404 for a booking the actor may not read


def _refused(request: Request, session: Session, actor: Actor, booking: Booking, back: str, form: str,
             errors: list[Any], status_code: int, entered: dict[str, Any] | None = None) -> Response:
    session.rollback()
    extra = {"refused": errors[0], "errors": errors, "refused_at": (form, booking.id), "entered": entered or {}}
    if back == "console" and common.manages_any(actor):
        return console_page(request, session, actor, instrument=booking.instrument_id, status="",
                            status_code=status_code, **extra)
    return mine_page(request, session, actor, status_code=status_code, **extra)


def _done(back: str, booking: Booking, done: str) -> Response:
    target = (f"/resources/console?instrument={booking.instrument_id}&status=&done={done}" if back == "console"
              else f"/resources/bookings?done={done}")
    return RedirectResponse(f"{target}#booking-{booking.id}", status_code=303)


@router.post("/resources/bookings/{booking_id}/cancel", dependencies=[CsrfForm],
             openapi_extra=policy("booking.cancel"))
def cancel(booking_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
           form: Annotated[CancelForm, Form()]) -> Response:
    booking = _booking(session, actor, booking_id, "booking.cancel")
    back = "console" if form.back == "console" else "mine"
    try:
        bookings.cancel(session, actor=actor, booking=booking, reason=form.reason[:2000])
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _refused(request, session, actor, booking, back, "cancel", common.problems(exc), status_of(exc))
    session.commit()
    return _done(back, booking, "cancel")


@router.post("/resources/bookings/{booking_id}/use", dependencies=[CsrfForm],
             openapi_extra=policy("booking.record_use"))
def record_use(booking_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
               form: Annotated[UseForm, Form()]) -> Response:
    booking = _booking(session, actor, booking_id, "booking.record_use")
    values = {k: v for k, v in form.model_dump().items() if v.strip()}
    try:
        data = UsageCreate(**values)
        usage.record_use(session, actor=actor, booking=booking, data=data)
    except ValidationError as exc:
        return _refused(request, session, actor, booking, "console", "use", field_errors(exc), 422,
                        form.model_dump())
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _refused(request, session, actor, booking, "console", "use", common.problems(exc), status_of(exc),
                        form.model_dump())
    session.commit()
    return _done("console", booking, "record_use")


@router.post("/resources/bookings/{booking_id}/miss", dependencies=[CsrfForm],
             openapi_extra=policy("booking.record_use"))
def record_miss(booking_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    booking = _booking(session, actor, booking_id, "booking.record_use")
    try:
        usage.miss(session, actor=actor, booking=booking)
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _refused(request, session, actor, booking, "console", "miss", common.problems(exc), status_of(exc))
    session.commit()
    return _done("console", booking, "miss")


def _instrument_refused(request: Request, session: Session, actor: Actor, instrument_id: int, form: str,
                        errors: list[Any], status_code: int, entered: dict[str, Any]) -> Response:
    session.rollback()
    return console_page(request, session, actor, instrument=instrument_id, status_code=status_code,
                        refused=errors[0], errors=errors, refused_at=(form, instrument_id), entered=entered)


def _user_id(session: Session, text: str) -> int | None:
    text = text.strip()
    user = accounts.get_user(session, username=text) if text else None
    if user is None and text.isdigit() and len(text) < 10:
        user = session.get(User, int(text))
    return user.id if user is not None else None


@router.post("/resources/instruments/{instrument_id}/training", dependencies=[CsrfForm],
             openapi_extra=policy("instrument.manage"))
def record_training(instrument_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                    form: Annotated[TrainingForm, Form()]) -> Response:
    instrument = managed_instrument(session, actor, instrument_id)  # the public to sign in, others 403
    entered = form.model_dump()
    user_id = _user_id(session, form.user)
    try:
        if user_id is None:
            raise DomainError("user.not_found", field="user", username=form.user.strip())
        data = TrainingCreate(user_id=user_id, trained_on=form.trained_on or None,
                              valid_until=form.valid_until or None)
        bookings.record_training(session, actor=actor, instrument=instrument, data=data)
    except ValidationError as exc:
        return _instrument_refused(request, session, actor, instrument_id, "training", field_errors(exc), 422,
                                   entered)
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _instrument_refused(request, session, actor, instrument_id, "training", common.problems(exc),
                                   status_of(exc), entered)
    session.commit()
    return RedirectResponse(f"/resources/console?instrument={instrument_id}&done=training#training",
                            status_code=303)


@router.post("/resources/instruments/{instrument_id}/outages", dependencies=[CsrfForm],
             openapi_extra=policy("instrument.manage"))
def record_outage(instrument_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                  form: Annotated[OutageForm, Form()]) -> Response:
    instrument = managed_instrument(session, actor, instrument_id)
    entered = form.model_dump()
    values = {k: v for k, v in entered.items() if v.strip()}
    try:
        bookings.record_outage(session, actor=actor, instrument=instrument, data=OutageCreate(**values))
    except ValidationError as exc:
        return _instrument_refused(request, session, actor, instrument_id, "outage", field_errors(exc), 422,
                                   entered)
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _instrument_refused(request, session, actor, instrument_id, "outage", common.problems(exc),
                                   status_of(exc), entered)
    session.commit()
    return RedirectResponse(f"/resources/console?instrument={instrument_id}&done=outage#outages", status_code=303)

