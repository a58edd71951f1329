"""Values measured from records: the tables `yrdhub analytics collaboration` writes (`indicators_<level>` and
`indicator_records_<level>`), taken into monitoring with the records behind every value.

The plan's targets for co-authored international papers, cross-province co-filed invention patents and
cross-province patent transfers count records, not yearbook totals; no jurisdiction submits them. The joint office
runs the analytics library on the exports it holds and imports the result here. Every value keeps its works (work
id, source, file name, line), so a figure on the dashboard can be traced to the records behind it.

Reading is strict and loses nothing: every bad row is reported with its file, line and reason and nothing is
written. Importing the same tables again changes nothing (the content hash is the batch's identity). A later batch
supersedes the values it carries for the same indicator and year; earlier batches stay for history.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, joinedload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize
from yrdhub.monitoring.models import Measurement, MeasurementBatch, MeasurementRecord
from yrdhub.tabular import TableError, read_rows

INDICATOR = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
VALUE_COLUMNS = ("indicator", "year", "value")
RECORD_COLUMNS = ("indicator", "year", "work_id")
MAX_RECORDS = 2_000_000


class MeasurementError(ValueError):
    """The tables cannot be taken: every problem with its file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:20]) + (" …" if len(problems) > 20 else ""))
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


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
    value: float
    n_links: float | None = None
    records: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    batch: MeasurementBatch | None  # None for a dry run of new tables
    created: bool  # False: the same tables were imported before, or a dry run (nothing written)


# --- reading ------------------------------------------------------------------------------------------


