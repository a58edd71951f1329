"""/api/v1/search — Chinese full-text search over every module's documents, faceted as the search page is
(`yrdhub.search.facets`): what the reader may not see never shows (hits, snippets, facets, totals)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from yrdhub import search
from yrdhub.i18n import Lang, gettext
from yrdhub.regions import service as regions
from yrdhub.search.facets import FACETS, faceted, filters_of
from yrdhub.web.deps import ActorDep, LangDep, SessionDep
from yrdhub.web.labels import TABLES

router = APIRouter(tags=["search 全文检索"])
# Which label tables name the values of each facet (a facet without a table shows its values as they are).
FACET_TABLES = {"kind": ("result_kind",), "type": ("report_type", "achievement_kind", "funding"),
                "status": ("project_status",), "openness": ("openness",)}
Values = Annotated[list[str] | None, Query(max_length=20)]


def facet_labels(session: Session, lang: Lang) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The facets' titles and their values' labels in the reader's language: the modules' label tables, and the
    jurisdictions by their (short) names."""
    titles = {name: gettext(lang, msgid) for name, msgid in TABLES["search_facet"].items()}
    labels = {name: {value: gettext(lang, msgid) for table in tables for value, msgid in TABLES[table].items()}
              for name, tables in FACET_TABLES.items()}
    provinces = {code: (region.name_en if lang == "en" and region.name_en else region.short_name)
                 for code, region in regions.provinces(session).items()}
    labels["province"] = labels["funder"] = provinces
    return titles, labels


@router.get("/search")
def search_api(session: SessionDep, actor: ActorDep, lang: LangDep,
               q: Annotated[str, Query(max_length=200)] = "", kind: Values = None, type: Values = None,
               year: Values = None, province: Values = None, funder: Values = None, status: Values = None,
               discipline: Values = None, openness: Values = None,
               cursor: Annotated[str | None, Query(max_length=500)] = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Any:
    """Full-text search. Facet filters (`kind`, `type`, `year`, `province`, `funder`, `status`, `discipline`,
    `openness`) may repeat: values of one facet are alternatives, different facets must all hold. Each facet
    lists its values with their labels and counts (an active facet: its alternatives) and `href`, the search with
    that value toggled."""
    given = {"kind": kind, "type": type, "year": year, "province": province, "funder": funder, "status": status,
             "discipline": discipline, "openness": openness}
    titles, labels = facet_labels(session, lang)
    found = faceted(session, text=q, filters=filters_of(lambda name: given.get(name) or []),
                    tokens=search.reader_tokens(actor), titles=titles, labels=labels, path="/api/v1/search",
                    cursor=cursor, limit=limit, extra=[("limit", str(limit))] if limit != 20 else [])
    result = found.result
    return {"total": result.total, "total_is_exact": result.total_is_exact, "next_cursor": result.next_cursor,
            "filters": found.filters,
            "facets": {f.name: [{"value": v.value, "label": v.label, "count": v.count, "active": v.active,
                                 "href": v.href} for v in f.values] for f in found.facets},
            "hits": [{"kind": h.kind, "ref": h.ref, "title": h.title, "title_html": h.title_html,
                      "snippet_html": h.snippet_html, "score": h.score} for h in result.hits]}


@router.get("/search/suggest")
def suggest(session: SessionDep, actor: ActorDep, prefix: Annotated[str, Query(min_length=1, max_length=50)]) -> Any:
    """Titles of documents the reader may see that start with `prefix`."""
    return search.suggest(session, prefix, search.reader_tokens(actor))


__all__ = ["FACETS", "facet_labels", "router"]
