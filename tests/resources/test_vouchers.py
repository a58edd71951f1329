from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError
from yrdhub.resources import bookings, ledger, settlement, usage, vouchers
from yrdhub.resources.models import Booking, LedgerEntry, Voucher
from yrdhub.resources.schemas import BookingCreate, RedemptionCreate, SchemeCreate, UsageCreate, VoucherIssue

from .conftest import NOW, World, org, slot


def scheme_data(code: str = "ZJ-2030", province: str = "330000", **changes: Any) -> SchemeCreate:
    values: dict[str, Any] = {"code": code, "name": "浙江省科技创新券", "province": province,
                              "share_percent": Decimal(50), "holder_cap_yuan": Decimal(300_000),
                              "budget_yuan": Decimal(1_000_000),
                              "valid_from": date(2030, 1, 1), "valid_until": date(2030, 12, 31)}
    return SchemeCreate(**values | changes)


@pytest.fixture
def zj(make_user: Any) -> Any:
    return make_user("jurisdiction_admin", "330000")[1]


def booked(session: Session, world: World, start: float, hours: float = 2) -> Booking:
    starts_at, ends_at = slot(start, hours)
    return bookings.book(session, actor=world.booker, now=NOW, data=BookingCreate(
        instrument_id=world.instrument.id, org_id=world.zhejiang.id, starts_at=starts_at, ends_at=ends_at))


def redeem(session: Session, world: World, voucher: Voucher, booking: Booking, key: str) -> Any:
    return vouchers.hold(session, actor=world.booker, booking=booking,
                         data=RedemptionCreate(voucher_id=voucher.id, booking_id=booking.id, key=key))


def use(session: Session, world: World, booking: Booking, minutes: int) -> Any:
    return usage.record_use(session, actor=world.manager, booking=booking, data=UsageCreate(
        started_at=booking.starts_at, ended_at=booking.starts_at + timedelta(minutes=minutes)))


def test_a_zhejiang_voucher_pays_half_a_use_in_shanghai(session: Session, world: World, zj: Any) -> None:
    """An enterprise in 嘉兴 with a 浙江 voucher books an instrument at a 上海 institute; the provider records the
    use; the voucher pays its share; 浙江 owes 上海 exactly that in the settlement."""
    scheme = vouchers.create_scheme(session, actor=zj, data=scheme_data())
    voucher = vouchers.issue(session, actor=zj, data=VoucherIssue(scheme_id=scheme.id, holder_org_id=world.zhejiang.id,
                                                                  face_yuan=Decimal(5000)))
    booking = booked(session, world, 0)
    held = redeem(session, world, voucher, booking, "key-0001")
    assert held.held_fen == 48_000 * 50 // 100  # half of two hours at 240 元
    assert vouchers.voucher_balance(session, voucher) == 500_000 - 24_000
    charged = use(session, world, booking, 90)  # 1.5 h at 240 元 = 360 元; the voucher pays 180 元
    session.refresh(held)
    assert (charged.charge_fen, held.status, held.posted_fen) == (36_000, "posted", 18_000)
    assert vouchers.voucher_balance(session, voucher) == 500_000 - 18_000  # the rest of the hold came back
    month = usage.month_of(booking.starts_at)
    rows = settlement.statement(session, actor=zj, first=month)
    assert rows == [{"issuer": "330000", "provider": "310000", "month": month, "redemptions": 1, "amount_fen": 18_000}]
    assert settlement.matrix(session, actor=zj, first=month)["330000"]["310000"] == 18_000
    assert settlement.city_pairs(session, actor=zj, first=month) == [
        {"issuer": "330000", "provider_city": "310100", "redemptions": 1, "amount_fen": 18_000}]
    assert ledger.reconcile(session).ok


def test_caps_budgets_and_eligibility(session: Session, world: World, zj: Any, make_user: Any) -> None:
    scheme = vouchers.create_scheme(session, actor=zj, data=scheme_data(holder_cap_yuan=Decimal(8000),
                                                                        budget_yuan=Decimal(10_000)))

    def issue(holder: int, yuan: int) -> Any:
        return vouchers.issue(session, actor=zj, data=VoucherIssue(scheme_id=scheme.id, holder_org_id=holder,
                                                                   face_yuan=Decimal(yuan)))

    issue(world.zhejiang.id, 5000)
    with pytest.raises(DomainError) as capped:
        issue(world.zhejiang.id, 3001)
    assert capped.value.code == "voucher.holder_cap"
    issue(world.zhejiang.id, 3000)  # exactly the cap
    other = org(session, "温州共享测试科技有限公司", "enterprise", "330300")
    with pytest.raises(DomainError) as budget:
        issue(other.id, 2001)
    assert budget.value.code == "voucher.budget"
    with pytest.raises(DomainError) as kind:
        issue(world.host.id, 100)  # an institute: the scheme is for enterprises
    assert kind.value.code == "voucher.holder_type"
    shanghai_admin = make_user("jurisdiction_admin", "310000")[1]
    with pytest.raises(PermissionDenied):  # 上海's admin cannot issue 浙江's vouchers
        vouchers.issue(session, actor=shanghai_admin,
                       data=VoucherIssue(scheme_id=scheme.id, holder_org_id=other.id, face_yuan=Decimal(1)))
    assert ledger.balance(session, f"budget:{scheme.id}") == 200_000
    assert ledger.reconcile(session).ok


