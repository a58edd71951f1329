"""Sharing measured, as the national review of open instruments (科研设施与仪器开放共享评价考核) measures it: per
instrument, host organisation or jurisdiction and period, the effective hours (metered use), the external hours
(used by others than the host's legal entity), the cross-jurisdiction hours and the sharing rate (external /
effective). Only metered time counts (uses per sample are counted as uses, not hours). The records behind each
value are the uses (`records`), so a figure can always be traced back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import readable
from yrdhub.resources.models import Instrument, Usage

KEYS = {"instrument": Usage.instrument_id, "org": Instrument.org_id, "province": Instrument.province_code}
TIMED = ("hour", "day")


def _minutes(condition: Any = None) -> Any:
    timed = Usage.unit.in_(TIMED)
    return func.coalesce(func.sum(case((timed if condition is None else timed & condition, Usage.quantity),
                                       else_=0)), 0)


def _base(actor: Actor, first: str, last: str) -> Select[Any]:
    return (select().select_from(Usage).join(Instrument, Instrument.id == Usage.instrument_id)
            .where(Usage.month >= first, Usage.month <= last, readable(actor, Usage)))


def measures(session: Session, *, actor: Actor, by: str, first: str, last: str | None = None) -> list[dict[str, Any]]:
    """Per `by` (instrument, org, province): uses, effective, external and cross-jurisdiction hours (to the
    minute), the sharing rate (external / effective; None without effective hours)."""
    key = KEYS[by]
    stmt = _base(actor, first, last or first).add_columns(
        key, func.count(), _minutes(), _minutes(Usage.price_group != "internal"),
        _minutes(Usage.price_group == "cross_jurisdiction")).group_by(key).order_by(key)
    out = []
    for value, uses, effective, external, cross in session.execute(stmt):
        out.append({by: value, "uses": uses, "effective_hours": round(effective / 60, 2),
                    "external_hours": round(external / 60, 2), "cross_jurisdiction_hours": round(cross / 60, 2),
                    "sharing_rate": round(external / effective, 4) if effective else None})
    return out


def records(session: Session, *, actor: Actor, first: str, last: str | None = None, province: str | None = None
            ) -> list[dict[str, Any]]:
    """The uses behind the measures (one row each), for a value's drill-down."""
    stmt = _base(actor, first, last or first).add_columns(
        Usage.id, Usage.booking_id, Usage.instrument_id, Instrument.org_id, Instrument.province_code, Usage.org_id,
        Usage.price_group, Usage.unit, Usage.quantity, Usage.month).order_by(Usage.id)
    if province:
        stmt = stmt.where(Instrument.province_code == province)
    names = ("usage_id", "booking_id", "instrument_id", "host_org_id", "host_province", "payer_org_id",
             "price_group", "unit", "quantity", "month")
    return [dict(zip(names, row, strict=True)) for row in session.execute(stmt)]
