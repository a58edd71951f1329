from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from yrdhub.resources import bookings, sharing, usage
from yrdhub.resources.schemas import BookingCreate, UsageCreate

from .conftest import NOW, World, slot


def used(session: Session, world: World, actor: Any, org_id: int, start: float, minutes: int) -> None:
    starts_at, ends_at = slot(start, 4)
    booking = bookings.book(session, actor=actor, now=NOW, data=BookingCreate(
        instrument_id=world.instrument.id, org_id=org_id, starts_at=starts_at, ends_at=ends_at))
    usage.record_use(session, actor=world.manager, booking=booking, data=UsageCreate(
        started_at=starts_at, ended_at=starts_at + timedelta(minutes=minutes)))


def test_effective_external_and_cross_jurisdiction_hours(session: Session, world: World) -> None:
    used(session, world, world.manager, world.host.id, 0, 120)  # the host itself: internal
    used(session, world, world.local, world.shanghai.id, 24, 90)  # 上海: external, same jurisdiction
    used(session, world, world.booker, world.zhejiang.id, 48, 30)  # 嘉兴: external, cross-jurisdiction
    month = usage.month_of(slot(0)[0])
    rows = sharing.measures(session, actor=world.office, by="province", first=month)
    assert rows == [{"province": "310000", "uses": 3, "effective_hours": 4.0, "external_hours": 2.0,
                     "cross_jurisdiction_hours": 0.5, "sharing_rate": 0.5}]
    per_instrument = sharing.measures(session, actor=world.office, by="instrument", first=month)
    assert [r["instrument"] for r in per_instrument] == [world.instrument.id]
    behind = sharing.records(session, actor=world.office, first=month)
    assert sorted(r["quantity"] for r in behind) == [30, 90, 120]
    assert sum(r["quantity"] for r in behind if r["price_group"] != "internal") / 60 == rows[0]["external_hours"]
    # a stranger reads no use, so no measure
    assert sharing.measures(session, actor=world.outsider, by="province", first=month) == []
