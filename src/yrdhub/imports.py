"""The one import engine: every bulk file (CSV in UTF-8/BOM/GBK, XLSX, JSON) of every module goes through `run`.

An importer is a column table and a row → service call:

    class OrgImporter(Importer):
        action = "org.import"                      # may this actor import such files at all
        columns = (Column("name", ("名称", "机构名称"), required=True), Column("uscc", ("统一社会信用代码",)), ...)

        def key(self, row): return row.values.get("uscc") or row.values["name"]     # one row per record
        def apply(self, row): ... build OrgCreate/OrgUpdate, call orgs.create/update → "created" | "updated" | ...

The engine reads the file, maps headers through the aliases (and a caller's mapping), parses every cell, and
reports every problem of the file at once as `RowError(line, column, code, params)`: unreadable cells, duplicate
rows, and whatever the schema or the service refuses (a rule, a permission, a state) — the service is the only
writer, so a row is authorised exactly as the single write would be. All or nothing: the file's savepoint is
rolled back on any bad row and on a dry run. Idempotent: a row that matches its record unchanged writes nothing;
two imports of one file at once write its rows once (a natural key is unique in the database: the loser's row
fails on the key, and the file is run again, now finding the rows the winner wrote).
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize
from yrdhub.errors import DomainError, field_errors, register
from yrdhub.i18n import N_
from yrdhub.tabular import TableError, is_json, read_json, read_rows

Outcome = Literal["created", "updated", "unchanged"]
# Refusals of a whole file for its size (bytes, inflated size, rows): HTTP 413 rather than 422.
LIMIT_CODES = frozenset({"upload.too_large", "table.too_large", "table.inflated", "table.ratio",
                         "import.too_many_rows"})
Parser = Callable[[Any], Any]
LIST_SPLIT = re.compile(r"[;；|、\n]")
NOT_GIVEN = {"", "*", "-", "—", "不公开", "n/a"}

register({
    "import.refused": N_("The file was not imported; problems found: {count}. Nothing was written."),
    "import.duplicate_column": N_("The column {column} appears twice."),
    "import.missing_columns": N_("Required columns are missing: {columns}. Accepted columns: {accepted}."),
    "import.unknown_columns": N_("Columns not recognised: {columns}. Accepted columns: {accepted}."),
    "import.unknown_target": N_("The mapping names a field that does not exist: {field}."),
    "import.too_many_rows": N_("The file has {rows} rows; at most {limit} are accepted in one file."),
    "import.extra_cells": N_("This row has cells beyond the header's {columns} columns."),
    "import.duplicate_row": N_("This row repeats line {line}."),
    "import.not_object": N_("This item is not an object."),
    "import.field_twice": N_("A field is given twice (for example as code and as its Chinese name)."),
    "import.conflict": N_("Another write to the same record came first; the row could not be written."),
    "import.mapping": N_("A mapping is written source=field: {pair}."),
    "cell.required": N_("This cell is required."),
    "cell.too_long": N_("At most {max_length} characters."),
    "cell.number": N_("Not a number: {value}."),
    "cell.integer": N_("Not a whole number: {value}."),
    "cell.range": N_("Out of range: {value} (from {lo} to {hi})."),
    "cell.date": N_("Not a date: {value} (for example 2026-03-01)."),
    "cell.choice": N_("Not one of the accepted values: {value} (accepted: {accepted})."),
})


# --- cells ------------------------------------------------------------------------------------------------------

def _raw(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def text(max_length: int | None = None) -> Parser:
    def parse(value: Any) -> str:
        out = _raw(value)
        if max_length is not None and len(out) > max_length:
            raise DomainError("cell.too_long", max_length=max_length)
        return out
    return parse


def items(max_length: int | None = None) -> Parser:
    """A list: a JSON array, or text split at ; ； | 、 and new lines (duplicates dropped, order kept)."""
    def parse(value: Any) -> list[str]:
        parts = value if isinstance(value, list) else LIST_SPLIT.split(_raw(value))
        out = list(dict.fromkeys(str(p).strip() for p in parts if str(p).strip()))
        if max_length is not None and any(len(p) > max_length for p in out):
            raise DomainError("cell.too_long", max_length=max_length)
        return out
    return parse


def decimal(lo: Decimal | int | None = None, hi: Decimal | int | None = None) -> Parser:
    """An exact number (money and measured values); blank or "not disclosed" marks read as None."""
    def parse(value: Any) -> Decimal | None:
        raw = _raw(value)
        if isinstance(value, bool) or raw.lower() in NOT_GIVEN:
            return None
        try:
            out = Decimal(raw.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise DomainError("cell.number", value=raw) from None
        if not out.is_finite() or (lo is not None and out < lo) or (hi is not None and out > hi):
            raise DomainError("cell.range", value=raw, lo=lo if lo is not None else "—",
                              hi=hi if hi is not None else "—")
        return out
    return parse


def integer(lo: int | None = None, hi: int | None = None) -> Parser:
    exact = decimal(lo, hi)

    def parse(value: Any) -> int | None:
        out = exact(value)
        if out is None:
            return None
        if out != out.to_integral_value():
            raise DomainError("cell.integer", value=_raw(value))
        return int(out)
    return parse


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?")


def day(year_end: bool = False) -> Parser:
    """2026-03-01, 2026/3/1, 20260301, 2026年3月1日, or a year alone (its first day, or its last)."""
    def parse(value: Any) -> date | None:
        if isinstance(value, date):
            return value
        raw = _raw(value)
        if not raw:
            return None
        if re.fullmatch(r"\d{4}", raw):
            return date(int(raw), 12, 31) if year_end else date(int(raw), 1, 1)
        match = _DATE.fullmatch(raw) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
        try:
            if match:
                return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
        raise DomainError("cell.date", value=raw)
    return parse


def choice(labels: Mapping[str, str]) -> Parser:
    """A code from its code or any of its labels (case-insensitive): {"高校": "university", ...}."""
    lookup = {k.lower(): v for k, v in labels.items()} | {v.lower(): v for v in labels.values()}

    def parse(value: Any) -> str | None:
        raw = _raw(value)
        if not raw:
            return None
        if raw.lower() not in lookup:
            raise DomainError("cell.choice", value=raw, accepted=sorted(set(labels.values())))
        return lookup[raw.lower()]
    return parse


# --- the table of an importer --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str  # the field it fills; its name is always accepted as a header too
    aliases: tuple[str, ...] = ()  # other accepted headers, the Chinese ones first (the template uses the first)
    parse: Parser = field(default=text())
    required: bool = False  # the column must be present, and its cells must not be blank


@dataclass(frozen=True)
class Row:
    line: int  # the file's line (CSV/XLSX) or the item's number (JSON)
    values: dict[str, Any]  # parsed values of the columns the file has
    titles: Mapping[str, str]  # field key -> the header as written in the file

    def has(self, key: str) -> bool:
        return key in self.values


@dataclass(frozen=True)
class RowError:
    line: int  # 0 for the file as a whole
    column: str | None  # the header as written in the file, or None for the whole row
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    filename: str
    fmt: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_error(self) -> RowError | None:
        """The refusal of the whole file (unreadable, wrong header, too many rows), if that is what happened."""
        return next((e for e in self.errors if e.line == 0), None)


class Importer(ABC):
    """One kind of file. Subclasses state the policy action, the columns, the key of a row, and `apply`."""

    action: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor

    def key(self, row: Row) -> str | None:
        """The row's natural key: two rows of one file with the same key are refused (None: no such check)."""
        return None

    @abstractmethod
    def apply(self, row: Row) -> Outcome:
        """Turn the row into the module's schema and call its service (the only writer)."""

    def finish(self) -> Sequence[RowError]:
        """Called once every row went through, inside the file's savepoint: work deferred to the end of a good
        file (a bulk index, references to rows further down). Returns the rows it refuses."""
        return ()


