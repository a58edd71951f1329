"""The search page (/search): one text box, the hits with their snippets, and the facets as filters (values of
one facet are alternatives, facets must all hold; the state is in the URL). The faceting is `search.facets`,
shared with the API; the labels are the modules' label tables."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yrdhub import search
from yrdhub.errors import DomainError
from yrdhub.search.facets import FACETS, Faceted, faceted, filters_of
from yrdhub.web.api.search import facet_labels
from yrdhub.web.deps import ActorDep, SessionDep
from yrdhub.web.templating import render

router = APIRouter(include_in_schema=False)
KINDS = ("report", "report_text", "achievement", "project")
LINKS = {"report": "/outputs/reports/{ref}", "report_text": "/outputs/reports/{ref}",
         "achievement": "/outputs/achievements/{ref}", "project": "/projects/{ref}"}


@router.get("/search")
def search_page(request: Request, session: SessionDep, actor: ActorDep, q: str = "", cursor: str = "") -> Response:
    filters = filters_of(request.query_params.getlist)
    titles, labels = facet_labels(session, request.state.lang)
    found: Faceted | None = None
    refused: DomainError | None = None
    if q.strip() or filters:
        try:
            found = faceted(session, text=q[:200], filters=filters, tokens=search.reader_tokens(actor), titles=titles,
                            labels=labels, path="/search", cursor=cursor or None)
        except DomainError as exc:  # a stale or forged cursor: say so, and offer the first page
            refused = exc
    kinds = filters.get("kind", [])
    return render(request, "search/search.html", q=q, kinds=KINDS, kind=kinds[0] if len(kinds) == 1 else "",
                  found=found, result=found.result if found else None, refused=refused, links=LINKS, labels=labels,
                  hidden=[(name, v) for name in FACETS if name != "kind" or len(kinds) > 1
                          for v in filters.get(name, ())])
