"""/api/v1/outputs — S&T reports (with their lifecycle) and achievements: thin shells over the schemas and
services of `yrdhub.outputs`. Reads filter in SQL by the read rules; a report the reader may not see is a 404.
Uploads and imports are plain `def` routes (run on a worker thread: parsing never blocks the server), their
size checked before anything is parsed. (Search is /api/v1/search, `web/api/search.py`.)"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, authorize
from yrdhub.errors import NotFound
from yrdhub.imports import mapping_of
from yrdhub.outputs import achievements, files, queries, service, usage
from yrdhub.outputs import imports as output_imports
from yrdhub.outputs.models import Report, ReportFile
from yrdhub.outputs.schemas import (
    AchievementCreate,
    AchievementPage,
    AchievementRead,
    AchievementUpdate,
    ReportCreate,
    ReportFileRead,
    ReportMove,
    ReportPage,
    ReportRead,
    ReportText,
    ReportUpdate,
)
from yrdhub.web.api.common import ExportFormat, ImportResult, export, import_answer, policy
from yrdhub.web.deps import ActorDep, CsrfApi, LangDep, RowId, SessionDep, SettingsDep, WriteSessionDep
from yrdhub.web.uploads import read_upload, run_import

router = APIRouter(tags=["outputs 科技报告与成果"])
REPORT_FIELDS = ["id", "number", "title", "type", "org_id", "province_code", "year", "openness", "embargo_until",
                 "status", "abstract"]
ACHIEVEMENT_FIELDS = ["id", "kind", "title", "identifier", "year", "applicants", "trl", "transfer_status"]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=500)]
ImportKind = Literal["reports", "achievements"]


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


# --- reports: reads -------------------------------------------------------------------------------------------


@router.get("/outputs/reports", response_model=ReportPage)
def reports(session: SessionDep, actor: ActorDep, type: Literal["final", "annual", "topical"] | None = None,
            province: Annotated[str | None, Query(pattern=r"^3[1-4]0000$")] = None,
            year: Annotated[int | None, Query(ge=1949, le=2100)] = None,
            status: Literal["draft", "submitted", "accepted", "withdrawn"] | None = None,
            org_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None, cursor: Cursor = None,
            limit: Limit = 50, format: ExportFormat = "json") -> Any:
    """The reports the reader may see, newest year first, a keyset page at a time (`next_cursor`); `format=csv`
    or `xlsx` exports every one of them."""
    flt = queries.ReportFilter(type=type, province=province, year=year, status=status, org_id=org_id)
    if format != "json":
        rows = [[getattr(r, f) for f in REPORT_FIELDS] for r in queries.iter_reports(session, actor=actor, flt=flt)]
        return export(format, "reports", REPORT_FIELDS, rows)
    page = queries.list_reports(session, actor=actor, flt=flt, cursor=cursor, limit=limit)
    return ReportPage(items=[ReportRead.model_validate(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/outputs/reports/{report_id}", response_model=ReportRead)
def report(report_id: RowId, request: Request, session: WriteSessionDep, actor: ActorDep) -> Any:
    """A report's record and abstract (counted as a view, once per reader and day)."""
    row = queries.get_report(session, actor=actor, report_id=report_id)
    usage.record_use(session, report=row, actor=actor, client=client_of(request), kind="view")
    session.commit()
    return row


def readable(session: Session, actor: Actor, report_id: int) -> Report:
    """The doors to the full text: 404 unless the record is visible, then 401 (sign in) or 403 unless the full
    text is readable."""
    row = queries.get_report(session, actor=actor, report_id=report_id)
    if not queries.reads_full_text(session, actor=actor, report=row):
        raise PermissionDenied("report.full_text", actor)
    return row


@router.get("/outputs/reports/{report_id}/text", response_model=ReportText)
def report_text(report_id: RowId, request: Request, session: WriteSessionDep, actor: ActorDep) -> Any:
    """The full text: signed-in users for released reports, insiders always (counted as a download)."""
    row = readable(session, actor, report_id)
    usage.record_use(session, report=row, actor=actor, client=client_of(request), kind="download")
    session.commit()
    return ReportText(id=row.id, number=row.number, title=row.title, full_text=row.full_text)


