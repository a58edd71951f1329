"""/api/v1/resources — facilities, the instrument catalogue, bookings, metered use, statements, calendars."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import Response

from yrdhub.i18n import N_, gettext
from yrdhub.imports import mapping_of
from yrdhub.resources import bookings, calendar, facilities, instruments, settlement, sharing, usage, vouchers
from yrdhub.resources.imports import InstrumentImporter
from yrdhub.resources.models import Instrument
from yrdhub.resources.schemas import (
    BookingCreate,
    BookingPage,
    BookingRead,
    FacilityRead,
    InstrumentCreate,
    InstrumentPage,
    InstrumentRead,
    InstrumentUpdate,
    OutageCreate,
    RateRead,
    RedemptionCreate,
    RedemptionRead,
    SchemeCreate,
    SchemeRead,
    Slot,
    TrainingCreate,
    UsageCreate,
    UsageRead,
    VoucherIssue,
    VoucherPage,
    VoucherRead,
    yuan,
)
from yrdhub.web.api.common import ExportFormat, ImportResult, bounded, export, import_answer, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep, SettingsDep
from yrdhub.web.errors import lang_of
from yrdhub.web.uploads import run_import

router = APIRouter(prefix="/resources", tags=["resources 创新资源"])
Limit = Annotated[int, Query(ge=1, le=500)]
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
BUSY, OUTAGE = N_("Booked"), N_("Out of service")
EXPORT_FIELDS = ["id", "code", "name", "category", "model", "maker", "maker_country", "value_yuan", "purchase_year",
                 "org_id", "lab", "city_code", "province_code", "status"]


def to_read(session: SessionDep, instrument: Instrument, prefix: str) -> InstrumentRead:
    rates = [RateRead(price_group=r.price_group, unit=r.unit, steps=[(s, yuan(p)) for s, p in r.steps])
             for r in instruments.rates_of(session, instrument.id)]
    fields = {name: getattr(instrument, name) for name in InstrumentRead.model_fields
              if hasattr(instrument, name) and name not in ("rates", "cstr")}
    return InstrumentRead(**fields | {"value_yuan": yuan(instrument.original_value_fen),
                                      "cancel_fee_yuan": yuan(instrument.cancel_fee_fen),
                                      "cstr": instruments.cstr(instrument, prefix), "rates": rates})


@router.get("/facilities", response_model=list[FacilityRead],
            openapi_extra=bounded("the registry of the plan's facilities, labs and centres: dozens of rows"))
def list_facilities(session: SessionDep, actor: ActorDep, kind: str = "", city: str = "", status: str = "") -> Any:
    return facilities.listing(session, actor=actor, kind=kind, city=city, status=status)


@router.get("/facilities/{key}", response_model=FacilityRead)
def get_facility(key: Annotated[str, Path(max_length=80)], session: SessionDep, actor: ActorDep) -> Any:
    return facilities.get(session, key, actor=actor)


@router.get("/instruments", response_model=InstrumentPage)
def list_instruments(session: SessionDep, actor: ActorDep, settings: SettingsDep, q: str = "", category: str = "",
                     city: str = "", province: str = "", org_id: int | None = None, value_band: str = "",
                     status: str = "", cursor: str | None = None, limit: Limit = 50,
                     format: ExportFormat = "json") -> Any:
    """The catalogue, in keyset pages ordered by name; `format=csv|xlsx` exports every match."""
    flt = instruments.InstrumentFilter(q=q, category=category, city=city, province=province, org_id=org_id,
                                       value_band=value_band, status=status)
    if format != "json":
        rows = ([i.id, i.code, i.name, i.category, i.model, i.maker, i.maker_country, yuan(i.original_value_fen),
                 i.purchase_year, i.org_id, i.lab, i.city_code, i.province_code, i.status]
                for i in instruments.iterate(session, actor=actor, flt=flt))
        return export(format, "instruments", EXPORT_FIELDS, rows)
    page = instruments.page(session, actor=actor, flt=flt, cursor=cursor, limit=limit)
    return InstrumentPage(items=[to_read(session, i, settings.cstr_prefix) for i in page.items],
                          next_cursor=page.next_cursor)


@router.get("/instruments/{instrument_id}", response_model=InstrumentRead)
def get_instrument(instrument_id: RowId, session: SessionDep, actor: ActorDep, settings: SettingsDep) -> Any:
    return to_read(session, instruments.get(session, instrument_id, actor=actor), settings.cstr_prefix)


@router.post("/instruments", response_model=InstrumentRead, status_code=201,
             openapi_extra=policy("instrument.manage"), dependencies=[CsrfApi])
def create_instrument(body: InstrumentCreate, session: SessionDep, actor: ActorDep, settings: SettingsDep) -> Any:
    instrument = instruments.create(session, actor=actor, data=body)
    session.commit()
    return to_read(session, instrument, settings.cstr_prefix)


@router.put("/instruments/{instrument_id}", response_model=InstrumentRead,
            openapi_extra=policy("instrument.manage"), dependencies=[CsrfApi])
def update_instrument(instrument_id: RowId, body: InstrumentUpdate, session: SessionDep, actor: ActorDep,
                      settings: SettingsDep) -> Any:
    instrument = instruments.get(session, instrument_id, actor=actor)
    instruments.update(session, actor=actor, instrument=instrument, data=body)
    session.commit()
    return to_read(session, instrument, settings.cstr_prefix)


@router.post("/instruments/import", response_model=ImportResult, openapi_extra=policy("instrument.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
def import_instruments(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                       file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                       map: Annotated[list[str] | None, Query(max_length=50)] = None) -> Any:
    """Bulk import in the provincial sharing platforms' layout (CSV in UTF-8/GBK, XLSX or JSON): all rows or none;
    every bad row with its line, column and code; each row authorised against its host organisation."""
    report = run_import(session, InstrumentImporter, actor=actor, upload=file, settings=settings, dry_run=dry_run,
                        mapping=mapping_of(map), ignore_unknown=ignore_unknown)
    return import_answer(report, lang_of(request))


def _window(start: datetime | None, days: int) -> tuple[datetime, datetime]:
    begin = (start or datetime.now().astimezone()).astimezone()
    return begin, begin + timedelta(days=days)


@router.get("/instruments/{instrument_id}/slots", response_model=list[Slot],
            openapi_extra=bounded("the held time of one instrument within at most 62 days"))
def instrument_slots(instrument_id: RowId, session: SessionDep, actor: ActorDep, start: datetime | None = None,
                     days: Annotated[int, Query(ge=1, le=62)] = 14) -> Any:
    """When the instrument is taken (booked or out of service) — never by whom."""
    begin, end = _window(start, days)
    return [Slot(starts_at=s, ends_at=e, kind=k)
            for s, e, k in bookings.slots(session, instrument_id, actor=actor, start=begin, end=end)]


@router.get("/instruments/{instrument_id}/calendar.ics", response_class=Response)
def instrument_calendar(instrument_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The instrument's held time from a week ago to 62 days ahead, as an iCalendar feed."""
    lang = lang_of(request)
    instrument = instruments.get(session, instrument_id, actor=actor)
    begin, end = _window(datetime.now().astimezone() - timedelta(days=7), 69)
    slots = bookings.slots(session, instrument_id, actor=actor, start=begin, end=end)
    body = calendar.instrument_feed(instrument, slots, busy=gettext(lang, BUSY), outage=gettext(lang, OUTAGE),
                                    host=request.url.hostname or "yrdhub")
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.post("/instruments/{instrument_id}/training", status_code=201, openapi_extra=policy("instrument.manage"),
             dependencies=[CsrfApi])
