"""Writing the index: upsert by (kind, ref), in bulk. The caller owns the transaction (no commit here)."""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import chain, islice
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from yrdhub.db import utcnow
from yrdhub.search import meta
from yrdhub.search.access import normalise_grants
from yrdhub.search.backends import backend_for
from yrdhub.search.models import TITLE_KEY_LENGTH, SearchDocumentRow, SearchGrant, SearchKey, SearchTerm
from yrdhub.search.segment import index_text, words
from yrdhub.search.types import AccessGrant, FacetValue, SearchDocument

DOC = cast(Table, SearchDocumentRow.__table__)
GRANT = cast(Table, SearchGrant.__table__)
KEY = cast(Table, SearchKey.__table__)
TERM = cast(Table, SearchTerm.__table__)
BATCH = 1000
# From this many batches on, segmentation runs in a worker process: rjieba holds the GIL, so a thread only overlaps
# it with SQLite's own C code, while a process takes it off this interpreter altogether (docs/search.md).
PROCESS_MIN_BATCHES = 3
PROCESS_WORKERS = 2  # on two cores: preparing costs about what writing does, so the three processes share them


def normalise_facets(facets: Mapping[str, FacetValue]) -> dict[str, list[str]]:
    """Every facet as a sorted list of distinct strings; None and empty values are dropped."""
    out: dict[str, list[str]] = {}
    for name, raw in facets.items():
        if not name or len(name) > 64 or name == "kind" or "=" in name:
            raise ValueError(f"bad facet name {name!r} (1–64 characters without '='; 'kind' is built in)")
        if isinstance(raw, str):
            values = [raw] if raw else []
        elif isinstance(raw, int):
            values = [str(raw)]
        else:
            values = sorted({str(v) for v in raw or () if v is not None and v != ""})
        if values:
            if max(map(len, values)) > 200:
                raise ValueError(f"facet {name!r} has a value longer than 200 characters")
            out[name] = values
    return out


def _check(doc: SearchDocument) -> None:
    if not doc.kind or len(doc.kind) > 40:
        raise ValueError(f"bad document kind {doc.kind!r} (1–40 characters)")
    if not doc.ref or len(doc.ref) > 200:
        raise ValueError(f"bad document ref {doc.ref!r} (1–200 characters)")


_DOC_COLUMNS = ["kind", "ref", "title", "title_key", "body", "title_tokens", "body_tokens", "extra_tokens",
                "meta_tokens", "facets", "indexed_at"]


def _computed(doc: SearchDocument, facets: dict[str, list[str]], grants: list[AccessGrant],
              postgres: bool) -> tuple[Any, ...]:
    """The columns segmentation and normalisation give: title_tokens … facets (see `_DOC_COLUMNS`)."""
    tokens = index_text(doc.title, doc.body)
    # PostgreSQL filters inside its GIN index with these tokens; SQLite reads search_key instead, so its
    # full-text index does not carry them (less indexing work; FTS5 receives exactly this column).
    meta_tokens = ""
    if postgres:  # plus the word pairs and triples that make phrases cheap there (meta.pair, meta.triple)
        meta_tokens = " ".join([meta.document_tokens(doc.kind, ((g.token, g.visible_from is not None) for g in grants),
                                                     facets),
                                *meta.phrase_tokens("t", words(tokens.title)),
                                *meta.phrase_tokens("b", words(tokens.body))])
    # SQLite's raw executemany takes values in their stored form (JSON text); PostgreSQL's insert encodes the dict
    stored = facets if postgres else json.dumps(facets, ensure_ascii=False)
    return tokens.title, tokens.body, tokens.extra, meta_tokens, stored


