"""Bulk import of programmes and projects from CSV (UTF-8, BOM, GBK), XLSX or JSON.

The house rules (as `regions/imports.py`): atomic — if any row is bad nothing is written and every bad row is
reported with its line (for JSON: its item number) and reason; idempotent — a row matches an existing record by
its natural key (programme code, project code) and an unchanged row writes nothing.

Every row is checked through the services and the policy within one savepoint for the whole file: a row the
services refuse (a rule, a permission, a constraint) becomes a row error, and at the end the file's savepoint
is rolled back unless every row went through. Programmes and outputs write each row in its own savepoint;
projects are checked and staged first and written in bulk (see `import_projects`). `dry_run` always rolls back
and reports what would happen. The generic part (`read_records`, `run_rows`) is used by `outputs/imports.py` too.

Projects: the service's `create_project` is an applicant's draft. An import records projects decided outside
the platform (e.g. earlier years), so it is decided by the programme's owners (`programme.manage`), sets the
given status (default `contracted`), records the move in the project's history, audits every row (one event per
project, appended in one batch) and indexes the project for search (`programmes/indexing.py`, the same grants
as every other project).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import PermissionDenied, Target, authorize
from yrdhub.db import utcnow
from yrdhub.programmes import service
from yrdhub.programmes.models import Call, Funding, Participant, Programme, Project, Transition
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions.imports import ImportReport, RowError
from yrdhub.regions.models import Organisation
from yrdhub.tabular import TableError, decode, read_rows, xlsx_bytes

__all__ = ["ImportReport", "RowError", "import_programmes", "import_projects"]

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


# --- programmes -----------------------------------------------------------------------------------------------

PROGRAMME_COLUMNS: Columns = {
    "code": ("计划编号", "编号", "代码", "计划代码"),
    "name": ("计划名称", "名称"),
    "name_en": ("英文名称", "english name"),
    "description": ("简介", "说明", "描述"),
    "owners": ("主管方", "主管地区", "出资方"),
}


def import_programmes(session: Session, *, actor: Actor, data: bytes, filename: str, dry_run: bool = False,
                      mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                      progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Programmes by code: new ones through `service.create_programme` (policy programme.create: a jurisdiction
    admin only for its own jurisdiction's), changed ones updated by their owners. Never commits."""
    report = ImportReport(filename=filename)
    records = start(report, actor, "programme.import", data, filename, PROGRAMME_COLUMNS, ("code", "name", "owners"),
                    mapping, ignore_unknown)
    if records is None:
        return report
    existing = {p.code: p for p in session.execute(select(Programme)).scalars()}

    def key_of(record: Record) -> str:
        return text(record.values, "code", required=True, max_len=40)

    def apply(record: Record) -> str:
        v = record.values
        code = key_of(record)
        fields: dict[str, Any] = {"name": text(v, "name", required=True, max_len=300)}
        for key, limit in (("name_en", 300), ("description", 10_000)):
            if key in v:
                fields[key] = text(v, key, max_len=limit)
        owners = sorted({province(session, ref, "owners") for ref in items(v, "owners")})
        if not owners:
            raise RowProblem("主管方不能为空 / owners are required", "owners")
        found = existing.get(code)
        if found is None:
            existing[code] = service.create_programme(session, actor=actor, code=code, owners=owners, **fields)
            return "created"
        return "updated" if _update_programme(session, actor, found, dict(fields, owners=owners)) else "unchanged"

    run_rows(session, report, records, key_of, apply, dry_run=dry_run, progress=progress)
    finish(session, actor, "programme.import", report, data, dry_run)
    return report


def _programme_snapshot(p: Programme) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "name_en": p.name_en, "description": p.description, "owners": p.owners}


