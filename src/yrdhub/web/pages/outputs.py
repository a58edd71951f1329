"""Output pages: reports and achievements, a report's page, and the search page."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from yrdhub import search
from yrdhub.i18n import gettext
from yrdhub.outputs import files, service
from yrdhub.outputs.labels import RESULT_KIND
from yrdhub.outputs.models import Achievement, Report
from yrdhub.programmes.labels import PROJECT_STATUS
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.web.api.outputs import file_response
from yrdhub.web.deps import ActorDep, CsrfForm, RowId, SessionDep, SettingsDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
PROJECT_STATES = ("draft", "submitted", "under_review", "approved", "rejected", "contracted", "midterm_passed",
                  "accepted", "terminated")
LINKS = {"report": "/outputs/reports/{ref}", "report_text": "/outputs/reports/{ref}", "achievement": "/outputs",
         "project": "/projects/{ref}"}


@router.get("/outputs")
def outputs(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    reports = service.visible_reports(session, actor=actor)[:100]
    achievements = list(session.execute(select(Achievement).order_by(Achievement.year.desc()).limit(100)).scalars())
    return render(request, "outputs/list.html", reports=reports, achievements=achievements)


def _visible(session: SessionDep, actor: ActorDep, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None or not service.can_see(actor, report):
        raise HTTPException(404)
    return report


def _report_page(request: Request, session: SessionDep, actor: ActorDep, report: Report, status_code: int = 200,
                 **extra: Any) -> Response:
    org = orgs.get(session, report.org_id)
    readable = service.can_read(actor, report)
    return render(request, "outputs/report.html", status_code=status_code, report=report, org=org,
                  full_text=report.full_text if readable else None,
                  stored=files.file_of(session, report.id) if readable else None,
                  may_upload=files.may_upload(session, actor, report), **extra)


@router.get("/outputs/reports/{report_id}")
def report_page(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    report = _visible(session, actor, report_id)
    service.record_use(session, report=report, actor=actor, client=request.client.host if request.client else "",
                       kind="view")
    session.commit()
    return _report_page(request, session, actor, report, uploaded=request.query_params.get("uploaded") == "1")


@router.get("/outputs/reports/{report_id}/download")
def report_download(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The original file: same rule as the full text (404 unless visible; sign in first; insiders always)."""
    report = _visible(session, actor, report_id)
    if not service.can_read(actor, report):
        if actor.user_id is None:
            return RedirectResponse(f"/login?next=/outputs/reports/{report.id}", status_code=303)
        raise HTTPException(403)
    stored = files.content_of(session, report.id)
    if stored is None:
        raise HTTPException(404)
    service.record_use(session, report=report, actor=actor, client=request.client.host if request.client else "",
                       kind="download")
    session.commit()
    return file_response(report, stored)


@router.post("/outputs/reports/{report_id}/file", dependencies=[CsrfForm])
async def report_upload(report_id: RowId, request: Request, session: SessionDep, actor: ActorDep,
                        settings: SettingsDep, file: Annotated[UploadFile, File()]) -> Response:
    report = _visible(session, actor, report_id)
    limit = settings.max_upload_mb * 2**20
    data = await file.read(limit + 1)
    try:
        files.attach(session, actor=actor, report=report, data=data, filename=file.filename or "upload",
                     max_bytes=limit)
    except files.FileRejected as exc:
        session.rollback()
        return _report_page(request, session, actor, report, status_code=422, upload_error=str(exc))
    session.commit()
    return RedirectResponse(f"/outputs/reports/{report.id}?uploaded=1", status_code=303)


FACETS = ("kind", "type", "year", "province", "funder", "status", "discipline", "openness")
MAX_FILTER_VALUES = 20  # per facet: more alternatives than a facet ever lists


def _filters(request: Request) -> dict[str, list[str]]:
    """The active facet filters from the URL (?type=final&type=annual&year=2025): values of one facet are
    alternatives, different facets must all hold. Unknown parameters are ignored; blank values dropped."""
    out: dict[str, list[str]] = {}
    for name in FACETS:
        values = [v.strip()[:100] for v in request.query_params.getlist(name) if v.strip()]
        if values:
            out[name] = list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
    return out


def _search_url(q: str, filters: dict[str, list[str]], cursor: str = "") -> str:
    params: list[tuple[str, str]] = [("q", q)] if q else []
    params += [(name, v) for name in FACETS for v in filters.get(name, ())]
    if cursor:
        params.append(("cursor", cursor))
    return "/search?" + urlencode(params) if params else "/search"


