"""Output pages: reports and achievements, a report's page, and the search page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from yrdhub import search
from yrdhub.outputs import service
from yrdhub.outputs.models import Achievement, Report
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
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
    zh = request.state.lang != "en"
    regions_ = {r.code: (r.short_name if zh else r.name_en) for r in regions.list_regions(session, level="province")}
    labels = {
        "facet": {"type": "类型" if zh else "Type", "year": "年份" if zh else "Year",
                  "province": "地区" if zh else "Jurisdiction", "openness": "公开类别" if zh else "Openness",
                  "kind": "类别" if zh else "Kind"},
        "type": {"final": "最终报告" if zh else "Final", "annual": "年度报告" if zh else "Annual",
                 "topical": "专题报告" if zh else "Topical", "paper": "论文" if zh else "Paper",
                 "patent": "专利" if zh else "Patent", "standard": "标准" if zh else "Standard",
                 "software": "软件" if zh else "Software", "product": "产品" if zh else "Product",
                 "variety": "品种" if zh else "Variety"},
        "province": regions_,
        "openness": {"public": "公开" if zh else "Public", "delayed": "延期公开" if zh else "Delayed",
                     "restricted": "限制" if zh else "Restricted"},
    }
    return render(request, "outputs/search.html", q=q, kind=kind, result=result, links=LINKS, labels=labels)