def test_a_retried_redemption_is_a_no_op_and_no_use_is_paid_twice(session: Session, world: World, zj: Any,
                                                                  make_user: Any) -> None:
    scheme = vouchers.create_scheme(session, actor=zj, data=scheme_data())
    voucher = vouchers.issue(session, actor=zj, data=VoucherIssue(scheme_id=scheme.id, holder_org_id=world.zhejiang.id,
                                                                  face_yuan=Decimal(5000)))
    sh = make_user("jurisdiction_admin", "310000")[1]
    sh_scheme = vouchers.create_scheme(session, actor=sh, data=scheme_data("SH-2030", "310000"))
    second = vouchers.issue(session, actor=sh, data=VoucherIssue(
        scheme_id=sh_scheme.id, holder_org_id=world.zhejiang.id, face_yuan=Decimal(5000)))
    booking = booked(session, world, 0)
    first = redeem(session, world, voucher, booking, "retry-0001")
    entries = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    again = redeem(session, world, voucher, booking, "retry-0001")
    assert again.id == first.id
    assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries
    with pytest.raises(DomainError) as twice:  # a second voucher, of another issuer, for the same use
        redeem(session, world, second, booking, "retry-0002")
    assert twice.value.code == "voucher.booking_paid"
    other = booked(session, world, 4)
    with pytest.raises(DomainError) as reused:
        redeem(session, world, voucher, other, "retry-0001")
    assert reused.value.code == "voucher.key_reused"


def test_cancelling_returns_the_hold_and_expiry_returns_the_balance(session: Session, world: World, zj: Any) -> None:
    scheme = vouchers.create_scheme(session, actor=zj, data=scheme_data())
    voucher = vouchers.issue(session, actor=zj, data=VoucherIssue(
        scheme_id=scheme.id, holder_org_id=world.zhejiang.id, face_yuan=Decimal(5000), expires_on=date(2030, 3, 31)))
    booking = booked(session, world, 0)
    redeem(session, world, voucher, booking, "cancel-0001")
    bookings.cancel(session, actor=world.booker, booking=booking, now=NOW)
    assert vouchers.voucher_balance(session, voucher) == 500_000
    redeem(session, world, voucher, booked(session, world, 4), "cancel-0002")
    assert vouchers.expire(session, actor=world.office, today=date(2030, 4, 1)) == 1
    assert vouchers.voucher_balance(session, voucher) == 0
    assert ledger.balance(session, f"budget:{scheme.id}") == 100_000_000  # all of it back
    assert ledger.reconcile(session).ok


def test_other_jurisdictions_do_not_see_the_settlement(session: Session, world: World, zj: Any,
                                                       make_user: Any) -> None:
    scheme = vouchers.create_scheme(session, actor=zj, data=scheme_data())
    voucher = vouchers.issue(session, actor=zj, data=VoucherIssue(scheme_id=scheme.id, holder_org_id=world.zhejiang.id,
                                                                  face_yuan=Decimal(5000)))
    booking = booked(session, world, 0)
    redeem(session, world, voucher, booking, "seen-0001")
    use(session, world, booking, 60)
    month = usage.month_of(booking.starts_at)
    js = make_user("jurisdiction_admin", "320000")[1]
    sh = make_user("jurisdiction_admin", "310000")[1]
    assert settlement.statement(session, actor=js, first=month) == []
    assert [r["amount_fen"] for r in settlement.statement(session, actor=sh, first=month)] == [12_000]
    with pytest.raises(DomainError):
        vouchers.get(session, voucher.id, actor=js)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(share=st.integers(1, 100), minutes=st.lists(st.integers(30, 240), min_size=1, max_size=4))
def test_shares_and_settlements_add_up(session: Session, world: World, zj: Any, share: int,
                                       minutes: list[int]) -> None:
    """Voucher share + co-payment = price for every use; the settlement is the sum of the posted ledger lines."""
    with session.begin_nested() as trial:  # each example in a savepoint of its own
        scheme = vouchers.create_scheme(session, actor=zj, data=scheme_data(f"P-{share}-{len(minutes)}",
                                                                            share_percent=Decimal(share)))
        voucher = vouchers.issue(session, actor=zj, data=VoucherIssue(
            scheme_id=scheme.id, holder_org_id=world.zhejiang.id, face_yuan=Decimal(200_000)))
        paid_total = 0
        for n, length in enumerate(minutes):
            booking = booked(session, world, 24 * n, 4)
            redemption = redeem(session, world, voucher, booking, f"prop-{share}-{n}-{length}")
            charge = use(session, world, booking, length).charge_fen
            session.refresh(redemption)
            co_payment = charge - redemption.posted_fen
            assert redemption.posted_fen + co_payment == charge and 0 <= redemption.posted_fen <= charge
            assert redemption.posted_fen == charge * share // 100
            paid_total += redemption.posted_fen
        month = usage.month_of(slot(0)[0])
        posted = session.execute(select(func.sum(LedgerEntry.amount_fen)).where(
            LedgerEntry.kind == "post", LedgerEntry.amount_fen > 0)).scalar_one()
        assert sum(r["amount_fen"] for r in settlement.statement(session, actor=zj, first=month)) == posted \
            == paid_total
        assert ledger.reconcile(session).ok
        trial.rollback()
