"""The row engine `programmes/imports.py` had before `yrdhub.imports` existed, kept (unchanged) only because
`outputs/imports.py` still reads its files with it; the programme importers use `yrdhub.imports`. Delete this file
when the outputs importers move to `yrdhub.imports`."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, authorize
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions.imports import ImportReport, RowError
from yrdhub.regions.models import Organisation
from yrdhub.tabular import TableError, decode, read_rows, xlsx_bytes

MAX_ROWS = 200_000
LIST_SPLIT = re.compile(r"[;；|、\n]")
NOT_DISCLOSED = {"", "*", "-", "—", "不公开", "n/a"}
Columns = dict[str, tuple[str, ...]]


class RowProblem(ValueError):
    """A cell that cannot be read (bilingual reason), optionally naming its field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class Record:
    line: int
    values: dict[str, Any]  # field key -> cell (str from CSV/XLSX, native from JSON); only columns present
    problem: str | None = None


def _lookup(columns: Columns, mapping: dict[str, str] | None) -> dict[str, str]:
    lookup = {alias.lower(): key for key, aliases in columns.items() for alias in (key, *aliases)}
    for source, key in (mapping or {}).items():
        if key not in columns and key != "-":
            raise TableError(f"映射的目标列不存在：{key} / mapping to an unknown field: {key}")
        lookup[source.strip().lower()] = key
    return lookup