def _update_programme(session: Session, actor: Actor, programme: Programme, fields: dict[str, Any]) -> bool:
    # checked even for an unchanged row: a file may only name programmes its importer manages
    authorize(actor, "programme.manage", Target(provinces=tuple(programme.owners)))
    changed = {k: v for k, v in fields.items() if getattr(programme, k) != v}
    if not changed:
        return False
    if "owners" in changed:  # taking on new owners needs their consent as for a new programme
        authorize(actor, "programme.create", Target(provinces=tuple(changed["owners"])))
    before = _programme_snapshot(programme)
    for key, value in changed.items():
        setattr(programme, key, value)
    session.flush()
    audit.record(session, actor, "programme.update", "programme", programme.id, before=before,
                 after=_programme_snapshot(programme))
    return True


# --- projects -------------------------------------------------------------------------------------------------

PROJECT_COLUMNS: Columns = {
    "code": ("项目编号", "编号", "项目代码"),
    "title": ("项目名称", "名称", "题目"),
    "programme": ("计划编号", "所属计划", "计划"),
    "call": ("指南编号", "申报指南", "指南"),
    "lead_org": ("牵头单位", "承担单位", "项目牵头单位"),
    "partners": ("参与单位", "合作单位"),
    "funders": ("出资方", "经费来源", "资助方"),
    "budget": ("经费", "总经费", "经费（万元）", "申请经费（万元）"),
    "summary": ("摘要", "简介", "项目简介"),
    "keywords": ("关键词",),
    "discipline": ("学科", "领域", "专项"),
    "start_on": ("开始日期", "起始日期", "立项年度", "开始"),
    "end_on": ("结束日期", "截止日期", "结束"),
    "status": ("状态", "项目状态"),
}
STATUS_LABELS = {"draft": "draft", "草稿": "draft", "approved": "approved", "已立项": "approved", "立项": "approved",
                 "contracted": "contracted", "已签约": "contracted", "执行中": "contracted", "在研": "contracted",
                 "midterm_passed": "midterm_passed", "中期通过": "midterm_passed", "accepted": "accepted",
                 "已验收": "accepted", "验收通过": "accepted", "结题": "accepted", "terminated": "terminated",
                 "已终止": "terminated", "终止": "terminated"}
IMPORT_CALL_SUFFIX = "-IMPORT"


