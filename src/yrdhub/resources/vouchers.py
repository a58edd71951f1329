"""Innovation vouchers redeemable across the four jurisdictions (科技创新券通用通兑): a jurisdiction's scheme,
vouchers issued to organisations, and redemptions that pay a share of a real, metered service at a provider in
any of the four — held at booking, posted on the metered use, voided on cancellation or expiry. Every movement
of money is a balanced transaction of the ledger (resources/ledger.py), in integer fen.

    scheme created    funding:<issuer> → budget:<scheme>
    voucher issued    budget:<scheme> → voucher:<v>   and   cap:<scheme>:<holder> → capped:<scheme>
    held at booking   voucher:<v> → hold:<r>          (the share of the booking's estimated price)
    posted on use     hold:<r> → receivable:<provider> (the share of the metered charge) and the rest back
    voided            hold:<r> → voucher:<v>
    expired           voucher:<v> → budget:<scheme>   (holds voided first)
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, readable
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, NotFound
from yrdhub.i18n import BEIJING
from yrdhub.keyset import Order, Page, paginate
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation
from yrdhub.resources import instruments, tariff
from yrdhub.resources.ledger import Leg, balance, post
from yrdhub.resources.models import Booking, Instrument, Redemption, Voucher, VoucherScheme
from yrdhub.resources.schemas import RedemptionCreate, SchemeCreate, VoucherIssue, fen

REFUSALS = {"budget": "voucher.budget", "cap": "voucher.holder_cap"}


def _today() -> date:
    return utcnow().astimezone(BEIJING).date()


def _month() -> str:
    return utcnow().astimezone(BEIJING).strftime("%Y-%m")


def create_scheme(session: Session, *, actor: Actor, data: SchemeCreate, is_sample: bool = False) -> VoucherScheme:
    authorize(actor, "voucher.scheme", Target(province=data.province))
    if session.execute(select(VoucherScheme.id).where(VoucherScheme.code == data.code)).first():
        raise Conflict("voucher.scheme_taken", field="code", code=data.code)
    scheme = VoucherScheme(code=data.code, name=data.name, name_en=data.name_en, province_code=data.province,
                           holder_types=sorted(set(data.holder_types)), service_types=data.service_types,
                           share_bp=int(data.share_percent * 100), holder_cap_fen=fen(data.holder_cap_yuan),
                           budget_fen=fen(data.budget_yuan), valid_from=data.valid_from,
                           valid_until=data.valid_until, is_sample=is_sample)
    session.add(scheme)
    session.flush()
    post(session, txn=f"fund:{scheme.id}", kind="fund", issuer=scheme.province_code, month=_month(),
         legs=[Leg(f"funding:{scheme.province_code}", -scheme.budget_fen), Leg(f"budget:{scheme.id}",
                                                                                scheme.budget_fen)])
    audit.record(session, actor, "voucher.scheme", "voucher_scheme", scheme.id,
                 after={"code": scheme.code, "province": scheme.province_code, "share_bp": scheme.share_bp,
                        "budget_fen": scheme.budget_fen, "holder_cap_fen": scheme.holder_cap_fen})
    return scheme


def get_scheme(session: Session, scheme_id: int) -> VoucherScheme:
    scheme = session.get(VoucherScheme, scheme_id)
    if scheme is None:
        raise NotFound("voucher.scheme_not_found", id=scheme_id)
    return scheme


def schemes(session: Session, *, province: str = "", limit: int = 500) -> list[VoucherScheme]:
    """The schemes (public), newest first; of one issuing jurisdiction when `province` is given."""
    stmt = select(VoucherScheme).order_by(VoucherScheme.valid_from.desc(), VoucherScheme.id)
    if province:
        stmt = stmt.where(VoucherScheme.province_code == province)
    return list(session.execute(stmt.limit(limit)).scalars())


def _open_cap(session: Session, scheme: VoucherScheme, holder_id: int) -> None:
    """The holder's cap under the scheme, opened once (a unique transaction: a second opening changes nothing)."""
    try:
        with session.begin_nested():
            post(session, txn=f"cap:{scheme.id}:{holder_id}", kind="cap", issuer=scheme.province_code, month=_month(),
                 legs=[Leg(f"capped:{scheme.id}", -scheme.holder_cap_fen),
                       Leg(f"cap:{scheme.id}:{holder_id}", scheme.holder_cap_fen)])
    except IntegrityError:
        pass  # opened already (by an earlier voucher, or by a concurrent issue)