def accepted(columns: Iterable[Column]) -> str:
    return ", ".join(f"{c.aliases[0]}({c.key})" if c.aliases else c.key for c in columns)


def _lookup(columns: Sequence[Column], mapping: Mapping[str, str] | None) -> dict[str, str]:
    keys = {c.key for c in columns}
    lookup = {alias.strip().lower(): c.key for c in columns for alias in (c.key, *c.aliases)}
    for source, key in (mapping or {}).items():
        if key not in keys and key != "-":
            raise TableError("import.unknown_target", field=key)
        lookup[source.strip().lower()] = key
    return lookup


def mapping_of(pairs: Iterable[str] | None) -> dict[str, str]:
    """`NO=code` (a source column = a field), repeated: the `--map` of the CLI and the `map` of the API."""
    out = {}
    for pair in pairs or ():
        source, sep, key = pair.partition("=")
        if not sep or not source.strip() or not key.strip():
            raise DomainError("import.mapping", field="map", pair=pair)
        out[source.strip()] = key.strip()
    return out


def map_header(titles: Iterable[str], columns: Sequence[Column], mapping: Mapping[str, str] | None = None,
               ignore_unknown: bool = False, synonyms: bool = False) -> dict[str, str]:
    """{header as written: field key} for the columns used. With `synonyms` (JSON, whose objects may spell a key
    differently) several titles may name one field."""
    lookup = _lookup(columns, mapping)
    found: dict[str, str] = {}
    unknown: list[str] = []
    for title in titles:
        key = lookup.get(str(title).strip().lower().lstrip("\ufeff"))
        if key == "-":
            continue
        if key is None:
            if not ignore_unknown:
                unknown.append(str(title))
        elif key in found.values() and not synonyms:
            raise TableError("import.duplicate_column", column=str(title))
        else:
            found[str(title)] = key
    missing = [c.key for c in columns if c.required and c.key not in found.values()]
    if missing:
        raise TableError("import.missing_columns", columns=missing, accepted=accepted(columns))
    if unknown:
        raise TableError("import.unknown_columns", columns=unknown, accepted=accepted(columns))
    return found


