"""Bookings of instruments: book (or join the waiting list), cancel (the next waiting booking that fits takes the
freed time), and the calendar's held slots. Training records and outages, which gate bookings, live here too.

No double booking, also under concurrency: the database refuses a second holding booking over the same time of
one instrument (migration 0020: an exclusion constraint on PostgreSQL, a trigger on SQLite); the check here only
answers early, the constraint decides.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.accounts.policy import Target, authorize, readable
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, NotFound
from yrdhub.i18n import BEIJING
from yrdhub.keyset import Order, Page, paginate
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation
from yrdhub.resources import instruments, vouchers
from yrdhub.resources.access import SLOTS
from yrdhub.resources.lifecycle import HOLDING, LIFECYCLE, BookingStatus
from yrdhub.resources.models import Booking, Instrument, Outage, Training
from yrdhub.resources.schemas import BookingCreate, OutageCreate, TrainingCreate

_HOLDING = tuple(s.value for s in HOLDING)


def snapshot(b: Booking) -> dict[str, Any]:
    return {"instrument_id": b.instrument_id, "user_id": b.user_id, "org_id": b.org_id,
            "starts_at": b.starts_at.isoformat(), "ends_at": b.ends_at.isoformat(), "status": b.status,
            "price_group": b.price_group, "service_type": b.service_type, "cancel_fee_fen": b.cancel_fee_fen}


def price_group(session: Session, payer: Organisation, instrument: Instrument) -> str:
    """internal: the payer is the host or shares a legal entity with it (one is above the other); same
    jurisdiction: the payer's province is the host's; otherwise cross-jurisdiction."""
    host = session.get(Organisation, instrument.org_id)
    assert host is not None
    if instrument.org_id in orgs.ancestors(session, payer) or payer.id in orgs.ancestors(session, host):
        return "internal"
    if payer.province_code is not None and payer.province_code == instrument.province_code:
        return "same_jurisdiction"
    return "cross_jurisdiction"


def _overlapping(model: Any, instrument_id: int, starts_at: datetime, ends_at: datetime) -> Any:
    return and_(model.instrument_id == instrument_id, model.starts_at < ends_at, model.ends_at > starts_at)


def _check_rules(session: Session, instrument: Instrument, user_id: int, data: BookingCreate, now: datetime) -> None:
    if instrument.status != "in_service":
        raise Conflict("booking.not_open", status=instrument.status)
    minutes = int((data.ends_at - data.starts_at).total_seconds() // 60)
    if minutes < instrument.min_minutes:
        raise DomainError("booking.too_short", field="ends_at", minutes=instrument.min_minutes)
    if minutes > instrument.max_minutes:
        raise DomainError("booking.too_long", field="ends_at", minutes=instrument.max_minutes)
    if data.starts_at < now:
        raise DomainError("booking.in_past", field="starts_at")
    if data.starts_at > now + timedelta(days=instrument.book_days_ahead):
        raise DomainError("booking.too_late", field="starts_at", days=instrument.book_days_ahead)
    if data.starts_at < now + timedelta(hours=instrument.book_hours_before):
        raise DomainError("booking.too_soon", field="starts_at", hours=instrument.book_hours_before)
    if instrument.needs_training and not trained(session, instrument.id, user_id, data.starts_at.date()):
        raise DomainError("booking.untrained")
    if session.execute(select(Outage.id).where(_overlapping(Outage, instrument.id, data.starts_at,
                                                            data.ends_at))).first():
        raise Conflict("booking.outage")


def trained(session: Session, instrument_id: int, user_id: int, on: date) -> bool:
    valid = select(Training.id).where(Training.instrument_id == instrument_id, Training.user_id == user_id,
                                      Training.trained_on <= on)
    return session.execute(valid.where((Training.valid_until.is_(None)) | (Training.valid_until >= on))).first() \
        is not None


def _taken(session: Session, instrument_id: int, starts_at: datetime, ends_at: datetime,
           but: int | None = None) -> bool:
    stmt = select(Booking.id).where(_overlapping(Booking, instrument_id, starts_at, ends_at),
                                    Booking.status.in_(_HOLDING))
    if but is not None:
        stmt = stmt.where(Booking.id != but)
    return session.execute(stmt).first() is not None


def _hold(session: Session, booking: Booking, change: Any = None) -> bool:
    """Add (or change, by calling `change`) a booking that holds its slot, in a savepoint; False when the database
    refuses it for an overlap — nothing of it stays in the session then."""
    try:
        with session.begin_nested():
            if change is None:
                session.add(booking)
            else:
                change()
            session.flush()
    except IntegrityError:
        return False
    return True


def book(session: Session, *, actor: Actor, data: BookingCreate, now: datetime | None = None) -> Booking:
    """Book an instrument for the actor on behalf of an organisation they belong to (confirmed at once when the
    time is free; on the waiting list when it is taken and `wait` is asked; refused otherwise)."""
    payer = session.get(Organisation, data.org_id)
    target = Target() if payer is None else Target(province=payer.province_code,
                                                   org_ids=orgs.ancestors(session, payer))
    authorize(actor, "booking.create", target)  # nobody belongs to an organisation that does not exist
    if payer is None or payer.merged_into_id is not None or actor.user_id is None:
        raise DomainError("booking.no_org", field="org_id")
    instrument = instruments.get(session, data.instrument_id, actor=actor)
    _check_rules(session, instrument, actor.user_id, data, now or utcnow())
    group = price_group(session, payer, instrument)

    def new(status: BookingStatus) -> Booking:
        return Booking(instrument_id=instrument.id, user_id=actor.user_id, org_id=payer.id,
                       starts_at=data.starts_at, ends_at=data.ends_at, status=status.value, price_group=group,
                       service_type=data.service_type, purpose=data.purpose)

    taken = _taken(session, instrument.id, data.starts_at, data.ends_at)
    if not taken:
        booking = new(BookingStatus.CONFIRMED)
        taken = not _hold(session, booking)  # another booking took the time meanwhile
    if taken:
        if not data.wait:
            raise Conflict("booking.overlap", field="starts_at")
        booking = new(BookingStatus.WAITING)
        session.add(booking)
        session.flush()
    audit.record(session, actor, "booking.create", "booking", booking.id, after=snapshot(booking))
    return booking


def target_of(session: Session, booking: Booking) -> Target:
    instrument = session.get(Instrument, booking.instrument_id)
    assert instrument is not None
    host = instruments.target_of(session, instrument.org_id)
    return Target(province=host.province, org_ids=host.org_ids, owner_user_id=booking.user_id)


def cancel(session: Session, *, actor: Actor, booking: Booking, reason: str = "",
           now: datetime | None = None) -> Booking:
    """Cancel a booking; a booker cancelling a confirmed booking after the free window pays the instrument's fee.
    The freed time goes to the waiting bookings that now fit, first come first served."""
    now = now or utcnow()
    before = snapshot(booking)
    was = booking.status
    LIFECYCLE.move(booking, "cancel", actor=actor, target=target_of(session, booking), reason=reason)
    instrument = session.get(Instrument, booking.instrument_id)
    assert instrument is not None
    late = now > booking.starts_at - timedelta(hours=instrument.cancel_hours_before)
    if was == BookingStatus.CONFIRMED.value and late and actor.user_id == booking.user_id:
        booking.cancel_fee_fen = instrument.cancel_fee_fen
    booking.reason = reason.strip()
    session.flush()
    vouchers.void_hold(session, booking=booking)
    audit.record(session, actor, "booking.cancel", "booking", booking.id, before=before, after=snapshot(booking))
    if was == BookingStatus.CONFIRMED.value:
        _promote(session, booking)
    return booking


def _promote(session: Session, freed: Booking) -> None:
    waiting = session.execute(select(Booking).where(
        _overlapping(Booking, freed.instrument_id, freed.starts_at, freed.ends_at),
        Booking.status == BookingStatus.WAITING.value).order_by(Booking.created_at, Booking.id)).scalars().all()
    for candidate in waiting:
        if _taken(session, candidate.instrument_id, candidate.starts_at, candidate.ends_at):
            continue
        before = snapshot(candidate)
        target = target_of(session, candidate)
        if _hold(session, candidate, lambda c=candidate, t=target: LIFECYCLE.move(c, "confirm", actor=SYSTEM,
                                                                                   target=t)):
            audit.record(session, SYSTEM, "booking.confirm", "booking", candidate.id, before=before,
                         after=snapshot(candidate))


def get(session: Session, booking_id: int, *, actor: Actor) -> Booking:
    booking = session.execute(select(Booking).where(Booking.id == booking_id, readable(actor, Booking))
                              ).scalar_one_or_none()
    if booking is None:
        raise NotFound("booking.not_found", id=booking_id)
    return booking


def page(session: Session, *, actor: Actor, instrument_id: int | None = None, mine: bool = False,
         status: str = "", cursor: str | None = None, limit: int = 50) -> Page[Booking]:
    """Bookings the actor may read, newest first (mine: the actor's own)."""
    stmt = select(Booking).where(readable(actor, Booking))
    if instrument_id is not None:
        stmt = stmt.where(Booking.instrument_id == instrument_id)
    if mine:
        stmt = stmt.where(Booking.user_id == (actor.user_id or 0))
    if status:
        stmt = stmt.where(Booking.status == status)
    order = [Order(Booking.starts_at, descending=True), Order(Booking.id, descending=True)]
    return paginate(session, stmt, order, cursor=cursor, limit=limit)


def own(session: Session, *, actor: Actor, limit: int = 500) -> list[tuple[Booking, Instrument]]:
    """The actor's own latest bookings with their instruments (for the user's calendar feed)."""
    stmt = (select(Booking, Instrument).join(Instrument, Instrument.id == Booking.instrument_id)
            .where(Booking.user_id == (actor.user_id or 0)).order_by(Booking.starts_at.desc()).limit(limit))
    return [(b, i) for b, i in session.execute(stmt).tuples()]


def slots(session: Session, instrument_id: int, *, actor: Actor, start: datetime, end: datetime
          ) -> list[tuple[datetime, datetime, str]]:
    """The held time of an instrument between two moments: booked slots and outages (when, never who)."""
    instruments.get(session, instrument_id, actor=actor)
    held = session.execute(select(Booking.starts_at, Booking.ends_at).where(
        _overlapping(Booking, instrument_id, start, end), Booking.status.in_(_HOLDING),
        readable(actor, SLOTS))).all()
    out = [(s, e, "booked") for s, e in held]
    out += [(s, e, "outage") for s, e in session.execute(select(Outage.starts_at, Outage.ends_at).where(
        _overlapping(Outage, instrument_id, start, end))).all()]
    return sorted(out)


def record_training(session: Session, *, actor: Actor, instrument: Instrument, data: TrainingCreate) -> Training:
    authorize(actor, "instrument.manage", instruments.target_of(session, instrument.org_id))
    on = data.trained_on or utcnow().astimezone(BEIJING).date()
    training = session.execute(select(Training).where(Training.instrument_id == instrument.id,
                                                      Training.user_id == data.user_id)).scalar_one_or_none()
    if training is None:
        training = Training(instrument_id=instrument.id, user_id=data.user_id, trained_on=on,
                            valid_until=data.valid_until, recorded_by=actor.username)
        session.add(training)
    else:
        training.trained_on, training.valid_until, training.recorded_by = on, data.valid_until, actor.username
    session.flush()
    audit.record(session, actor, "instrument.train", "instrument", instrument.id,
                 after={"user_id": data.user_id, "trained_on": on.isoformat(),
                        "valid_until": data.valid_until.isoformat() if data.valid_until else None})
    return training


def record_outage(session: Session, *, actor: Actor, instrument: Instrument, data: OutageCreate) -> Outage:
    """An outage may cover booked time (a breakdown): those bookings stay, for the provider to cancel."""
    authorize(actor, "instrument.manage", instruments.target_of(session, instrument.org_id))
    outage = Outage(instrument_id=instrument.id, starts_at=data.starts_at, ends_at=data.ends_at, reason=data.reason,
                    recorded_by=actor.username)
    session.add(outage)
    session.flush()
    audit.record(session, actor, "instrument.outage", "instrument", instrument.id,
                 after={"starts_at": data.starts_at.isoformat(), "ends_at": data.ends_at.isoformat(),
                        "reason": data.reason})
    return outage
