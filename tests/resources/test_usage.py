from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError
from yrdhub.resources import bookings, usage
from yrdhub.resources.models import Booking, Usage
from yrdhub.resources.schemas import BookingCreate, UsageCreate

from .conftest import NOW, World, slot


def booked(session: Session, world: World, start: float, hours: float = 2, service: str = "self_operated"
           ) -> Booking:
    starts_at, ends_at = slot(start, hours)
    return bookings.book(session, actor=world.booker, now=NOW, data=BookingCreate(
        instrument_id=world.instrument.id, org_id=world.zhejiang.id, starts_at=starts_at, ends_at=ends_at,
        service_type=service))


def use(session: Session, world: World, booking: Booking, minutes: int, samples: int | None = None) -> Usage:
    return usage.record_use(session, actor=world.manager, booking=booking, data=UsageCreate(
        started_at=booking.starts_at, ended_at=booking.starts_at + timedelta(minutes=minutes), samples=samples))


def test_a_use_is_charged_at_the_payers_price(session: Session, world: World) -> None:
    booking = booked(session, world, 0)
    charged = use(session, world, booking, 95)
    assert (booking.status, charged.unit, charged.quantity, charged.charge_fen) == ("used", "hour", 95, 38_000)
    samples = booked(session, world, 4, service="sample_testing")
    with pytest.raises(DomainError) as refused:
        use(session, world, samples, 30)
    assert refused.value.code == "booking.use_samples"
    assert use(session, world, samples, 30, samples=4).charge_fen == 14_200  # 4 × 35.50 元


def test_the_months_uses_follow_the_tariffs_steps_as_one(session: Session, world: World) -> None:
    """Four uses of three hours, the last across the step at ten hours: the month costs what twelve hours cost."""
    charges = [use(session, world, booked(session, world, 24 * day, 3), 180).charge_fen for day in range(4)]
    assert charges == [72_000] * 3 + [24_000 + 2 * 19_200]
    assert sum(charges) == 10 * 24_000 + 2 * 19_200


def test_only_the_host_records_use(session: Session, world: World) -> None:
    booking = booked(session, world, 0)
    for actor in (world.booker, world.local):
        with pytest.raises(PermissionDenied):
            use_as(session, actor, booking)
    assert session.execute(select(Usage.id)).first() is None


def use_as(session: Session, actor: object, booking: Booking) -> None:
    usage.record_use(session, actor=actor, booking=booking,  # type: ignore[arg-type]
                     data=UsageCreate(started_at=booking.starts_at, ended_at=booking.ends_at))


def test_a_statement_sums_the_months_charges_for_those_who_may_read_them(session: Session, world: World) -> None:
    for day in range(3):
        use(session, world, booked(session, world, 24 * day), 60)
    month = usage.month_of(slot(0)[0])
    expected = [{"org": world.zhejiang.id, "unit": "hour", "uses": 3, "quantity": 180, "charge_fen": 72_000}]
    for reader in (world.office, world.manager, world.booker):
        assert usage.statement(session, actor=reader, month=month) == expected
    assert usage.statement(session, actor=world.local, month=month) == []
