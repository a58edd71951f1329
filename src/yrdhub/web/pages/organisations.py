"""Organisation pages: list with filters and keyset pagination, detail with history, bulk import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from yrdhub.accounts.policy import PermissionDenied, can
from yrdhub.errors import DomainError
from yrdhub.imports import ImportReport, RowError
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions.imports import COLUMNS, OrgImporter
from yrdhub.regions.models import ORG_TYPES
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep, SettingsDep
from yrdhub.web.templating import render
from yrdhub.web.uploads import run_import

router = APIRouter(include_in_schema=False)
PAGE = 30


@router.get("/organisations")
def org_list(request: Request, session: SessionDep, actor: ActorDep, q: str = "", type: str = "",
             province: str = "", cursor: str = "") -> Response:
    flt = orgs.OrgFilter(q=q.strip(), type=type if type in ORG_TYPES else "", province=province)
    try:
        page = orgs.page(session, actor=actor, flt=flt, cursor=cursor or None, limit=PAGE)
    except DomainError:  # a stale or edited cursor: start again
        page, cursor = orgs.page(session, actor=actor, flt=flt, limit=PAGE), ""
    region_names = {r.code: r for r in regions.list_regions(session, limit=500)}
    return render(request, "organisations/list.html", rows=page.items, next_cursor=page.next_cursor, flt=flt,
                  cursor=cursor, types=ORG_TYPES, provinces=regions.list_regions(session, level="province"),
                  region_names=region_names, can_import=can(actor, "org.import"))


@router.get("/organisations/import")
def import_form(request: Request, actor: ActorDep) -> Response:
    if actor.user_id is None:
        return RedirectResponse("/login?next=/organisations/import", status_code=303)
    return render(request, "organisations/import.html", report=None, columns=COLUMNS)


@router.post("/organisations/import", dependencies=[CsrfForm], openapi_extra=policy("org.import"))
def import_upload(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                  file: Annotated[UploadFile | None, File()] = None,
                  dry_run: Annotated[bool, Form()] = False) -> Response:
    status = None  # the report's: 200, or 422 for a refused file
    try:
        report = run_import(session, OrgImporter, actor=actor, upload=file, settings=settings, dry_run=dry_run)
    except DomainError as exc:  # no file, too large, or no import at all for this user: the same page with the reason
        if isinstance(exc, PermissionDenied) and actor.user_id is None:
            raise  # the public is sent to sign in
        status = 403 if isinstance(exc, PermissionDenied) else 422
        report = ImportReport(filename=(file.filename or "") if file else "", errors=[RowError(0, None, exc.code,
                                                                                        exc.params)])
    return render(request, "organisations/import.html", report=report, columns=COLUMNS,
                  status_code=status or (200 if report.ok else 422))


@router.get("/organisations/{org_id}")
def org_detail(org_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    org = orgs.require(session, org_id, actor=actor)
    if org.merged_into_id is not None:
        current = orgs.resolve(session, org_id)
        if current is not None:
            return RedirectResponse(f"/organisations/{current.id}?from={org_id}", status_code=301)
    region = regions.get(session, org.region_code) if org.region_code else None
    parent = orgs.get(session, org.parent_id) if org.parent_id else None
    return render(request, "organisations/detail.html", org=org, region=region, parent=parent,
                  children=orgs.children(session, org.id), merged=orgs.merged_sources(session, org.id),
                  history=orgs.history(session, org.id), came_from=request.query_params.get("from"))
