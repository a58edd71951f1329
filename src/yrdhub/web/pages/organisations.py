"""Organisation pages: list with filters and keyset pagination, detail with history, bulk import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from yrdhub.accounts.policy import can
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions.imports import import_organisations
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 30


@router.get("/organisations")
def org_list(request: Request, session: SessionDep, actor: ActorDep, q: str = "", type: str = "",
             province: str = "", after: str = "") -> Response:
    flt = orgs.OrgFilter(q=q.strip(), type=type if type in orgs.TYPE_LABELS else "", province=province)
    try:
        rows, cursor = orgs.page(session, flt, after=after or None, limit=PAGE)
    except orgs.OrgError:
        rows, cursor = orgs.page(session, flt, limit=PAGE)
    region_names = {r.code: r for r in regions.list_regions(session, limit=500)}
    export_query = request.url.query.replace("after=", "_after=")
    return render(request, "organisations/list.html", rows=rows, next_cursor=cursor, flt=flt, after=after,
                  types=orgs.TYPE_LABELS, provinces=regions.list_regions(session, level="province"),
                  region_names=region_names, can_import=can(actor, "org.import"), export_query=export_query)


@router.get("/organisations/import")
def import_form(request: Request, actor: ActorDep) -> Response:
    if actor.user_id is None:
        return RedirectResponse("/login?next=/organisations/import", status_code=303)
    return render(request, "organisations/import.html", report=None)


@router.post("/organisations/import", dependencies=[CsrfForm])
async def import_upload(request: Request, session: SessionDep, actor: ActorDep,
                        file: Annotated[UploadFile, File()]) -> Response:
    data = await file.read(50 * 1024 * 1024 + 1)
    report = import_organisations(session, actor=actor, data=data, filename=file.filename or "upload.csv")
    if report.ok:
        session.commit()
    else:
        session.rollback()
    return render(request, "organisations/import.html", report=report, status_code=200 if report.ok else 422)


@router.get("/organisations/{org_id}")
def org_detail(org_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    org = orgs.get(session, org_id)
    if org is None:
        raise HTTPException(404)
    if org.merged_into_id is not None:
        current = orgs.resolve(session, org_id)
        if current is not None:
            return RedirectResponse(f"/organisations/{current.id}?from={org_id}", status_code=301)
    region = regions.get(session, org.region_code) if org.region_code else None
    parent = orgs.get(session, org.parent_id) if org.parent_id else None
    children = orgs.children(session, org.id)
    return render(request, "organisations/detail.html", org=org, region=region, parent=parent, children=children,
                  merged=orgs.merged_sources(session, org.id), history=orgs.history(session, org.id),
                  types=orgs.TYPE_LABELS, came_from=request.query_params.get("from"))