@dataclass
class _Raw:
    line: int
    cells: dict[str, Any]  # field key -> raw cell
    titles: dict[str, str]
    problem: RowError | None = None


def read(data: bytes, filename: str, columns: Sequence[Column], *, mapping: Mapping[str, str] | None = None,
         ignore_unknown: bool = False) -> tuple[str, list[_Raw]]:
    """The format found and each row's raw cells by field key. TableError for a file unreadable as a whole."""
    if is_json(data, filename):
        items_ = read_json(data)
        keys: dict[str, None] = {}
        for item in items_:
            if isinstance(item, dict):
                keys.update(dict.fromkeys(str(k) for k in item))
        used = map_header(keys, columns, mapping, ignore_unknown, synonyms=True)
        rows = []
        for number, item in enumerate(items_, start=1):
            if not isinstance(item, dict):
                rows.append(_Raw(number, {}, {}, RowError(number, None, "import.not_object")))
                continue
            present = [(title, key) for title, key in used.items() if title in item]
            if len({key for _, key in present}) < len(present):
                rows.append(_Raw(number, {}, {}, RowError(number, None, "import.field_twice")))
                continue
            rows.append(_Raw(number, {key: item[title] for title, key in present}, {key: t for t, key in present}))
        return "json", rows
    header, body, fmt = read_rows(data, filename)
    used = map_header(header, columns, mapping, ignore_unknown)
    index = {title: i for i, title in enumerate(header)}
    titles = {key: title for title, key in used.items()}
    rows = []
    for line, cells in body:
        extra = [c for c in cells[len(header):] if c]
        problem = RowError(line, None, "import.extra_cells", {"columns": len(header)}) if extra else None
        values = {key: (cells[index[title]] if index[title] < len(cells) else "") for title, key in used.items()}
        rows.append(_Raw(line, values, titles, problem))
    return fmt, rows


def parse(raw: _Raw, columns: Sequence[Column]) -> tuple[Row | None, list[RowError]]:
    """Every cell of a row parsed; all of its problems at once."""
    problems: list[RowError] = []
    values: dict[str, Any] = {}
    for column in columns:
        if column.key not in raw.cells:  # (a JSON object may leave out a key its file's other objects have)
            if column.required:
                problems.append(RowError(raw.line, raw.titles.get(column.key, column.key), "cell.required"))
            continue
        title = raw.titles.get(column.key, column.key)
        cell = raw.cells[column.key]
        if column.required and not _raw(cell) and not (isinstance(cell, list) and cell):
            problems.append(RowError(raw.line, title, "cell.required"))
            continue
        try:
            values[column.key] = column.parse(cell)
        except DomainError as exc:
            problems.append(RowError(raw.line, title, exc.code, exc.params))
    return (None if problems else Row(raw.line, values, raw.titles)), problems


def _refusals(row: Row, exc: Exception) -> list[RowError]:
    """What the schema or the service said about a row, each against its column where one is named."""
    def column(name: str | None) -> str | None:
        if not name:
            return None
        head = name.split(".")[0]
        return row.titles.get(head, head)

    if isinstance(exc, ValidationError):
        return [RowError(row.line, column(f.field), f.code, f.params) for f in field_errors(exc)]
    assert isinstance(exc, DomainError)
    if exc.field_errors:
        return [RowError(row.line, column(f.field), f.code, f.params) for f in exc.field_errors]
    return [RowError(row.line, column(exc.field), exc.code, exc.params)]


