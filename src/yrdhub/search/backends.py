"""The two full-text backends: which documents match a query for a reader, newest first and bounded — the only
part of a search that differs between SQLite and PostgreSQL.

- SQLite: FTS5 matches the text only; the access and filter check reads each candidate's narrow `search_key`
  row (integer codes), in FTS5's rowid order, and stops at the limit. Grants with a visible_from are checked
  exactly against `search_grant` in the same statement.
- PostgreSQL: the GIN index matches text and filters together (meta tokens in the tsvector), newest first from
  the most recent id ranges; the reader's access tokens are checked on each `search_match` row GIN leads to, and
  documents reached only through a timed grant are then checked against `search_grant`.

Ranking, totals, facets, paging and snippets are shared code in `query.py` and `rank.py`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Integer, String, Table, Text, bindparam, column, func, literal_column, not_, or_, select
from sqlalchemy import cast as sa_cast
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import BindParameter, ColumnClause, ColumnElement

from yrdhub.search import meta
from yrdhub.search.models import SearchDocumentRow, SearchGrant, SearchKey, SearchMatch, SearchPhrase
from yrdhub.search.segment import ParsedQuery

Groups = list[list[str]]  # every group must be met by one of its meta tokens


@dataclass(frozen=True)
class Access:
    """The reader's tokens as meta tokens: grants in force from the start, and timed (embargoed) ones."""

    immediate: list[str]
    timed: list[str]


@dataclass(frozen=True)
class Scope:
    """What a reader's search matches: the text, the filter groups and the reader's access, both as full-text
    meta tokens (PostgreSQL) and as search_key codes (SQLite)."""

    parsed: ParsedQuery
    groups: Groups
    access: Access
    code_groups: list[list[int]]  # every group must be met by one of its codes
    immediate_codes: list[int]
    timed_codes: list[int]
    tokens: list[str]
    now: datetime


class Backend(Protocol):
    name: str

    def reach(self, session: Session, scope: Scope, upper: int | None, limit: int) -> list[int]:
        """Ids, newest first, at most `limit`, none above `upper`, of the documents matching the text and the
        filters that hold one of the reader's grants (for a grant with a visible_from, see `hidden`)."""
        ...

    def hidden(self, session: Session, scope: Scope, ids: list[int]) -> set[int]:
        """Of `ids` (descending, from `reach`), those the reader may not see at `now` (an embargo not over)."""
        ...

    def count(self, session: Session, scope: Scope, limit: int) -> int:
        """How many of the `limit` newest matches the reader may see."""
        ...

    def keys(self, session: Session, scope: Scope, limit: int) -> list[str]:
        """The search_key codes of the documents the reader may see among the `limit` newest matches."""
        ...

    def among(self, col: Any, ids: list[int]) -> ColumnElement[bool]:
        """`col` is one of `ids` (one parameter, however many ids)."""
        ...

    def text_ge(self, col: Any, value: str) -> ColumnElement[bool]: ...

    def code_points(self, col: Any) -> ColumnElement[str]:
        """`col` for ORDER BY in code-point order."""
        ...

    def text_lt(self, col: Any, value: str) -> ColumnElement[bool]: ...

    def after_insert(self, session: Session, ids: list[int]) -> None: ...


def _doc() -> Table:
    return cast(Table, SearchDocumentRow.__table__)


def _grant() -> Table:
    return cast(Table, SearchGrant.__table__)


def _phrase() -> Table:
    return cast(Table, SearchPhrase.__table__)


def _match() -> Table:
    return cast(Table, SearchMatch.__table__)


def _quote_fts5(text: str) -> str:
    """An FTS5 string: any user text becomes literal tokens, never query syntax."""
    return '"' + text.replace('"', '""') + '"'


def fts5_expression(parsed: ParsedQuery) -> str:
    text_columns = "{title_tokens body_tokens extra_tokens} : "
    parts = [text_columns + _quote_fts5(term) for term in parsed.terms]
    parts += ["{title_tokens body_tokens} : " + _quote_fts5(" ".join(phrase)) for phrase in parsed.phrases]
    return " AND ".join(parts)


def _has_any(codes: list[int]) -> str:
    # Codes are integers from search_term, never user text.
    return "(" + " OR ".join(f"instr(k.codes, ' {int(code)} ') > 0" for code in codes) + ")"