def import_projects(session: Session, *, actor: Actor, data: bytes, filename: str, dry_run: bool = False,
                    mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                    programme: str | None = None, call: str | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Projects by code, with participants and each funder's yearly amounts (万元). `programme` / `call` give
    the default for rows without those columns. Never commits.

    Fast path: every row is checked and staged first (no write, no savepoint); if all are good, the staged
    projects are written in bulk (one flush), their audit events appended in one batch (`audit.record_many`, in
    line order) and their search documents indexed in one batch when the file's savepoint commits (the
    indexing hook). Should the database still refuse the bulk write (a constraint the checks did not foresee),
    the file is rolled back and run again row by row, each row in its own savepoint, to name the line."""
    report = ImportReport(filename=filename)
    records = start(report, actor, "programme.import", data, filename, PROJECT_COLUMNS, ("code", "title", "lead_org"),
                    mapping, ignore_unknown)
    if records is None:
        return report
    importer = _ProjectImporter(session, actor, programme, call, staged=True)
    try:
        run_rows(session, report, records, importer.key_of, importer.apply, dry_run=dry_run, progress=progress,
                 savepoints=False, then=importer.write_staged)
    except IntegrityError:
        session.expire_all()
        report = ImportReport(filename=filename, fmt=report.fmt)
        importer = _ProjectImporter(session, actor, programme, call, staged=False)
        run_rows(session, report, records, importer.key_of, importer.apply, dry_run=dry_run, progress=progress)
    finish(session, actor, "project.import", report, data, dry_run)
    return report


@dataclass
class _Plan:
    """One checked row: a new project (`project` None) or the changes to an existing one."""

    line: int
    code: str
    call: Call
    fields: dict[str, Any]
    participants: list[tuple[Organisation, str]]
    funders: dict[str, dict[str, float]] | None  # None: keep the funders as they are
    status: str = "contracted"
    project: Project | None = None
    replace_people: bool = False


class _ProjectImporter:
    def __init__(self, session: Session, actor: Actor, programme: str | None, call: str | None,
                 staged: bool = False) -> None:
        self.session, self.actor, self.staged = session, actor, staged
        self.plans: list[_Plan] = []  # staged rows, written by write_staged
        self.default_programme, self.default_call = programme, call
        self.org = OrgLookup(session)
        self.calls: dict[str, Call] = {c.code: c for c in session.execute(select(Call)).scalars()}
        self.programmes: dict[str, Programme] = {p.code: p for p in session.execute(select(Programme)).scalars()}
        self.by_id = {p.id: p for p in self.programmes.values()}
        stmt = select(Project).options(selectinload(Project.participants), selectinload(Project.funders))
        self.projects: dict[str, Project] = {p.code: p for p in session.execute(stmt).scalars()}

    def key_of(self, record: Record) -> str:
        return text(record.values, "code", required=True, max_len=40)

    def _call(self, values: dict[str, Any]) -> Call:
        call_code = text(values, "call") or self.default_call or ""
        if call_code:
            found = self.calls.get(call_code)
            if found is None:
                raise RowProblem(f"申报指南不存在：{call_code} / no such call", "call")
            return found
        code = text(values, "programme") or self.default_programme or ""
        if not code:
            raise RowProblem("须给出计划编号或指南编号 / a programme or call code is required", "programme")
        programme = self.programmes.get(code)
        if programme is None:
            raise RowProblem(f"科技计划不存在：{code} / no such programme", "programme")
        call_code = code[:40 - len(IMPORT_CALL_SUFFIX)] + IMPORT_CALL_SUFFIX
        found = self.calls.get(call_code)
        # a placeholder call for imported projects (again if the row that made it was rolled back)
        if found is None or inspect(found).transient or inspect(found).detached:
            opens = utcnow()
            found = service.create_call(self.session, actor=self.actor, programme=programme, code=call_code,
                                        title=f"{programme.name}（批量导入 imported）", opens_at=opens,
                                        deadline=opens + timedelta(seconds=1),
                                        description="批量导入的项目 / projects recorded by bulk import")
            self.calls[call_code] = found
        return found

    def _funders(self, values: dict[str, Any], start_on: date | None) -> dict[str, dict[str, float]] | None:
        """`上海: 2026=300, 2027=200; 江苏: 100` (a bare amount falls in the start year) or JSON
        {"310000": {"2026": 300}}. None when the column is absent."""
        if "funders" not in values:
            return None
        raw = values["funders"]
        out: dict[str, dict[str, float]] = {}
        if isinstance(raw, dict):
            for ref, amounts in raw.items():
                years = amounts if isinstance(amounts, dict) else {"": amounts}
                out[province(self.session, str(ref), "funders")] = {
                    self._year(str(y), start_on): self._amount(a) for y, a in years.items()}
            return out
        for part in re.split(r"[;；\n]", str(raw or "")):
            if not part.strip():
                continue
            match = re.fullmatch(r"\s*([^:：=\d\s][^:：]*?)\s*[:：]\s*(.+?)\s*", part)
            if not match:
                raise RowProblem(f"出资方格式应为“上海: 2026=300, 2027=200”：{part!r} / funders: "
                                 "'上海: 2026=300, 2027=200'", "funders")
            code = province(self.session, match[1], "funders")
            yearly: dict[str, float] = {}
            for pair in re.split(r"[,，\s]+", match[2].strip()):
                year, _, amount = pair.rpartition("=")
                key = self._year(year, start_on)
                yearly[key] = yearly.get(key, 0.0) + self._amount(amount)
            out[code] = yearly
        return out

    @staticmethod
    def _year(text_: str, start_on: date | None) -> str:
        text_ = text_.strip()
        if not text_:
            if start_on is None:
                raise RowProblem("出资金额须注明年度（如 2026=300）或给出开始日期 / give the year of each amount "
                                 "(2026=300) or a start date", "funders")
            return str(start_on.year)
        if not re.fullmatch(r"(19|20)\d\d", text_):
            raise RowProblem(f"年度无效：{text_!r} / invalid year", "funders")
        return text_

    @staticmethod
    def _amount(raw: Any) -> float:
        try:
            value = float(str(raw).replace(",", "").strip())
        except ValueError as exc:
            raise RowProblem(f"金额不是数字：{raw!r} / amount is not a number", "funders") from exc
        if not 0 <= value <= 1e7:
            raise RowProblem(f"金额超出范围：{raw!r} / amount out of range", "funders")
        return value

    def apply(self, record: Record) -> str:
        v = record.values
        code = self.key_of(record)
        call = self._call(v)
        programme = self.by_id.get(call.programme_id) or self.session.get(Programme, call.programme_id)
        assert programme is not None
        lead = self.org(text(v, "lead_org", required=True), "lead_org")
        partners = [self.org(ref, "partners") for ref in items(v, "partners")]
        start_on, end_on = day(v, "start_on"), day(v, "end_on", year_end=True)
        if start_on and end_on and end_on < start_on:
            raise RowProblem("结束日期早于开始日期 / the end date precedes the start", "end_on")
        funders = self._funders(v, start_on)
        for prov in funders or {}:
            if prov not in programme.owners:
                raise RowProblem(f"{prov} 不是计划 {programme.code} 的主管方，不能出资 / not an owner of the "
                                 "programme, so not a funder", "funders")
        budget = number(v, "budget", lo=0, hi=1e7)
        if funders and budget is not None and abs(budget - sum(sum(y.values()) for y in funders.values())) > 0.005:
            raise RowProblem("经费与各出资方金额之和不符 / the budget differs from the sum of the funders' amounts",
                             "budget")
        status = text(v, "status")
        if status and status.lower() not in STATUS_LABELS:
            raise RowProblem(f"状态无效：{status!r} / invalid status (draft, approved, contracted, midterm_passed, "
                             "accepted, terminated)", "status")
        fields: dict[str, Any] = {"title": text(v, "title", required=True, max_len=300)}
        for key, limit in (("summary", 20_000), ("discipline", 100)):
            if key in v:
                fields[key] = text(v, key, max_len=limit)
        if "keywords" in v:
            fields["keywords"] = items(v, "keywords")[:20]
        if "start_on" in v:
            fields["start_on"] = start_on
        if "end_on" in v:
            fields["end_on"] = end_on
        if budget is not None or "budget" in v:
            fields["requested_budget_wan"] = float(budget or 0)
        if funders:
            fields["requested_budget_wan"] = sum(sum(y.values()) for y in funders.values())
        authorize(self.actor, "programme.manage", Target(provinces=tuple(programme.owners)))
        existing = self.projects.get(code)
        participants = [(lead, "lead")]
        for partner in partners:  # two names (or a name and an alias) of one organisation count once
            if all(partner.id != o.id for o, _ in participants):
                participants.append((partner, "partner"))
        if existing is None:
            plan = _Plan(record.line, code, call, fields, participants, funders or {},
                         STATUS_LABELS[status.lower()] if status else "contracted")
            outcome = "created"
        else:
            if existing.call_id != call.id:
                raise RowProblem("项目已属于另一申报指南/计划 / the project belongs to another call", "call")
            if status and STATUS_LABELS[status.lower()] != existing.status:
                raise RowProblem(f"项目状态为 {existing.status}，状态须通过项目流程变更 / the project is "
                                 f"{existing.status}: change status through its lifecycle", "status")
            fields["lead_org_id"] = lead.id
            changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            same_people = [(o.id, role) for o, role in participants] == [(p.org_id, p.role)
                                                                          for p in existing.participants]
            same_money = funders is None or funders == {
                f.province_code: {str(y): float(a) for y, a in f.yearly.items()} for f in existing.funders}
            if not changed and same_people and same_money:
                return "unchanged"
            plan = _Plan(record.line, code, call, changed, participants, None if same_money else funders,
                         project=existing, replace_people=not same_people)
            outcome = "updated"
        if self.staged:
            self.plans.append(plan)
        else:
            self._write([plan])
        return outcome

    def write_staged(self) -> None:
        self._write(self.plans)

    def _write(self, plans: list[_Plan]) -> None:
        """Write checked rows in bulk: the updates' replaced participants and funders are deleted first (the unit
        of work inserts before it deletes, and (project, org) is unique), then one flush inserts everything; one
        batch of audit events in line order follows."""
        updates = [p for p in plans if p.project is not None]
        befores: dict[int, dict[str, Any]] = {}
        kept: dict[int, dict[str, tuple[str, str | None, Any, str]]] = {}
        for plan in updates:
            project = plan.project
            assert project is not None
            befores[plan.line] = service.snapshot(project)
            for key, value in plan.fields.items():
                setattr(project, key, value)
            if plan.replace_people:
                project.participants = []
            if plan.funders is not None:
                kept[plan.line] = {f.province_code: (f.decision, f.decided_by, f.decided_at, f.reason)
                                   for f in project.funders}
                project.funders = []
        if any(p.replace_people or p.funders is not None for p in updates):
            self.session.flush()
        for plan in plans:
            if plan.project is None:
                plan.project = self._new(plan)
                self.session.add(plan.project)
                continue
            project = plan.project
            if plan.replace_people:
                project.participants = [Participant(org_id=o.id, role=role, province_code=o.province_code)
                                        for o, role in plan.participants]
            if plan.funders is not None:
                for prov, yearly in plan.funders.items():
                    decision, by, at, reason = kept[plan.line].get(prov, ("pending", None, None, ""))
                    project.funders.append(Funding(province_code=prov, amount_wan=sum(yearly.values()),
                                                   yearly=yearly, decision=decision, decided_by=by, decided_at=at,
                                                   reason=reason))
                project.requested_budget_wan = sum(sum(y.values()) for y in plan.funders.values())
        self.session.flush()
        changes = []
        for plan in sorted(plans, key=lambda p: p.line):
            assert plan.project is not None
            self.projects[plan.code] = plan.project
            before = befores.get(plan.line)
            changes.append(audit.Change("project.import" if before is None else "project.import_update", "project",
                                        plan.project.id, before=before, after=service.snapshot(plan.project)))
        audit.record_many(self.session, self.actor, changes)

    def _new(self, plan: _Plan) -> Project:
        lead = plan.participants[0][0]
        status = plan.status
        project = Project(call_id=plan.call.id, code=plan.code, lead_org_id=lead.id, status=status,
                          created_by=self.actor.username, **plan.fields)
        project.participants = [Participant(org_id=o.id, role=role, province_code=o.province_code)
                                for o, role in plan.participants]
        decided = status not in ("draft",)
        for prov, yearly in (plan.funders or {}).items():
            project.funders.append(Funding(province_code=prov, amount_wan=sum(yearly.values()), yearly=yearly,
                                           decision="approved" if decided else "pending",
                                           decided_by=self.actor.username if decided else None,
                                           decided_at=utcnow() if decided else None,
                                           reason="批量导入 / bulk import" if decided else ""))
        if plan.funders:
            project.requested_budget_wan = sum(f.amount_wan for f in project.funders)
        if status != "draft":
            project.transitions.append(Transition(from_status="draft", to_status=status, actor=self.actor.username,
                                                  reason="批量导入 / bulk import"))
        return project


def template(columns: Columns, example: list[Any]) -> bytes:
    """An XLSX to fill in: the Chinese headers and one example row (delete it before importing)."""
    return xlsx_bytes([aliases[0] for aliases in columns.values()], [example], sheet="导入模板")


EXAMPLES: dict[str, tuple[Columns, list[Any]]] = {
    "programmes": (PROGRAMME_COLUMNS, ["JS-KJ-2026", "江苏省重点研发计划", "Jiangsu key R&D", "示例", "江苏"]),
    "projects": (PROJECT_COLUMNS, ["JS-2026-001", "示例项目", "JS-KJ-2026", "", "某某研究院", "某某大学",
                                   "江苏: 2026=300, 2027=200", "500", "", "集成电路; 封装", "电子信息", "2026-01-01",
                                   "2027-12-31", "在研"]),
}