def record_training(instrument_id: RowId, body: TrainingCreate, session: SessionDep, actor: ActorDep) -> Any:
    training = bookings.record_training(session, actor=actor, instrument=instruments.get(session, instrument_id,
                                                                                         actor=actor), data=body)
    session.commit()
    return {"user_id": training.user_id, "trained_on": training.trained_on, "valid_until": training.valid_until}


@router.post("/instruments/{instrument_id}/outages", response_model=Slot, status_code=201,
             openapi_extra=policy("instrument.manage"), dependencies=[CsrfApi])
def record_outage(instrument_id: RowId, body: OutageCreate, session: SessionDep, actor: ActorDep) -> Any:
    outage = bookings.record_outage(session, actor=actor, instrument=instruments.get(session, instrument_id,
                                                                                     actor=actor), data=body)
    session.commit()
    return Slot(starts_at=outage.starts_at, ends_at=outage.ends_at, kind="outage")


@router.get("/bookings", response_model=BookingPage)
def list_bookings(session: SessionDep, actor: ActorDep, instrument_id: int | None = None, mine: bool = False,
                  status: str = "", cursor: str | None = None, limit: Limit = 50) -> Any:
    """Bookings the caller may read (their own, their organisation's, their instruments'), newest first."""
    page = bookings.page(session, actor=actor, instrument_id=instrument_id, mine=mine, status=status,
                         cursor=cursor, limit=limit)
    return BookingPage(items=[BookingRead.model_validate(b) for b in page.items], next_cursor=page.next_cursor)


