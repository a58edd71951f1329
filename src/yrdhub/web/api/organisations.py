"""/api/v1/organisations — the organisation registry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from yrdhub.imports import mapping_of
from yrdhub.regions import orgs
from yrdhub.regions.imports import OrgImporter
from yrdhub.regions.models import Organisation
from yrdhub.regions.schemas import OrgCreate, OrgMergeRequest, OrgPage, OrgRead, OrgUpdate
from yrdhub.web.api.common import ExportFormat, ImportResult, export, import_answer, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep, SettingsDep
from yrdhub.web.errors import lang_of
from yrdhub.web.uploads import run_import

router = APIRouter(tags=["organisations 机构"])
EXPORT_FIELDS = ["id", "name", "name_en", "type", "uscc", "region_code", "province_code", "address", "parent_id",
                 "aliases"]


def to_read(org: Organisation, resolved_from: int | None = None) -> OrgRead:
    return OrgRead(id=org.id, name=org.name, name_en=org.name_en, type=org.type, uscc=org.uscc,
                   region_code=org.region_code, province_code=org.province_code, address=org.address,
                   parent_id=org.parent_id, merged_into_id=org.merged_into_id,
                   aliases=[a.alias for a in org.aliases], created_at=org.created_at, updated_at=org.updated_at,
                   resolved_from=resolved_from)


@router.get("/organisations", response_model=OrgPage)
def list_organisations(session: SessionDep, actor: ActorDep, q: str = "", type: str = "", province: str = "",
                       region: str = "", cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                       format: ExportFormat = "json") -> Any:
    flt = orgs.OrgFilter(q=q, type=type, province=province, region=region)
    if format != "json":
        rows = ([o.id, o.name, o.name_en, o.type, o.uscc, o.region_code, o.province_code, o.address, o.parent_id,
                 "; ".join(a.alias for a in o.aliases)] for o in orgs.iterate(session, actor=actor, flt=flt))
        return export(format, "organisations", EXPORT_FIELDS, rows)
    page = orgs.page(session, actor=actor, flt=flt, cursor=cursor, limit=limit)
    return OrgPage(items=[to_read(o) for o in page.items], next_cursor=page.next_cursor)


@router.get("/organisations/{org_id}", response_model=OrgRead)
def get_organisation(org_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    org = orgs.require(session, org_id, actor=actor)
    if org.merged_into_id is not None:
        current = orgs.resolve(session, org_id)
        assert current is not None
        return to_read(current, resolved_from=org_id)
    return to_read(org)


@router.post("/organisations", response_model=OrgRead, status_code=201, openapi_extra=policy("org.create"),
             dependencies=[CsrfApi])
def create_organisation(body: OrgCreate, session: SessionDep, actor: ActorDep) -> Any:
    org = orgs.create(session, actor=actor, data=body)
    session.commit()
    return to_read(org)


@router.patch("/organisations/{org_id}", response_model=OrgRead, openapi_extra=policy("org.update"),
              dependencies=[CsrfApi])
def update_organisation(org_id: RowId, body: OrgUpdate, session: SessionDep, actor: ActorDep) -> Any:
    org = orgs.require(session, org_id, actor=actor)
    orgs.update(session, actor=actor, org=org, data=body)
    session.commit()
    return to_read(org)


@router.post("/organisations/{org_id}/merge", response_model=OrgRead, openapi_extra=policy("org.merge"),
             dependencies=[CsrfApi])
def merge_organisation(org_id: RowId, body: OrgMergeRequest, session: SessionDep, actor: ActorDep) -> Any:
    source = orgs.require(session, org_id, actor=actor)
    target = orgs.merge(session, actor=actor, source=source, target=orgs.require(session, body.into, actor=actor))
    session.commit()
    return to_read(target)


@router.post("/organisations/import", response_model=ImportResult, openapi_extra=policy("org.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
def import_file(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                map: Annotated[list[str] | None, Query(max_length=50)] = None) -> Any:
    """Bulk import (CSV in UTF-8/GBK, XLSX or JSON): all rows or none; every bad row with its line, column and
    code; `dry_run` checks without writing; `map=源列=field` maps other headers."""
    report = run_import(session, OrgImporter, actor=actor, upload=file, settings=settings, dry_run=dry_run,
                        mapping=mapping_of(map), ignore_unknown=ignore_unknown)
    return import_answer(report, lang_of(request))
