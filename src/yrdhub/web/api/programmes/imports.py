"""Bulk files of programmes and projects (CSV in UTF-8/GBK, XLSX, JSON): all rows or none. 422 lists every bad
row as {line, column, code, message}; 200 gives the counts (written unless `dry_run`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from yrdhub import errors
from yrdhub.accounts.policy import authorize
from yrdhub.errors import DomainError, TooLarge
from yrdhub.imports import ImportReport
from yrdhub.programmes import imports as programme_imports
from yrdhub.programmes.reads import ImportResult
from yrdhub.web.api.common import policy
from yrdhub.web.deps import ActorDep, CsrfApi, SessionDep, SettingsDep
from yrdhub.web.errors import lang_of, payload

router = APIRouter()
MapQuery = Annotated[list[str] | None, Query(max_length=50, description="源列=字段 source column=field")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_SHOWN = 1000


def read_upload(file: UploadFile, limit_mb: int) -> bytes:
    """The upload's bytes, refused beyond the limit before anything is parsed."""
    limit = limit_mb * 2**20
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge("table.too_large", limit_mb=limit_mb)
    return data


def mapping_of(pairs: list[str] | None) -> dict[str, str]:
    """`map=NO=code` (source column = field), repeated."""
    out = {}
    for pair in pairs or ():
        source, sep, key = pair.partition("=")
        if not sep or not source.strip() or not key.strip():
            raise DomainError("programme_import.mapping", field="map", value=pair)
        out[source.strip()] = key.strip()
    return out


def answer(request: Request, session: SessionDep, report: ImportReport) -> Any:
    """422 with every bad row (nothing written), or 200 with the counts (committed unless a dry run)."""
    if not report.ok:
        session.rollback()
        lang = lang_of(request)
        whole = report.file_error
        body = payload(lang, whole.code, whole.params) if whole else \
            payload(lang, "programme_import.refused", {"count": len(report.errors)})
        body["error"]["rows"] = [{"line": e.line, "column": e.column, "code": e.code,
                                  "message": errors.render(e.code, e.params, lang)} for e in report.errors[:ROWS_SHOWN]]
        return JSONResponse(body, status_code=422)
    if report.dry_run:
        session.rollback()
    else:
        session.commit()
    return ImportResult(filename=report.filename, format=report.fmt, rows=report.rows, created=report.created,
                        updated=report.updated, unchanged=report.unchanged, dry_run=report.dry_run)


@router.post("/programmes/import", response_model=ImportResult, openapi_extra=policy("programme.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
def import_programmes(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                      file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                      map: MapQuery = None) -> Any:
    """Programmes by code; a jurisdiction admin only for its own jurisdiction's (other rows are refused)."""
    authorize(actor, "programme.import")  # who may import such files at all: 401/403 before reading (rows: 422)
    data = read_upload(file, settings.max_upload_mb)
    report = programme_imports.import_programmes(session, actor=actor, data=data, filename=file.filename or "upload",
                                                 dry_run=dry_run, mapping=mapping_of(map),
                                                 ignore_unknown=ignore_unknown, max_rows=settings.max_import_rows)
    return answer(request, session, report)


@router.post("/projects/import", response_model=ImportResult, openapi_extra=policy("programme.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
def import_projects(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                    file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                    map: MapQuery = None, programme: Annotated[str | None, Query(max_length=40)] = None,
                    call: Annotated[str | None, Query(max_length=40)] = None) -> Any:
    """Projects decided outside the platform, by code, with participants and funders' yearly shares, by the
    programme's owners; `programme` / `call` give the default for rows without those columns."""
    authorize(actor, "programme.import")
    data = read_upload(file, settings.max_upload_mb)
    report = programme_imports.import_projects(session, actor=actor, data=data, filename=file.filename or "upload",
                                               dry_run=dry_run, mapping=mapping_of(map),
                                               ignore_unknown=ignore_unknown, programme=programme, call=call,
                                               max_rows=settings.max_import_rows)
    return answer(request, session, report)


@router.get("/programmes/import/template")
def programmes_template() -> Response:
    return _template("programmes")


@router.get("/projects/import/template")
def projects_template() -> Response:
    return _template("projects")


def _template(kind: str) -> Response:
    """An XLSX with the Chinese column headers and one example row."""
    return Response(programme_imports.xlsx_template(kind), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.xlsx"'})
