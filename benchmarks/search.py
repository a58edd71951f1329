"""Benchmark: yrdhub.search at scale (default 1,000,000 documents) on SQLite (FTS5) and PostgreSQL.

    .venv/bin/python benchmarks/search.py --n 20000                       # a quick run
    .venv/bin/python benchmarks/search.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/yrdhub_search_bench

Documents are GENERATED from real Chinese text read at run time only: the titles, institutions and programme
areas of the National Key R&D projects 2018–2020 (../shared/data/projects) and the YRD division names
bundled in yrdhub. A title is a real project title; a body strings together three other titles, two
institutions, places and connectives; facets are jurisdiction, year, type, discipline and openness; access
grants are public (most), one organisation, a province, or public after an embargo.

Indexing goes through `index_many` (segmentation included) and is timed with its commits (docs/s). Queries
are timed end to end through `search` (hits with snippets, total, and facets when asked), for a mix of
readers: single words (drawn uniformly from the distinct words of the titles), phrases (two or three
consecutive words of a title), and faceted queries (a word + jurisdiction/year filters + five facets).
The last line reads `docs_per_s_sqlite=… p95_ms_sqlite=… docs_per_s_postgresql=… p95_ms_postgresql=…`
(p95 over all three query kinds).

What a query computes (docs/search.md, "Bounded work"): totals and facet counts are exact up to 10,000 visible
matches and capped beyond (`SearchResult.total_is_exact` False, "10,000+"); hits are ranked within windows of
the 200 newest matches. The script prints, per query kind, how many results had a capped total, and the CPU
time of this process per query (on SQLite that is all of the query's work; a figure less disturbed by the
other programs on a shared machine than the wall-clock time).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from importlib import resources
from pathlib import Path

import rjieba
from sqlalchemy import Engine

from yrdhub.db import make_engine, session_factory, utcnow
from yrdhub.migrate import upgrade
from yrdhub.search import AccessGrant, SearchDocument, SearchQuery, index_many, search

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("YRDHUB_SHARED_DIR", ROOT.parent / "shared"))
PROJECTS = SHARED / "data/projects/national_key_rd_projects_2018_2020.csv"
CONNECTIVES = ["，", "。", "；", "以及", "面向", "围绕", "开展", "推动", "依托", "在"]
KINDS = ["project", "report", "achievement"]
OPENNESS = ["公开", "延期公开", "限制"]


class Corpus:
    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        with PROJECTS.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.titles = [r["title"] for r in rows]
        self.institutions = sorted({r["institution"] for r in rows})
        self.areas = sorted({r["type"] for r in rows if r["type"]})
        with resources.files("yrdhub.data.regions").joinpath("divisions.csv").open(encoding="utf-8") as fh:
            divisions = list(csv.DictReader(fh))
        self.places = [(d["name"], d["code"][:2] + "0000") for d in divisions if d["level"] in {"city", "county"}]
        counts: dict[str, int] = {}
        for title in self.titles:
            for word in rjieba.cut(title):
                if len(word) > 1:
                    counts[word] = counts.get(word, 0) + 1
        self.words = sorted(counts)
        self.word_count = counts
        self.now = utcnow()

    def document(self, i: int) -> SearchDocument:
        rng = self.rng
        place, province = rng.choice(self.places)
        parts = [*rng.sample(self.titles, 3), *rng.sample(self.institutions, 2), place]
        rng.shuffle(parts)
        body = "".join(p + rng.choice(CONNECTIVES) for p in parts)
        roll = rng.random()
        grants: list[AccessGrant | str]
        if roll < 0.7:
            grants = ["public"]
        elif roll < 0.85:
            grants = [f"org:{rng.randrange(1, 5000)}"]
        elif roll < 0.93:
            grants = [f"prov:{province}", "registered"]
        else:  # embargoed: public from a moment in the last or the next two years
            grants = [AccessGrant("public", self.now + timedelta(days=rng.randrange(-730, 730))),
                      f"org:{rng.randrange(1, 5000)}"]
        facets = {"jurisdiction": province, "year": str(rng.randrange(2015, 2025)), "type": KINDS[i % 3],
                  "discipline": rng.choice(self.areas), "openness": rng.choice(OPENNESS)}
        return SearchDocument(KINDS[i % 3], f"b{i}", f"{place}{rng.choice(self.titles)}", body, grants, facets)

    def documents(self, n: int) -> Iterator[SearchDocument]:
        return (self.document(i) for i in range(n))

    def readers(self) -> list[set[str]]:
        return [{"public"}, {"public", "registered", "org:17", "prov:320000"}, {"public", "registered", "org:4321"}]

    def phrase(self) -> str:
        while True:
            words = [w for w in rjieba.cut(self.rng.choice(self.titles)) if w.strip()]
            if len(words) >= 3:
                k = self.rng.choice([2, 3])
                start = self.rng.randrange(0, len(words) - k + 1)
                return '"' + "".join(words[start:start + k]) + '"'


def build(url: str, corpus: Corpus, n: int, commit_every: int = 50_000) -> float:
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    elapsed = 0.0
    cpu = 0.0
    done = 0
    docs = corpus.documents(n)
    while done < n:
        chunk = [next(docs) for _ in range(min(commit_every, n - done))]
        started, cpu_started = time.perf_counter(), time.process_time()
        with factory() as session:
            index_many(session, chunk, batch_size=2000)
            session.commit()
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        done += len(chunk)
        print(f"  indexed {done:,} ({done / elapsed:,.0f} docs/s)", file=sys.stderr, flush=True)
    if engine.dialect.name == "postgresql":  # after a bulk load: hint bits, visibility map, planner statistics
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    # This process's CPU only: all of SQLite's work, but not the PostgreSQL server's.
    print(f"{engine.dialect.name}: indexing used {cpu:.1f} s of this process's CPU ({n / cpu:,.0f} docs per CPU-s)")
    return n / elapsed


def timed_queries(url: str, corpus: Corpus, per_kind: int) -> dict[str, list[float]]:
    engine = make_engine(url)
    factory = session_factory(engine)
    rng = corpus.rng
    readers = corpus.readers()
    kinds: dict[str, list[SearchQuery]] = {
        "word": [SearchQuery(text=rng.choice(corpus.words)) for _ in range(per_kind)],
        "phrase": [SearchQuery(text=corpus.phrase()) for _ in range(per_kind)],
        "faceted": [SearchQuery(text=rng.choice(corpus.words),
                                filters={"jurisdiction": [rng.choice(["310000", "320000", "330000", "340000"])],
                                         "year": [str(y) for y in rng.sample(range(2015, 2025), 3)]},
                                facets=("jurisdiction", "year", "type", "discipline", "openness"))
                    for _ in range(per_kind)],
    }
    times: dict[str, list[float]] = {}
    if engine.dialect.name == "postgresql":
        prewarm(engine)
    print(f"{engine.dialect.name}: load average before the queries: {os.getloadavg()[0]:.2f}")
    with factory() as session:
        search(session, SearchQuery(text="研究"), {"public"})  # warm the connection and caches
        for kind, queries in kinds.items():
            times[kind] = []
            cpu: list[float] = []
            capped = 0
            for i, query in enumerate(queries):
                started, cpu_started = time.perf_counter(), time.process_time()
                result = search(session, query, readers[i % len(readers)])
                times[kind].append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                capped += not result.total_is_exact
            print(f"{engine.dialect.name}: {kind:8s} capped totals (10,000+) {capped}/{len(queries)}; "
                  f"CPU of this process per query p50={statistics.median(cpu):.1f} ms "
                  f"p95={percentile(cpu, 0.95):.1f} ms")
        session.rollback()
    print(f"{engine.dialect.name}: load average after the queries: {os.getloadavg()[0]:.2f}")
    engine.dispose()
    return times


def prewarm(engine: Engine) -> None:
    """A server in steady state holds the search tables in shared_buffers (SQLite's file is in the OS page cache
    just the same after indexing): load them with pg_prewarm, the ones every query reads first, as many as
    shared_buffers can hold, and say which."""
    tables = ["ix_search_match_tsv", "search_match", "pk_search_match", "search_grant", "pk_search_grant",
              "search_key", "search_phrase", "pk_search_phrase", "pk_search_document", "search_document"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        buffers = conn.exec_driver_sql("SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'"
                                       ).scalar_one()
        sizes = {name: conn.exec_driver_sql(f"SELECT pg_relation_size('{name}')").scalar_one() for name in tables}
        print(f"postgresql: shared_buffers {buffers / 2**30:.1f} GiB; search tables and indexes (without TOAST) "
              f"{sum(sizes.values()) / 2**30:.2f} GiB")
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        loaded, left = 0, []
        for name in tables:
            if loaded + sizes[name] > buffers * 0.8:
                left.append(name)
                continue
            conn.exec_driver_sql(f"SELECT pg_prewarm('{name}')")
            loaded += sizes[name]
        print(f"postgresql: prewarmed {loaded / 2**30:.2f} GiB with pg_prewarm"
              + (f"; not {', '.join(left)} (shared_buffers would not hold them)" if left else ""))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(backend: str, docs_per_s: float, times: dict[str, list[float]]) -> float:
    print(f"{backend}: indexing {docs_per_s:,.0f} docs/s")
    for kind, values in times.items():
        print(f"{backend}: {kind:8s} n={len(values)} p50={statistics.median(values):.1f} ms "
              f"p95={percentile(values, 0.95):.1f} ms max={max(values):.1f} ms")
    everything = [v for values in times.values() for v in values]
    p95 = percentile(everything, 0.95)
    print(f"{backend}: all      p50={statistics.median(everything):.1f} ms p95={p95:.1f} ms")
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="documents to index per backend")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--pg-url", default=os.environ.get("YRDHUB_BENCH_PG_URL", ""),
                        help="an EMPTY PostgreSQL database (its search tables are filled); skipped when absent")
    parser.add_argument("--sqlite-path", default="", help="SQLite file (default: a temporary one)")
    parser.add_argument("--queries-only", action="store_true",
                        help="query an index already built by an earlier run (--sqlite-path / --pg-url); "
                             "docs/s then reads na")
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="comma-separated backends to run (e.g. two processes in parallel on a busy machine)")
    args = parser.parse_args()
    figures: dict[str, str] = {}
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (shared machine)")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{args.sqlite_path or Path(tmp) / 'search.db'}"
        chosen = set(args.backends.split(","))
        for backend, url in (("sqlite", sqlite_url), ("postgresql", args.pg_url)):
            if backend not in chosen:
                print(f"{backend}: not run (--backends)")
                figures |= {f"docs_per_s_{backend}": "na", f"p95_ms_{backend}": "na"}
                continue
            if not url:
                print(f"{backend}: skipped (no --pg-url)")
                figures |= {f"docs_per_s_{backend}": "na", f"p95_ms_{backend}": "na"}
                continue
            corpus = Corpus()
            if not args.queries_only:
                print(f"{backend}: building {args.n:,} documents", file=sys.stderr)
            docs_per_s = float("nan") if args.queries_only else build(url, corpus, args.n)
            p95 = report(backend, docs_per_s, timed_queries(url, corpus, args.queries))
            figures |= {f"docs_per_s_{backend}": "na" if args.queries_only else f"{docs_per_s:.0f}",
                        f"p95_ms_{backend}": f"{p95:.1f}"}
    print(f"N={args.n}")
    print(" ".join(f"{k}={figures[k]}" for k in ("docs_per_s_sqlite", "p95_ms_sqlite",
                                                    "docs_per_s_postgresql", "p95_ms_postgresql")))


if __name__ == "__main__":
    main()
