"""The registry of facilities, laboratories and centres: the YRD map with each facility at its city's seat,
coloured by kind, and the table below it; one facility's page with its sources. A fact the curated file does
not source (a city, a status, a host) is shown as not sourced, never guessed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yrdhub.i18n import local
from yrdhub.resources import facilities
from yrdhub.resources.models import FACILITY_KINDS, FACILITY_STATUSES
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.pages.resources import common
from yrdhub.web.pages.resources.common import cities

router = APIRouter(include_in_schema=False)
# A colour per kind: the map's points and the table's swatches.
COLOURS = dict(zip(FACILITY_KINDS, ("#c0392b", "#1f6fb2", "#8e44ad", "#16a085", "#27ae60", "#d68910", "#e67e22",
                                    "#7f8c8d", "#e84393", "#2c3e50", "#00a8c6"), strict=True))


@router.get("/resources")
def registry(request: Request, session: SessionDep, actor: ActorDep, kind: str = "", status: str = "") -> Response:
    kind = kind if kind in FACILITY_KINDS else ""
    status = status if status in FACILITY_STATUSES else ""
    rows = facilities.listing(session, actor=actor, kind=kind, status=status)
    seats = cities(session)
    lang = request.state.lang
    points = []
    for f in rows:
        city = seats.get(f.city_code or "")
        if city is not None and city.lon is not None and city.lat is not None:
            points.append({"key": f.key, "name": local(f, lang), "kind": f.kind, "city": local(city, lang),
                           "status": f.status or "", "as_of": f.status_as_of, "value": [city.lon, city.lat]})
    kinds = [k for k in FACILITY_KINDS if any(f.kind == k for f in rows)]
    return common.page(request, "resources/registry.html", rows=rows, cities=seats, points=points, kinds=kinds,
                  all_kinds=FACILITY_KINDS, colours=COLOURS, statuses=FACILITY_STATUSES, kind=kind, status=status,
                  unplaced=len(rows) - len(points))


@router.get("/resources/facilities/{key}")
def facility(key: str, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    row = facilities.get(session, key, actor=actor)
    city = cities(session).get(row.city_code or "")
    return common.page(request, "resources/facility.html", facility=row, city=city)
