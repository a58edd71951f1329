"""The two full-text backends: how a parsed query plus meta-token groups (kind, facet filters, access) become
a FROM clause, match conditions and a score.

Everything else (exact access check of embargoed documents, facets, totals, paging, snippets) is shared SQL
built in `query.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Float, Integer, String, Table, bindparam, cast, column, func, literal, literal_column, or_
from sqlalchemy import table as table_clause
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import BindParameter, ColumnClause, ColumnElement, FromClause

from yrdhub.search.segment import ParsedQuery

Groups = list[list[str]]  # every group must be met by one of its meta tokens


@dataclass(frozen=True)
class Access:
    """The reader's tokens as meta tokens: grants in force from the start, and timed (embargoed) ones."""

    immediate: list[str]
    timed: list[str]


@dataclass(frozen=True)
class Match:
    from_: FromClause  # the matching rows, as narrow as the backend allows
    with_doc: FromClause  # the same joined to search_document (for its columns)
    id: ColumnElement[int]
    where: list[ColumnElement[bool]]
    score: ColumnElement[float]
    # True for a row the reader reaches only through a timed grant: query.py then checks search_grant.
    timed_only: ColumnElement[bool]


class Backend(Protocol):
    name: str

    def match(self, doc: Table, parsed: ParsedQuery, groups: Groups, access: Access) -> Match: ...

    def text_ge(self, col: Any, value: str) -> ColumnElement[bool]: ...

    def text_lt(self, col: Any, value: str) -> ColumnElement[bool]: ...

    def after_insert(self, session: Session, ids: list[int]) -> None: ...


def _quote_fts5(text: str) -> str:
    """An FTS5 string: any user text becomes literal tokens, never query syntax."""
    return '"' + text.replace('"', '""') + '"'


def _fts5_any(tokens: list[str]) -> str:
    return "meta_tokens : (" + " OR ".join(_quote_fts5(token) for token in tokens) + ")"


def fts5_expression(parsed: ParsedQuery, groups: Groups) -> str:
    text_columns = "{title_tokens body_tokens extra_tokens} : "
    parts = [text_columns + _quote_fts5(term) for term in parsed.terms]
    parts += ["{title_tokens body_tokens} : " + _quote_fts5(" ".join(phrase)) for phrase in parsed.phrases]
    parts += [_fts5_any(group) for group in groups]
    return " AND ".join(parts)


class SQLiteBackend:
    """FTS5 over the token columns; bm25 with title 5, body 1, search-mode sub-words 0.5 (meta tokens 0)."""

    name = "sqlite"
    _fts = table_clause("search_fts", column("rowid", Integer))

    def match(self, doc: Table, parsed: ParsedQuery, groups: Groups, access: Access) -> Match:
        fts: ColumnClause[Any] = literal_column("search_fts")
        reach = fts5_expression(parsed, [*groups, access.immediate + access.timed])
        condition = fts.op("MATCH", is_comparison=True)(bindparam("fts_query", reach))
        score = literal(0.0, Float) if parsed.blank else cast(-func.bm25(fts, 5.0, 1.0, 0.5, 0.0), Float)
        rowid = self._fts.c.rowid
        timed_only: ColumnElement[bool] = literal(False)
        if access.timed:
            # Evaluated once (an uncorrelated list), not per row: FTS5 finds the few rows whose only way in
            # is a timed grant.
            only = f"({fts5_expression(parsed, [*groups, access.timed])}) NOT {_fts5_any(access.immediate)}"
            timed_only = rowid.in_(sql_text("SELECT rowid FROM search_fts(:fts_timed)")
                                   .bindparams(fts_timed=only).columns(column("rowid", Integer)))
        return Match(self._fts, self._fts.join(doc, doc.c.id == rowid), rowid, [condition], score, timed_only)

    def text_ge(self, col: Any, value: str) -> ColumnElement[bool]:
        return col >= value

    def text_lt(self, col: Any, value: str) -> ColumnElement[bool]:
        return col < value

    def after_insert(self, session: Session, ids: list[int]) -> None:
        """Feed new rows to FTS5 in one statement (see the migration for why this is not a trigger)."""
        if ids:
            session.execute(sql_text(
                "INSERT INTO search_fts(rowid, title_tokens, body_tokens, extra_tokens, meta_tokens) "
                "SELECT id, title_tokens, body_tokens, extra_tokens, meta_tokens FROM search_document "
                "WHERE id IN :ids",
            ).bindparams(bindparam("ids", expanding=True)), {"ids": ids})


class PostgreSQLBackend:
    """tsvector('simple') + GIN; ts_rank with weights A (title), B (body), D (search-mode sub-words); the meta
    tokens carry weight C and never enter the ranking query."""

    name = "postgresql"
    _config: ColumnClause[Any] = literal_column("'simple'::regconfig")

    @staticmethod
    def _inline(value: str) -> BindParameter[str]:
        """Rendered as an escaped literal: psycopg prepares a statement after a few runs and PostgreSQL may then
        pick a generic plan, which cannot see how selective the tsquery is (a sequential scan, 10–100× slower)."""
        return bindparam(None, value, type_=String, literal_execute=True)

    def _tsquery(self, groups: Groups) -> ColumnElement[Any]:
        # Meta tokens are hex after a fixed prefix, so this tsquery text holds no user-controlled syntax.
        return func.to_tsquery(self._config, self._inline(" & ".join("(" + " | ".join(g) + ")" for g in groups)))

    def match(self, doc: Table, parsed: ParsedQuery, groups: Groups, access: Access) -> Match:
        tsv = doc.c.tsv
        terms = [func.plainto_tsquery(self._config, self._inline(term)) for term in parsed.terms]
        phrases = [func.phraseto_tsquery(self._config, self._inline(" ".join(words))) for words in parsed.phrases]
        ranked: ColumnElement[Any] | None = None
        for part in terms + phrases:
            ranked = part if ranked is None else ranked.op("&&")(part)
        reach = self._tsquery([*groups, access.immediate + access.timed])
        query = reach if ranked is None else ranked.op("&&")(reach)
        where: list[ColumnElement[bool]] = [tsv.op("@@", is_comparison=True)(query)]
        for phrase in phrases:
            # A phrase lies within the title (A) or the body (B), never across them or in the sub-words (D).
            where.append(or_(*(func.ts_filter(tsv, literal_column(f"'{{{w}}}'::\"char\"[]"))
                               .op("@@", is_comparison=True)(phrase) for w in ("a", "b"))))
        score = literal(0.0, Float) if ranked is None else cast(func.ts_rank(tsv, ranked), Float)
        timed_only: ColumnElement[bool] = literal(False)
        if access.timed:  # checked on the row's own tsvector, already in hand
            only = func.to_tsquery(self._config, self._inline(
                "(" + " | ".join(access.timed) + ") & !(" + " | ".join(access.immediate) + ")"))
            timed_only = tsv.op("@@", is_comparison=True)(only)
        return Match(doc, doc, doc.c.id, where, score, timed_only)

    def text_ge(self, col: Any, value: str) -> ColumnElement[bool]:
        return col.collate("C") >= value

    def text_lt(self, col: Any, value: str) -> ColumnElement[bool]:
        return col.collate("C") < value

    def after_insert(self, session: Session, ids: list[int]) -> None:
        """Nothing to do: a BEFORE INSERT trigger fills tsv, and the GIN index follows."""


def backend_for(session: Session) -> Backend:
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return SQLiteBackend()
    if name == "postgresql":
        return PostgreSQLBackend()
    raise NotImplementedError(f"yrdhub.search has no backend for {name}")