class SQLiteBackend:
    """FTS5 over the text columns, in rowid order (newest first); no ranking function runs inside SQLite."""

    name = "sqlite"

    def _statement(self, scope: Scope, columns: str, upper: int | None, wrap: str = "{}") -> tuple[Any, dict[str, Any]]:
        """SELECT `columns` (k is search_key, d the document id) of the visible matches, newest first."""
        access = _has_any(scope.immediate_codes)
        params: dict[str, Any] = {}
        if scope.timed_codes:
            access = (f"({access} OR ({_has_any(scope.timed_codes)} AND EXISTS (SELECT 1 FROM search_grant g "
                      "WHERE g.doc_id = k.doc_id AND g.token IN :tokens AND g.visible_from <= :now)))")
            params |= {"tokens": scope.tokens, "now": scope.now}
        conditions = [access, *(_has_any(group) for group in scope.code_groups)]
        if scope.parsed.blank:
            source, order = "search_key k", "k.doc_id"
        else:
            source, order = "search_fts f JOIN search_key k ON k.doc_id = f.rowid", "f.rowid"
            conditions.insert(0, "search_fts MATCH :q")
            params["q"] = fts5_expression(scope.parsed)
        if upper is not None:
            conditions.append(f"{order} <= :upper")
            params["upper"] = upper
        statement = sql_text(wrap.format(f"SELECT {columns.replace('d.id', order)} FROM {source} "
                                         f"WHERE {' AND '.join(conditions)} ORDER BY {order} DESC LIMIT :limit"))
        if scope.timed_codes:
            statement = statement.bindparams(bindparam("tokens", expanding=True),
                                             bindparam("now", type_=_grant().c.visible_from.type))
        return statement, params

    def reach(self, session: Session, scope: Scope, upper: int | None, limit: int) -> list[int]:
        statement, params = self._statement(scope, "d.id", upper)
        return list(session.scalars(statement, params | {"limit": limit}).all())

    def hidden(self, session: Session, scope: Scope, ids: list[int]) -> set[int]:
        return set()  # `reach` already checked every grant exactly

    def count(self, session: Session, scope: Scope, limit: int) -> int:
        statement, params = self._statement(scope, "d.id", None, "SELECT count(*) FROM ({})")
        return session.scalar(statement, params | {"limit": limit}) or 0

    def keys(self, session: Session, scope: Scope, limit: int) -> list[str]:
        statement, params = self._statement(scope, "k.codes", None)
        return list(session.scalars(statement, params | {"limit": limit}).all())

    def among(self, col: Any, ids: list[int]) -> ColumnElement[bool]:
        return cast(ColumnElement[bool], col.in_(sql_text("SELECT value FROM json_each(:ids)")
                                                 .bindparams(ids=json.dumps(ids)).columns(column("value", Integer))))

    def text_ge(self, col: Any, value: str) -> ColumnElement[bool]:
        return col >= value

    def code_points(self, col: Any) -> ColumnElement[str]:
        return cast(ColumnElement[str], col)  # SQLite's BINARY collation compares UTF-8 bytes: code-point order

    def text_lt(self, col: Any, value: str) -> ColumnElement[bool]:
        return col < value

    def after_insert(self, session: Session, ids: list[int]) -> None:
        """Feed new rows to FTS5 in one statement (see the migration for why this is not a trigger)."""
        if not ids:
            return
        feed = ("INSERT INTO search_fts(rowid, title_tokens, body_tokens, extra_tokens, meta_tokens) "
                "SELECT id, title_tokens, body_tokens, extra_tokens, meta_tokens FROM search_document ")
        low, high = min(ids), max(ids)
        if high - low + 1 == len(set(ids)):  # the bulk path's ids are consecutive: a range, not 2,000 parameters
            session.execute(sql_text(feed + "WHERE id BETWEEN :low AND :high"), {"low": low, "high": high})
        else:
            session.execute(sql_text(feed + "WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
                            {"ids": ids})


class PostgreSQLBackend:
    """tsvector('simple') + GIN over title (A), body (B), meta tokens (C) and search-mode sub-words (D)."""

    name = "postgresql"
    _config: ColumnClause[Any] = literal_column("'simple'::regconfig")

    def __init__(self) -> None:
        # One instance serves one search: the total's pass over the newest matches (the bitmap heap scan is
        # PostgreSQL's main cost) is reused for the first ranking window instead of being run again.
        self._reached: dict[int | None, tuple[list[int], int]] = {}  # upper → (ids, limit asked)
        self._hidden: list[tuple[int, int, set[int]]] = []  # (low, high, hidden ids in that range)
        # id → whether `reach` found it through one of the reader's immediate tokens (visible whatever the time)
        self._direct: dict[int, bool] = {}
        self._sizes: tuple[int, float] | None = None  # (newest id, estimated matches): see _size

    @staticmethod
    def _inline(value: str) -> BindParameter[str]:
        """Rendered as an escaped literal: psycopg prepares a statement after a few runs and PostgreSQL may then
        pick a generic plan, which cannot see how selective the tsquery is (a sequential scan, 10–100× slower)."""
        return bindparam(None, value, type_=String, literal_execute=True)

    def _conditions(self, parsed: ParsedQuery, meta_query: str, access: ColumnElement[bool]) -> list[Any]:
        """The GIN condition first when there is one (`_size` estimates it alone; none for a blank query without
        filters), then the access check, then the position checks of phrases."""
        # Meta tokens are hex after a fixed prefix, so `meta_query` holds no user-controlled syntax.
        tsv = _match().c.tsv
        parts: list[ColumnElement[Any]] = [func.plainto_tsquery(self._config, self._inline(term))
                                           for term in parsed.terms]
        checks: list[ColumnElement[bool]] = []
        for words in parsed.phrases:
            if len(words) > 1:
                # Every run of consecutive words (the pair of a two-word phrase, else every triple), all in the
                # title or all in the body: GIN finds a phrase of two or three words exactly this way; a longer one
                # is also checked by position, on these few candidates only.
                runs = meta.pairs if len(words) == 2 else meta.triples
                in_fields = " | ".join("(" + " & ".join(runs(field, words)) + ")" for field in ("t", "b"))
                parts.append(func.to_tsquery(self._config, self._inline(in_fields)))
            else:  # one word: GIN finds it anywhere (also as a sub-word); the check keeps title and body words
                parts.append(func.plainto_tsquery(self._config, self._inline(words[0])))
            if len(words) == 1 or len(words) > 3:
                checks.append(self._in_title_or_body(" ".join(words)))
        if meta_query:
            parts.append(func.to_tsquery(self._config, self._inline(meta_query)))
        if not parts:
            return [access, *checks]
        query = parts[0]
        for part in parts[1:]:
            query = part.op("&&")(query)
        return [tsv.op("@@", is_comparison=True)(query), access, *checks]

    @staticmethod
    def _holds(tokens: list[str]) -> ColumnElement[bool]:
        """The document holds one of these access tokens (`search_match.access`, checked on the row GIN led to).
        Not in the GIN query: ANDing the token of public documents (70 % of them) made GIN decode its whole
        posting list for a word of a thousand matches — 48 ms against 0.5 ms for the word alone."""
        return cast(ColumnElement[bool], _match().c.access.op("&&", is_comparison=True)(
            bindparam(None, tokens, type_=ARRAY(Text))))

    def _in_title_or_body(self, text: str) -> ColumnElement[bool]:
        """The phrase with every word in the title (weight A), or every word in the body (B): never across them or
        in the search-mode sub-words (D). Weight labels keep it one tsquery, checked against the document's
        narrow `search_phrase` row: a correlated scalar subquery, so that PostgreSQL runs it per candidate (an
        EXISTS could become a hash join over every row of that table)."""
        phrase = sa_cast(func.phraseto_tsquery(self._config, self._inline(text)), Text)

        def weighted(weight: str) -> ColumnElement[Any]:  # 'a' <-> 'b'  →  'a':A <-> 'b':A
            return sa_cast(func.regexp_replace(phrase, self._inline(r"'(\s|$)"), self._inline(f"':{weight}\\1"),
                                               self._inline("g")), TSQUERY)

        words = _phrase().c.words
        row = select(words).where(_phrase().c.doc_id == _match().c.id).scalar_subquery()
        return cast(ColumnElement[bool], row.op("@@", is_comparison=True)(weighted("A").op("||")(weighted("B"))))

    @staticmethod
    def _all(groups: Groups) -> str:
        return " & ".join("(" + " | ".join(group) + ")" for group in groups)

    def reach(self, session: Session, scope: Scope, upper: int | None, limit: int) -> list[int]:
        """Read through GIN and sorted, from the most recent id ranges first (meta.id_ranges): the bitmap then
        holds a few hundred matches to visit, not every match of a common word. `id + 0` keeps the planner from
        walking the primary key backwards instead: it prices checking a row's vector as cheap, but the vector
        lies out of line (it walked 200,000 rows for a word in 4 % of a million documents: 1.4 s)."""
        known = self._reached.get(upper)
        if known is not None and (len(known[0]) >= limit or len(known[0]) < known[1]):
            return known[0][:limit]  # a prefix of a longer list already read (or all there is)
        doc = _match()
        meta_query = self._all(scope.groups)
        access = self._holds(scope.access.immediate + scope.access.timed)
        if scope.parsed.blank and not meta_query:  # nothing for GIN: walk the key backwards, checking access
            where = [access] + ([doc.c.id <= upper] if upper is not None else [])
            ids = self._read(session, scope, select(doc.c.id).where(*where).order_by(doc.c.id.desc()).limit(limit))
            self._reached[upper] = (ids, limit)
            return ids
        newest, matches = self._size(session, self._conditions(scope.parsed, meta_query, access)[0])
        high = newest if upper is None else min(upper, newest)
        ids = []
        covered = 0
        span = 2 * limit * newest / max(matches, 1.0)  # ids holding `limit` matches twice over, if spread evenly
        while len(ids) < limit and high >= 1:
            ranges, first = meta.id_ranges(max(1, int(high - span) + 1), high) if span < high / 2 else ([], 0)
            ranged = " & ".join(part for part in (meta_query, "(" + " | ".join(ranges) + ")" if ranges else "") if part)
            where = self._conditions(scope.parsed, ranged, access)
            where.append((doc.c.id + 0) <= high)
            ids += self._read(session, scope, select(doc.c.id).where(*where).order_by((doc.c.id + 0).desc())
                              .limit(limit - len(ids)))
            if not ranges:
                break  # every id up to `high` was searched
            covered += high - first + 1
            high = first - 1
            span = 2 * (limit - len(ids)) * covered / len(ids) if ids else 4 * covered  # the density seen so far
        self._reached[upper] = (ids, limit)
        return ids

    def _read(self, session: Session, scope: Scope, statement: Any) -> list[int]:
        """The ids `statement` selects, each noted with whether the reader reaches it through an immediate token
        (read from the same row), so that `hidden` checks the grants of the others only."""
        rows = session.execute(statement.add_columns(self._holds(scope.access.immediate))).all()
        self._direct.update((doc_id, bool(direct)) for doc_id, direct in rows)
        return [doc_id for doc_id, _ in rows]

    def _size(self, session: Session, gin_condition: Any) -> tuple[int, float]:
        """The newest id and PostgreSQL's estimate of the matches of the GIN condition alone (its default guess
        for the positional phrase checks is far too small), once per search."""
        if self._sizes is None:
            newest = session.scalar(select(func.coalesce(func.max(_match().c.id), 0))) or 0
            statement = select(_match().c.id).where(gin_condition).compile(dialect=session.get_bind().dialect,
                                                                         compile_kwargs={"literal_binds": True})
            # Sent as it is (no parameters): its literals hold colons, which text() would read as parameters.
            plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}").scalar()
            matches = (json.loads(plan) if isinstance(plan, str) else plan or [{"Plan": {"Plan Rows": 0}}]
                       )[0]["Plan"]["Plan Rows"]
            self._sizes = (int(newest), float(matches))
        return self._sizes

    def hidden(self, session: Session, scope: Scope, ids: list[int]) -> set[int]:
        if not ids or not scope.access.timed:
            return set()
        for low, high, known in self._hidden:
            if low <= ids[-1] and ids[0] <= high:
                return known & set(ids)
        hidden = self._find_hidden(session, scope, ids)
        self._hidden.append((ids[-1], ids[0], hidden))
        return hidden

    def _timed_only(self, scope: Scope) -> list[Any]:
        """Conditions: a match the reader reaches only through grants with a visible_from. Their tokens are few
        (an embargo is rare) and narrow the GIN scan; the immediate ones are checked on the row."""
        return self._conditions(scope.parsed, self._all([*scope.groups, scope.access.timed]),
                                not_(self._holds(scope.access.immediate)))

    def _in_force(self, session: Session, scope: Scope, ids: Collection[int]) -> set[int]:
        grant = _grant()
        # Arrays, not IN lists: one parameter each, however many ids (an IN list of 200 took 2.9 ms against 0.8)
        return set(session.scalars(
            select(grant.c.doc_id).distinct()
            .where(self.among(grant.c.doc_id, sorted(ids)),
                   grant.c.token == func.any(bindparam(None, list(scope.tokens), type_=ARRAY(String))),
                   or_(grant.c.visible_from.is_(None), grant.c.visible_from <= scope.now))).all())

    def _find_hidden(self, session: Session, scope: Scope, ids: list[int]) -> set[int]:
        """Only an id `reach` found through the reader's timed tokens alone can be hidden (usually none of a
        window); its grants are looked up by key (an id `reach` did not note is looked up too)."""
        suspects = {i for i in ids if not self._direct.get(i, False)}
        return suspects - self._in_force(session, scope, suspects) if suspects else set()

    def _visible(self, session: Session, scope: Scope, limit: int) -> list[int]:
        """The `limit` newest visible matches: matches are read in slices until enough are visible (documents
        under embargo are dropped, never counted)."""
        visible: list[int] = []
        upper = None
        while len(visible) < limit:
            wanted = limit - len(visible)
            ids = self.reach(session, scope, upper, wanted)
            hidden = self.hidden(session, scope, ids)
            visible += [i for i in ids if i not in hidden]
            if len(ids) < wanted:
                break
            upper = ids[-1] - 1
        return visible

    def count(self, session: Session, scope: Scope, limit: int) -> int:
        """Visible matches, counted up to `limit` in no particular order, so that the bitmap heap scan stops
        after `limit` rows instead of reading every match to sort them. Matches the reader reaches only through
        timed grants (embargoes) are then read newest first and checked."""
        doc = _match()
        immediate = self._conditions(scope.parsed, self._all(scope.groups), self._holds(scope.access.immediate))
        counted = select(doc.c.id).where(*immediate).limit(limit).subquery()
        # Through GIN, with a bitmap big enough to stay exact. PostgreSQL prices checking a row's tsvector as
        # cheap, but the vector lies out of line (TOAST): a sequential scan stopping after `limit` matches of a
        # common word read 80,000 rows (730 ms), and a bitmap over 4 MB (work_mem's default) turns lossy and
        # rechecks every row of its pages (310 ms) — against ~50 ms. Set for this statement only: restored after
        # it, so the caller's transaction keeps its plans (an error rolls the transaction back, which restores it).
        previous = _set_local(session, {"enable_seqscan": "off", "work_mem": "64MB"})
        total = session.scalar(select(func.count()).select_from(counted)) or 0
        _set_local(session, previous)
        upper = None
        while total < limit and scope.access.timed:
            wanted = limit - total
            where = self._timed_only(scope) + ([doc.c.id <= upper] if upper is not None else [])
            ids = list(session.scalars(select(doc.c.id).where(*where).order_by((doc.c.id + 0).desc())
                                       .limit(wanted)).all())  # few: read through GIN, never by walking the key
            total += len(self._in_force(session, scope, ids)) if ids else 0
            if len(ids) < wanted:
                break
            upper = ids[-1] - 1
        return total

    def keys(self, session: Session, scope: Scope, limit: int) -> list[str]:
        ids = self._visible(session, scope, limit)
        key = cast(Table, SearchKey.__table__)
        rows = {doc_id: codes for doc_id, codes in
                session.execute(select(key.c.doc_id, key.c.codes).where(self.among(key.c.doc_id, ids)))}
        return [rows[i] for i in ids if i in rows]

    def among(self, col: Any, ids: list[int]) -> ColumnElement[bool]:
        return cast(ColumnElement[bool], col == func.any(bindparam(None, ids, type_=ARRAY(Integer))))

    def text_ge(self, col: Any, value: str) -> ColumnElement[bool]:
        return col.collate("C") >= value

    def code_points(self, col: Any) -> ColumnElement[str]:
        return cast(ColumnElement[str], col.collate("C"))

    def text_lt(self, col: Any, value: str) -> ColumnElement[bool]:
        return col.collate("C") < value

    def after_insert(self, session: Session, ids: list[int]) -> None:
        """Nothing to do: a trigger fills search_match (and search_phrase), and the GIN index follows."""


def _set_local(session: Session, settings: dict[str, str]) -> dict[str, str]:
    """Set PostgreSQL settings for the rest of the transaction; returns the previous values. One statement: the
    fenced subquery (OFFSET 0) reads the values before the outer select list sets them."""
    names = list(settings)
    params = {f"n{i}": name for i, name in enumerate(names)} | {f"v{i}": settings[name] for i, name in enumerate(names)}
    read = ", ".join(f"current_setting(:n{i}) AS p{i}" for i in range(len(names)))
    columns = [f"p{i}" for i in range(len(names))]
    change = ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(names)))
    previous = session.execute(sql_text(f"SELECT {', '.join(columns)}, {change} FROM (SELECT {read} OFFSET 0) p"),
                               params).one()
    return dict(zip(names, previous[: len(names)], strict=True))


def backend_for(session: Session) -> Backend:
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return SQLiteBackend()
    if name == "postgresql":
        return PostgreSQLBackend()
    raise NotImplementedError(f"yrdhub.search has no backend for {name}")
