"""/api/v1/outputs — S&T reports and achievements; /api/v1/search — Chinese full-text search."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from yrdhub import search
from yrdhub.outputs import files, service
from yrdhub.outputs import imports as output_imports
from yrdhub.outputs.models import Achievement, Report
from yrdhub.outputs.schemas import AchievementIn, AchievementRead, ReportFileRead, ReportIn, ReportRead
from yrdhub.regions.schemas import ImportResult
from yrdhub.web.api.common import ExportFormat, export, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep, SettingsDep
from yrdhub.web.errors import ApiError

router = APIRouter(tags=["outputs 科技报告与成果"])
REPORT_FIELDS = ["id", "number", "title", "type", "org_id", "province_code", "year", "openness", "embargo_until",
                 "abstract"]


@router.get("/outputs/reports", response_model=list[ReportRead])
def reports(session: SessionDep, actor: ActorDep, type: str | None = None,
            province: Annotated[str | None, Query(pattern=r"^3[1-4]0000$")] = None,
            year: Annotated[int | None, Query(ge=1949, le=2100)] = None, format: ExportFormat = "json") -> Any:
    rows = service.visible_reports(session, actor=actor, type=type, province=province, year=year)
    if format != "json":
        return export(format, "reports", REPORT_FIELDS, ([getattr(r, f) for f in REPORT_FIELDS] for r in rows))
    return rows


def _report(session: SessionDep, actor: ActorDep, report_id: int) -> Any:
    report = session.get(Report, report_id)
    if report is None or not service.can_see(actor, report):
        raise ApiError(404, "not_found", f"报告不存在 / no such report: {report_id}")
    return report


@router.get("/outputs/reports/{report_id}", response_model=ReportRead)
def report(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Any:
    row = _report(session, actor, report_id)
    service.record_use(session, report=row, actor=actor, client=request.client.host if request.client else "",
                       kind="view")
    session.commit()
    return row


@router.get("/outputs/reports/{report_id}/text")
def report_text(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Any:
    """The full text: signed-in users for released reports, insiders always."""
    row = _report(session, actor, report_id)
    if not service.can_read(actor, row):
        raise ApiError(401 if actor.user_id is None else 403,
                       "unauthenticated" if actor.user_id is None else "forbidden",
                       "全文须登录后阅读 / sign in to read the full text")
    service.record_use(session, report=row, actor=actor, client=request.client.host if request.client else "",
                       kind="download")
    session.commit()
    return {"id": row.id, "number": row.number, "title": row.title, "full_text": row.full_text}


def _readable(session: SessionDep, actor: ActorDep, report_id: int) -> Report:
    """The same doors as the full text: 404 unless the record is visible, then 401/403 unless readable."""
    row: Report = _report(session, actor, report_id)
    if not service.can_read(actor, row):
        raise ApiError(401 if actor.user_id is None else 403,
                       "unauthenticated" if actor.user_id is None else "forbidden",
                       "全文须登录后阅读 / sign in to read the full text")
    return row


def file_response(report: Report, stored: Any) -> Response:
    """The original bytes as an attachment (never rendered inline: a TXT or PDF is not a page of ours)."""
    name = quote(stored.filename)
    return Response(stored.content, media_type=stored.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{files.download_name(report, stored)}\"; "
                               f"filename*=UTF-8''{name}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/outputs/reports/{report_id}/file")
def report_file(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Any:
    """The original file, for whoever may read the full text (counted as a download, once per reader and day)."""
    row = _readable(session, actor, report_id)
    stored = files.content_of(session, row.id)
    if stored is None:
        raise ApiError(404, "not_found", "该报告没有上传原文件 / no file was uploaded for this report")
    service.record_use(session, report=row, actor=actor, client=request.client.host if request.client else "",
                       kind="download")
    session.commit()
    return file_response(row, stored)


def rejected(exc: files.FileRejected) -> ApiError:
    status = {"too_large": 413, "unsupported_type": 415}.get(exc.code, 422)
    return ApiError(status, exc.code, str(exc))


@router.post("/outputs/reports/{report_id}/file", response_model=ReportFileRead, status_code=201,
             openapi_extra=policy("output.upload"), dependencies=[CsrfApi],
             responses={413: {"description": "file too large"}, 415: {"description": "not PDF, DOCX or TXT"},
                        422: {"description": "empty, damaged, encrypted or without text; nothing stored"}})
async def upload_report_file(report_id: RowId, session: SessionDep, actor: ActorDep, settings: SettingsDep,
                             file: Annotated[UploadFile, File()]) -> Any:
    """Upload the report's original PDF, DOCX or TXT (UTF-8 or GBK); its text becomes the full text (searchable
    with the report's grants). A new upload replaces the previous file."""
    row = _report(session, actor, report_id)
    limit = settings.max_upload_mb * 2**20
    data = await file.read(limit + 1)
    try:
        stored = files.attach(session, actor=actor, report=row, data=data, filename=file.filename or "upload",
                              max_bytes=limit)
    except files.FileRejected as exc:
        session.rollback()
        raise rejected(exc) from exc
    session.commit()
    return stored


