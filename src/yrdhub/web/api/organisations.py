"""/api/v1/organisations — the organisation registry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from yrdhub.regions import orgs
from yrdhub.regions.imports import import_organisations
from yrdhub.regions.models import Organisation
from yrdhub.regions.schemas import (
    ImportResult,
    OrgCreate,
    OrgMergeRequest,
    OrgPage,
    OrgRead,
    OrgUpdate,
)
from yrdhub.web.api.common import ExportFormat, export, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep
from yrdhub.web.errors import ApiError
from yrdhub.web.i18n import split

router = APIRouter(tags=["organisations 机构"])
EXPORT_FIELDS = ["id", "name", "name_en", "type", "uscc", "region_code", "province_code", "address", "parent_id",
                 "aliases"]
MAX_UPLOAD = 50 * 1024 * 1024


def to_read(org: Organisation, resolved_from: int | None = None) -> OrgRead:
    return OrgRead(id=org.id, name=org.name, name_en=org.name_en, type=org.type, uscc=org.uscc,
                   region_code=org.region_code, province_code=org.province_code, address=org.address,
                   parent_id=org.parent_id, merged_into_id=org.merged_into_id,
                   aliases=[a.alias for a in org.aliases], created_at=org.created_at, updated_at=org.updated_at,
                   resolved_from=resolved_from)


def _input(body: OrgCreate | OrgUpdate) -> orgs.OrgInput:
    return orgs.OrgInput(**body.model_dump())


def _invalid(exc: orgs.OrgError) -> ApiError:
    return ApiError(422, "validation_error", "机构信息有误 / invalid organisation", exc.errors)


@router.get("/organisations", response_model=OrgPage)
def list_organisations(session: SessionDep, q: str = "", type: str = "", province: str = "", region: str = "",
                       after: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                       format: ExportFormat = "json") -> Any:
    flt = orgs.OrgFilter(q=q, type=type, province=province, region=region)
    if format != "json":
        rows = ([o.id, o.name, o.name_en, o.type, o.uscc, o.region_code, o.province_code, o.address, o.parent_id,
                 "; ".join(a.alias for a in o.aliases)] for o in orgs.iterate(session, flt))
        return export(format, "organisations", EXPORT_FIELDS, rows)
    try:
        items, cursor = orgs.page(session, flt, after=after, limit=limit)
    except orgs.OrgError as exc:
        raise _invalid(exc) from exc
    return OrgPage(items=[to_read(o) for o in items], next_cursor=cursor)


@router.get("/organisations/{org_id}", response_model=OrgRead)
def get_organisation(org_id: RowId, session: SessionDep) -> Any:
    org = orgs.get(session, org_id)
    if org is None:
        raise ApiError(404, "not_found", f"机构不存在 / no such organisation: {org_id}")
    if org.merged_into_id is not None:
        current = orgs.resolve(session, org_id)
        assert current is not None
        return to_read(current, resolved_from=org_id)
    return to_read(org)


@router.post("/organisations", response_model=OrgRead, status_code=201, openapi_extra=policy("org.create"),
             dependencies=[CsrfApi])
def create_organisation(body: OrgCreate, session: SessionDep, actor: ActorDep) -> Any:
    try:
        org = orgs.create(session, actor=actor, data=_input(body))
    except orgs.OrgError as exc:
        raise _invalid(exc) from exc
    session.commit()
    return to_read(org)


@router.patch("/organisations/{org_id}", response_model=OrgRead, openapi_extra=policy("org.update"),
              dependencies=[CsrfApi])
def update_organisation(org_id: RowId, body: OrgUpdate, session: SessionDep, actor: ActorDep) -> Any:
    try:
        org = orgs.update_org(session, actor=actor, org_id=org_id, data=_input(body))
    except LookupError as exc:
        raise ApiError(404, "not_found", f"机构不存在或已合并 / no such organisation: {org_id}") from exc
    except orgs.OrgError as exc:
        raise _invalid(exc) from exc
    session.commit()
    return to_read(org)


@router.post("/organisations/{org_id}/merge", response_model=OrgRead, openapi_extra=policy("org.merge"),
             dependencies=[CsrfApi])
def merge_organisation(org_id: RowId, body: OrgMergeRequest, session: SessionDep, actor: ActorDep) -> Any:
    try:
        target = orgs.merge(session, actor=actor, source_id=org_id, target_id=body.into)
    except LookupError as exc:
        raise ApiError(404, "not_found", "机构不存在或已合并 / organisation not found or already merged") from exc
    except orgs.OrgError as exc:
        raise _invalid(exc) from exc
    session.commit()
    return to_read(target)


@router.post("/organisations/import", response_model=ImportResult, openapi_extra=policy("org.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
async def import_file(session: SessionDep, actor: ActorDep, file: Annotated[UploadFile, File()]) -> Any:
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ApiError(413, "too_large", f"文件超过 {MAX_UPLOAD // 2**20} MB / file too large")
    report = import_organisations(session, actor=actor, data=data, filename=file.filename or "upload.csv")
    if report.file_error:
        raise ApiError(422, "bad_file", report.file_error)
    if report.errors:
        session.rollback()
        return _row_errors(report)
    session.commit()
    return ImportResult(filename=report.filename, format=report.fmt, rows=report.rows, created=report.created,
                        updated=report.updated, unchanged=report.unchanged)


def _row_errors(report: Any) -> Any:
    from fastapi.responses import JSONResponse

    from yrdhub.web.errors import body

    payload = body("bad_rows", f"{len(report.errors)} 行有误，未写入任何数据 / {len(report.errors)} bad rows, "
                   "nothing written")
    rows = []
    for e in report.errors:
        zh, en = split(e.reason)
        rows.append({"line": e.line, "field": e.field, "message": zh, "message_en": en})
    payload["error"]["rows"] = rows
    return JSONResponse(payload, status_code=422)
