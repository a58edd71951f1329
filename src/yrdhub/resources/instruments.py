"""The shared instrument catalogue: register and update an instrument with its booking rules and prices, read it
in keyset pages with facets' filters, and its CSTR identifier.

Writes take the one schema (`InstrumentCreate` / `InstrumentUpdate`) from the form, the API and the import alike,
and are authorised against the host organisation — the one the instrument has and the one it is moved to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, case, delete, func, or_, select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, readable
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, NotFound
from yrdhub.keyset import Order, Page, paginate
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation, Region
from yrdhub.resources.models import Facility, Instrument, Rate
from yrdhub.resources.schemas import InstrumentCreate, InstrumentUpdate, fen

VALUE_BANDS = {  # yuan: the national survey's bands of original value (≥ 30 万 is a "large" instrument)
    "lt50w": (0, 500_000), "50w-200w": (500_000, 2_000_000), "200w-500w": (2_000_000, 5_000_000),
    "ge500w": (5_000_000, None)}


def cstr(instrument: Instrument, prefix: str) -> str | None:
    """The instrument's CSTR identifier (GB/T 32843: registry prefix, resource type 14 = instruments, local id),
    once the platform has a registry prefix (`Settings.cstr_prefix`)."""
    return f"CSTR:{prefix}.14.{instrument.code}" if prefix else None


def snapshot(i: Instrument, rates: list[Rate]) -> dict[str, Any]:
    return {"code": i.code, "name": i.name, "category": i.category, "org_id": i.org_id, "status": i.status,
            "value_fen": i.original_value_fen, "city": i.city_code, "facility_id": i.facility_id,
            "rules": [i.needs_training, i.min_minutes, i.max_minutes, i.book_days_ahead, i.book_hours_before,
                      i.cancel_hours_before, i.cancel_fee_fen],
            "rates": sorted([r.price_group, r.unit, r.steps] for r in rates),
            "text": [i.name_en, i.model, i.maker, i.maker_country, i.lab, i.specs, i.functions, i.purchase_year,
                     i.service_types]}


def target_of(session: Session, org_id: int) -> Target:
    org = session.get(Organisation, org_id)
    if org is None or org.merged_into_id is not None:
        raise DomainError("instrument.no_org", field="org_id", org=org_id)
    return Target(province=org.province_code, org_ids=orgs.ancestors(session, org))


def rates_of(session: Session, instrument_id: int) -> list[Rate]:
    return list(session.execute(select(Rate).where(Rate.instrument_id == instrument_id)
                                .order_by(Rate.price_group, Rate.unit)).scalars())


def _values(session: Session, data: InstrumentCreate) -> dict[str, Any]:
    host = session.get(Organisation, data.org_id)
    assert host is not None  # target_of checked it
    city = data.city or _city_of(session, host.region_code)
    if city is not None and session.get(Region, city) is None:
        raise DomainError("instrument.no_city", field="city", city=city)
    facility_id = None
    if data.facility:
        facility_id = session.execute(select(Facility.id).where(Facility.key == data.facility)).scalar_one_or_none()
        if facility_id is None:
            raise DomainError("facility.not_found", field="facility", id=data.facility)
    return {"code": data.code, "name": data.name, "name_en": data.name_en, "category": data.category,
            "model": data.model, "maker": data.maker, "maker_country": data.maker_country,
            "original_value_fen": fen(data.value_yuan), "purchase_year": data.purchase_year, "org_id": host.id,
            "lab": data.lab, "city_code": city, "province_code": host.province_code, "facility_id": facility_id,
            "status": data.status, "specs": data.specs, "functions": data.functions,
            "service_types": data.service_types, "needs_training": data.needs_training,
            "min_minutes": data.min_minutes, "max_minutes": data.max_minutes,
            "book_days_ahead": data.book_days_ahead, "book_hours_before": data.book_hours_before,
            "cancel_hours_before": data.cancel_hours_before, "cancel_fee_fen": fen(data.cancel_fee_yuan)}


def _city_of(session: Session, region_code: str | None) -> str | None:
    """The prefecture-level city of a region (a county's parent; a city itself)."""
    region = session.get(Region, region_code) if region_code else None
    while region is not None and region.level == "county" and region.parent_code:
        region = session.get(Region, region.parent_code)
    return region.code if region is not None and region.level == "city" else None


def _set_rates(session: Session, instrument: Instrument, data: InstrumentCreate) -> None:
    session.execute(delete(Rate).where(Rate.instrument_id == instrument.id))
    for rate in data.rates:
        session.add(Rate(instrument_id=instrument.id, price_group=rate.price_group, unit=rate.unit,
                         steps=[[start, fen(price)] for start, price in rate.steps]))
    session.flush()


def create(session: Session, *, actor: Actor, data: InstrumentCreate, is_sample: bool = False) -> Instrument:
    """Register an instrument (`is_sample`: generated sample data, marked as such wherever it is shown)."""
    authorize(actor, "instrument.manage", target_of(session, data.org_id))
    if session.execute(select(Instrument.id).where(Instrument.code == data.code)).first():
        raise Conflict("instrument.code_taken", field="code", code=data.code)
    instrument = Instrument(**_values(session, data), is_sample=is_sample)
    session.add(instrument)
    session.flush()
    _set_rates(session, instrument, data)
    audit.record(session, actor, "instrument.create", "instrument", instrument.id,
                 after=snapshot(instrument, rates_of(session, instrument.id)))
    return instrument


def update(session: Session, *, actor: Actor, instrument: Instrument, data: InstrumentUpdate) -> bool:
    """The whole record as it should be; authorised against the host it has and the host it moves to."""
    authorize(actor, "instrument.manage", target_of(session, instrument.org_id))
    authorize(actor, "instrument.manage", target_of(session, data.org_id))
    if data.code != instrument.code and session.execute(
            select(Instrument.id).where(Instrument.code == data.code)).first():
        raise Conflict("instrument.code_taken", field="code", code=data.code)
    before = snapshot(instrument, rates_of(session, instrument.id))
    for name, value in _values(session, data).items():
        setattr(instrument, name, value)
    _set_rates(session, instrument, data)
    after = snapshot(instrument, rates_of(session, instrument.id))
    if after == before:
        session.expire(instrument)  # nothing changed: leave the row (and its version) as it was
        return False
    instrument.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "instrument.update", "instrument", instrument.id, before=before, after=after)
    return True


