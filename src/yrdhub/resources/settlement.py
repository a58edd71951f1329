"""Settlements between jurisdictions: what each issuer owes the providers of each jurisdiction for a period,
summed from the ledger's posted entries (so a settlement reproduces to the fen from the ledger), as a table and
as the 4×4 matrix of voucher flows; by city pair too (the providers' cities)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import readable
from yrdhub.regions.models import Organisation, Region
from yrdhub.resources.models import LedgerEntry

PROVINCES = ("310000", "320000", "330000", "340000")


def _posts(actor: Actor, months: tuple[str, str]) -> Any:
    """The provider legs of posted redemptions the actor may read, within [first month, last month]."""
    return (LedgerEntry.kind == "post", LedgerEntry.amount_fen > 0, LedgerEntry.month >= months[0],
            LedgerEntry.month <= months[1], readable(actor, LedgerEntry))


def statement(session: Session, *, actor: Actor, first: str, last: str | None = None) -> list[dict[str, Any]]:
    """Per issuer × provider jurisdiction × month: the redemptions posted and the fen owed."""
    rows = session.execute(
        select(LedgerEntry.issuer, LedgerEntry.provider, LedgerEntry.month, func.count(),
               func.sum(LedgerEntry.amount_fen))
        .where(*_posts(actor, (first, last or first)))
        .group_by(LedgerEntry.issuer, LedgerEntry.provider, LedgerEntry.month)
        .order_by(LedgerEntry.month, LedgerEntry.issuer, LedgerEntry.provider))
    return [{"issuer": i, "provider": p, "month": m, "redemptions": n, "amount_fen": int(a)}
            for i, p, m, n, a in rows]


def matrix(session: Session, *, actor: Actor, first: str, last: str | None = None) -> dict[str, dict[str, int]]:
    """{issuer: {provider jurisdiction: fen}} over the four jurisdictions (zeros included)."""
    out = {i: dict.fromkeys(PROVINCES, 0) for i in PROVINCES}
    for row in statement(session, actor=actor, first=first, last=last):
        if row["issuer"] in out and row["provider"] in out[row["issuer"]]:
            out[row["issuer"]][row["provider"]] += row["amount_fen"]
    return out


def city_pairs(session: Session, *, actor: Actor, first: str, last: str | None = None) -> list[dict[str, Any]]:
    """Per issuing jurisdiction × the provider's city: redemptions and fen (the provider's organisation's region,
    raised to its prefecture-level city)."""
    county = Region.__table__.alias("county")
    city_code = func.coalesce(
        select(Region.code).where(Region.code == Organisation.region_code, Region.level == "city")
        .scalar_subquery(),
        select(county.c.parent_code).where(county.c.code == Organisation.region_code, county.c.level == "county")
        .scalar_subquery())
    rows = session.execute(
        select(LedgerEntry.issuer, city_code.label("city"), func.count(), func.sum(LedgerEntry.amount_fen))
        .join(Organisation, Organisation.id == LedgerEntry.provider_org_id)
        .where(*_posts(actor, (first, last or first))).group_by(LedgerEntry.issuer, "city")
        .order_by(LedgerEntry.issuer, "city"))
    return [{"issuer": i, "provider_city": c, "redemptions": n, "amount_fen": int(a)} for i, c, n, a in rows]
