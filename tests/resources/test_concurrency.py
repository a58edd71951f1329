"""No double booking under concurrency: many clients book overlapping times of one instrument at once, round
after round; exactly one wins each round, the others are told the time is taken, and the table never holds two
overlapping holding bookings. Real sessions on a database of their own, committed for real (PostgreSQL in CI: the
exclusion constraint decides; SQLite serialises writers and its trigger decides)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.errors import Conflict
from yrdhub.migrate import upgrade
from yrdhub.regions import orgs
from yrdhub.regions.loader import load_bundled
from yrdhub.regions.schemas import OrgCreate
from yrdhub.resources import bookings, instruments
from yrdhub.resources.models import Booking
from yrdhub.resources.schemas import BookingCreate, InstrumentCreate

from .conftest import MONDAY, NOW

CLIENTS = 64
ROUNDS = {"postgresql": 100, "sqlite": 10}


def _setup(engine: Any) -> tuple[int, list[tuple[Actor, int]]]:
    with transaction(session_factory(engine)) as session:
        load_bundled(session, actor=SYSTEM)
        host = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="并发测试研究所", type="institute",
                                                                 region="310115"))
        payers = [orgs.create(session, actor=SYSTEM, data=OrgCreate(name=f"并发测试企业{n}", type="enterprise",
                                                                    region=region))
                  for n, region in enumerate(("310104", "320100", "330400", "340100"))]
        instrument = instruments.create(session, actor=SYSTEM, data=InstrumentCreate(
            code="CC-0001", name="并发测试仪器", category="分析仪器", value_yuan=Decimal(1_000_000), org_id=host.id,
            max_minutes=120))
        clients = []
        for n in range(CLIENTS):
            payer = payers[n % len(payers)]
            user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=f"cc{n}",
                                                                              password="concurrency-1"))
            accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="member",
                                                                               scope=f"org:{payer.id}"))
            clients.append((accounts.actor_for(user), payer.id))
        return instrument.id, clients


def test_many_clients_booking_one_time_get_exactly_one_booking(fresh_url: str) -> None:
    upgrade(fresh_url)
    backend = "postgresql" if fresh_url.startswith("postgresql") else "sqlite"
    engine = make_engine(fresh_url, pool_size=CLIENTS, max_overflow=8)
    try:
        instrument_id, clients = _setup(engine)
        factory = session_factory(engine)
        winners: list[int] = []
        for round_ in range(ROUNDS[backend]):
            base = MONDAY + timedelta(hours=3 * round_)
            start = threading.Barrier(CLIENTS)
            outcomes: list[Any] = [None] * CLIENTS

            def one(i: int, base: Any = base, start: Any = start, outcomes: Any = outcomes) -> None:
                actor, payer = clients[i]
                begins = base + timedelta(minutes=3 * (i % 8))  # every request holds base+21 to base+60
                data = BookingCreate(instrument_id=instrument_id, org_id=payer, starts_at=begins,
                                     ends_at=begins + timedelta(minutes=60))
                start.wait()
                try:
                    with transaction(factory) as session:
                        outcomes[i] = bookings.book(session, actor=actor, data=data, now=NOW).id
                except Exception as exc:  # shown in the assertions below
                    outcomes[i] = exc

            threads = [threading.Thread(target=one, args=(i,)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            won = [o for o in outcomes if isinstance(o, int)]
            lost = [o for o in outcomes if isinstance(o, Conflict)]
            assert len(won) == 1, (round_, outcomes)
            assert len(lost) == CLIENTS - 1 and {e.code for e in lost} == {"booking.overlap"}, (round_, outcomes)
            winners += won

        with factory() as session:
            held = session.execute(select(Booking.id).where(Booking.status == "confirmed")).scalars().all()
            assert sorted(held) == sorted(winners)
            other = aliased(Booking)
            overlaps = session.execute(select(func.count()).select_from(Booking).join(other, and_(
                other.instrument_id == Booking.instrument_id, other.id < Booking.id,
                other.starts_at < Booking.ends_at, other.ends_at > Booking.starts_at))).scalar_one()
            assert overlaps == 0
    finally:
        engine.dispose()