def rate_for(session: Session, instrument_id: int, price_group: str, service_type: str) -> Rate | None:
    """The rate that meters a booking: per sample for sample testing, else per hour, else per day."""
    units = ("sample",) if service_type == "sample_testing" else ("hour", "day")
    rates = {r.unit: r for r in session.execute(select(Rate).where(
        Rate.instrument_id == instrument_id, Rate.price_group == price_group)).scalars()}
    return next((rates[u] for u in units if u in rates), None)


def get(session: Session, instrument_id: int, *, actor: Actor) -> Instrument:
    stmt = select(Instrument).where(Instrument.id == instrument_id, readable(actor, Instrument))
    instrument = session.execute(stmt).scalar_one_or_none()
    if instrument is None:
        raise NotFound("instrument.not_found", id=instrument_id)
    return instrument


@dataclass(frozen=True)
class InstrumentFilter:
    q: str = ""
    category: str = ""
    city: str = ""
    province: str = ""
    org_id: int | None = None
    value_band: str = ""
    status: str = ""


def _filtered(actor: Actor, flt: InstrumentFilter) -> Select[Any]:
    stmt = select(Instrument).where(readable(actor, Instrument))
    if flt.q:
        like = f"%{flt.q}%"
        stmt = stmt.where(or_(Instrument.name.like(like), Instrument.name_en.ilike(like), Instrument.model.ilike(like),
                              Instrument.maker.ilike(like), Instrument.functions.like(like),
                              Instrument.code == flt.q))
    for column, value in ((Instrument.category, flt.category), (Instrument.city_code, flt.city),
                          (Instrument.province_code, flt.province), (Instrument.status, flt.status)):
        if value:
            stmt = stmt.where(column == value)
    if flt.org_id is not None:
        stmt = stmt.where(Instrument.org_id == flt.org_id)
    if flt.value_band in VALUE_BANDS:
        low, high = VALUE_BANDS[flt.value_band]
        stmt = stmt.where(Instrument.original_value_fen >= low * 100)
        if high is not None:
            stmt = stmt.where(Instrument.original_value_fen < high * 100)
    return stmt


ORDER = (Order(Instrument.name), Order(Instrument.id))


def page(session: Session, *, actor: Actor, flt: InstrumentFilter, cursor: str | None = None, limit: int = 50
         ) -> Page[Instrument]:
    return paginate(session, _filtered(actor, flt), ORDER, cursor=cursor, limit=limit)


def iterate(session: Session, *, actor: Actor, flt: InstrumentFilter) -> Any:
    """Every matching instrument (for export), streamed."""
    stmt = _filtered(actor, flt).order_by(Instrument.name, Instrument.id)
    return session.execute(stmt.execution_options(yield_per=1000)).scalars()


FACETS: dict[str, Any] = {"category": Instrument.category, "city": Instrument.city_code, "org_id": Instrument.org_id,
                          "status": Instrument.status}


def facet_counts(session: Session, *, actor: Actor, flt: InstrumentFilter, limit: int = 30
                 ) -> dict[str, list[tuple[Any, int]]]:
    """For each facet (category, city, host, value band, status), how many instruments each of its values gives
    with the other filters kept (the facet's own filter left out, so its alternatives stay countable): one
    grouped query per facet, the commonest values first."""
    out: dict[str, list[tuple[Any, int]]] = {}
    for name, column in FACETS.items():
        cleared: dict[str, Any] = {name: None if name == "org_id" else ""}
        others = replace(flt, **cleared)
        sub = _filtered(actor, others).subquery()
        key = sub.c[column.key]
        rows = session.execute(select(key, func.count()).where(key.is_not(None)).group_by(key)
                               .order_by(func.count().desc(), key).limit(limit))
        out[name] = [(value, n) for value, n in rows]
    band = case(*[(Instrument.original_value_fen < high * 100, name) for name, (_, high) in VALUE_BANDS.items()
                  if high is not None], else_=next(name for name, (_, high) in VALUE_BANDS.items() if high is None))
    stmt = _filtered(actor, replace(flt, value_band="")).with_only_columns(band, func.count()).group_by(band)
    counts: dict[str, int] = {band_name: n for band_name, n in session.execute(stmt)}
    out["value_band"] = [(name, counts[name]) for name in VALUE_BANDS if counts.get(name)]
    return out


def by_code(session: Session, code: str) -> Instrument | None:
    return session.execute(select(Instrument).where(Instrument.code == code)).scalar_one_or_none()
