"""The one schema per write of the resources module (the form, the API and the import build the same), and the
read shapes. Money comes in as yuan with at most two decimals (`Decimal`) and is kept as integer fen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from yrdhub.errors import schema_error
from yrdhub.i18n import BEIJING
from yrdhub.regions.schemas import MAX_ID
from yrdhub.resources import tariff
from yrdhub.resources.models import INSTRUMENT_STATUSES, PRICE_GROUPS, SERVICE_TYPES, UNITS

MAX_YUAN = Decimal(10_000_000_000)  # 100 亿元: above any instrument, below a typo's overflow
Yuan = Annotated[Decimal, Field(ge=0, le=MAX_YUAN, max_digits=14, decimal_places=2)]
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$"  # the local part of a CSTR identifier


def fen(yuan: Decimal) -> int:
    return int((yuan * 100).to_integral_value())


def yuan(amount_fen: int) -> Decimal:
    return (Decimal(amount_fen) / 100).quantize(Decimal("0.01"))


def _minute(moment: datetime) -> datetime:
    """A time as a booking keeps it: aware (a time without a zone is Beijing time), to the whole minute."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.replace(second=0, microsecond=0)


Moment = Annotated[datetime, AfterValidator(_minute)]


class RateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price_group: str = Field(pattern="^(" + "|".join(PRICE_GROUPS) + ")$")
    unit: str = Field(pattern="^(" + "|".join(UNITS) + ")$")
    steps: list[tuple[Annotated[int, Field(ge=0, le=10**7)], Yuan]] = Field(min_length=1, max_length=10)

    @field_validator("steps")
    @classmethod
    def _steps(cls, value: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
        if not tariff.valid([(start, fen(price)) for start, price in value]):
            raise schema_error("instrument.rates")
        return value


class InstrumentCreate(BaseModel):
    """An instrument as its host registers it — every field rule here."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=300)
    category: str = Field(min_length=1, max_length=100)
    model: str = Field("", max_length=200)
    maker: str = Field("", max_length=200)
    maker_country: str = Field("", max_length=60)
    value_yuan: Yuan
    purchase_year: int | None = Field(None, ge=1950, le=2100)
    org_id: int = Field(ge=1, le=MAX_ID)
    lab: str = Field("", max_length=200)
    city: str | None = Field(None, pattern=r"^3[1-4]\d{4}$", description="city code; the host's city when absent")
    facility: str | None = Field(None, max_length=80, description="the key of the facility it belongs to")
    status: str = Field("in_service", pattern="^(" + "|".join(INSTRUMENT_STATUSES) + ")$")
    specs: str = Field("", max_length=5000)
    functions: str = Field("", max_length=5000)
    service_types: list[str] = Field(default_factory=lambda: ["self_operated"], max_length=3)
    needs_training: bool = False
    min_minutes: int = Field(30, ge=1, le=60 * 24 * 31)
    max_minutes: int = Field(480, ge=1, le=60 * 24 * 31)
    book_days_ahead: int = Field(60, ge=1, le=366)
    book_hours_before: int = Field(0, ge=0, le=24 * 30)
    cancel_hours_before: int = Field(24, ge=0, le=24 * 30)
    cancel_fee_yuan: Yuan = Decimal(0)
    rates: list[RateIn] = Field(default_factory=list, max_length=9)

    @field_validator("service_types")
    @classmethod
    def _service_types(cls, value: list[str]) -> list[str]:
        for kind in value:
            if kind not in SERVICE_TYPES:
                raise schema_error("validation.invalid")
        return sorted(set(value))

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentCreate:
        if self.max_minutes < self.min_minutes:
            raise schema_error("booking.too_long", minutes=self.min_minutes)
        seen = set()
        for rate in self.rates:
            if (rate.price_group, rate.unit) in seen:
                raise schema_error("instrument.rate_twice", group=rate.price_group, unit=rate.unit)
            seen.add((rate.price_group, rate.unit))
        return self


class InstrumentUpdate(InstrumentCreate):
    """The whole record as it should be (absent fields take their defaults)."""


class RateRead(BaseModel):
    price_group: str
    unit: str
    steps: list[tuple[int, Decimal]]


class InstrumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    category: str
    model: str
    maker: str
    maker_country: str
    value_yuan: Decimal
    purchase_year: int | None
    org_id: int
    lab: str
    city_code: str | None
    province_code: str | None
    status: str
    specs: str
    functions: str
    service_types: list[str]
    needs_training: bool
    min_minutes: int
    max_minutes: int
    book_days_ahead: int
    book_hours_before: int
    cancel_hours_before: int
    cancel_fee_yuan: Decimal
    is_sample: bool
    cstr: str | None = None
    rates: list[RateRead] = []


class InstrumentPage(BaseModel):
    items: list[InstrumentRead]
    next_cursor: str | None


class FacilityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    kind: str
    name: str
    name_en: str
    city_code: str | None
    hosts: list[str]
    co_builders: list[str]
    status: str | None
    status_as_of: str
    plan_wording: str
    sources: list[dict[str, str]]


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    instrument_id: int = Field(ge=1, le=MAX_ID)
    org_id: int = Field(ge=1, le=MAX_ID, description="the organisation that pays, one the booker belongs to")
    starts_at: Moment
    ends_at: Moment
    service_type: str = Field("self_operated", pattern="^(" + "|".join(SERVICE_TYPES) + ")$")
    purpose: str = Field("", max_length=2000)
    wait: bool = Field(False, description="join the waiting list when the time is taken")

    @model_validator(mode="after")
    def _order(self) -> BookingCreate:
        if self.ends_at <= self.starts_at:
            raise schema_error("booking.order")
        return self


class BookingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    instrument_id: int
    user_id: int
    org_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    price_group: str
    service_type: str
    purpose: str
    cancel_fee_fen: int
    reason: str


class BookingPage(BaseModel):
    items: list[BookingRead]
    next_cursor: str | None


class Slot(BaseModel):
    """A held slot of an instrument's calendar, as anyone sees it: when, not who."""

    starts_at: datetime
    ends_at: datetime
    kind: str  # booked | outage


class UsageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started_at: Moment
    ended_at: Moment
    samples: int | None = Field(None, ge=1, le=100_000)

    @model_validator(mode="after")
    def _order(self) -> UsageCreate:
        if self.ended_at <= self.started_at:
            raise schema_error("booking.use_order")
        return self


class UsageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    booking_id: int
    price_group: str
    unit: str
    started_at: datetime
    ended_at: datetime
    month: str
    quantity: int
    charge_fen: int


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=MAX_ID)
    trained_on: date | None = None  # today when absent
    valid_until: date | None = None


class OutageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    starts_at: Moment
    ends_at: Moment
    reason: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _order(self) -> OutageCreate:
        if self.ends_at <= self.starts_at:
            raise schema_error("outage.order")
        return self


# --- vouchers ---------------------------------------------------------------------------------------------------

class SchemeCreate(BaseModel):
    """A jurisdiction's voucher scheme. `share_percent`: the share of a price its vouchers pay (0.01–100)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=300)
    province: str = Field(pattern=r"^3[1-4]0000$")
    holder_types: list[str] = Field(default_factory=lambda: ["enterprise"], min_length=1, max_length=7)
    service_types: list[str] = Field(default_factory=lambda: list(SERVICE_TYPES), min_length=1, max_length=3)
    share_percent: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]
    holder_cap_yuan: Annotated[Decimal, Field(gt=0, le=MAX_YUAN, decimal_places=2)]
    budget_yuan: Yuan
    valid_from: date
    valid_until: date

    @field_validator("service_types")
    @classmethod
    def _services(cls, value: list[str]) -> list[str]:
        if any(kind not in SERVICE_TYPES for kind in value):
            raise schema_error("validation.invalid")
        return sorted(set(value))

    @model_validator(mode="after")
    def _validity(self) -> SchemeCreate:
        if self.valid_until < self.valid_from:
            raise schema_error("validation.invalid")
        return self


class SchemeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    province_code: str
    holder_types: list[str]
    service_types: list[str]
    share_bp: int
    holder_cap_fen: int
    budget_fen: int
    valid_from: date
    valid_until: date
    is_sample: bool


class VoucherIssue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme_id: int = Field(ge=1, le=MAX_ID)
    holder_org_id: int = Field(ge=1, le=MAX_ID)
    face_yuan: Annotated[Decimal, Field(gt=0, le=MAX_YUAN, decimal_places=2)]
    expires_on: date | None = Field(None, description="the scheme's last day when absent")


class VoucherRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scheme_id: int
    holder_org_id: int
    face_fen: int
    expires_on: date
    status: str
    balance_fen: int = 0


class VoucherPage(BaseModel):
    items: list[VoucherRead]
    next_cursor: str | None


class RedemptionCreate(BaseModel):
    """A voucher to pay its share of a confirmed booking; `key` makes a retried request a no-op."""

    model_config = ConfigDict(extra="forbid")

    voucher_id: int = Field(ge=1, le=MAX_ID)
    booking_id: int = Field(ge=1, le=MAX_ID)
    key: str = Field(min_length=8, max_length=80, pattern=r"^[A-Za-z0-9._:-]+$")


class RedemptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    voucher_id: int
    booking_id: int
    held_fen: int
    posted_fen: int
    status: str
