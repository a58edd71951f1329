"""Metered use: the provider records when a booking's use really started and ended (and the samples measured),
and the charge follows from the payer's price group and the instrument's cumulative tariff for the month
(resources/tariff.py). Monthly statements per payer organisation, user and jurisdiction sum the charges.

A use's charge is the tariff at the payer's month-to-date quantity after it minus before it. Two uses of one
payer recorded at once cannot both start from the same month-to-date quantity (a unique key on the chain): the
later one is computed again on the new total, so the month's charges always telescope to the tariff of its total.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize, readable
from yrdhub.errors import DomainError
from yrdhub.i18n import BEIJING
from yrdhub.resources import bookings, instruments, tariff, vouchers
from yrdhub.resources.lifecycle import LIFECYCLE
from yrdhub.resources.models import Booking, Usage
from yrdhub.resources.schemas import UsageCreate

ATTEMPTS = 5  # recomputations when another use of the same payer lands first


def month_of(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m")


def _month_to_date(session: Session, booking: Booking, unit: str, month: str) -> int:
    return session.execute(select(func.coalesce(func.sum(Usage.quantity), 0)).where(
        Usage.instrument_id == booking.instrument_id, Usage.org_id == booking.org_id,
        Usage.price_group == booking.price_group, Usage.unit == unit, Usage.month == month)).scalar_one()


def record_use(session: Session, *, actor: Actor, booking: Booking, data: UsageCreate) -> Usage:
    """Record the metered use of a confirmed booking and charge it."""
    before_state = bookings.snapshot(booking)
    target = bookings.target_of(session, booking)
    rate = instruments.rate_for(session, booking.instrument_id, booking.price_group, booking.service_type)
    unit = rate.unit if rate is not None else ("sample" if booking.service_type == "sample_testing" else "hour")
    authorize(actor, "booking.record_use", target)  # who may, before what is missing
    if unit == "sample" and data.samples is None:
        raise DomainError("booking.use_samples", field="samples")
    LIFECYCLE.move(booking, "record_use", actor=actor, target=target)
    session.flush()  # the move first (it compares and sets the booking's version), outside the retried part
    quantity = data.samples if unit == "sample" else int((data.ended_at - data.started_at).total_seconds() // 60)
    assert quantity is not None and quantity > 0
    month = month_of(data.started_at)
    for attempt in range(ATTEMPTS):
        before = _month_to_date(session, booking, unit, month)
        use = Usage(booking_id=booking.id, instrument_id=booking.instrument_id, org_id=booking.org_id,
                    price_group=booking.price_group, unit=unit, started_at=data.started_at, ended_at=data.ended_at,
                    month=month, quantity=quantity, before_quantity=before, recorded_by=actor.username,
                    charge_fen=tariff.charge(rate.steps, unit, before, quantity) if rate is not None else 0)
        try:
            with session.begin_nested():
                session.add(use)
                session.flush()
            break
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    vouchers.settle_use(session, booking=booking, charge_fen=use.charge_fen, month=month)
    audit.record(session, actor, "booking.record_use", "booking", booking.id, before=before_state,
                 after={**bookings.snapshot(booking), "usage": {"unit": unit, "quantity": quantity,
                                                                "charge_fen": use.charge_fen, "month": month}})
    return use


def miss(session: Session, *, actor: Actor, booking: Booking) -> Booking:
    """The booker did not come: the slot stays held (it was lost to others) and nothing is metered."""
    before = bookings.snapshot(booking)
    LIFECYCLE.move(booking, "miss", actor=actor, target=bookings.target_of(session, booking))
    session.flush()
    audit.record(session, actor, "booking.miss", "booking", booking.id, before=before, after=bookings.snapshot(booking))
    return booking


STATEMENT_KEYS = {"org": Usage.org_id, "instrument": Usage.instrument_id}


def statement(session: Session, *, actor: Actor, month: str, by: str = "org") -> list[dict[str, Any]]:
    """A month's uses the actor may read, summed per payer organisation or per instrument: uses, quantity per
    unit, charges in fen."""
    key = STATEMENT_KEYS[by]
    rows = session.execute(
        select(key, Usage.unit, func.count(), func.sum(Usage.quantity), func.sum(Usage.charge_fen))
        .where(Usage.month == month, readable(actor, Usage)).group_by(key, Usage.unit).order_by(key, Usage.unit))
    return [{by: k, "unit": unit, "uses": n, "quantity": int(q), "charge_fen": int(c)} for k, unit, n, q, c in rows]
