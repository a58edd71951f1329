"""Redemptions under concurrency: 1,000 requests from 32 threads across the four issuers' schemes — fresh ones,
replays of an earlier key, second vouchers for a booking already paid, vouchers asked for more than they hold —
leave a ledger whose debits equal its credits to the fen, no balance below zero or a cap exceeded, every replay a
no-op and every booking paid by one voucher at most. Issues racing for one holder's cap never exceed it. Real
sessions, committed for real (PostgreSQL in CI)."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.errors import Conflict
from yrdhub.migrate import upgrade
from yrdhub.regions import orgs
from yrdhub.regions.loader import load_bundled
from yrdhub.regions.schemas import OrgCreate
from yrdhub.resources import bookings, instruments, ledger, vouchers
from yrdhub.resources.models import LedgerAccount, Redemption, Voucher
from yrdhub.resources.schemas import BookingCreate, InstrumentCreate, RedemptionCreate, SchemeCreate, VoucherIssue

from .conftest import MONDAY, NOW

PROVINCES = ("310000", "320000", "330000", "340000")
REGIONS = ("310104", "320102", "330402", "340104")
HOLDERS, BOOKINGS, REQUESTS, THREADS = 8, 400, 1000, 32


def _world(factory: Any) -> dict[str, Any]:
    with transaction(factory) as session:
        load_bundled(session, actor=SYSTEM)
        host = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="券并发研究所", type="institute",
                                                                 region="310115"))
        instrument = instruments.create(session, actor=SYSTEM, data=InstrumentCreate(
            code="VC-0001", name="券并发仪器", category="分析仪器", value_yuan=Decimal(1_000_000), org_id=host.id,
            book_days_ahead=366, rates=[{"price_group": g, "unit": "hour", "steps": [[0, Decimal(100)]]}
                                        for g in ("same_jurisdiction", "cross_jurisdiction")]))
        schemes = [vouchers.create_scheme(session, actor=SYSTEM, data=SchemeCreate(
            code=f"VC-{p}", name="并发测试创新券", province=p, share_percent=Decimal(50),
            holder_cap_yuan=Decimal(3000), budget_yuan=Decimal(40_000), valid_from=date(2030, 1, 1),
            valid_until=date(2030, 12, 31))) for p in PROVINCES]
        holders, members, held = [], [], []
        for n in range(HOLDERS):
            holder = orgs.create(session, actor=SYSTEM, data=OrgCreate(name=f"券并发企业{n}", type="enterprise",
                                                                       region=REGIONS[n % 4]))
            user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=f"vc{n}",
                                                                              password="voucher-race-1"))
            accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="member", scope=f"org:{holder.id}"))
            holders.append(holder.id)
            members.append(accounts.actor_for(user))
            # each holder: a voucher of every issuer, of 1,000 元 (it pays 50 元 of an hour: 20 hours' worth)
            held.append([vouchers.issue(session, actor=SYSTEM, data=VoucherIssue(
                scheme_id=s.id, holder_org_id=holder.id, face_yuan=Decimal(1000))).id for s in schemes])
        booked = []
        for b in range(BOOKINGS):
            n = b % HOLDERS
            begins = MONDAY + timedelta(hours=b)
            booked.append((n, bookings.book(session, actor=members[n], now=NOW, data=BookingCreate(
                instrument_id=instrument.id, org_id=holders[n], starts_at=begins,
                ends_at=begins + timedelta(hours=1))).id))
        return {"members": members, "vouchers": held, "bookings": booked}


def test_a_thousand_concurrent_redemptions_keep_the_ledger_whole(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url, pool_size=THREADS, max_overflow=8)
    try:
        factory = session_factory(engine)
        world = _world(factory)
        rng = random.Random(5)
        requests = []
        for r in range(REQUESTS):
            n, booking = rng.choice(world["bookings"])
            if r and rng.random() < 0.2:  # a replay of an earlier request, key and all
                requests.append(requests[rng.randrange(len(requests))])
                continue
            requests.append((n, booking, rng.choice(world["vouchers"][n]), f"race-{r:05d}"))
        outcomes: list[Any] = [None] * REQUESTS
        lock = threading.Lock()

        def one(i: int) -> None:
            n, booking_id, voucher_id, key = requests[i]
            try:
                with transaction(factory) as session:
                    booking = bookings.get(session, booking_id, actor=world["members"][n])
                    result = vouchers.hold(session, actor=world["members"][n], booking=booking, data=RedemptionCreate(
                        voucher_id=voucher_id, booking_id=booking_id, key=key)).id
            except Exception as exc:  # tallied below
                result = exc
            with lock:
                outcomes[i] = result

        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(one, range(REQUESTS)))

        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert any(isinstance(o, Conflict) and o.code == "voucher.booking_paid" for o in refused)  # tried, refused
        assert all(isinstance(o, Conflict) and o.code in {"voucher.booking_paid", "voucher.insufficient"}
                   for o in refused), {repr(o) for o in refused}
        by_key: dict[str, set[int]] = {}
        for (_, _, _, key), outcome in zip(requests, outcomes, strict=True):
            if isinstance(outcome, int):
                by_key.setdefault(key, set()).add(outcome)
        assert by_key and all(len(ids) == 1 for ids in by_key.values())  # every replay answered the same one
        with factory() as session:
            redemptions = session.execute(select(Redemption)).scalars().all()
            assert len(redemptions) == len(by_key)  # replays wrote nothing
            assert len({r.booking_id for r in redemptions}) == len(redemptions)  # one voucher per booking
            check = ledger.reconcile(session)
            assert check.ok and check.debits_fen == check.credits_fen > 0, check
            low = session.execute(select(func.count()).select_from(LedgerAccount).where(
                LedgerAccount.floor_fen.is_not(None), LedgerAccount.balance_fen < 0)).scalar_one()
            assert low == 0
    finally:
        engine.dispose()


def test_issues_racing_for_one_holders_cap_never_exceed_it(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url, pool_size=THREADS, max_overflow=8)
    try:
        factory = session_factory(engine)
        with transaction(factory) as session:
            load_bundled(session, actor=SYSTEM)
            holder = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="券上限企业", type="enterprise",
                                                                       region="330402"))
            scheme = vouchers.create_scheme(session, actor=SYSTEM, data=SchemeCreate(
                code="CAP-1", name="上限测试", province="330000", share_percent=Decimal(50),
                holder_cap_yuan=Decimal(10_000), budget_yuan=Decimal(1_000_000), valid_from=date(2030, 1, 1),
                valid_until=date(2030, 12, 31)))
            holder_id, scheme_id = holder.id, scheme.id
        start = threading.Barrier(THREADS)

        def one(_: int) -> Any:
            start.wait()
            try:
                with transaction(factory) as session:
                    return vouchers.issue(session, actor=SYSTEM, data=VoucherIssue(
                        scheme_id=scheme_id, holder_org_id=holder_id, face_yuan=Decimal(1000))).id
            except Conflict as exc:
                return exc.code

        with ThreadPoolExecutor(THREADS) as pool:
            outcomes = list(pool.map(one, range(THREADS)))
        assert sorted(o for o in outcomes if isinstance(o, str)) == ["voucher.holder_cap"] * (THREADS - 10)
        with factory() as session:
            issued = session.execute(select(func.sum(Voucher.face_fen))).scalar_one()
            assert issued == 1_000_000  # exactly the cap, 10 vouchers of 1,000 元
            assert ledger.balance(session, f"cap:{scheme_id}:{holder_id}") == 0
            assert ledger.reconcile(session).ok
    finally:
        engine.dispose()
