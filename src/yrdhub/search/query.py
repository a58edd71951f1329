"""Reading the index. Access control is part of every statement: hits, totals, facet counts and suggestions
are all computed over the documents the reader may see at `now`, and snippets only for those hits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from yrdhub.db import utcnow
from yrdhub.search import cursor as cursors
from yrdhub.search import meta
from yrdhub.search.backends import Access, Backend, Match, backend_for
from yrdhub.search.indexing import DOC, FACET, GRANT
from yrdhub.search.segment import ParsedQuery, parse_query
from yrdhub.search.snippets import highlight, match_pattern, snippet
from yrdhub.search.types import Hit, SearchQuery, SearchResult

MAX_LIMIT = 200


def _groups(query: SearchQuery) -> list[list[str]]:
    """Meta-token groups of the filters: one of the kinds, one accepted value of every filter."""
    groups = []
    if query.kinds:
        groups.append(meta.any_of(meta.kind(k) for k in query.kinds))
    for name, values in query.filters.items():
        accepted = {str(v) for v in values}
        groups.append(meta.any_of(meta.kind(v) if name == "kind" else meta.facet(name, v) for v in accepted))
    return groups


def _access(tokens: Collection[str]) -> Access:
    return Access(immediate=meta.any_of(meta.access(t) for t in tokens),
                  timed=meta.any_of(meta.timed_access(t) for t in tokens))


def _in_force(doc_id: ColumnElement[int], tokens: Collection[str], now: datetime) -> ColumnElement[bool]:
    """One of the reader's grants on the document is in force at `now` (a correlated scalar subquery:
    PostgreSQL would turn an EXISTS under OR into a hash of every matching grant in the table)."""
    first = (select(literal(1)).where(GRANT.c.doc_id == doc_id, GRANT.c.token.in_(sorted(tokens)),
                                      or_(GRANT.c.visible_from.is_(None), GRANT.c.visible_from <= now))
             .limit(1).scalar_subquery())
    return first.is_not(None)


def _conditions(match: Match, tokens: Collection[str], now: datetime) -> list[ColumnElement[bool]]:
    # The index holds only documents with one of the reader's tokens; a document reached only through a
    # timed (embargoed) grant is checked exactly here.
    return [*match.where, or_(not_(match.timed_only), _in_force(match.id, tokens, now))]


def _empty(query: SearchQuery) -> SearchResult:
    return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets}, next_cursor=None)


def search(session: Session, query: SearchQuery, reader_tokens: Collection[str],
           now: datetime | None = None) -> SearchResult:
    """Ranked hits (best first, then by id), the total, facet counts and the next page's cursor."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    parsed = parse_query(query.text)
    if parsed.empty or not reader_tokens:
        return _empty(query)
    if any(not values for values in query.filters.values()):
        return _empty(query)  # a filter that accepts no value
    now = now or utcnow()
    backend = backend_for(session)
    match = backend.match(DOC, parsed, _groups(query), _access(reader_tokens))
    where = _conditions(match, reader_tokens, now)
    matching = select(match.id).select_from(match.from_).where(*where)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    page = _page(session, match, where, query)
    more = len(page) > query.limit
    page = page[: query.limit]
    hits = _hits(session, page, parsed)
    next_cursor = cursors.encode(page[-1][1], page[-1][0]) if more else None
    return SearchResult(total=total, hits=hits, facets=_facets(session, match, where, query), next_cursor=next_cursor)


def _page(session: Session, match: Match, where: list[ColumnElement[bool]],
          query: SearchQuery) -> list[tuple[int, float]]:
    conditions = list(where)
    if query.cursor:
        score, last_id = cursors.decode(query.cursor)
        conditions.append(or_(match.score < score, and_(match.score == score, match.id > last_id)))
    statement = (select(match.id.label("id"), match.score.label("score")).select_from(match.from_)
                 .where(*conditions).order_by(match.score.desc(), match.id).limit(query.limit + 1))
    return [(row.id, float(row.score)) for row in session.execute(statement)]


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


def _facets(session: Session, match: Match, where: list[ColumnElement[bool]],
            query: SearchQuery) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in query.facets}
    names = [name for name in query.facets if name != "kind"]
    if names:
        matching = select(match.id).select_from(match.from_).where(*where)
        statement = (
            select(FACET.c.name, FACET.c.value, func.count())
            .where(FACET.c.name.in_(names), FACET.c.doc_id.in_(matching))
            .group_by(FACET.c.name, FACET.c.value))
        for name, value, count in session.execute(statement):
            counts[name].append((value, count))
    if "kind" in counts:
        kinds = select(DOC.c.kind, func.count()).select_from(match.with_doc).where(*where).group_by(DOC.c.kind)
        counts["kind"] = [(kind, count) for kind, count in session.execute(kinds)]
    return {name: sorted(values, key=lambda vc: (-vc[1], vc[0]))[: query.facet_limit]
            for name, values in counts.items()}


def suggest(session: Session, prefix: str, reader_tokens: Collection[str], now: datetime | None = None,
            limit: int = 10, kinds: Sequence[str] = ()) -> list[str]:
    """Distinct titles of visible documents that start with `prefix`, in code-point order."""
    key = prefix.strip()[:100]
    if not key or not reader_tokens:
        return []
    backend: Backend = backend_for(session)
    conditions = [backend.text_ge(DOC.c.title_key, key), backend.text_lt(DOC.c.title_key, key + "\U0010ffff"),
                  _in_force(DOC.c.id, reader_tokens, now or utcnow())]
    if kinds:
        conditions.append(DOC.c.kind.in_(list(kinds)))
    statement = (select(DOC.c.title).where(*conditions).group_by(DOC.c.title)
                 .order_by(func.min(DOC.c.title_key), DOC.c.title).limit(limit))
    return list(session.scalars(statement))
