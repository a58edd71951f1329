"""Values measured from records: the tables `yrdhub analytics collaboration` writes (`indicators_<level>` and
`indicator_records_<level>`), taken into monitoring with the records behind every value.

The plan's targets for co-authored international papers, cross-province co-filed invention patents and
cross-province patent transfers count records, not yearbook totals; no jurisdiction submits them. The joint office
runs the analytics library on the exports it holds and imports the result here. Every value keeps its works (work
id, source, file name, line), so a figure on the dashboard can be traced to the records behind it.

Both tables are read by the one import engine (`yrdhub.imports`: header aliases, cell parsers, duplicate rows,
every problem of every row with its file, line, column and code) into the schemas `MeasuredValueIn` and
`RecordIn`; the batch is then written by one service call (`record`). Nothing is written when anything is wrong.
Importing the same tables again changes nothing (the content hash is the batch's identity). A later batch
supersedes the values it carries for the same indicator and year; earlier batches stay for history. Counts are
exact numbers (`Decimal`).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePath
from typing import ClassVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, joinedload

from yrdhub import imports
from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize, readable
from yrdhub.errors import DomainError
from yrdhub.imports import Column, Importer, Outcome, Row, RowError
from yrdhub.keyset import Order, Page, paginate
from yrdhub.monitoring.models import Measurement, MeasurementBatch, MeasurementRecord
from yrdhub.monitoring.schemas import MeasuredValueIn, RecordIn

VALUE_COLUMNS = (
    Column("indicator", (), imports.text(80), required=True),
    Column("year", (), imports.integer(), required=True),
    Column("value", (), imports.decimal(lo=0), required=True),
    Column("n_links", (), imports.decimal(lo=0)),
)
RECORD_COLUMNS = (
    Column("indicator", (), imports.text(80), required=True),
    Column("year", (), imports.integer(), required=True),
    Column("work_id", (), imports.text(), required=True),
    Column("record_id", (), imports.text()),
    Column("source", (), imports.text()),
    Column("file", (), imports.text()),
    Column("line", (), imports.integer(lo=0)),
)


@dataclass(frozen=True)
class Evidence:
    work_id: str
    record_id: str = ""
    source: str = ""
    file: str = ""
    line: int | None = None


@dataclass
class MeasuredValue:
    indicator: str
    year: int
    value: Decimal
    n_links: Decimal | None = None
    records: list[Evidence] = field(default_factory=list)
    line: int = 0  # its line in the values table


@dataclass(frozen=True)
class Problem:
    file: str
    error: RowError


@dataclass
class Reading:
    """The values read from the tables, or every problem found in them."""

    values: list[MeasuredValue]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Stored:
    batch: MeasurementBatch | None  # None for a dry run of new tables
    created: bool  # False: the same tables were imported before, or a dry run (nothing written)


# --- reading ------------------------------------------------------------------------------------------------------

class ValuesImporter(Importer):
    action: ClassVar[str] = "monitoring.measure"
    columns: ClassVar[tuple[Column, ...]] = VALUE_COLUMNS

    def __init__(self, session: Session, actor: Actor) -> None:
        super().__init__(session, actor)
        self.found: dict[tuple[str, int], MeasuredValue] = {}
        self.titles: dict[str, str] = {}

    def key(self, row: Row) -> str | None:
        return f"{row.values.get('indicator')}|{row.values.get('year')}"

    def apply(self, row: Row) -> Outcome:
        data = MeasuredValueIn(**row.values)
        self.titles.update(row.titles)
        self.found[(data.indicator, data.year)] = MeasuredValue(data.indicator, data.year, data.value, data.n_links,
                                                                line=row.line)
        return "created"


class RecordsImporter(Importer):
    action: ClassVar[str] = "monitoring.measure"
    columns: ClassVar[tuple[Column, ...]] = RECORD_COLUMNS

    def __init__(self, session: Session, actor: Actor, values: dict[tuple[str, int], MeasuredValue],
                 strict: bool = True) -> None:
        super().__init__(session, actor)
        self.values = values
        self.strict = strict  # False when the values table has bad rows: a record of one of them is no news
        self.seen: set[tuple[str, int, str, str]] = set()

    def apply(self, row: Row) -> Outcome:
        data = RecordIn(**{k: v for k, v in row.values.items() if v is not None})
        value = self.values.get((data.indicator, data.year))
        if value is None:
            if not self.strict:
                return "unchanged"
            raise DomainError("measurement.record_orphan", field="indicator", indicator=data.indicator,
                              year=str(data.year))
        key = (data.indicator, data.year, data.work_id, data.record_id)
        if key in self.seen:
            return "unchanged"  # the same record listed twice adds nothing
        self.seen.add(key)
        value.records.append(Evidence(work_id=data.work_id[:300], record_id=data.record_id[:300],
                                      source=data.source[:40],
                                      file=PurePath(data.file.replace("\\", "/")).name[:300], line=data.line))
        return "created"


def _as_table(name: str, data: bytes) -> tuple[str, bytes]:
    """Parquet is read as the CSV it holds (rows numbered as in a CSV); other formats as they are."""
    if not (name.lower().endswith(".parquet") or data[:4] == b"PAR1"):
        return name, data
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise DomainError("measurement.parquet") from exc
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer)
    return f"{name}.csv", buffer.getvalue()


def _run(session: Session, make: Callable[[Session, Actor], Importer], *, actor: Actor, name: str, data: bytes,
         max_rows: int) -> list[Problem]:
    try:
        filename, table = _as_table(name, data)
    except DomainError as exc:
        return [Problem(name, RowError(0, None, exc.code, exc.params))]
    report = imports.run(session, make, actor=actor, data=table, filename=filename, dry_run=True, max_rows=max_rows)
    return [Problem(name, e) for e in report.errors]


def parse(session: Session, *, actor: Actor, values: tuple[str, bytes], records: tuple[str, bytes] | None = None,
          max_rows: int = 2_000_000) -> Reading:
    """The measured values, each with its records, or every problem of both tables (nothing is written)."""
    values_reader = ValuesImporter(session, actor)
    problems = _run(session, lambda s, a: values_reader, actor=actor, name=values[0], data=values[1],
                    max_rows=max_rows)
    found = values_reader.found
    if records is not None and not any(p.error.line == 0 for p in problems):
        records_reader = RecordsImporter(session, actor, found, strict=not problems)
        problems += _run(session, lambda s, a: records_reader, actor=actor, name=records[0], data=records[1],
                         max_rows=max_rows)
        value_title = values_reader.titles.get("value", "value")
        for value in found.values():
            works = {r.work_id for r in value.records}
            if works and len(works) != value.value:
                problems.append(Problem(values[0], RowError(value.line, value_title, "measurement.count_mismatch", {
                    "indicator": value.indicator, "year": str(value.year), "value": value.value,
                    "works": len(works)})))
    if not found and not problems:
        problems.append(Problem(values[0], RowError(0, None, "measurement.no_values")))
    return Reading(sorted(found.values(), key=lambda v: (v.indicator, v.year)) if not problems else [], problems)


def read_directory(directory: Path, level: str = "") -> tuple[tuple[str, bytes], tuple[str, bytes] | None]:
    """Find `indicators_<level>.*` and `indicator_records_<level>.*` (csv, parquet or xlsx) in an output folder."""
    def find(stem: str) -> Path | None:
        pattern = f"{stem}_{level}.*" if level else f"{stem}_*.*"
        found = sorted(p for p in directory.glob(pattern) if p.suffix.lower() in {".csv", ".parquet", ".xlsx"})
        if len(found) > 1:
            raise DomainError("measurement.several_tables", stem=stem, files=[p.name for p in found])
        return found[0] if found else None

    values = find("indicators")
    if values is None:
        raise DomainError("measurement.no_table")
    records = find("indicator_records")
    return (values.name, values.read_bytes()), (records.name, records.read_bytes()) if records else None


# --- writing ------------------------------------------------------------------------------------------------------

def content_hash(values: list[MeasuredValue]) -> str:
    """The batch's identity (numbers hashed as the floats earlier batches were hashed with, so re-importing the
    same tables still finds them)."""
    canonical = [[v.indicator, v.year, float(v.value), float(v.n_links) if v.n_links is not None else None,
                  sorted([r.work_id, r.record_id, r.source, r.file, r.line or 0] for r in v.records)] for v in values]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def record(session: Session, *, actor: Actor, values: list[MeasuredValue], source: str,
           method: str = "", dry_run: bool = False) -> Stored:
    """Store one batch (the joint office only); the same tables a second time write nothing."""
    authorize(actor, "monitoring.measure")
    source = source.strip()
    if len(source) < 4:
        raise DomainError("measurement.source", field="source")
    if not values:
        raise DomainError("measurement.no_values", field="values")
    digest = content_hash(values)
    existing = session.scalar(select(MeasurementBatch).where(MeasurementBatch.content_hash == digest))
    if existing is not None or dry_run:
        return Stored(existing, created=False)
    batch = MeasurementBatch(source=source[:4000], method=method[:300], content_hash=digest, n_values=len(values),
                             n_records=sum(len(v.records) for v in values), created_by=actor.username)
    session.add(batch)
    session.flush()
    rows = [Measurement(batch_id=batch.id, indicator=v.indicator, year=v.year, value=v.value, n_links=v.n_links,
                        n_records=len({r.work_id for r in v.records})) for v in values]
    session.add_all(rows)
    session.flush()
    evidence = [{"measurement_id": row.id, "work_id": r.work_id, "record_id": r.record_id, "source": r.source,
                 "file": r.file, "line": r.line} for row, v in zip(rows, values, strict=True) for r in v.records]
    if evidence:
        session.execute(insert(MeasurementRecord), evidence)
    audit.record(session, actor, "monitoring.measure", "measurement_batch", batch.id,
                 after={"source": batch.source, "method": batch.method, "values": batch.n_values,
                        "records": batch.n_records, "hash": digest})
    return Stored(batch, created=True)


def import_tables(session: Session, *, actor: Actor, values: tuple[str, bytes],
                  records: tuple[str, bytes] | None, source: str, dry_run: bool = False,
                  max_rows: int = 2_000_000) -> tuple[Reading, Stored | None]:
    """Read both tables and, when every row is good, store the batch (the API's and the CLI's one call)."""
    authorize(actor, "monitoring.measure")
    reading = parse(session, actor=actor, values=values, records=records, max_rows=max_rows)
    if not reading.ok:
        return reading, None
    return reading, record(session, actor=actor, values=reading.values, source=source,
                           method=f"yrdhub analytics · {values[0]}", dry_run=dry_run)


# --- reading back -------------------------------------------------------------------------------------------------

def current(session: Session, *, actor: Actor) -> dict[str, list[Measurement]]:
    """The value in force for every indicator and year (from the newest batch carrying it), by indicator."""
    newest = (select(Measurement.indicator, Measurement.year, func.max(Measurement.batch_id).label("batch_id"))
              .group_by(Measurement.indicator, Measurement.year).subquery())
    statement = (select(Measurement).join(newest, (Measurement.indicator == newest.c.indicator)
                                          & (Measurement.year == newest.c.year)
                                          & (Measurement.batch_id == newest.c.batch_id))
                 .where(readable(actor, Measurement))
                 .options(joinedload(Measurement.batch)).order_by(Measurement.indicator, Measurement.year))
    out: dict[str, list[Measurement]] = defaultdict(list)
    for row in session.scalars(statement):
        out[row.indicator].append(row)
    return dict(out)


def get(session: Session, *, actor: Actor, measurement_id: int) -> Measurement | None:
    stmt = (select(Measurement).where(Measurement.id == measurement_id, readable(actor, Measurement))
            .options(joinedload(Measurement.batch)))
    return session.execute(stmt).scalar_one_or_none()


RECORD_ORDER = [Order(MeasurementRecord.work_id), Order(MeasurementRecord.id)]


def records_of(session: Session, *, actor: Actor, measurement: Measurement, cursor: str | None = None,
               limit: int = 100) -> Page[MeasurementRecord]:
    """A keyset page of the records behind a value, by work id."""
    stmt = select(MeasurementRecord).where(MeasurementRecord.measurement_id == measurement.id,
                                           readable(actor, MeasurementRecord))
    return paginate(session, stmt, RECORD_ORDER, cursor=cursor, limit=limit)


def all_records(session: Session, *, actor: Actor, measurement: Measurement) -> Iterator[MeasurementRecord]:
    """Every record behind a value, streamed (exports)."""
    stmt = (select(MeasurementRecord).where(MeasurementRecord.measurement_id == measurement.id,
                                            readable(actor, MeasurementRecord))
            .order_by(*(o.column for o in RECORD_ORDER)).execution_options(yield_per=2000))
    yield from session.scalars(stmt)


def batches(session: Session, *, actor: Actor) -> list[MeasurementBatch]:
    return list(session.scalars(select(MeasurementBatch).where(readable(actor, MeasurementBatch))
                                .order_by(MeasurementBatch.id.desc())))
