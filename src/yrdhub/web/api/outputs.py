"""/api/v1/outputs — S&T reports and achievements; /api/v1/search — Chinese full-text search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from yrdhub import search
from yrdhub.outputs import service
from yrdhub.outputs.models import Achievement
from yrdhub.outputs.schemas import AchievementIn, AchievementRead, ReportIn, ReportRead
from yrdhub.web.api.common import ExportFormat, export, policy
from yrdhub.web.deps import ActorDep, CsrfApi, RowId, SessionDep
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
    from yrdhub.outputs.models import Report

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
def usage(session: SessionDep, actor: ActorDep) -> Any:
    """Views and downloads (one per reader and day) within the manager's scope."""
    if actor.user_id is None:
        raise ApiError(401, "unauthenticated", "需要登录 / authentication required")
    return service.usage(session, actor=actor)


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
    return {"total": result.total, "next_cursor": result.next_cursor, "facets": result.facets,
            "hits": [{"kind": h.kind, "ref": h.ref, "title": h.title, "title_html": h.title_html,
                      "snippet_html": h.snippet_html, "score": h.score} for h in result.hits]}


@router.get("/search/suggest")
def suggest(session: SessionDep, actor: ActorDep, prefix: Annotated[str, Query(min_length=1, max_length=50)]) -> Any:
    return search.suggest(session, prefix, search.reader_tokens(actor))