def issue(session: Session, *, actor: Actor, data: VoucherIssue) -> Voucher:
    """Issue a voucher to an organisation of a type the scheme admits, within the scheme's budget and the holder's
    cap (both kept by the ledger's floors, also when issues race)."""
    scheme = get_scheme(session, data.scheme_id)
    authorize(actor, "voucher.issue", Target(province=scheme.province_code))
    holder = session.get(Organisation, data.holder_org_id)
    if holder is None or holder.merged_into_id is not None:
        raise DomainError("instrument.no_org", field="holder_org_id", org=data.holder_org_id)
    if holder.type not in scheme.holder_types:
        raise DomainError("voucher.holder_type", field="holder_org_id", type=holder.type)
    expires = min(data.expires_on or scheme.valid_until, scheme.valid_until)
    voucher = Voucher(scheme_id=scheme.id, holder_org_id=holder.id, face_fen=fen(data.face_yuan), expires_on=expires,
                      issued_by=actor.username)
    session.add(voucher)
    session.flush()
    _open_cap(session, scheme, holder.id)
    face = voucher.face_fen
    post(session, txn=f"issue:{voucher.id}", kind="issue", issuer=scheme.province_code, month=_month(), legs=[
        Leg(f"budget:{scheme.id}", -face), Leg(f"voucher:{voucher.id}", face),
        Leg(f"cap:{scheme.id}:{holder.id}", -face), Leg(f"capped:{scheme.id}", face)], refusals=REFUSALS)
    audit.record(session, actor, "voucher.issue", "voucher", voucher.id,
                 after={"scheme": scheme.code, "holder_org_id": holder.id, "face_fen": face,
                        "expires_on": expires.isoformat()})
    return voucher


def get(session: Session, voucher_id: int, *, actor: Actor) -> Voucher:
    voucher = session.execute(select(Voucher).where(Voucher.id == voucher_id, readable(actor, Voucher))
                              ).scalar_one_or_none()
    if voucher is None:
        raise NotFound("voucher.not_found", id=voucher_id)
    return voucher


def page(session: Session, *, actor: Actor, holder_org_id: int | None = None, cursor: str | None = None,
         limit: int = 50) -> Page[Voucher]:
    stmt = select(Voucher).where(readable(actor, Voucher))
    if holder_org_id is not None:
        stmt = stmt.where(Voucher.holder_org_id == holder_org_id)
    return paginate(session, stmt, [Order(Voucher.id, descending=True)], cursor=cursor, limit=limit)


def voucher_balance(session: Session, voucher: Voucher) -> int:
    return balance(session, f"voucher:{voucher.id}")


