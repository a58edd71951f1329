"""Bulk files of programmes and projects (CSV in UTF-8/GBK, XLSX, JSON): all rows or none. 422 lists every bad
row as {line, column, code, message}; 200 gives the counts (written unless `dry_run`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from yrdhub.accounts.policy import authorize
from yrdhub.imports import mapping_of
from yrdhub.programmes import imports as programme_imports
from yrdhub.web.api.common import ImportResult, import_answer, policy
from yrdhub.web.deps import ActorDep, CsrfApi, SessionDep, SettingsDep
from yrdhub.web.errors import lang_of
from yrdhub.web.uploads import finish_import, read_upload

router = APIRouter()
MapQuery = Annotated[list[str] | None, Query(max_length=50, description="源列=字段 source column=field")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/programmes/import", response_model=ImportResult, openapi_extra=policy("programme.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
def import_programmes(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                      file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                      map: MapQuery = None) -> Any:
    """Programmes by code; a jurisdiction admin only for its own jurisdiction's (other rows are refused)."""
    authorize(actor, "programme.import")  # who may import such files at all: 401/403 before reading (rows: 422)
    data, filename = read_upload(file, settings)
    report = programme_imports.import_programmes(session, actor=actor, data=data, filename=filename,
                                                 dry_run=dry_run, mapping=mapping_of(map),
                                                 ignore_unknown=ignore_unknown, max_rows=settings.max_import_rows)
    return import_answer(finish_import(session, report), lang_of(request))


@router.post("/projects/import", response_model=ImportResult, openapi_extra=policy("programme.import"),
             dependencies=[CsrfApi], responses={422: {"description": "bad file or rows; nothing written"}})
def import_projects(request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                    file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
                    map: MapQuery = None, programme: Annotated[str | None, Query(max_length=40)] = None,
                    call: Annotated[str | None, Query(max_length=40)] = None) -> Any:
    """Projects decided outside the platform, by code, with participants and funders' yearly shares, by the
    programme's owners; `programme` / `call` give the default for rows without those columns."""
    authorize(actor, "programme.import")
    data, filename = read_upload(file, settings)
    report = programme_imports.import_projects(session, actor=actor, data=data, filename=filename,
                                               dry_run=dry_run, mapping=mapping_of(map),
                                               ignore_unknown=ignore_unknown, programme=programme, call=call,
                                               max_rows=settings.max_import_rows)
    return import_answer(finish_import(session, report), lang_of(request))


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