def _executemany(session: Session, target: Table, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """A plain DBAPI executemany on the session's connection (same transaction): SQLite's bulk path, skipping
    SQLAlchemy's per-row parameter processing. Values must already be in their stored form."""
    if not rows:
        return
    connection = session.connection()
    compiled = insert(target).compile(dialect=connection.dialect, column_keys=columns)
    if not compiled.positional or list(compiled.positiontup or ()) != columns:
        raise RuntimeError("the raw bulk path expects positional parameters in column order")
    connection.connection.cursor().executemany(str(compiled), rows)


def _copy(session: Session, target: Table, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL's bulk path: COPY … FROM STDIN through psycopg, on the session's connection."""
    if not rows:
        return
    cursor = session.connection().connection.cursor()
    with cursor.copy(f"COPY {target.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_sqlite(session: Session, rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], int]:
    by_kind: dict[str, list[str]] = {}
    for row in rows:
        by_kind.setdefault(row[0], []).append(row[1])
    for kind, refs in by_kind.items():  # re-indexing replaces: the delete trigger also clears search_fts
        session.execute(delete(DOC).where(DOC.c.kind == kind, DOC.c.ref.in_(refs)))
    # Ids are given here rather than read back: the transaction began with BEGIN IMMEDIATE (yrdhub.db), so it
    # holds SQLite's write lock and no other writer can take them.
    first = (session.scalar(select(func.max(DOC.c.id))) or 0) + 1
    _executemany(session, DOC, ["id", *_DOC_COLUMNS],  # rows already in their stored form (_prepare)
                 [(first + offset, *row) for offset, row in enumerate(rows)])
    ids = {(row[0], row[1]): first + offset for offset, row in enumerate(rows)}
    backend_for(session).after_insert(session, list(range(first, first + len(rows))))
    return ids


def _insert_postgresql(session: Session, rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: new documents cost one round trip per 1,000; documents
    already indexed (the conflicts) are deleted and inserted again."""
    statement = (pg_insert(DOC).on_conflict_do_nothing(index_elements=["kind", "ref"])
                 .returning(DOC.c.id, DOC.c.kind, DOC.c.ref))
    params = [dict(zip(_DOC_COLUMNS, row, strict=True)) for row in rows]
    ids = {(kind, ref): doc_id for doc_id, kind, ref in session.execute(statement, params)}
    again = [p for p in params if (p["kind"], p["ref"]) not in ids]
    if again:
        for p in again:
            session.execute(delete(DOC).where(DOC.c.kind == p["kind"], DOC.c.ref == p["ref"]))
        ids.update({(kind, ref): doc_id for doc_id, kind, ref in session.execute(statement, again)})
    return ids


def _batches(docs: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, size)):
        yield batch


def index_many(session: Session, docs: Iterable[SearchDocument], batch_size: int = BATCH) -> int:
    """Index (or re-index) documents; the last of several with the same (kind, ref) wins. Returns the count.

    With more than one batch, the next batches are segmented while this one is written: in a worker thread for
    two batches, in worker processes from PROCESS_MIN_BATCHES on when the machine has a second core (see
    `_segmenter`). A bad document raises ValueError before its batch is written; the caller's transaction then
    holds the earlier batches, and rolling it back leaves the index as it was.
    """
    dialect = session.get_bind().dialect.name
    postgres = dialect == "postgresql"
    batches = _batches(docs, batch_size)
    ahead = list(islice(batches, PROCESS_MIN_BATCHES))
    if not ahead:
        return 0
    if len(ahead) == 1:
        return _store(session, ahead[0], _prepare(ahead[0], dialect), postgres, {})
    count, codes = 0, dict[str, int]()
    try:
        with _segmenter(len(ahead) >= PROCESS_MIN_BATCHES) as (pool, workers):
            pending: deque[tuple[list[SearchDocument], Future[_Prepared]]] = deque()
            for batch in chain(ahead, batches):
                pending.append((batch, pool.submit(_prepare, batch, dialect)))
                if len(pending) > workers:  # each worker busy with a batch while this one is written
                    done, prepared = pending.popleft()
                    count += _store(session, done, prepared.result(), postgres, codes)
            while pending:
                done, prepared = pending.popleft()
                count += _store(session, done, prepared.result(), postgres, codes)
    except BrokenProcessPool:  # the worker died (killed, out of memory): the next call starts a new one
        _drop_process()
        raise
    return count


class _Workers:
    """A pool and its number of workers, as a context manager; `owned` pools are shut down on exit."""

    def __init__(self, pool: Executor, workers: int, owned: bool) -> None:
        self.pool, self.workers, self.owned = pool, workers, owned

    def __enter__(self) -> tuple[Executor, int]:
        return self.pool, self.workers

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.pool.shutdown()


_PROCESS: ProcessPoolExecutor | None = None
_PROCESS_LOCK = threading.Lock()


def _segmenter(large: bool) -> _Workers:
    """Where batches are prepared: PROCESS_WORKERS worker processes, started once (spawned: no copy of this
    process's connections and threads) and kept for the next bulk call, for large inputs on a machine with two
    cores or more; else a worker thread (also in daemon processes, which may not have children)."""
    global _PROCESS
    if not large or (os.cpu_count() or 1) < 2 or multiprocessing.current_process().daemon:  # daemons: no children
        return _Workers(ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-prepare"), 1, owned=True)
    with _PROCESS_LOCK:
        if _PROCESS is None:
            _PROCESS = ProcessPoolExecutor(max_workers=PROCESS_WORKERS, mp_context=multiprocessing.get_context("spawn"))
            atexit.register(_PROCESS.shutdown, cancel_futures=True)
        return _Workers(_PROCESS, PROCESS_WORKERS, owned=False)


def _drop_process() -> None:
    global _PROCESS
    with _PROCESS_LOCK:
        if _PROCESS is not None:
            _PROCESS.shutdown(wait=False, cancel_futures=True)
            _PROCESS = None


def index(session: Session, doc: SearchDocument) -> None:
    index_many(session, [doc])


def optimize(session: Session) -> None:
    """Maintenance after a bulk load (or nightly): SQLite merges FTS5's segments into one; PostgreSQL moves the
    GIN pending list into the index and refreshes the planner's statistics. Queries are correct without it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT gin_clean_pending_list('ix_search_match_tsv'::regclass)"))
        for name in ("search_document", "search_match", "search_phrase", "search_grant", "search_key", "search_term"):
            session.execute(text(f"ANALYZE {name}"))
    else:
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))


def remove(session: Session, kind: str, ref: str) -> bool:
    """Drop a document from the index (its grants and facets go with it). True when it was there."""
    result = session.execute(delete(DOC).where(DOC.c.kind == kind, DOC.c.ref == ref))
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class _Prepared:
    """What a batch needs besides its documents to be stored: everything computed without the session
    (segmentation is most of it). Only computed values, so that little crosses back from a worker process."""

    index: list[int]  # the batch's documents to store, by position: the last of each (kind, ref)
    computed: list[tuple[Any, ...]]  # `_computed` of each
    grants: list[list[tuple[str, datetime | None]]]
    terms: list[list[str]]
    stamp: Any  # indexed_at, in its stored form on SQLite


@cache
def _sqlite_dialect() -> Dialect:
    return sqlite.dialect()


def _prepare(batch: list[SearchDocument], dialect: str) -> _Prepared:
    """`dialect` is the database's name ("sqlite", "postgresql"): this may run in another process."""
    index = list({(doc.kind, doc.ref): i for i, doc in enumerate(batch)}.values())
    docs = [batch[i] for i in index]
    facets, grants = [], []
    for doc in docs:  # validate the whole batch before anything is computed or written
        _check(doc)
        facets.append(normalise_facets(doc.facets))
        grants.append(normalise_grants(doc.grants))
    postgres = dialect == "postgresql"
    now: Any = utcnow()
    computed = [_computed(doc, doc_facets, doc_grants, postgres)
                for doc, doc_facets, doc_grants in zip(docs, facets, grants, strict=True)]
    if not postgres:
        lite = _sqlite_dialect()
        process = DOC.c.indexed_at.type.dialect_impl(lite).bind_processor(lite)
        now = process(now) if process else now
    terms = [meta.document_terms(doc.kind, ((g.token, g.visible_from is not None) for g in doc_grants), doc_facets)
             for doc, doc_facets, doc_grants in zip(docs, facets, grants, strict=True)]
    pairs = [[(g.token, g.visible_from) for g in doc_grants] for doc_grants in grants]
    return _Prepared(index, computed, pairs, terms, now)


def _store(session: Session, docs: list[SearchDocument], batch: _Prepared, postgres: bool,
           codes: dict[str, int]) -> int:
    """Write a batch of `docs` with what `_prepare` computed for it; `codes` caches term codes across the
    batches of one call."""
    kept = [docs[i] for i in batch.index]
    stamp = batch.stamp
    rows = [(doc.kind, doc.ref, doc.title, doc.title[:TITLE_KEY_LENGTH], doc.body, *computed, stamp)
            for doc, computed in zip(kept, batch.computed, strict=True)]
    ids = _insert_postgresql(session, rows) if postgres else _insert_sqlite(session, rows)
    doc_ids = [ids[(doc.kind, doc.ref)] for doc in kept]
    grants = [(doc_id, token, visible_from)
              for doc_id, doc_grants in zip(doc_ids, batch.grants, strict=True) for token, visible_from in doc_grants]
    unknown = {term for doc_terms in batch.terms for term in doc_terms if term not in codes}
    if unknown:
        codes.update(term_ids(session, unknown, create=True))
    keys = [(doc_id, " " + " ".join(str(codes[term]) for term in doc_terms) + " ")
            for doc_id, doc_terms in zip(doc_ids, batch.terms, strict=True)]
    if postgres:
        _copy(session, GRANT, ["doc_id", "token", "visible_from"], grants)
        _copy(session, KEY, ["doc_id", "codes"], keys)
    else:
        dialect = session.get_bind().dialect
        process = GRANT.c.visible_from.type.dialect_impl(dialect).bind_processor(dialect)
        _executemany(session, GRANT, ["doc_id", "token", "visible_from"],
                     [(d, t, process(v) if process and v is not None else v) for d, t, v in grants])
        _executemany(session, KEY, ["doc_id", "codes"], keys)
    return len(kept)


def term_ids(session: Session, terms: Collection[str], create: bool = False) -> dict[str, int]:
    """The codes of `terms` (search_term); with `create`, terms not yet numbered are added first."""
    found: dict[str, int] = {}
    wanted = sorted(terms)
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        found.update({term: term_id for term_id, term in session.execute(
            select(TERM.c.id, TERM.c.term).where(TERM.c.term.in_(chunk)))})
    missing = [term for term in wanted if term not in found]
    if create and missing:
        rows = [{"term": term} for term in missing]
        if session.get_bind().dialect.name == "postgresql":
            session.execute(pg_insert(TERM).on_conflict_do_nothing(index_elements=["term"]), rows)
        else:
            session.execute(insert(TERM).prefix_with("OR IGNORE"), rows)
        found.update(term_ids(session, missing))
    return found
