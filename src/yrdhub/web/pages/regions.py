"""Region pages: list with filters and keyset pagination, and a detail page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.pages.home import series
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/regions")
def region_list(request: Request, session: SessionDep, actor: ActorDep, level: str = "", province: str = "",
                q: str = "", after: str = "") -> Response:
    level = level if level in ("province", "city", "county") else ""
    rows = regions.list_regions(session, level=level or None, parent=province or None, q=q or None,
                                after=after or None, limit=PAGE + 1)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    names = {r.code: r for r in regions.list_regions(session, level="province")}
    names.update({r.code: r for r in regions.list_regions(session, level="city", limit=100)})
    return render(request, "regions/list.html", rows=rows, next_cursor=rows[-1].code if more and rows else None,
                  level=level, province=province, q=q, after=after, names=names,
                  provinces=regions.list_regions(session, level="province"))


@router.get("/regions/{code}")
def region_detail(code: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    region = regions.get(session, code)
    if region is None:
        raise HTTPException(404)
    parent = regions.get(session, region.parent_code) if region.parent_code else None
    chart = None
    if region.level == "province":
        chart = {"rd": series(session, "rd_expenditure", (code,)),
                 "intensity": series(session, "rd_intensity", (code,)),
                 "provinces": {code: {"zh": region.short_name, "en": region.name_en}}}
    stats = [s for s in regions.statistics(session, indicator="census_population", region_codes=[code])]
    flt = orgs.OrgFilter(province=code) if region.level == "province" else orgs.OrgFilter(region=code)
    organisations, _ = orgs.page(session, flt, limit=20)
    return render(request, "regions/detail.html", region=region, parent=parent,
                  children=regions.children(session, code), chart=chart, census=stats,
                  organisations=organisations)
