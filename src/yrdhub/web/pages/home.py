"""The home page: the YRD map and the four jurisdictions' key official statistics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from yrdhub.regions import service as regions
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
PROVINCES = regions.YRD_PROVINCES


def series(session: SessionDep, indicator: str, codes: tuple[str, ...]) -> dict[str, Any]:
    rows = regions.statistics(session, indicator=indicator, region_codes=list(codes))
    years = sorted({r.year for r in rows})
    by = {(r.region_code, r.year): r.value for r in rows}
    return {"years": years, "series": {code: [by.get((code, y)) for y in years] for code in codes},
            "unit": rows[0].unit if rows else "", "source": rows[0].source if rows else "",
            "source_en": rows[0].source_en if rows else ""}


@router.get("/")
def home(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    names = regions.provinces(session)
    population = regions.statistics(session, indicator="census_population")
    cities = {r.code: r for r in regions.list_regions(session, level="city", limit=100)}
    map_data = [{"name": cities[s.region_code].name, "code": s.region_code, "value": s.value,
                 "name_en": cities[s.region_code].name_en}
                for s in population if s.year == 2020 and s.region_code in cities]
    rd = series(session, "rd_expenditure", PROVINCES)
    intensity = series(session, "rd_intensity", PROVINCES)
    facts = []
    for code in names:
        latest = {ind: _latest(session, code, ind) for ind in
                  ("rd_expenditure", "rd_intensity", "population", "valid_invention_patents")}
        facts.append({"region": names[code], **latest})
    chart = {"map": map_data, "rd": rd, "intensity": intensity,
             "provinces": {c: {"zh": r.short_name, "en": r.name_en} for c, r in names.items()}}
    return render(request, "home.html", chart=chart, facts=facts)


def _latest(session: SessionDep, code: str, indicator: str) -> Any:
    rows = regions.statistics(session, indicator=indicator, region_codes=[code])
    return rows[-1] if rows else None


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request) -> Response:
    target = request.headers.get("referer") or "/"
    if not target.startswith(str(request.base_url)):
        target = "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie("lang", "en" if lang == "en" else "zh", max_age=365 * 86400, samesite="lax")
    return response