def file_response(report: Report, stored: ReportFile) -> Response:
    """The original bytes as an attachment (never rendered inline: a TXT or PDF is not a page of ours)."""
    name = quote(stored.filename)
    return Response(stored.content, media_type=stored.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{files.download_name(report, stored)}\"; "
                               f"filename*=UTF-8''{name}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/outputs/reports/{report_id}/file")
def report_file(report_id: RowId, request: Request, session: WriteSessionDep, actor: ActorDep) -> Any:
    """The original file, for whoever may read the full text (counted as a download, once per reader and day)."""
    row = readable(session, actor, report_id)
    stored = files.content_of(session, row.id)
    if stored is None:
        raise NotFound("file.none")
    usage.record_use(session, report=row, actor=actor, client=client_of(request), kind="download")
    session.commit()
    return file_response(row, stored)


# --- reports: writes ------------------------------------------------------------------------------------------


@router.post("/outputs/reports", response_model=ReportRead, status_code=201, openapi_extra=policy("output.create"),
             dependencies=[CsrfApi])
def create_report(body: ReportCreate, session: SessionDep, actor: ActorDep) -> Any:
    """Register a report as a draft of its organisation (`status`: submitted or accepted makes those moves at
    once, each needing its own right)."""
    row = service.create_report(session, actor=actor, data=body)
    session.commit()
    return row


@router.patch("/outputs/reports/{report_id}", response_model=ReportRead, openapi_extra=policy("output.create"),
              dependencies=[CsrfApi])
def update_report(report_id: RowId, body: ReportUpdate, session: SessionDep, actor: ActorDep) -> Any:
    """Change fields of a draft (409 `report.not_draft` once it is submitted)."""
    row = queries.get_report(session, actor=actor, report_id=report_id)
    service.update_report(session, actor=actor, report=row, data=body)
    session.commit()
    return row


@router.post("/outputs/reports/{report_id}/transitions", response_model=ReportRead,
             openapi_extra=policy("output.submit"), dependencies=[CsrfApi],
             responses={409: {"description": "the report's state does not allow the move, or it changed"}})
def move_report(report_id: RowId, body: ReportMove, session: SessionDep, actor: ActorDep) -> Any:
    """A move of the report's lifecycle: submit, recall (the organisation), accept, return (the jurisdiction's
    S&T department or the joint office; return needs a reason), withdraw, reinstate (the joint office)."""
    row = queries.get_report(session, actor=actor, report_id=report_id)
    service.move_report(session, actor=actor, report=row, data=body)
    session.commit()
    return row


@router.post("/outputs/reports/{report_id}/file", response_model=ReportFileRead, status_code=201,
             openapi_extra=policy("output.upload"), dependencies=[CsrfApi],
             responses={413: {"description": "too large: bytes, pages, inflated size"},
                        422: {"description": "empty, damaged, encrypted, not PDF/DOCX/TXT, or without text"}})
def upload_report_file(report_id: RowId, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                       file: Annotated[UploadFile, File()]) -> Any:
    """Upload a draft's original PDF, DOCX or TXT (UTF-8 or GBK); its text becomes the full text (searchable with
    the report's grants). A new upload replaces the previous file."""
    row = queries.get_report(session, actor=actor, report_id=report_id)
    authorize(actor, "output.upload", service.target(session, row))  # before the bytes are read
    data, filename = read_upload(file, settings)
    stored = files.attach(session, actor=actor, report=row, data=data, filename=filename)
    session.commit()
    return stored


# --- imports --------------------------------------------------------------------------------------------------


def _import(kind: ImportKind) -> Any:
    def route(session: SessionDep, actor: ActorDep, settings: SettingsDep, lang: LangDep,
              file: Annotated[UploadFile, File()], dry_run: bool = False, ignore_unknown: bool = False,
              map: Annotated[list[str] | None, Query(max_length=50)] = None) -> Any:
        authorize(actor, "output.import")  # 401/403 for the whole file; each row is then its single write
        report = run_import(session, output_imports.IMPORTERS[kind], actor=actor, upload=file, settings=settings,
                            dry_run=dry_run, mapping=mapping_of(map), ignore_unknown=ignore_unknown)
        return import_answer(report, lang)

    route.__doc__ = (f"Bulk import of {kind} (CSV in UTF-8/GBK, XLSX or JSON): all rows or none; `dry_run` checks "
                     "only; `map=源列=field` renames columns. Rows: `{line, column, code, message}`.")
    return route


