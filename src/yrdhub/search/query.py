"""Reading the index: ranked hits, totals, facet counts and suggestions — computed only over the documents the
reader may see at `now`, and snippets only for those hits.

Every search does bounded work, however many documents match (see docs/search.md, "Bounded work"):

- the backend lists matching ids newest first and stops after TOTAL_CAP + 1; the total and the facet counts
  are exact up to TOTAL_CAP visible hits, beyond that `total_is_exact` is False and they are counted over the
  TOTAL_CAP newest visible hits (the page shows "10,000+");
- hits are ranked (rank.py) within windows of RANK_WINDOW matches taken newest first: a query with at most
  RANK_WINDOW matches is ranked exactly, a larger one shows its newest RANK_WINDOW matches in relevance order,
  then the next window, and so on. Keyset cursors carry the window, so pages never repeat or skip a hit while
  the index does not change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.search import cursor as cursors
from yrdhub.search import meta
from yrdhub.search.backends import Access, Backend, Scope, backend_for
from yrdhub.search.indexing import DOC, GRANT, TERM, term_ids
from yrdhub.search.models import TITLE_KEY_LENGTH
from yrdhub.search.rank import score
from yrdhub.search.segment import ParsedQuery, parse_query
from yrdhub.search.snippets import highlight, match_pattern, snippet
from yrdhub.search.types import Hit, SearchQuery, SearchResult

MAX_LIMIT = 200
TOTAL_CAP = 10_000  # exact totals and facet counts up to this many matches
RANK_WINDOW = 200  # hits are ranked within windows of this many matches, newest first


def _scope(session: Session, query: SearchQuery, parsed: ParsedQuery, tokens: Collection[str],
           now: datetime) -> Scope | None:
    """The query's filters and the reader's access as meta tokens and codes; None when nothing can match (a
    filter value or a grant that no document has)."""
    term_groups: list[list[str]] = []
    token_groups: list[list[str]] = []
    if query.kinds:
        term_groups.append(sorted({meta.kind_term(k) for k in query.kinds}))
        token_groups.append(meta.any_of(meta.kind(k) for k in query.kinds))
    for name, values in query.filters.items():
        accepted = sorted({str(v) for v in values})
        if name == "kind":
            term_groups.append([meta.kind_term(v) for v in accepted])
            token_groups.append(meta.any_of(meta.kind(v) for v in accepted))
        else:
            term_groups.append([meta.facet_term(name, v) for v in accepted])
            token_groups.append(meta.any_of(meta.facet(name, v) for v in accepted))
    readers = sorted(tokens)
    immediate_terms = [meta.access_term(t) for t in readers]
    timed_terms = [meta.timed_term(t) for t in readers]
    codes = term_ids(session, {*immediate_terms, *timed_terms, *(t for group in term_groups for t in group)})
    code_groups = [[codes[t] for t in group if t in codes] for group in term_groups]
    immediate = [codes[t] for t in immediate_terms if t in codes]
    timed = [codes[t] for t in timed_terms if t in codes]
    if not all(code_groups) or not (immediate or timed):
        return None
    access = Access(immediate=meta.any_of(meta.access(t) for t in readers),
                    timed=meta.any_of(meta.timed_access(t) for t in readers))
    # SQLite needs at least one immediate code in its check; an unused one matches nothing.
    return Scope(parsed, token_groups, access, code_groups, immediate or [0], timed, readers, now)


def _in_force(doc_id: ColumnElement[int], tokens: Collection[str], now: datetime) -> ColumnElement[bool]:
    """One of the reader's grants on the document is in force at `now` (a correlated scalar subquery:
    PostgreSQL would turn an EXISTS under OR into a hash of every matching grant in the table)."""
    first = (select(literal(1)).where(GRANT.c.doc_id == doc_id, GRANT.c.token.in_(sorted(tokens)),
                                      or_(GRANT.c.visible_from.is_(None), GRANT.c.visible_from <= now))
             .limit(1).scalar_subquery())
    return first.is_not(None)


def _empty(query: SearchQuery) -> SearchResult:
    return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets}, next_cursor=None)


class _Reader:
    """One search's view of the index: the backend and the scope (text, filters, the reader's access)."""

    def __init__(self, session: Session, scope: Scope) -> None:
        self.session, self.scope = session, scope
        self.backend: Backend = backend_for(session)

    def reach(self, upper: int | None, limit: int) -> list[int]:
        return self.backend.reach(self.session, self.scope, upper, limit)

    def hidden(self, ids: list[int]) -> set[int]:
        return self.backend.hidden(self.session, self.scope, ids)

    def visible(self, ids: list[int], hidden: set[int] | None = None) -> list[int]:
        hidden = self.hidden(ids) if hidden is None else hidden
        return [i for i in ids if i not in hidden] if hidden else ids


def search(session: Session, query: SearchQuery, reader_tokens: Collection[str],
           now: datetime | None = None) -> SearchResult:
    """Ranked hits (best first within each window), the total, facet counts and the next page's cursor."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise DomainError("search.limit", field="limit", limit=MAX_LIMIT)
    position = cursors.decode(query.cursor) if query.cursor else None
    parsed = parse_query(query.text)
    if parsed.empty or not reader_tokens:
        return _empty(query)
    if any(not values for values in query.filters.values()):
        return _empty(query)  # a filter that accepts no value
    scope = _scope(session, query, parsed, reader_tokens, now or utcnow())
    if scope is None:
        return _empty(query)
    reader = _Reader(session, scope)
    # The total (and the facets) over the TOTAL_CAP newest visible matches: exact when there are no more.
    if query.facets:
        keys = reader.backend.keys(session, scope, TOTAL_CAP + 1)
        total, facets = len(keys), _facets(session, keys[:TOTAL_CAP], query)
    else:
        total, facets = reader.backend.count(session, scope, TOTAL_CAP + 1), {}
    page, next_cursor = _page(reader, query, position)
    return SearchResult(total=min(total, TOTAL_CAP), hits=_hits(session, page, parsed), facets=facets,
                        next_cursor=next_cursor, total_is_exact=total <= TOTAL_CAP)