ImportKind = Literal["reports", "achievements"]


async def read_upload(file: UploadFile, settings: Any) -> bytes:
    limit = settings.max_upload_mb * 2**20
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"文件超过 {settings.max_upload_mb} MB / file too large")
    return data


def import_answer(session: SessionDep, report: Any, dry_run: bool) -> Any:
    """422 with every bad row (nothing written), or 200 with the counts (committed unless a dry run)."""
    from yrdhub.web.api.organisations import _row_errors

    if report.file_error:
        session.rollback()
        raise ApiError(422, "bad_file", report.file_error)
    if report.errors:
        session.rollback()
        return _row_errors(report)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return ImportResult(filename=report.filename, format=report.fmt, rows=report.rows, created=report.created,
                        updated=report.updated, unchanged=report.unchanged)


def mapping_of(pairs: list[str] | None) -> dict[str, str]:
    """`map=NO=code` (source column = field), repeated."""
    out = {}
    for pair in pairs or ():
        source, sep, key = pair.partition("=")
        if not sep or not source.strip() or not key.strip():
            raise ApiError(422, "validation_error", f"映射格式应为 源列=字段：{pair} / map must be source=field")
        out[source.strip()] = key.strip()
    return out


def _import(kind: ImportKind) -> Any:
    fn = output_imports.import_reports if kind == "reports" else output_imports.import_achievements

    async def route(session: SessionDep, actor: ActorDep, settings: SettingsDep, file: Annotated[UploadFile, File()],
                    dry_run: bool = False, ignore_unknown: bool = False,
                    map: Annotated[list[str] | None, Query(max_length=50)] = None) -> Any:
        data = await read_upload(file, settings)
        report = fn(session, actor=actor, data=data, filename=file.filename or "upload.csv", dry_run=dry_run,
                    mapping=mapping_of(map), ignore_unknown=ignore_unknown)
        return import_answer(session, report, dry_run)

    route.__doc__ = (f"Bulk import of {kind} (CSV in UTF-8/GBK, XLSX or JSON): all rows or none; `dry_run` checks "
                     "only; `map=源列=field` renames columns.")
    return route


for _kind in ("reports", "achievements"):
    router.add_api_route(f"/outputs/{_kind}/import", _import(_kind), methods=["POST"], response_model=ImportResult,
                         openapi_extra=policy("output.import"), dependencies=[CsrfApi],
                         name=f"import_{_kind}", summary=f"Import {_kind}",
                         responses={422: {"description": "bad file or rows; nothing written"}})