class _Retry(Exception):
    """A row lost a race on its natural key to a concurrent writer: run the file again."""


def run(session: Session, importer: Callable[[Session, Actor], Importer], *, actor: Actor, data: bytes,
        filename: str, dry_run: bool = False, mapping: Mapping[str, str] | None = None, ignore_unknown: bool = False,
        max_rows: int = 200_000, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import a file with a new `importer(session, actor)` (a class, or a partial of one): all rows or none,
    every problem reported. Never commits (the caller does)."""
    for attempt in range(2):
        report = ImportReport(filename=filename, dry_run=dry_run)
        try:
            _run_once(session, importer(session, actor), report, data, filename, dry_run, mapping, ignore_unknown,
                      max_rows, progress, last_try=attempt == 1)
        except _Retry:
            continue
        return report
    raise AssertionError("unreachable")  # the second attempt never retries


def _run_once(session: Session, importer: Importer, report: ImportReport, data: bytes, filename: str,
              dry_run: bool, mapping: Mapping[str, str] | None, ignore_unknown: bool, max_rows: int,
              progress: Callable[[int, int], None] | None, last_try: bool) -> None:
    authorize(importer.actor, importer.action)
    try:
        report.fmt, raws = read(data, filename, importer.columns, mapping=mapping, ignore_unknown=ignore_unknown)
    except DomainError as exc:
        report.errors.append(RowError(0, None, exc.code, exc.params))
        return
    report.rows = len(raws)
    if len(raws) > max_rows:
        report.errors.append(RowError(0, None, "import.too_many_rows", {"rows": len(raws), "limit": max_rows}))
        return
    seen: dict[str, int] = {}
    outer = session.begin_nested()
    try:
        with audit.batched(session) as events:
            _rows(session, importer, report, raws, seen, events, progress, last_try)
            if not report.errors:
                try:
                    with session.begin_nested():
                        report.errors.extend(importer.finish())
                except DomainError as exc:
                    report.errors.append(RowError(0, None, exc.code, exc.params))
            if report.errors or dry_run:
                events.clear()
        if report.errors or dry_run:
            outer.rollback()
        else:
            outer.commit()
            audit.record(session, importer.actor, importer.action, "import", hashlib.sha256(data).hexdigest()[:16],
                         after={"filename": filename, "rows": report.rows, "created": report.created,
                                "updated": report.updated, "unchanged": report.unchanged})
    except BaseException:
        # A failed flush leaves the savepoint inactive but not closed: it must still be rolled back.
        if outer.is_active or session.in_nested_transaction():
            outer.rollback()
        raise


def _rows(session: Session, importer: Importer, report: ImportReport, raws: list[_Raw], seen: dict[str, int],
          events: list[Any], progress: Callable[[int, int], None] | None, last_try: bool) -> None:
    """Each row parsed, checked for a repeated key, and applied in a savepoint of its own; a refused row's audit
    events are dropped with its savepoint."""
    for i, raw in enumerate(raws, start=1):
        if progress and (i % 500 == 0 or i == len(raws)):
            progress(i, len(raws))
        if raw.problem is not None:
            report.errors.append(raw.problem)
            continue
        row, problems = parse(raw, importer.columns)
        if row is None:
            report.errors.extend(problems)
            continue
        key = importer.key(row)
        if key is not None:
            if key in seen:
                report.errors.append(RowError(row.line, None, "import.duplicate_row", {"line": seen[key]}))
                continue
            seen[key] = row.line
        recorded = len(events)
        try:
            with session.begin_nested():
                outcome = importer.apply(row)
        except (ValidationError, DomainError) as exc:
            del events[recorded:]
            report.errors.extend(_refusals(row, exc))
            continue
        except IntegrityError:
            del events[recorded:]
            if not last_try:
                raise _Retry() from None
            report.errors.append(RowError(row.line, None, "import.conflict"))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)


def template(columns: Sequence[Column], example: Sequence[Any] = ()) -> tuple[list[str], list[list[Any]]]:
    """A header to fill in (each column's first alias) and an example row, for the XLSX templates."""
    header = [c.aliases[0] if c.aliases else c.key for c in columns]
    return header, [list(example)] if example else []