def _table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, cells) of a CSV/XLSX or Parquet table; Parquet rows are numbered as in a CSV."""
    if filename.lower().endswith(".parquet") or data[:4] == b"PAR1":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(io.BytesIO(data))
        except Exception as exc:  # pyarrow raises several types for a broken file
            raise TableError(f"无法读取 Parquet 文件 / cannot read the Parquet file: {exc}") from exc
        columns = table.column_names
        rows = table.to_pylist()
        return columns, [(i, ["" if r[c] is None else str(r[c]) for c in columns]) for i, r in enumerate(rows, 2)]
    header, body, _fmt = read_rows(data, filename)
    return [h.lstrip("\ufeff").strip().lower() for h in header], body


def _columns(header: list[str], required: tuple[str, ...], name: str) -> dict[str, int]:
    index = {h: i for i, h in enumerate(header)}
    missing = [c for c in required if c not in index]
    if missing:
        raise MeasurementError([Problem(name, 1, f"缺少列 / missing columns: {', '.join(missing)}")])
    return index


def _cell(cells: list[str], index: dict[str, int], column: str) -> str:
    i = index.get(column)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _year(text: str) -> int | None:
    try:
        year = int(float(text))
    except ValueError:
        return None
    return year if 1949 <= year <= 2100 and float(text) == year else None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def parse(values: tuple[str, bytes], records: tuple[str, bytes] | None = None) -> list[MeasuredValue]:
    """The measured values, each with its records; raises MeasurementError listing every bad row."""
    problems: list[Problem] = []
    values_name, values_data = values
    try:
        header, body = _table(values_data, values_name)
    except TableError as exc:
        raise MeasurementError([Problem(values_name, None, str(exc))]) from exc
    index = _columns(header, VALUE_COLUMNS, values_name)
    out: dict[tuple[str, int], MeasuredValue] = {}
    for line, cells in body:
        indicator, year, value = (_cell(cells, index, c) for c in VALUE_COLUMNS)
        links_text = _cell(cells, index, "n_links")
        parsed_year, parsed_value = _year(year), _number(value)
        n_links = _number(links_text) if links_text else None
        reason = ""
        if not INDICATOR.match(indicator):
            reason = f"指标代码无效 / invalid indicator code: {indicator!r}"
        elif parsed_year is None:
            reason = f"年份无效 / invalid year: {year!r}"
        elif parsed_value is None:
            reason = f"数值无效（须为非负数） / invalid value (a non-negative number): {value!r}"
        elif links_text and n_links is None:
            reason = f"n_links 无效 / invalid n_links: {links_text!r}"
        elif (indicator, parsed_year) in out:
            reason = f"重复的指标与年份 / duplicate indicator and year: {indicator} {parsed_year}"
        if reason:
            problems.append(Problem(values_name, line, reason))
            continue
        assert parsed_year is not None and parsed_value is not None
        out[(indicator, parsed_year)] = MeasuredValue(indicator, parsed_year, parsed_value, n_links)
    if records is not None:
        problems += _attach(records, out)
    if not out and not problems:
        problems.append(Problem(values_name, None, "没有数值 / no values in the file"))
    if problems:
        raise MeasurementError(problems)
    return sorted(out.values(), key=lambda v: (v.indicator, v.year))


def _attach(records: tuple[str, bytes], values: dict[tuple[str, int], MeasuredValue]) -> list[Problem]:
    """Attach the records to their values and check that every counted value equals its distinct works."""
    name, data = records
    problems: list[Problem] = []
    try:
        header, body = _table(data, name)
    except TableError as exc:
        return [Problem(name, None, str(exc))]
    try:
        index = _columns(header, RECORD_COLUMNS, name)
    except MeasurementError as exc:
        return exc.problems
    if len(body) > MAX_RECORDS:
        return [Problem(name, None, f"记录过多（上限 {MAX_RECORDS:,}） / too many records")]
    seen: set[tuple[str, int, str, str]] = set()
    for line, cells in body:
        indicator, year_text, work_id = (_cell(cells, index, c) for c in RECORD_COLUMNS)
        year = _year(year_text)
        record_id = _cell(cells, index, "record_id")
        if year is None or (indicator, year) not in values:
            problems.append(Problem(name, line, f"记录所属的指标与年份不在数值表中 / record of an indicator and year "
                                                f"not in the values table: {indicator} {year_text}"))
            continue
        if not work_id:
            problems.append(Problem(name, line, "缺少 work_id / missing work_id"))
            continue
        key = (indicator, year, work_id, record_id)
        if key in seen:
            continue  # the same record listed twice adds nothing
        seen.add(key)
        line_text = _cell(cells, index, "line")
        values[(indicator, year)].records.append(Evidence(
            work_id=work_id[:300], record_id=record_id[:300], source=_cell(cells, index, "source")[:40],
            file=PurePath(_cell(cells, index, "file").replace("\\", "/")).name[:300],
            line=int(float(line_text)) if _number(line_text) is not None else None))
    for value in values.values():
        works = {r.work_id for r in value.records}
        if works and len(works) != value.value:
            problems.append(Problem(name, None, f"{value.indicator} {value.year}: 数值 {value.value:g} 与记录中的 "
                                                f"{len(works)} 项成果不符（两个文件是否来自同一次计算？） / value "
                                                f"{value.value:g} but {len(works)} works in the records (are both "
                                                "files from the same run?)"))
    return problems


def read_directory(directory: Path, level: str = "") -> tuple[tuple[str, bytes], tuple[str, bytes] | None]:
    """Find `indicators_<level>.*` and `indicator_records_<level>.*` (csv, parquet or xlsx) in an output folder."""
    def find(stem: str) -> Path | None:
        pattern = f"{stem}_{level}.*" if level else f"{stem}_*.*"
        found = sorted(p for p in directory.glob(pattern) if p.suffix.lower() in {".csv", ".parquet", ".xlsx"})
        if len(found) > 1:
            raise MeasurementError([Problem(str(directory), None, f"多个 {stem} 表，请用 --level 指定 / several "
                                            f"{stem} tables, choose one with --level: "
                                            + ", ".join(p.name for p in found))])
        return found[0] if found else None

    values = find("indicators")
    if values is None:
        raise MeasurementError([Problem(str(directory), None, "找不到 indicators_<level> 表 / no indicators_<level> "
                                        "table (the output of `yrdhub analytics collaboration --out DIR`)")])
    records = find("indicator_records")
    return (values.name, values.read_bytes()), (records.name, records.read_bytes()) if records else None


# --- writing ------------------------------------------------------------------------------------------


def content_hash(values: list[MeasuredValue]) -> str:
    canonical = [[v.indicator, v.year, v.value, v.n_links,
                  sorted([r.work_id, r.record_id, r.source, r.file, r.line or 0] for r in v.records)] for v in values]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def record(session: Session, *, actor: Actor, values: list[MeasuredValue], source: str,
           method: str = "", dry_run: bool = False) -> Outcome:
    """Store one batch (the joint office only); the same tables a second time write nothing."""
    authorize(actor, "monitoring.measure")
    source = source.strip()
    if len(source) < 4:
        raise MeasurementError([Problem("source", None, "请说明数据来源与覆盖范围（检索式、数据库、导出日期） / state "
                                        "the source and coverage: database, query, date of export")])
    if not values:
        raise MeasurementError([Problem("values", None, "没有数值 / no values")])
    digest = content_hash(values)
    existing = session.scalar(select(MeasurementBatch).where(MeasurementBatch.content_hash == digest))
    if existing is not None or dry_run:
        return Outcome(existing, created=False)
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
    return Outcome(batch, created=True)


# --- reading back -------------------------------------------------------------------------------------


def current(session: Session) -> dict[str, list[Measurement]]:
    """The value in force for every indicator and year (from the newest batch carrying it), by indicator."""
    newest = (select(Measurement.indicator, Measurement.year, func.max(Measurement.batch_id).label("batch_id"))
              .group_by(Measurement.indicator, Measurement.year).subquery())
    statement = (select(Measurement).join(newest, (Measurement.indicator == newest.c.indicator)
                                          & (Measurement.year == newest.c.year)
                                          & (Measurement.batch_id == newest.c.batch_id))
                 .options(joinedload(Measurement.batch)).order_by(Measurement.indicator, Measurement.year))
    out: dict[str, list[Measurement]] = defaultdict(list)
    for row in session.scalars(statement):
        out[row.indicator].append(row)
    return dict(out)


def get(session: Session, measurement_id: int) -> Measurement | None:
    return session.get(Measurement, measurement_id)


def records_of(session: Session, measurement: Measurement, *, limit: int | None = None,
               offset: int = 0) -> list[MeasurementRecord]:
    statement = (select(MeasurementRecord).where(MeasurementRecord.measurement_id == measurement.id)
                 .order_by(MeasurementRecord.work_id, MeasurementRecord.id).offset(offset))
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def batches(session: Session) -> list[MeasurementBatch]:
    return list(session.scalars(select(MeasurementBatch).order_by(MeasurementBatch.id.desc())))