@router.get("/outputs/{kind}/import/template")
def import_template(kind: ImportKind) -> Response:
    """An XLSX with the Chinese column headers and one example row."""
    return Response(output_imports.templates()[kind],
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.xlsx"'})


@router.post("/outputs/reports", response_model=ReportRead, status_code=201, openapi_extra=policy("output.create"),
             dependencies=[CsrfApi])
def create_report(body: ReportIn, session: SessionDep, actor: ActorDep) -> Any:
    try:
        row = service.create_report(session, actor=actor, **body.model_dump())
    except service.OutputError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    session.commit()
    return row


@router.get("/outputs/usage")
def usage(session: SessionDep, actor: ActorDep, by: Literal["report", "org", "province"] = "report",
          format: ExportFormat = "json") -> Any:
    """Views and downloads (one per reader and day) within the manager's scope, per report, per organisation
    (`by=org`) or per jurisdiction (`by=province`)."""
    if actor.user_id is None:
        raise ApiError(401, "unauthenticated", "需要登录 / authentication required")
    rows = service.usage(session, actor=actor) if by == "report" else service.usage_by(session, actor=actor, by=by)
    if format != "json":
        header = list(rows[0]) if rows else ["views", "downloads"]
        return export(format, f"usage_by_{by}", header, ([r[h] for h in header] for r in rows))
    return rows


@router.get("/outputs/achievements", response_model=list[AchievementRead])
def achievements(session: SessionDep, kind: str | None = None, format: ExportFormat = "json") -> Any:
    stmt = select(Achievement).order_by(Achievement.year.desc(), Achievement.id.desc())
    if kind:
        stmt = stmt.where(Achievement.kind == kind)
    rows = list(session.execute(stmt).scalars())
    if format != "json":
        header = ["id", "kind", "title", "identifier", "year", "applicants", "trl", "transfer_status"]
        return export(format, "achievements", header, (
            [a.id, a.kind, a.title, a.identifier, a.year, "; ".join(x["name"] for x in a.applicants), a.trl,
             a.transfer_status] for a in rows))
    return rows


@router.get("/outputs/achievements/cross-province")
def cross_province(session: SessionDep) -> Any:
    """Patents co-applied by organisations of several provinces, by year (for monitoring)."""
    return service.cross_province_patents(session)


@router.post("/outputs/achievements", response_model=AchievementRead, status_code=201,
             openapi_extra=policy("output.create"), dependencies=[CsrfApi])
def create_achievement(body: AchievementIn, session: SessionDep, actor: ActorDep) -> Any:
    try:
        row = service.create_achievement(session, actor=actor, **body.model_dump())
    except service.OutputError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    session.commit()
    return row


@router.get("/search")
def search_api(session: SessionDep, actor: ActorDep, q: Annotated[str, Query(max_length=200)] = "",
               kind: Annotated[list[str] | None, Query()] = None,
               province: Annotated[str | None, Query(pattern=r"^3[1-4]0000$")] = None,
               year: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
               cursor: Annotated[str | None, Query(max_length=500)] = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Any:
    """Full-text search; what the reader may not see never shows (hits, snippets, facets, totals)."""
    filters: dict[str, list[str | int]] = {}
    if province:
        filters["province"] = [province]
    if year:
        filters["year"] = [year]
    try:
        result = search.search(session, search.SearchQuery(text=q, kinds=kind or (), filters=filters,
                                                           facets=("type", "year", "province", "openness"),
                                                           limit=limit, cursor=cursor),
                               search.reader_tokens(actor))
    except ValueError as exc:
        raise ApiError(422, "validation_error", f"查询无效 / invalid query: {exc}") from exc
    return {"total": result.total, "total_is_exact": result.total_is_exact, "next_cursor": result.next_cursor,
            "facets": result.facets,
            "hits": [{"kind": h.kind, "ref": h.ref, "title": h.title, "title_html": h.title_html,
                      "snippet_html": h.snippet_html, "score": h.score} for h in result.hits]}


@router.get("/search/suggest")
def suggest(session: SessionDep, actor: ActorDep, prefix: Annotated[str, Query(min_length=1, max_length=50)]) -> Any:
    return search.suggest(session, prefix, search.reader_tokens(actor))
