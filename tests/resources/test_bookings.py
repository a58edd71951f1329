from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError
from yrdhub.resources import bookings, instruments
from yrdhub.resources.models import Booking
from yrdhub.resources.schemas import BookingCreate, OutageCreate, TrainingCreate

from .conftest import MONDAY, NOW, World, instrument_data, slot


def ask(world: World, start: float, hours: float = 2, *, org: int | None = None, wait: bool = False,
        instrument: int | None = None) -> BookingCreate:
    starts_at, ends_at = slot(start, hours)
    return BookingCreate(instrument_id=instrument or world.instrument.id, org_id=org or world.zhejiang.id,
                         starts_at=starts_at, ends_at=ends_at, wait=wait)


def book(session: Session, actor: Actor, data: BookingCreate, now: datetime = NOW) -> Booking:
    return bookings.book(session, actor=actor, data=data, now=now)


def test_a_free_slot_is_confirmed_and_an_overlap_refused(session: Session, world: World) -> None:
    first = book(session, world.booker, ask(world, 0))
    assert first.status == "confirmed" and first.price_group == "cross_jurisdiction"
    with pytest.raises(DomainError) as refused:
        book(session, world.local, ask(world, 1, org=world.shanghai.id))
    assert refused.value.code == "booking.overlap"
    touching = book(session, world.local, ask(world, 2, org=world.shanghai.id))
    assert touching.status == "confirmed"  # [9:00, 11:00) and [11:00, 13:00) do not overlap


def test_the_database_refuses_an_overlap_the_service_did_not_check(session: Session, world: World) -> None:
    first = book(session, world.booker, ask(world, 0))
    starts_at, ends_at = slot(1)
    twin = Booking(instrument_id=first.instrument_id, user_id=first.user_id, org_id=first.org_id,
                   starts_at=starts_at, ends_at=ends_at, status="confirmed", price_group="internal")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
        session.flush()
    waiting = Booking(instrument_id=first.instrument_id, user_id=first.user_id, org_id=first.org_id,
                      starts_at=starts_at, ends_at=ends_at, status="waiting", price_group="internal")
    session.add(waiting)
    session.flush()  # a waiting booking holds nothing
    with pytest.raises(IntegrityError), session.begin_nested():
        waiting.status = "confirmed"
        session.flush()


def test_the_waiting_list_takes_a_freed_slot_first_come_first_served(session: Session, world: World) -> None:
    held = book(session, world.booker, ask(world, 0))
    early = book(session, world.local, ask(world, 0, 1, org=world.shanghai.id, wait=True))
    late = book(session, world.local, ask(world, 0.5, 1, org=world.shanghai.id, wait=True))
    assert (early.status, late.status) == ("waiting", "waiting")
    bookings.cancel(session, actor=world.booker, booking=held, now=MONDAY - timedelta(days=3))
    session.refresh(early)
    session.refresh(late)
    assert (held.status, early.status, late.status) == ("cancelled", "confirmed", "waiting")
    assert held.cancel_fee_fen == 0  # cancelled in the free window


def test_a_late_cancellation_costs_the_fee(session: Session, world: World) -> None:
    held = book(session, world.booker, ask(world, 0))
    bookings.cancel(session, actor=world.booker, booking=held, now=MONDAY - timedelta(hours=2))
    assert held.cancel_fee_fen == 5000
    by_host = book(session, world.booker, ask(world, 5))
    bookings.cancel(session, actor=world.manager, booking=by_host, reason="设备故障", now=MONDAY)
    assert by_host.cancel_fee_fen == 0 and by_host.reason == "设备故障"  # the provider's cancellation is free


@pytest.mark.parametrize(("start", "hours", "code"), [
    (0, 0.25, "booking.too_short"), (0, 9, "booking.too_long"), (24 * 60, 2, "booking.too_late")])
def test_the_instruments_rules(session: Session, world: World, start: float, hours: float, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        book(session, world.booker, ask(world, start, hours))
    assert refused.value.code == code


def test_a_booking_cannot_start_in_the_past(session: Session, world: World) -> None:
    with pytest.raises(DomainError) as refused:
        book(session, world.booker, ask(world, 0), now=MONDAY + timedelta(minutes=1))
    assert refused.value.code == "booking.in_past"


def test_training_gates_an_instrument_that_needs_it(session: Session, world: World) -> None:
    gated = instruments.create(session, actor=world.manager,
                               data=instrument_data(world.host, "SH-TEM-0001", needs_training=True))
    with pytest.raises(DomainError) as refused:
        book(session, world.booker, ask(world, 0, instrument=gated.id))
    assert refused.value.code == "booking.untrained"
    with pytest.raises(PermissionDenied):  # only the host records training
        bookings.record_training(session, actor=world.booker, instrument=gated,
                                 data=TrainingCreate(user_id=world.ids["booker"]))
    bookings.record_training(session, actor=world.manager, instrument=gated,
                             data=TrainingCreate(user_id=world.ids["booker"], trained_on=date(2030, 1, 1),
                                                 valid_until=date(2030, 3, 3)))
    with pytest.raises(DomainError):  # the training lapsed the day before
        book(session, world.booker, ask(world, 0, instrument=gated.id))
    bookings.record_training(session, actor=world.manager, instrument=gated,
                             data=TrainingCreate(user_id=world.ids["booker"], trained_on=date(2030, 1, 1)))
    assert book(session, world.booker, ask(world, 0, instrument=gated.id)).status == "confirmed"


def test_an_outage_blocks_its_time(session: Session, world: World) -> None:
    starts_at, ends_at = slot(1, 3)
    bookings.record_outage(session, actor=world.manager, instrument=world.instrument,
                           data=OutageCreate(starts_at=starts_at, ends_at=ends_at, reason="年度校准"))
    with pytest.raises(DomainError) as refused:
        book(session, world.booker, ask(world, 0))
    assert refused.value.code == "booking.outage"
    held = bookings.slots(session, world.instrument.id, actor=world.outsider, start=MONDAY,
                          end=MONDAY + timedelta(days=1))
    assert [kind for *_, kind in held] == ["outage"]


def test_price_groups_follow_who_pays(session: Session, world: World) -> None:
    cross = book(session, world.booker, ask(world, 0))
    same = book(session, world.local, ask(world, 2, org=world.shanghai.id))
    internal = book(session, world.manager, ask(world, 4, org=world.host.id))
    assert [b.price_group for b in (cross, same, internal)] == ["cross_jurisdiction", "same_jurisdiction",
                                                                 "internal"]


def test_nobody_books_for_an_organisation_they_do_not_belong_to(session: Session, world: World) -> None:
    for actor in (world.outsider, world.local):
        with pytest.raises(PermissionDenied):
            book(session, actor, ask(world, 0, org=world.zhejiang.id))
    assert session.execute(select(Booking.id)).first() is None


def test_who_may_cancel_and_who_may_read(session: Session, world: World) -> None:
    booking = book(session, world.booker, ask(world, 0, wait=True))
    with pytest.raises(PermissionDenied):
        bookings.cancel(session, actor=world.local, booking=booking)
    for reader in (world.booker, world.manager, world.office):
        assert bookings.get(session, booking.id, actor=reader).id == booking.id
    for stranger in (world.local, world.outsider):
        with pytest.raises(DomainError) as hidden:
            bookings.get(session, booking.id, actor=stranger)
        assert hidden.value.code == "booking.not_found"
    slots = bookings.slots(session, world.instrument.id, actor=world.outsider, start=MONDAY,
                           end=MONDAY + timedelta(days=1))
    assert len(slots) == 1  # when it is taken is public, not by whom