@router.get("/bookings/calendar.ics", response_class=Response)
def my_calendar(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The caller's own bookings (the last 500) as an iCalendar feed."""
    rows = bookings.own(session, actor=actor)
    body = calendar.user_feed(actor.username or "yrdhub", rows, host=request.url.hostname or "yrdhub")
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get("/bookings/{booking_id}", response_model=BookingRead)
def get_booking(booking_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return bookings.get(session, booking_id, actor=actor)


@router.post("/bookings", response_model=BookingRead, status_code=201, openapi_extra=policy("booking.create"),
             dependencies=[CsrfApi], responses={409: {"description": "the time is taken (booking.overlap)"}})
def create_booking(body: BookingCreate, session: SessionDep, actor: ActorDep) -> Any:
    booking = bookings.book(session, actor=actor, data=body)
    session.commit()
    return booking


@router.post("/bookings/{booking_id}/cancel", response_model=BookingRead, openapi_extra=policy("booking.cancel"),
             dependencies=[CsrfApi])
def cancel_booking(booking_id: RowId, session: SessionDep, actor: ActorDep,
                   reason: Annotated[str, Query(max_length=2000)] = "") -> Any:
    booking = bookings.cancel(session, actor=actor, booking=bookings.get(session, booking_id, actor=actor),
                              reason=reason)
    session.commit()
    return booking


@router.post("/bookings/{booking_id}/use", response_model=UsageRead, status_code=201,
             openapi_extra=policy("booking.record_use"), dependencies=[CsrfApi])
def record_use(booking_id: RowId, body: UsageCreate, session: SessionDep, actor: ActorDep) -> Any:
    use = usage.record_use(session, actor=actor, booking=bookings.get(session, booking_id, actor=actor), data=body)
    session.commit()
    return use


@router.post("/bookings/{booking_id}/miss", response_model=BookingRead, openapi_extra=policy("booking.record_use"),
             dependencies=[CsrfApi])
def record_miss(booking_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    booking = usage.miss(session, actor=actor, booking=bookings.get(session, booking_id, actor=actor))
    session.commit()
    return booking


@router.get("/statements", openapi_extra=bounded("one month's sums per organisation or instrument"))
def statement(session: SessionDep, actor: ActorDep, month: Annotated[str, Query(pattern=MONTH)],
              by: Annotated[str, Query(pattern="^(org|instrument)$")] = "org",
              format: ExportFormat = "json") -> Any:
    """A month's metered uses the caller may read, summed (charges in fen)."""
    rows = usage.statement(session, actor=actor, month=month, by=by)
    if format != "json":
        header = [by, "unit", "uses", "quantity", "charge_fen"]
        return export(format, f"statement-{month}", header, ([r[h] for h in header] for r in rows))
    return rows


# --- vouchers -----------------------------------------------------------------------------------------------------

@router.get("/schemes", response_model=list[SchemeRead],
            openapi_extra=bounded("the voucher schemes of four jurisdictions: a handful a year"))
def list_schemes(session: SessionDep, province: str = "") -> Any:
    return vouchers.schemes(session, province=province)


@router.post("/schemes", response_model=SchemeRead, status_code=201, openapi_extra=policy("voucher.scheme"),
             dependencies=[CsrfApi])
def create_scheme(body: SchemeCreate, session: SessionDep, actor: ActorDep) -> Any:
    scheme = vouchers.create_scheme(session, actor=actor, data=body)
    session.commit()
    return scheme


def _voucher_read(session: SessionDep, voucher: Any) -> VoucherRead:
    return VoucherRead.model_validate(voucher).model_copy(
        update={"balance_fen": vouchers.voucher_balance(session, voucher)})


@router.get("/vouchers", response_model=VoucherPage)
def list_vouchers(session: SessionDep, actor: ActorDep, holder_org_id: int | None = None, cursor: str | None = None,
                  limit: Limit = 50) -> Any:
    """Vouchers the caller may read (their organisation's, their jurisdiction's issues), newest first."""
    page = vouchers.page(session, actor=actor, holder_org_id=holder_org_id, cursor=cursor, limit=limit)
    return VoucherPage(items=[_voucher_read(session, v) for v in page.items], next_cursor=page.next_cursor)


@router.get("/vouchers/{voucher_id}", response_model=VoucherRead)
def get_voucher(voucher_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return _voucher_read(session, vouchers.get(session, voucher_id, actor=actor))


@router.post("/vouchers", response_model=VoucherRead, status_code=201, openapi_extra=policy("voucher.issue"),
             dependencies=[CsrfApi], responses={409: {"description": "beyond the budget or the holder's cap"}})
def issue_voucher(body: VoucherIssue, session: SessionDep, actor: ActorDep) -> Any:
    voucher = vouchers.issue(session, actor=actor, data=body)
    session.commit()
    return _voucher_read(session, voucher)


@router.post("/redemptions", response_model=RedemptionRead, status_code=201, openapi_extra=policy("voucher.redeem"),
             dependencies=[CsrfApi], responses={409: {"description": "the booking has a voucher already"}})
def redeem(body: RedemptionCreate, session: SessionDep, actor: ActorDep) -> Any:
    """Let a voucher pay its share of a confirmed booking: held now, posted when the provider records the use.
    Send the same `key` to retry safely: a replay answers the first redemption and moves no money."""
    redemption = vouchers.hold(session, actor=actor, booking=bookings.get(session, body.booking_id, actor=actor),
                               data=body)
    session.commit()
    return redemption


@router.get("/settlements", openapi_extra=bounded("sums per issuer × provider jurisdiction × month"))
def settlements(session: SessionDep, actor: ActorDep, first: Annotated[str, Query(pattern=MONTH)],
                last: Annotated[str | None, Query(pattern=MONTH)] = None, format: ExportFormat = "json") -> Any:
    """What each issuing jurisdiction owes each providing jurisdiction, from the ledger's posted redemptions (the
    caller's jurisdiction's rows; the joint office's all), with the 4×4 matrix and the providers' cities."""
    rows = settlement.statement(session, actor=actor, first=first, last=last)
    if format != "json":
        header = ["issuer", "provider", "month", "redemptions", "amount_fen"]
        return export(format, f"settlement-{first}", header, ([r[h] for h in header] for r in rows))
    return {"rows": rows, "matrix": settlement.matrix(session, actor=actor, first=first, last=last),
            "city_pairs": settlement.city_pairs(session, actor=actor, first=first, last=last)}


@router.get("/sharing", openapi_extra=bounded("one row per instrument, organisation or jurisdiction the caller reads"))
def sharing_measures(session: SessionDep, actor: ActorDep, first: Annotated[str, Query(pattern=MONTH)],
                     last: Annotated[str | None, Query(pattern=MONTH)] = None,
                     by: Annotated[str, Query(pattern="^(instrument|org|province)$")] = "province") -> Any:
    """Sharing measured over the metered uses the caller may read: effective, external and cross-jurisdiction
    hours and the sharing rate, per instrument, host organisation or jurisdiction."""
    return sharing.measures(session, actor=actor, by=by, first=first, last=last)


@router.get("/sharing/records", openapi_extra=bounded("the uses of at most a few months the caller reads"))
def sharing_records(session: SessionDep, actor: ActorDep, first: Annotated[str, Query(pattern=MONTH)],
                    last: Annotated[str | None, Query(pattern=MONTH)] = None, province: str | None = None,
                    format: ExportFormat = "json") -> Any:
    """The uses behind the sharing measures, one row each."""
    rows = sharing.records(session, actor=actor, first=first, last=last, province=province)
    if format != "json":
        header = list(rows[0]) if rows else ["usage_id"]
        return export(format, f"sharing-{first}", header, ([r[h] for h in header] for r in rows))
    return rows