def _map_header(header: Iterable[str], columns: Columns, required: tuple[str, ...], mapping: dict[str, str] | None,
                ignore_unknown: bool, synonyms: bool = False) -> dict[str, str]:
    """{header title: field key} for the columns used; unknown columns are an error unless ignored. With
    `synonyms` (JSON, whose objects may spell a key differently) several titles may name one field."""
    lookup = _lookup(columns, mapping)
    found: dict[str, str] = {}
    unknown = []
    for title in header:
        key = lookup.get(str(title).strip().lower().lstrip("\ufeff"))
        if key == "-":
            continue
        if key is None:
            if not ignore_unknown:
                unknown.append(str(title))
        elif key in found.values() and not synonyms:
            raise TableError(f"列重复：{title} / duplicate column: {title}")
        else:
            found[str(title)] = key
    missing = [k for k in required if k not in found.values()]
    if missing or unknown:
        expected = "、".join(f"{v[0]}({k})" if v else k for k, v in columns.items())
        parts = []
        if missing:
            parts.append(f"缺少必需列 missing required columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"无法识别的列 unknown columns: {', '.join(unknown)}")
        raise TableError("; ".join(parts) + f"。可用列 accepted columns: {expected}")
    return found


def _is_json(data: bytes, filename: str) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return filename.lower().endswith(".json") or head in (b"[", b"{")


def read_records(data: bytes, filename: str, columns: Columns, required: tuple[str, ...], *,
                 mapping: dict[str, str] | None = None, ignore_unknown: bool = False) -> tuple[str, list[Record]]:
    """The format found and one Record per row. TableError for a file that cannot be read as a whole."""
    if not data.strip():
        raise TableError("文件为空 / the file is empty")
    if _is_json(data, filename):
        return "json", _json_records(data, columns, required, mapping, ignore_unknown)
    header, body, fmt = read_rows(data, filename)
    used = _map_header(header, columns, required, mapping, ignore_unknown)
    index = {title: i for i, title in enumerate(header)}
    records = []
    for line, cells in body:
        extra = [c for c in cells[len(header):] if c]
        values = {key: (cells[index[title]] if index[title] < len(cells) else "") for title, key in used.items()}
        records.append(Record(line, values, f"多出的单元格（表头只有 {len(header)} 列） / cells beyond the header: "
                                            f"{extra[:3]}" if extra else None))
    return fmt, records


def _json_records(data: bytes, columns: Columns, required: tuple[str, ...], mapping: dict[str, str] | None,
                  ignore_unknown: bool) -> list[Record]:
    text, _ = decode(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(f"JSON 格式错误（第 {exc.lineno} 行） / invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    if isinstance(doc, dict):
        doc = next((doc[k] for k in ("rows", "items", "data", "records") if isinstance(doc.get(k), list)), None)
    if not isinstance(doc, list):
        raise TableError("JSON 须为对象数组，或含 rows 数组的对象 / JSON must be an array of objects, or an object "
                         "with a 'rows' array")
    if not doc:
        raise TableError("文件没有内容 / the file has no rows")
    keys: dict[str, None] = {}
    for item in doc:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(str(k) for k in item))
    used = _map_header(keys, columns, required, mapping, ignore_unknown, synonyms=True)
    records = []
    for number, item in enumerate(doc, start=1):
        if not isinstance(item, dict):
            records.append(Record(number, {}, "不是对象 / the item is not an object"))
            continue
        present = [(title, key) for title, key in used.items() if title in item]
        values = {key: item[title] for title, key in present}
        if len(values) < len(present):
            records.append(Record(number, {}, "同一字段出现两次（如 code 与 计划编号）/ a field given twice"))
            continue
        values = {k: (v.strip() if isinstance(v, str) else ("" if v is None else v)) for k, v in values.items()}
        records.append(Record(number, values))
    return records


# --- cells ----------------------------------------------------------------------------------------------------


def text(values: dict[str, Any], key: str, *, required: bool = False, max_len: int | None = None) -> str:
    raw = values.get(key, "")
    value = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    value = value.strip()
    if required and not value:
        raise RowProblem(f"{key} 不能为空 / {key} is required", key)
    if max_len is not None and len(value) > max_len:
        raise RowProblem(f"{key} 过长（最多 {max_len} 字） / {key} longer than {max_len} characters", key)
    return value


def items(values: dict[str, Any], key: str) -> list[str]:
    raw = values.get(key, "")
    parts = raw if isinstance(raw, list) else LIST_SPLIT.split(str(raw or ""))
    return list(dict.fromkeys(str(p).strip() for p in parts if str(p).strip()))


def number(values: dict[str, Any], key: str, *, integer: bool = False, lo: float | None = None,
           hi: float | None = None) -> float | int | None:
    raw = values.get(key, "")
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and raw.strip().lower() in NOT_DISCLOSED):
        return None
    try:
        value = float(str(raw).replace(",", "").replace("，", "").strip())
    except ValueError as exc:
        raise RowProblem(f"{key} 不是数字：{raw!r} / {key} is not a number", key) from exc
    if value != value or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise RowProblem(f"{key} 超出范围：{raw!r} / {key} out of range", key)
    if integer:
        if not value.is_integer():
            raise RowProblem(f"{key} 须为整数：{raw!r} / {key} must be a whole number", key)
        return int(value)
    return value


def day(values: dict[str, Any], key: str, *, year_end: bool = False) -> date | None:
    """A date (2026-03-01, 2026/3/1, 20260301, 2026年3月1日) or a year alone (its first day, or last)."""
    raw = text(values, key)
    if not raw:
        return None
    if re.fullmatch(r"\d{4}", raw):
        return date(int(raw), 12, 31) if year_end else date(int(raw), 1, 1)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", raw) or \
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise RowProblem(f"{key} 不是日期：{raw!r}（如 2026-03-01） / {key} is not a date (e.g. 2026-03-01)", key)


class OrgLookup:
    """Organisations by id, USCC, name or alias (cached: a file names the same organisation many times)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, Organisation | None] = {}

    def __call__(self, ref: str, field: str) -> Organisation:
        if ref not in self.cache:
            self.cache[ref] = orgs.resolve(self.session, ref)
        org = self.cache[ref]
        if org is None:
            raise RowProblem(f"机构不存在：{ref}（请先导入机构：yrdhub orgs import） / no such organisation: {ref} "
                             "(import it first: yrdhub orgs import)", field)
        return org


def province(session: Session, ref: str, field: str) -> str:
    region = regions.find(session, ref)
    if region is None or region.code not in regions.YRD_PROVINCES:
        raise RowProblem(f"不是三省一市之一：{ref} / not one of the four jurisdictions: {ref}", field)
    return region.code


# --- running --------------------------------------------------------------------------------------------------


def reason_of(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return f"无权执行（{exc.action}） / not allowed: {exc.action}"
    if isinstance(exc, IntegrityError):
        return "与已有记录冲突（编号重复或引用的记录不存在） / conflicts with existing records"
    return str(exc)


def run_rows(session: Session, report: ImportReport, records: list[Record], key_of: Callable[[Record], str],
             apply: Callable[[Record], str], *, dry_run: bool,
             progress: Callable[[int, int], None] | None = None, savepoints: bool = True,
             then: Callable[[], None] | None = None) -> None:
    """Apply every row in its own savepoint inside one for the file; roll the file back on any bad row or a dry
    run. `apply` returns created, updated or unchanged; it raises RowProblem or a service error for a bad row.

    Without `savepoints`, `apply` must only check and stage (it writes nothing a constraint could refuse): a
    database error then aborts the file (IntegrityError is raised after the file's savepoint is rolled back).
    `then` runs inside the file's savepoint once every row went through (the staged rows' bulk write)."""
    report.rows = len(records)
    seen: dict[str, int] = {}
    outer = session.begin_nested()
    try:
        for i, record in enumerate(records, start=1):
            if progress and (i % 200 == 0 or i == len(records)):
                progress(i, len(records))
            if record.problem:
                report.errors.append(RowError(record.line, record.problem))
                continue
            try:
                key = key_of(record)
                if key in seen:
                    raise RowProblem(f"与第 {seen[key]} 行重复 / duplicate of line {seen[key]}")
                seen[key] = record.line
                with session.begin_nested() if savepoints else nullcontext():
                    outcome = apply(record)
            except RowProblem as exc:
                report.errors.append(RowError(record.line, str(exc), exc.field))
                continue
            except IntegrityError as exc:
                if not savepoints:
                    raise
                report.errors.append(RowError(record.line, reason_of(exc)))
                continue
            except (ValueError, PermissionDenied) as exc:
                report.errors.append(RowError(record.line, reason_of(exc)))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if then is not None and not report.errors:
            then()
        if report.errors or dry_run:
            outer.rollback()
        else:
            outer.commit()
    except BaseException:
        # A failed flush leaves the savepoint inactive but not closed: it must still be rolled back, or the
        # session refuses all further work (the row-by-row fallback needs it).
        if outer.is_active or session.in_nested_transaction():
            outer.rollback()
        raise


def start(report: ImportReport, actor: Actor, action: str, data: bytes, filename: str, columns: Columns,
          required: tuple[str, ...], mapping: dict[str, str] | None, ignore_unknown: bool) -> list[Record] | None:
    """Whole-file checks; None (with report.file_error) when the file cannot be imported at all."""
    try:
        authorize(actor, action)
        report.fmt, records = read_records(data, filename, columns, required, mapping=mapping,
                                           ignore_unknown=ignore_unknown)
    except TableError as exc:
        report.file_error = str(exc)
        return None
    if len(records) > MAX_ROWS:
        report.file_error = f"行数过多（{len(records)}，上限 {MAX_ROWS}） / too many rows"
        return None
    return records


def finish(session: Session, actor: Actor, action: str, report: ImportReport, data: bytes, dry_run: bool) -> None:
    if report.ok and not dry_run:
        audit.record(session, actor, action, "import", hashlib.sha256(data).hexdigest()[:16],
                     after={"filename": report.filename, "rows": report.rows, "created": report.created,
                            "updated": report.updated, "unchanged": report.unchanged})



def template(columns: Columns, example: list[Any]) -> bytes:
    """An XLSX to fill in: the Chinese headers and one example row (delete it before importing)."""
    return xlsx_bytes([aliases[0] for aliases in columns.values()], [example], sheet="导入模板")

