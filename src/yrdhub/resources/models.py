"""Resource tables: the registry of facilities and bases, instruments with their prices, training records,
outages, bookings and metered use.

Money is integer fen. A booking's time slot is guarded by the database: on PostgreSQL an exclusion constraint
(no two holding bookings of one instrument overlap), on SQLite a trigger over the same condition (writes are
serialised there); both are created by the migration (`0020_resources`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yrdhub.db import Base, utcnow
from yrdhub.regions import models as _regions  # noqa: F401  (tables our foreign keys point to)
from yrdhub.resources.lifecycle import LIFECYCLE

FACILITY_KINDS = ("national_science_centre", "major_facility", "national_lab", "yrd_lab", "provincial_lab",
                  "tech_innovation_centre", "industry_innovation_centre", "manufacturing_innovation_centre",
                  "clinical_research_centre", "computing_centre", "data_centre")
FACILITY_STATUSES = ("planned", "under_construction", "operating")
INSTRUMENT_STATUSES = ("in_service", "maintenance", "retired")
PRICE_GROUPS = ("internal", "same_jurisdiction", "cross_jurisdiction")
UNITS = ("hour", "day", "sample")
SERVICE_TYPES = ("self_operated", "staff_operated", "sample_testing")


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")", name=name)


class Facility(Base):
    """A facility, laboratory or centre of the region's research infrastructure, as curated with its sources."""

    __tablename__ = "res_facility"
    __table_args__ = (_one_of("kind", FACILITY_KINDS, "kind"),
                      CheckConstraint("status IS NULL OR status IN ('planned', 'under_construction', 'operating')",
                                      name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    city_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)  # None: not sourced
    hosts: Mapped[list[Any]] = mapped_column(default=list)  # host (法人) organisations' names
    co_builders: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str | None] = mapped_column(String(20), index=True)  # None: not sourced
    status_as_of: Mapped[str] = mapped_column(String(10), default="")
    plan_wording: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[Any]] = mapped_column(default=list)  # [{"url", "title", "supports"}]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Instrument(Base):
    """A research instrument open for shared use, at its host organisation."""

    __tablename__ = "res_instrument"
    __table_args__ = (_one_of("status", INSTRUMENT_STATUSES, "status"),
                      CheckConstraint("original_value_fen >= 0", name="value"),
                      CheckConstraint("min_minutes > 0 AND max_minutes >= min_minutes", name="lengths"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # the local id of its CSTR identifier
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(100), index=True)
    model: Mapped[str] = mapped_column(String(200), default="")
    maker: Mapped[str] = mapped_column(String(200), default="")
    maker_country: Mapped[str] = mapped_column(String(60), default="")
    original_value_fen: Mapped[int] = mapped_column(BigInteger)
    purchase_year: Mapped[int | None]
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the host organisation
    lab: Mapped[str] = mapped_column(String(200), default="")
    city_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)  # the host's jurisdiction
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("res_facility.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="in_service", index=True)
    specs: Mapped[str] = mapped_column(Text, default="")  # 主要技术指标
    functions: Mapped[str] = mapped_column(Text, default="")  # 主要功能
    service_types: Mapped[list[Any]] = mapped_column(default=list)
    needs_training: Mapped[bool] = mapped_column(default=False)
    min_minutes: Mapped[int] = mapped_column(default=30)
    max_minutes: Mapped[int] = mapped_column(default=480)
    book_days_ahead: Mapped[int] = mapped_column(default=60)  # the furthest a booking may start
    book_hours_before: Mapped[int] = mapped_column(default=0)  # the nearest a booking may start
    cancel_hours_before: Mapped[int] = mapped_column(default=24)  # free cancellation until then
    cancel_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy's declarative form)


class Rate(Base):
    """The price of an instrument for one price group and unit: steps of a cumulative tariff per payer and month
    (`steps`: [[from quantity, fen per unit], …], the first from 0). See resources/tariff.py."""

    __tablename__ = "res_rate"
    __table_args__ = (UniqueConstraint("instrument_id", "price_group", "unit"),
                      _one_of("price_group", PRICE_GROUPS, "price_group"), _one_of("unit", UNITS, "unit"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("res_instrument.id", ondelete="CASCADE"), index=True)
    price_group: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(8))
    steps: Mapped[list[Any]] = mapped_column(default=list)


class Training(Base):
    """A user's recorded training on an instrument: the gate for instruments that need it."""

    __tablename__ = "res_training"
    __table_args__ = (UniqueConstraint("instrument_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("res_instrument.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    trained_on: Mapped[date]
    valid_until: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(String(100))


class Outage(Base):
    """A time the instrument is out of service (maintenance, calibration): nothing can be booked in it."""

    __tablename__ = "res_outage"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("res_instrument.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))


class Booking(Base):
    """A user's booking of an instrument for a time slot, on behalf of an organisation that pays."""

    __tablename__ = "res_booking"
    __table_args__ = (LIFECYCLE.constraint(), CheckConstraint("ends_at > starts_at", name="order"),
                      _one_of("price_group", PRICE_GROUPS, "price_group"),
                      _one_of("service_type", SERVICE_TYPES, "service_type"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("res_instrument.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # who pays
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)
    price_group: Mapped[str] = mapped_column(String(24))
    service_type: Mapped[str] = mapped_column(String(20), default="self_operated")
    purpose: Mapped[str] = mapped_column(Text, default="")
    cancel_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was cancelled, as typed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


class Usage(Base):
    """The metered use of a booking, as the provider records it, and its charge: the difference of the payer's
    cumulative tariff for the month before and after it (so splitting a use never changes what it costs)."""

    __tablename__ = "res_usage"
    # Uses of one payer, instrument, rate and month are a chain: each starts where the payer's quantity stood, and
    # two recorded at once from the same point cannot both stand (the later one retries on the new total).
    __table_args__ = (UniqueConstraint("instrument_id", "org_id", "price_group", "unit", "month", "before_quantity",
                                       name="chain"),
                      CheckConstraint("ended_at > started_at", name="order"),
                      CheckConstraint("quantity > 0 AND before_quantity >= 0", name="quantity"),
                      CheckConstraint("charge_fen >= 0", name="charge"))

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("res_booking.id"), unique=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("res_instrument.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the payer
    price_group: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM in Beijing time, the tariff's period
    quantity: Mapped[int]  # minutes, or samples
    before_quantity: Mapped[int]  # the payer's quantity on this instrument and rate earlier in the month
    charge_fen: Mapped[int] = mapped_column(BigInteger)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- innovation vouchers (创新券) and their double-entry ledger ------------------------------------------------

REDEMPTION_STATES = ("held", "posted", "voided")


class VoucherScheme(Base):
    """A jurisdiction's voucher scheme: who may hold its vouchers, what they pay for, how much of a price, up to
    which caps, from which budget, when."""

    __tablename__ = "res_voucher_scheme"
    __table_args__ = (CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share"),
                      CheckConstraint("budget_fen >= 0 AND holder_cap_fen > 0", name="money"),
                      CheckConstraint("valid_until >= valid_from", name="validity"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    province_code: Mapped[str] = mapped_column(String(6), index=True)  # the issuing jurisdiction
    holder_types: Mapped[list[Any]] = mapped_column(default=list)  # organisation types that may hold vouchers
    service_types: Mapped[list[Any]] = mapped_column(default=list)  # services a voucher pays for
    share_bp: Mapped[int]  # the share of a price a voucher may pay, in basis points (5000: half)
    holder_cap_fen: Mapped[int] = mapped_column(BigInteger)  # the most one holder is issued under the scheme
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Voucher(Base):
    """A voucher issued to an organisation: its face value moved from the scheme's budget to its own account."""

    __tablename__ = "res_voucher"
    __table_args__ = (CheckConstraint("face_fen > 0", name="face"),
                      CheckConstraint("status IN ('active', 'expired')", name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("res_voucher_scheme.id"), index=True)
    holder_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    face_fen: Mapped[int] = mapped_column(BigInteger)
    expires_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class Redemption(Base):
    """A voucher paying part of one booking: held at booking, posted on the metered use, voided on cancellation
    or expiry. One per booking (so no use is paid twice, by two issuers or two vouchers); one per idempotency
    key (so a retried request is a no-op)."""

    __tablename__ = "res_redemption"
    __table_args__ = (CheckConstraint("status IN ('held', 'posted', 'voided')", name="status"),
                      CheckConstraint("held_fen >= 0 AND posted_fen >= 0 AND posted_fen <= held_fen",
                                      name="amounts"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # the client's idempotency key
    voucher_id: Mapped[int] = mapped_column(ForeignKey("res_voucher.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("res_booking.id"), unique=True)
    held_fen: Mapped[int] = mapped_column(BigInteger)
    posted_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(8), default="held", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerAccount(Base):
    """A balance of the voucher ledger. `floor`: the lowest the balance may go (0 for budgets, vouchers, holds and
    caps; None for the issuers' funding and the providers' receivables, which only record flows). Balances change
    only with their entries, by one conditional UPDATE each: never below the floor, also under concurrency."""

    __tablename__ = "res_ledger_account"
    __table_args__ = (CheckConstraint("floor_fen IS NULL OR balance_fen >= floor_fen", name="floor"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # e.g. budget:3, voucher:12, hold:7
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    floor_fen: Mapped[int | None] = mapped_column(BigInteger)


class LedgerEntry(Base):
    """One leg of a ledger transaction: the legs of a transaction sum to zero (debits = credits). Each leg carries
    what settlements group by: the issuing and the providing jurisdiction and the month."""

    __tablename__ = "res_ledger_entry"
    __table_args__ = (UniqueConstraint("txn", "account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    txn: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)  # fund, issue, hold, post, release, void, expire
    account: Mapped[str] = mapped_column(ForeignKey("res_ledger_account.key"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # + debit (into the account), − credit (out of it)
    issuer: Mapped[str] = mapped_column(String(6), index=True)
    provider: Mapped[str | None] = mapped_column(String(6), index=True)  # the provider's jurisdiction (posts)
    provider_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM, Beijing time
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
