"""Output pages: reports and achievements, a report's page, and the search page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from yrdhub import search
from yrdhub.outputs import service
from yrdhub.outputs.models import Achievement, Report
from yrdhub.regions import orgs
from yrdhub.web.deps import ActorDep, RowId, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
LINKS = {"report": "/outputs/reports/{ref}", "report_text": "/outputs/reports/{ref}", "achievement": "/outputs",
         "project": "/projects/{ref}"}


@router.get("/outputs")
def outputs(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    reports = service.visible_reports(session, actor=actor)[:100]
    achievements = list(session.execute(select(Achievement).order_by(Achievement.year.desc()).limit(100)).scalars())
    return render(request, "outputs/list.html", reports=reports, achievements=achievements)


@router.get("/outputs/reports/{report_id}")
def report_page(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    report = session.get(Report, report_id)
    if report is None or not service.can_see(actor, report):
        raise HTTPException(404)
    service.record_use(session, report=report, actor=actor, client=request.client.host if request.client else "",
                       kind="view")
    session.commit()
    org = orgs.get(session, report.org_id)
    return render(request, "outputs/report.html", report=report, org=org,
                  full_text=report.full_text if service.can_read(actor, report) else None)


@router.get("/search")
def search_page(request: Request, session: SessionDep, actor: ActorDep, q: str = "", kind: str = "",
                cursor: str = "") -> Response:
    result = None
    if q.strip() or kind:
        try:
            result = search.search(session, search.SearchQuery(
                text=q[:200], kinds=[kind] if kind else (), facets=("type", "year", "province", "openness"),
                cursor=cursor or None), search.reader_tokens(actor))
        except ValueError:
            result = None
    return render(request, "outputs/search.html", q=q, kind=kind, result=result, links=LINKS)
