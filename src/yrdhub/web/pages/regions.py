"""Region pages: list with filters and keyset pagination, and a detail page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yrdhub.errors import DomainError
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.pages.home import series
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/regions")
def region_list(request: Request, session: SessionDep, actor: ActorDep, level: str = "", province: str = "",
                q: str = "", cursor: str = "") -> Response:
    level = level if level in ("province", "city", "county") else ""
    try:
        page = regions.page(session, actor=actor, level=level or None, parent=province or None, q=q or None,
                            cursor=cursor or None, limit=PAGE)
    except DomainError:  # a stale or edited cursor: start again
        page, cursor = regions.page(session, actor=actor, level=level or None, parent=province or None,
                                    q=q or None, limit=PAGE), ""
    names = {r.code: r for r in regions.list_regions(session, level="province")}
    names.update({r.code: r for r in regions.list_regions(session, level="city", limit=100)})
    return render(request, "regions/list.html", rows=page.items, next_cursor=page.next_cursor,
                  level=level, province=province, q=q, cursor=cursor, names=names,
                  provinces=regions.list_regions(session, level="province"))


@router.get("/regions/{code}")
def region_detail(code: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    region = regions.require(session, code)
    parent = regions.get(session, region.parent_code) if region.parent_code else None
    chart = None
    if region.level == "province":
        chart = {"rd": series(session, "rd_expenditure", (code,)),
                 "intensity": series(session, "rd_intensity", (code,)),
                 "provinces": {code: {"zh": region.short_name, "en": region.name_en}}}
    stats = [s for s in regions.statistics(session, indicator="census_population", region_codes=[code])]
    flt = orgs.OrgFilter(province=code) if region.level == "province" else orgs.OrgFilter(region=code)
    organisations = orgs.page(session, actor=actor, flt=flt, limit=20).items
    return render(request, "regions/detail.html", region=region, parent=parent,
                  children=regions.children(session, code), chart=chart, census=stats,
                  organisations=organisations)
