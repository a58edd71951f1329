"""Ingest exports into the workspace: read (streaming), resolve places in batches, write Parquet.

A file is ingested whole or not at all (its batches are written under a temporary name and renamed when
the file is complete) and only once (files are recognised by SHA-256)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from yrdhub.analytics.gazetteer import Gazetteer
from yrdhub.analytics.keys import record_keys
from yrdhub.analytics.places import Resolver
from yrdhub.analytics.readers import detect_format, read
from yrdhub.analytics.records import BadRecord, Record
from yrdhub.analytics.workspace import Workspace
from yrdhub.config import get_settings

RID_BITS = 32  # rid = file number << 32 | the record's ordinal in its file
WORKS_SCHEMA = pa.schema(
    [
        ("rid", pa.int64()),
        ("record_id", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("title", pa.string()),
        ("year", pa.int64()),
        ("doi", pa.string()),
        ("ut", pa.string()),
        ("eid", pa.string()),
        ("pn_key", pa.string()),
        ("title_key", pa.string()),
        ("patent_no", pa.string()),
        ("application_no", pa.string()),
        ("is_invention", pa.bool_()),
        ("doc_type", pa.string()),
        ("date", pa.string()),
    ]
)
PARTIES_SCHEMA = pa.schema(
    [
        ("rid", pa.int64()),
        ("record_id", pa.string()),
        ("seq", pa.int64()),
        ("role", pa.string()),
        ("text", pa.string()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("province_code", pa.string()),
        ("city_code", pa.string()),
        ("method", pa.string()),
        ("is_yrd", pa.bool_()),
        # the record's own attributes, repeated on its parties so that the pipeline needs no join back
        # to `works` for the records that are works of their own (almost all of them)
        ("kind", pa.string()),
        ("source", pa.string()),
        ("year", pa.int64()),
        ("is_invention", pa.bool_()),
    ]
)
BAD_SCHEMA = pa.schema([("file", pa.string()), ("line", pa.int64()), ("reason", pa.string())])

Progress = Callable[[int], None]


@dataclass
class FileReport:
    path: str
    format: str
    records: int = 0
    bad: list[BadRecord] = field(default_factory=list)
    skipped: bool = False
    seconds: float = 0.0


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def bad(self) -> list[BadRecord]:
        return [b for f in self.files for b in f.bad]


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_resolver(ws: Workspace) -> Resolver:
    seed = Gazetteer.seed()
    gaz = Gazetteer.from_csv(ws.gazetteer_path, base=seed) if ws.gazetteer_path.exists() else seed
    return Resolver(gaz)


WORK_COLUMNS = list(WORKS_SCHEMA.names)  # the order of `_Batch.works` tuples
PARTY_COLUMNS = [
    n for n in PARTIES_SCHEMA.names if n not in ("country", "province_code", "city_code", "method", "is_yrd")
]


class _Batch:
    """Rows of one batch of records (a tuple per work and per party, turned into columns when flushed to
    Parquet parts). Empty strings are stored as nulls."""

    def __init__(self) -> None:
        self.works: list[tuple[Any, ...]] = []
        self.parties: list[tuple[Any, ...]] = []
        self.pending: list[tuple[str, str, str]] = []
        self.size = 0

    def add(self, rec: Record, record_id: str, rid: int) -> None:
        keys = record_keys(rec)
        kind, source, year, invention = rec.kind, rec.source, rec.year, rec.is_invention
        self.works.append(
            (
                rid,
                record_id,
                source or None,
                kind or None,
                rec.file or None,
                rec.line,
                rec.title or None,
                year,
                keys["doi"] or None,
                keys["ut"] or None,
                keys["eid"] or None,
                keys["pn_key"] or None,
                keys["title_key"] or None,
                rec.patent_no or None,
                rec.application_no or None,
                invention,
                rec.doc_type or None,
                rec.date or None,
            )
        )
        parties, pending = self.parties, self.pending
        for seq, p in enumerate(rec.parties):
            parties.append((rid, record_id, seq, p.role, p.text, p.name or None, kind, source, year, invention))
            pending.append((p.text, p.hint_province, p.hint_city))
        self.size += 1

    def flush(self, resolver: Resolver, parts: list[tuple[str, pa.Table]]) -> None:
        if not self.size:
            return
        places = resolver.resolve_many(self.pending)
        works = dict(zip(WORK_COLUMNS, _columns(self.works, len(WORK_COLUMNS)), strict=True))
        parties = dict(zip(PARTY_COLUMNS, _columns(self.parties, len(PARTY_COLUMNS)), strict=True))
        parties["country"] = [p.country or None for p in places]
        parties["province_code"] = [p.province_code or None for p in places]
        parties["city_code"] = [p.city_code or None for p in places]
        parties["method"] = [p.method for p in places]
        parties["is_yrd"] = [p.is_yrd for p in places]
        parts.append(("works", pa.Table.from_pydict(works, schema=WORKS_SCHEMA)))
        parts.append(("parties", pa.Table.from_pydict(parties, schema=PARTIES_SCHEMA)))


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows → columns (`zip(*rows)`, in C), also for a batch without rows."""
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def ingest(
    paths: Iterable[Path | str],
    workspace: Workspace,
    fmt: str = "auto",
    resolver: Resolver | None = None,
    batch_size: int = 200_000,
    progress: Progress | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files into the workspace (each whole or not at all, each once). `workers` > 1 (default
    `YRDHUB_ANALYTICS_INGEST_WORKERS`, else 1) reads that many files at a time in worker processes, each
    with its own copy of the resolver; the tables are the same (a file's record ids come from its file
    number, given in input order), and `progress` is then told per finished file."""
    resolver = resolver or default_resolver(workspace)
    workers = workers or get_settings().analytics_ingest_workers
    manifest = workspace.manifest()
    if any("file_no" not in entry for entry in manifest.values()):
        raise ValueError(
            f"the workspace {workspace.root} predates integer record ids: ingest the files into a new workspace"
        )
    # plan: every new file gets the next file number, in input order; a file given twice is read once
    plan: list[tuple[Path, str, str, int | None]] = []
    todo: list[tuple[Path, str, str, int]] = []
    numbers: dict[str, int] = {}
    next_no = 1 + max((int(e["file_no"]) for e in manifest.values()), default=0)
    for raw in paths:
        path = Path(raw)
        digest = file_digest(path)
        name = detect_format(path) if fmt == "auto" else fmt
        if digest in manifest or digest in numbers:
            plan.append((path, name, digest, None))
            continue
        numbers[digest] = next_no
        plan.append((path, name, digest, next_no))
        todo.append((path, name, digest, next_no))
        next_no += 1
    done: dict[str, FileReport] = {}

    def record(fr: FileReport, digest: str, file_no: int) -> None:
        manifest[digest] = {
            "path": fr.path,
            "format": fr.format,
            "records": fr.records,
            "bad": len(fr.bad),
            "file_no": file_no,
        }
        workspace.save_manifest(manifest)
        done[digest] = fr

    if workers > 1 and len(todo) > 1:
        failure: BaseException | None = None
        with ProcessPoolExecutor(min(workers, len(todo))) as pool:
            futures = {
                pool.submit(_ingest_file, path, name, digest, no, workspace, resolver, batch_size, None): (digest, no)
                for path, name, digest, no in todo
            }
            for future in as_completed(futures):
                digest, no = futures[future]
                try:
                    fr = future.result()
                except BaseException as exc:  # the other files still finish and are recorded
                    failure = failure or exc
                    continue
                record(fr, digest, no)
                if progress:
                    progress(fr.records)
        if failure is not None:
            raise failure
    else:
        for path, name, digest, no in todo:
            record(_ingest_file(path, name, digest, no, workspace, resolver, batch_size, progress), digest, no)
    report = IngestReport()
    for path, name, digest, planned in plan:
        if planned is not None:
            report.files.append(done[digest])
        else:
            report.files.append(FileReport(str(path), name, manifest[digest]["records"], skipped=True))
    return report


def _ingest_file(
    path: Path,
    fmt: str,
    digest: str,
    file_no: int,
    ws: Workspace,
    resolver: Resolver,
    batch_size: int,
    progress: Progress | None,
) -> FileReport:
    started = time.perf_counter()
    fr = FileReport(str(path), fmt)
    parts = _Parts(ws, digest[:16])
    batch = _Batch()
    try:
        for item in read(path, fmt):
            if isinstance(item, BadRecord):
                fr.bad.append(item)
                continue
            batch.add(item, f"{parts.prefix}:{item.line}:{item.kind}", (file_no << RID_BITS) | fr.records)
            fr.records += 1
            if batch.size >= batch_size:
                parts.write_batch(batch, resolver)
                batch = _Batch()
                if progress:
                    progress(batch_size)
        left = batch.size
        parts.write_batch(batch, resolver)
        if progress and left:
            progress(left)
        if fr.bad:
            bad = {
                "file": [b.file for b in fr.bad],
                "line": [b.line for b in fr.bad],
                "reason": [b.reason for b in fr.bad],
            }
            parts.write("bad", pa.Table.from_pydict(bad, schema=BAD_SCHEMA))
    except BaseException:
        parts.discard()
        raise
    parts.commit()
    fr.seconds = time.perf_counter() - started
    return fr


class _Parts:
    """Parquet parts of one file, written batch by batch under temporary names (so memory stays at one
    batch) and renamed together at the end: a failed file leaves nothing behind."""

    def __init__(self, ws: Workspace, prefix: str) -> None:
        self.ws = ws
        self.prefix = prefix
        self.written: list[tuple[Path, Path]] = []

    def write(self, table: str, data: pa.Table) -> None:
        final = self.ws.table_dir(table) / f"{self.prefix}-{len(self.written):05d}.parquet"
        tmp = self.ws.table_dir(table) / f".{uuid.uuid4().hex}.tmp"
        self.written.append((tmp, final))
        pq.write_table(data, tmp)

    def write_batch(self, batch: _Batch, resolver: Resolver) -> None:
        tables: list[tuple[str, pa.Table]] = []
        batch.flush(resolver, tables)
        for table, data in tables:
            self.write(table, data)

    def discard(self) -> None:
        for tmp, _ in self.written:
            tmp.unlink(missing_ok=True)

    def commit(self) -> None:
        for tmp, final in self.written:
            tmp.replace(final)