def _estimate(session: Session, booking: Booking) -> int:
    """The booking's price at its payer's rate, from the start of a month (the most a hold needs for falling
    steps); per sample bookings are estimated as one sample."""
    rate = instruments.rate_for(session, booking.instrument_id, booking.price_group, booking.service_type)
    if rate is None:
        return 0
    quantity = 1 if rate.unit == "sample" else int((booking.ends_at - booking.starts_at).total_seconds() // 60)
    return tariff.charge(rate.steps, rate.unit, 0, quantity)


def hold(session: Session, *, actor: Actor, booking: Booking, data: RedemptionCreate) -> Redemption:
    """Hold the voucher's share of a confirmed booking's price (at most the voucher's balance). Idempotent: the
    same key again answers the first redemption and moves nothing."""
    replay = session.execute(select(Redemption).where(Redemption.key == data.key)).scalar_one_or_none()
    if replay is not None:
        if (replay.voucher_id, replay.booking_id) != (data.voucher_id, data.booking_id):
            raise Conflict("voucher.key_reused", field="key")
        return replay
    voucher = get(session, data.voucher_id, actor=actor)
    holder = session.get(Organisation, voucher.holder_org_id)
    assert holder is not None
    authorize(actor, "voucher.redeem", Target(province=holder.province_code, org_ids=orgs.ancestors(session, holder)))
    scheme = get_scheme(session, voucher.scheme_id)
    if booking.org_id != voucher.holder_org_id:
        raise DomainError("voucher.not_holder", field="voucher_id")
    if booking.status != "confirmed":
        raise Conflict("voucher.booking_state")
    day = booking.starts_at.astimezone(BEIJING).date()
    if voucher.status != "active" or not scheme.valid_from <= day <= voucher.expires_on:
        raise DomainError("voucher.not_valid", field="voucher_id", day=day.isoformat())
    if booking.service_type not in scheme.service_types:
        raise DomainError("voucher.service", service=booking.service_type)
    if session.execute(select(Redemption.id).where(Redemption.booking_id == booking.id)).first():
        raise Conflict("voucher.booking_paid")
    wanted = _estimate(session, booking) * scheme.share_bp // 10_000
    amount = min(wanted, voucher_balance(session, voucher))
    if amount <= 0 < wanted:
        raise Conflict("voucher.insufficient")
    redemption = Redemption(key=data.key, voucher_id=voucher.id, booking_id=booking.id, held_fen=amount)
    try:
        with session.begin_nested():
            session.add(redemption)
            session.flush()
    except IntegrityError:  # a concurrent request with this key or for this booking came first
        winner = session.execute(select(Redemption).where(Redemption.key == data.key)).scalar_one_or_none()
        if winner is not None and (winner.voucher_id, winner.booking_id) == (data.voucher_id, data.booking_id):
            return winner
        raise Conflict("voucher.booking_paid") from None
    post(session, txn=f"hold:{redemption.id}", kind="hold", issuer=scheme.province_code, month=_month(),
         legs=[Leg(f"voucher:{voucher.id}", -amount), Leg(f"hold:{redemption.id}", amount)])
    audit.record(session, actor, "voucher.hold", "voucher", voucher.id,
                 after={"booking_id": booking.id, "redemption_id": redemption.id, "held_fen": amount, "key": data.key})
    return redemption


def _redemption(session: Session, booking: Booking) -> tuple[Redemption, Voucher, VoucherScheme] | None:
    row = session.execute(select(Redemption, Voucher, VoucherScheme).join(Voucher, Voucher.id == Redemption.voucher_id)
                          .join(VoucherScheme, VoucherScheme.id == Voucher.scheme_id)
                          .where(Redemption.booking_id == booking.id, Redemption.status == "held")).first()
    return None if row is None else (row[0], row[1], row[2])


def settle_use(session: Session, *, booking: Booking, charge_fen: int, month: str) -> int:
    """On the metered use: the voucher pays its share of the charge (at most what it held) to the provider, the
    rest of the hold returns to the voucher. Returns what the voucher paid; the payer owes the rest."""
    found = _redemption(session, booking)
    if found is None:
        return 0
    redemption, voucher, scheme = found
    paid = min(charge_fen * scheme.share_bp // 10_000, redemption.held_fen)
    instrument = session.get(Instrument, booking.instrument_id)
    assert instrument is not None
    hold_account = f"hold:{redemption.id}"
    post(session, txn=f"post:{redemption.id}", kind="post", issuer=scheme.province_code, month=month,
         provider=instrument.province_code, provider_org_id=instrument.org_id,
         legs=[Leg(hold_account, -paid), Leg(f"receivable:{instrument.org_id}", paid)])
    post(session, txn=f"release:{redemption.id}", kind="release", issuer=scheme.province_code, month=month,
         legs=[Leg(hold_account, -(redemption.held_fen - paid)), Leg(f"voucher:{voucher.id}",
                                                                     redemption.held_fen - paid)])
    redemption.posted_fen, redemption.status, redemption.updated_at = paid, "posted", utcnow()
    session.flush()
    return paid


def void_hold(session: Session, *, booking: Booking) -> None:
    """On cancellation: the held money returns to the voucher."""
    found = _redemption(session, booking)
    if found is None:
        return
    redemption, voucher, scheme = found
    post(session, txn=f"void:{redemption.id}", kind="void", issuer=scheme.province_code, month=_month(),
         legs=[Leg(f"hold:{redemption.id}", -redemption.held_fen), Leg(f"voucher:{voucher.id}", redemption.held_fen)])
    redemption.status, redemption.updated_at = "voided", utcnow()
    session.flush()


def expire(session: Session, *, actor: Actor, today: date | None = None) -> int:
    """Vouchers past their last day: their holds voided, their balance back to the scheme's budget."""
    authorize(actor, "voucher.expire")
    day = today or _today()
    count = 0
    for voucher in session.execute(select(Voucher).where(Voucher.status == "active", Voucher.expires_on < day)
                                   ).scalars().all():
        scheme = get_scheme(session, voucher.scheme_id)
        for redemption in session.execute(select(Redemption).where(Redemption.voucher_id == voucher.id,
                                                                   Redemption.status == "held")).scalars().all():
            booking = session.get(Booking, redemption.booking_id)
            assert booking is not None
            void_hold(session, booking=booking)
        left = voucher_balance(session, voucher)
        post(session, txn=f"expire:{voucher.id}", kind="expire", issuer=scheme.province_code, month=_month(),
             legs=[Leg(f"voucher:{voucher.id}", -left), Leg(f"budget:{scheme.id}", left)])
        voucher.status = "expired"
        session.flush()
        audit.record(session, actor, "voucher.expire", "voucher", voucher.id, after={"returned_fen": left})
        count += 1
    return count
