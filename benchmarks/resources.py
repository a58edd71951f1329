"""Benchmark: bookings under concurrency and the instrument catalogue's search at 30,000 instruments.

    .venv/bin/python benchmarks/resources.py                                   # a temporary SQLite file
    .venv/bin/python benchmarks/resources.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/yrd_res_bench

The database must be new (it is migrated here). Setup: the bundled regions, 40 host organisations across the four
jurisdictions, 32 booking users at 32 enterprises, and --instruments GENERATED instruments (names drawn from real
instrument kinds, marked as samples). Then:
- bookings: --clients threads book 1-hour slots on random instruments for --seconds, each booking a transaction
  through `resources.bookings.book` (rules, price group, the database's guard, the audit chain); refusals for
  taken time are counted apart. Afterwards the table is checked for overlapping holding bookings (violations)
  and every booking for its audit event.
- catalogue: --queries page reads of `resources.instruments.page` with a search word and a random facet,
  timed one by one; the p95 in ms.
- redemptions: every client's organisation holds a voucher of each of the four jurisdictions' schemes; the same
  threads redeem the bookings made above (`resources.vouchers.hold`: the ledger's conditional updates, the
  idempotency key, one voucher per booking, the audit chain), every tenth request a replay of an earlier key;
  afterwards the ledger is reconciled (violations: unbalanced transactions, drifted or negative balances).
The load average is printed beside each figure (the machine is shared). The last line reads
`bookings_per_s=<a> redemptions_per_s=<b> p95_ms_catalogue=<c>`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

KINDS = [("扫描电子显微镜", "分析仪器"), ("透射电子显微镜", "分析仪器"), ("X射线衍射仪", "分析仪器"),
         ("核磁共振波谱仪", "分析仪器"), ("液相色谱质谱联用仪", "分析仪器"), ("激光共聚焦显微镜", "分析仪器"),
         ("流式细胞仪", "医学科研仪器"), ("原子力显微镜", "物理性能测试仪器"), ("万能材料试验机", "物理性能测试仪器"),
         ("五轴加工中心", "工艺试验仪器"), ("高性能计算集群", "计算机及其配套设备"), ("矢量网络分析仪", "电子测量仪器")]
WORDS = ["显微镜", "质谱", "衍射", "色谱", "激光", "试验机", "网络分析", "核磁"]
REGIONS = ["310115", "310104", "320102", "320505", "330106", "330402", "340104", "340111"]


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def setup(factory, n_instruments: int, clients: int):  # type: ignore[no-untyped-def]
    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.accounts.schemas import GrantRequest, UserCreate
    from yrdhub.db import transaction
    from yrdhub.regions import orgs
    from yrdhub.regions.loader import load_bundled
    from yrdhub.regions.schemas import OrgCreate
    from yrdhub.resources.models import Instrument, Rate

    rng = random.Random(7)
    with transaction(factory) as session:
        load_bundled(session, actor=SYSTEM)
        hosts = [orgs.create(session, actor=SYSTEM, data=OrgCreate(name=f"基准测试研究所{i}（生成）",
                                                                   type="institute", region=REGIONS[i % 8]))
                 for i in range(40)]
        payers = [orgs.create(session, actor=SYSTEM, data=OrgCreate(name=f"基准测试企业{i}（生成）",
                                                                    type="enterprise", region=REGIONS[(i * 3) % 8]))
                  for i in range(clients)]
        actors = []
        for i, payer in enumerate(payers):
            user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=f"bench{i}",
                                                                              password="bench-password-1"))
            accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role="member", scope=f"org:{payer.id}"))
            actors.append((accounts.actor_for(user), payer.id))
        # The generated catalogue goes in as rows (setup, not the thing measured); every one marked a sample.
        rows = []
        for i in range(n_instruments):
            name, category = KINDS[i % len(KINDS)]
            host = hosts[rng.randrange(len(hosts))]
            rows.append(Instrument(code=f"GEN-{i:06d}", name=f"{name}（生成 {i}）", category=category,
                                   maker=rng.choice(["Zeiss", "Thermo", "Bruker", "聚光科技", "舜宇"]),
                                   original_value_fen=rng.randrange(300_000, 20_000_000) * 100, org_id=host.id,
                                   city_code=None, province_code=host.province_code, max_minutes=240,
                                   book_days_ahead=366, is_sample=True))
        session.add_all(rows)
        session.flush()
        session.add_all([Rate(instrument_id=r.id, price_group=g, unit="hour", steps=[[0, 20_000]])
                         for r in rows for g in ("internal", "same_jurisdiction", "cross_jurisdiction")])
    return [r.id for r in rows], actors


def bench_bookings(factory, instrument_ids, actors, seconds: float) -> tuple[int, int, float]:  # type: ignore[no-untyped-def]
    from yrdhub.db import transaction, utcnow
    from yrdhub.errors import Conflict
    from yrdhub.resources import bookings
    from yrdhub.resources.schemas import BookingCreate

    base = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    done, taken = [0] * len(actors), [0] * len(actors)
    errors: list[BaseException] = []
    stop = time.perf_counter() + seconds
    start = threading.Barrier(len(actors))

    def client(i: int) -> None:
        rng = random.Random(i)
        actor, payer = actors[i]
        start.wait()
        while time.perf_counter() < stop:
            begins = base + timedelta(hours=rng.randrange(24 * 300))
            data = BookingCreate(instrument_id=rng.choice(instrument_ids[:2000]), org_id=payer, starts_at=begins,
                                 ends_at=begins + timedelta(hours=1))
            try:
                with transaction(factory) as session:
                    bookings.book(session, actor=actor, data=data)
                done[i] += 1
            except Conflict:
                taken[i] += 1
            except BaseException as exc:  # reported below: the benchmark fails on anything else
                errors.append(exc)
                return

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(actors))]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return sum(done), sum(taken), elapsed


def check(factory) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import and_, func, select
    from sqlalchemy.orm import aliased

    from yrdhub.accounts.models import AuditEvent
    from yrdhub.resources.models import Booking

    with factory() as session:
        other = aliased(Booking)
        overlaps = session.execute(select(func.count()).select_from(Booking).join(other, and_(
            other.instrument_id == Booking.instrument_id, other.id < Booking.id,
            other.status.in_(("confirmed", "used")), Booking.status.in_(("confirmed", "used")),
            other.starts_at < Booking.ends_at, other.ends_at > Booking.starts_at))).scalar_one()
        made = session.execute(select(func.count()).select_from(Booking)).scalar_one()
        audited = session.execute(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "booking.create")).scalar_one()
    return overlaps, made, audited


def bench_redemptions(factory, actors, seconds: float) -> tuple[int, int, float]:  # type: ignore[no-untyped-def]
    from datetime import date

    from sqlalchemy import select

    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.db import transaction
    from yrdhub.errors import Conflict
    from yrdhub.resources import bookings, vouchers
    from yrdhub.resources.models import Booking
    from yrdhub.resources.schemas import RedemptionCreate, SchemeCreate, VoucherIssue

    with transaction(factory) as session:
        schemes = [vouchers.create_scheme(session, actor=SYSTEM, data=SchemeCreate(
            code=f"BENCH-{p}", name="基准测试创新券（生成）", province=p, share_percent=Decimal(50),
            holder_cap_yuan=Decimal(10_000_000), budget_yuan=Decimal(1_000_000_000), valid_from=date(2020, 1, 1),
            valid_until=date(2099, 12, 31))) for p in ("310000", "320000", "330000", "340000")]
        held = [[vouchers.issue(session, actor=SYSTEM, data=VoucherIssue(
            scheme_id=s.id, holder_org_id=payer, face_yuan=Decimal(1_000_000))).id for s in schemes]
            for _, payer in actors]
        mine = [list(session.execute(select(Booking.id).where(Booking.org_id == payer, Booking.status == "confirmed")
                                     ).scalars()) for _, payer in actors]
    done, replays = [0] * len(actors), [0] * len(actors)
    errors: list[BaseException] = []
    stop = time.perf_counter() + seconds
    start = threading.Barrier(len(actors))

    def client(i: int) -> None:
        rng = random.Random(100 + i)
        actor, _ = actors[i]
        sent: list[RedemptionCreate] = []
        start.wait()
        while time.perf_counter() < stop and mine[i]:
            if sent and rng.random() < 0.1:
                data, replay = rng.choice(sent), True
            else:
                data = RedemptionCreate(voucher_id=rng.choice(held[i]), booking_id=mine[i].pop(),
                                        key=f"bench-{i}-{len(sent)}")
                sent.append(data)
                replay = False
            try:
                with transaction(factory) as session:
                    booking = bookings.get(session, data.booking_id, actor=actor)
                    vouchers.hold(session, actor=actor, booking=booking, data=data)
                if replay:
                    replays[i] += 1
                else:
                    done[i] += 1
            except Conflict:
                pass
            except BaseException as exc:  # reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(actors))]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return sum(done), sum(replays), elapsed


def bench_catalogue(factory, queries: int) -> list[float]:  # type: ignore[no-untyped-def]
    from yrdhub.accounts.actor import ANONYMOUS
    from yrdhub.resources import instruments

    rng = random.Random(11)
    times = []
    for _ in range(queries):
        flt = instruments.InstrumentFilter(q=rng.choice(WORDS), **rng.choice([
            {}, {"category": "分析仪器"}, {"province": rng.choice(["310000", "320000", "330000", "340000"])},
            {"value_band": rng.choice(list(instruments.VALUE_BANDS))}]))
        with factory() as session:
            began = time.perf_counter()
            page = instruments.page(session, actor=ANONYMOUS, flt=flt, limit=20)
            times.append((time.perf_counter() - began) * 1000)
            assert page.items is not None
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--instruments", type=int, default=30_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    os.environ.setdefault("YRDHUB_PASSWORD_HASH", "test-only-cheap")
    from yrdhub.db import make_engine, session_factory
    from yrdhub.migrate import upgrade

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url, pool_size=args.clients + 4, max_overflow=8)
    factory = session_factory(engine)
    began = time.perf_counter()
    ids, actors = setup(factory, args.instruments, args.clients)
    print(f"{engine.dialect.name}: {len(ids)} generated instruments, {len(actors)} clients set up in "
          f"{time.perf_counter() - began:.1f} s; load average {load()} on {os.cpu_count()} CPUs (shared machine)")

    made, taken, elapsed = bench_bookings(factory, ids, actors, args.seconds)
    overlaps, rows, audited = check(factory)
    bookings_per_s = made / elapsed
    print(f"bookings: {made} in {elapsed:.1f} s = {bookings_per_s:.0f}/s with {args.clients} clients "
          f"({taken} refused for taken time); violations (overlapping holding bookings): {overlaps}; "
          f"audited {audited} of {rows}; load average {load()}")
    if overlaps or audited != rows:
        raise SystemExit("violations found")

    times = bench_catalogue(factory, args.queries)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"catalogue: {args.queries} searches of {len(ids)} instruments, median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms; load average {load()}")
    from yrdhub.resources import ledger

    redeemed, replayed, elapsed = bench_redemptions(factory, actors, args.seconds)
    with factory() as session:
        proof = ledger.reconcile(session)
    redemptions_per_s = (redeemed + replayed) / elapsed
    print(f"redemptions: {redeemed} new and {replayed} replays in {elapsed:.1f} s = {redemptions_per_s:.0f}/s with "
          f"{args.clients} clients; ledger: {proof.transactions} transactions, debits {proof.debits_fen} = credits "
          f"{proof.credits_fen} fen: {'reconciles' if proof.ok else 'DOES NOT RECONCILE'}; load average {load()}")
    if not proof.ok:
        raise SystemExit("violations found")
    print(f"bookings_per_s={bookings_per_s:.0f} redemptions_per_s={redemptions_per_s:.0f} p95_ms_catalogue={p95:.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