def _toggled(filters: dict[str, list[str]], name: str, value: str) -> dict[str, list[str]]:
    """The filters with `value` of facet `name` added (or removed when it is active)."""
    values = filters.get(name, [])
    changed = [v for v in values if v != value] if value in values else [*values, value]
    return {**{k: v for k, v in filters.items() if k != name}, **({name: changed} if changed else {})}


def _run_search(session: SessionDep, actor: ActorDep, q: str, filters: dict[str, list[str]],
                cursor: str) -> search.SearchResult:
    """The page of hits under every active filter, and the facet counts. A facet with an active filter is counted
    under the other facets' filters only (so its other values stay offered as alternatives). Every count comes
    from `yrdhub.search`, which counts only what the reader may see."""
    tokens = search.reader_tokens(actor)
    query = search.SearchQuery(text=q[:200], filters=filters, facets=FACETS, cursor=cursor or None)
    result = search.search(session, query, tokens)
    for name in filters:
        others = {k: v for k, v in filters.items() if k != name}
        alternatives = search.search(session, replace(query, filters=others, facets=(name,), limit=1, cursor=None),
                                     tokens)
        result.facets[name] = alternatives.facets.get(name, [])
    return result


@router.get("/search")
def search_page(request: Request, session: SessionDep, actor: ActorDep, q: str = "", cursor: str = "") -> Response:
    filters = _filters(request)
    result = None
    if q.strip() or filters:
        try:
            result = _run_search(session, actor, q, filters, cursor)
        except ValueError:
            result = None
    zh = request.state.lang != "en"
    regions_ = {r.code: (r.short_name if zh else r.name_en) for r in regions.list_regions(session, level="province")}
    labels = {
        "facet": {"type": "类型" if zh else "Type", "year": "年份" if zh else "Year",
                  "province": "地区" if zh else "Jurisdiction", "openness": "公开类别" if zh else "Openness",
                  "kind": "类别" if zh else "Kind", "funder": "出资方" if zh else "Funded by",
                  "status": "项目状态" if zh else "Project status", "discipline": "学科" if zh else "Discipline"},
        "kind": {k: gettext(request.state.lang, RESULT_KIND[k]) for k in LINKS},
        "status": {s: gettext(request.state.lang, PROJECT_STATUS[s]) for s in PROJECT_STATES},
        "funder": regions_,
        "type": {"final": "最终报告" if zh else "Final", "annual": "年度报告" if zh else "Annual",
                 "topical": "专题报告" if zh else "Topical", "paper": "论文" if zh else "Paper",
                 "patent": "专利" if zh else "Patent", "standard": "标准" if zh else "Standard",
                 "software": "软件" if zh else "Software", "product": "产品" if zh else "Product",
                 "variety": "品种" if zh else "Variety", "joint": "联合资助" if zh else "Jointly funded",
                 "single": "单方资助" if zh else "Single funder"},
        "province": regions_,
        "openness": {"public": "公开" if zh else "Public", "delayed": "延期公开" if zh else "Delayed",
                     "restricted": "限制" if zh else "Restricted"},
    }

    def label(name: str, value: str) -> str:
        return str(labels.get(name, {}).get(value, value))

    facets = [] if result is None else [
        (name, labels["facet"].get(name, name), [
            {"value": v, "label": label(name, v), "count": n, "active": v in filters.get(name, ()),
             "href": _search_url(q, _toggled(filters, name, v))} for v, n in values])
        for name, values in result.facets.items() if values]
    chips = [{"name": name, "facet": labels["facet"].get(name, name), "value": v, "label": label(name, v),
              "href": _search_url(q, _toggled(filters, name, v))} for name in FACETS for v in filters.get(name, ())]
    kinds = filters.get("kind", [])
    return render(request, "outputs/search.html", q=q, kind=kinds[0] if len(kinds) == 1 else "", result=result,
                  links=LINKS, labels=labels, facets=facets, chips=chips,
                  hidden=[(name, v) for name in FACETS if name != "kind" or len(kinds) > 1
                          for v in filters.get(name, ())],
                  clear_href=_search_url(q, {}),
                  next_href=_search_url(q, filters, result.next_cursor) if result and result.next_cursor else "")