for _kind in ("reports", "achievements"):
    router.add_api_route(f"/outputs/{_kind}/import", _import(_kind), methods=["POST"], response_model=ImportResult,
                         openapi_extra=policy("output.import"), dependencies=[CsrfApi],
                         name=f"import_{_kind}", summary=f"Import {_kind}",
                         responses={413: {"description": "file beyond a limit"},
                                    422: {"description": "bad file or rows; nothing written"}})


@router.get("/outputs/{kind}/import/template")
def import_template(kind: ImportKind) -> Response:
    """An XLSX with the Chinese column headers and one example row."""
    return Response(output_imports.templates()[kind],
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.xlsx"'})


# --- usage ----------------------------------------------------------------------------------------------------


@router.get("/outputs/usage")
def usage_statistics(session: SessionDep, actor: ActorDep, by: Literal["report", "org", "province"] = "report",
                     format: ExportFormat = "json") -> Any:
    """Views and downloads (one per reader and day) within the manager's scope, per report, per organisation
    (`by=org`) or per jurisdiction (`by=province`). `title` is null for a report the manager may not read."""
    if actor.user_id is None:
        raise PermissionDenied("output.usage", actor)
    rows = usage.usage(session, actor=actor) if by == "report" else usage.usage_by(session, actor=actor, by=by)
    if format != "json":
        header = list(rows[0]) if rows else ["views", "downloads"]
        return export(format, f"usage_by_{by}", header, ([r[h] for h in header] for r in rows))
    return rows


# --- achievements ---------------------------------------------------------------------------------------------

AchievementKind = Literal["paper", "patent", "standard", "software", "product", "variety"]


@router.get("/outputs/achievements", response_model=AchievementPage)
def achievement_list(session: SessionDep, actor: ActorDep, kind: AchievementKind | None = None,
                     cursor: Cursor = None, limit: Limit = 50, format: ExportFormat = "json") -> Any:
    if format != "json":
        rows = [[a.id, a.kind, a.title, a.identifier, a.year, "; ".join(x["name"] for x in a.applicants), a.trl,
                 a.transfer_status] for a in queries.iter_achievements(session, actor=actor, kind=kind)]
        return export(format, "achievements", ACHIEVEMENT_FIELDS, rows)
    page = queries.list_achievements(session, actor=actor, kind=kind, cursor=cursor, limit=limit)
    return AchievementPage(items=[AchievementRead.model_validate(a) for a in page.items],
                           next_cursor=page.next_cursor)


@router.get("/outputs/achievements/cross-province")
def cross_province(session: SessionDep) -> Any:
    """Patents co-applied by organisations of several provinces, by year (for monitoring)."""
    return achievements.cross_province_patents(session)


@router.get("/outputs/achievements/{achievement_id}", response_model=AchievementRead)
def achievement(achievement_id: RowId, session: SessionDep, actor: ActorDep) -> Any:
    return queries.get_achievement(session, actor=actor, achievement_id=achievement_id)


@router.post("/outputs/achievements", response_model=AchievementRead, status_code=201,
             openapi_extra=policy("output.create"), dependencies=[CsrfApi])
def create_achievement(body: AchievementCreate, session: SessionDep, actor: ActorDep) -> Any:
    row = achievements.create_achievement(session, actor=actor, data=body)
    session.commit()
    return row


@router.patch("/outputs/achievements/{achievement_id}", response_model=AchievementRead,
              openapi_extra=policy("output.create"), dependencies=[CsrfApi])
def update_achievement(achievement_id: RowId, body: AchievementUpdate, session: SessionDep, actor: ActorDep) -> Any:
    row = queries.get_achievement(session, actor=actor, achievement_id=achievement_id)
    achievements.update_achievement(session, actor=actor, achievement=row, data=body)
    session.commit()
    return row