def _page(reader: _Reader, query: SearchQuery,
          position: cursors.Position | None) -> tuple[list[tuple[int, float]], str | None]:
    """The page's (id, score) and the next cursor. A window is the RANK_WINDOW newest matches at or below its
    upper id (None: the newest of all); its visible hits are ordered by score descending, then id."""
    upper = position.upper if position else None
    after = (position.score, position.doc_id) if position else None
    wanted = query.limit + 1
    page: list[tuple[int, float, int | None]] = []
    while len(page) < wanted:
        window = reader.reach(upper, RANK_WINDOW)
        visible = reader.visible(window)
        ranked = _ranked(reader, visible)
        if after is not None:
            last_score, last_id = after
            ranked = [(i, s) for i, s in ranked if s < last_score or (s == last_score and i > last_id)]
            after = None
        page += [(i, s, upper) for i, s in ranked[: wanted - len(page)]]
        if len(window) < RANK_WINDOW:
            break  # the last window
        upper = window[-1] - 1
    more = len(page) > query.limit
    page = page[: query.limit]
    next_cursor = cursors.encode(page[-1][2], page[-1][1], page[-1][0]) if more else None
    return [(i, s) for i, s, _ in page], next_cursor


def _ranked(reader: _Reader, ids: list[int]) -> list[tuple[int, float]]:
    if not ids:
        return []
    if reader.scope.parsed.blank:
        scored = [(i, 0.0) for i in ids]
    else:
        rows = reader.session.execute(
            select(DOC.c.id, DOC.c.title_tokens, DOC.c.body_tokens, DOC.c.extra_tokens)
            .where(reader.backend.among(DOC.c.id, ids)))
        scored = [(row.id, score(reader.scope.parsed, row.title_tokens, row.body_tokens, row.extra_tokens))
                  for row in rows]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored


def _hits(session: Session, page: Sequence[tuple[int, float]], parsed: ParsedQuery) -> list[Hit]:
    if not page:
        return []
    rows = {row.id: row for row in session.execute(
        select(DOC.c.id, DOC.c.kind, DOC.c.ref, DOC.c.title, DOC.c.body, DOC.c.facets)
        .where(DOC.c.id.in_([doc_id for doc_id, _ in page])))}
    pattern = match_pattern(parsed)
    return [Hit(kind=rows[doc_id].kind, ref=rows[doc_id].ref, title=rows[doc_id].title,
                title_html=highlight(rows[doc_id].title, pattern), snippet_html=snippet(rows[doc_id].body, pattern),
                score=score, facets=dict(rows[doc_id].facets)) for doc_id, score in page]


def _facets(session: Session, keys: list[str], query: SearchQuery) -> dict[str, list[tuple[str, int]]]:
    """Counts over the visible hits whose search_key codes are `keys` (all of them, or the TOTAL_CAP newest)."""
    codes: Counter[int] = Counter()
    for row in keys:
        codes.update(map(int, row.split()))
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in query.facets}
    known = sorted(codes)
    for start in range(0, len(known), 5000):
        for term_id, term in session.execute(select(TERM.c.id, TERM.c.term)
                                             .where(TERM.c.id.in_(known[start:start + 5000]))):
            if term.startswith("k:"):
                name, value = "kind", term[2:]
            elif term.startswith("f:"):  # facet names hold no "=" (indexing refuses them)
                name, _, value = term[2:].partition("=")
            else:
                continue
            if name in counts:
                counts[name].append((value, codes[term_id]))
    return {name: sorted(values, key=lambda vc: (-vc[1], vc[0]))[: query.facet_limit]
            for name, values in counts.items()}


def suggest(session: Session, prefix: str, reader_tokens: Collection[str], now: datetime | None = None,
            limit: int = 10, kinds: Sequence[str] = ()) -> list[str]:
    """Distinct titles of visible documents that start with `prefix`, in code-point order."""
    wanted = prefix.strip()
    if not wanted or not reader_tokens:
        return []
    key = wanted[:TITLE_KEY_LENGTH]
    backend: Backend = backend_for(session)
    conditions = [backend.text_ge(DOC.c.title_key, key), backend.text_lt(DOC.c.title_key, key + "\U0010ffff"),
                  _in_force(DOC.c.id, reader_tokens, now or utcnow())]
    if len(wanted) > TITLE_KEY_LENGTH:
        conditions.append(func.substr(DOC.c.title, 1, len(wanted)) == wanted)
    if kinds:
        conditions.append(DOC.c.kind.in_(list(kinds)))
    statement = (select(DOC.c.title).where(*conditions).group_by(DOC.c.title)
                 .order_by(backend.code_points(DOC.c.title)).limit(limit))
    return list(session.scalars(statement))
