"""Bulk files of programmes and projects (CSV in UTF-8/BOM/GBK, XLSX, JSON) through the one import engine
(`yrdhub.imports`): a column table, and each row turned into the module's schema and handed to its service —
the importers never write a row themselves and never re-check a rule.

Programmes by code: a new one through `writes.create_programme` (each owner consents), an existing one through
`writes.update_programme` (its owners; checked even when unchanged). Projects by code: a new one is a project
decided outside the platform, recorded through `records.record_project` (the programme's owners, each funder's
decision by someone who may speak for that funder); an existing one through `records.update_from_record`, as
its single write would be (a draft: its applicant only; a decided share, the lead organisation and the status
never). Audit events and search documents of a file are written once, at its end (`finish`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from yrdhub import imports
from yrdhub.accounts.actor import Actor
from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.imports import Column, Importer, Outcome, Row, RowError
from yrdhub.programmes import records, writes
from yrdhub.programmes.common import Later
from yrdhub.programmes.models import IMPORT_CALL_SUFFIX, Call, Programme, Project
from yrdhub.programmes.schemas import CallCreate, ProgrammeCreate, ProgrammeUpdate, ProjectRecord
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions.models import Organisation
from yrdhub.tabular import xlsx_bytes

PROGRAMME_COLUMNS = (
    Column("code", ("计划编号", "编号", "代码", "计划代码"), required=True),
    Column("name", ("计划名称", "名称"), required=True),
    Column("owners", ("主管方", "主管地区", "出资方"), parse=imports.items(), required=True),
    Column("name_en", ("英文名称", "english name")),
    Column("description", ("简介", "说明", "描述")),
)
STATUS_LABELS = {"已立项": "approved", "立项": "approved", "已签约": "contracted", "执行中": "contracted",
                 "在研": "contracted", "中期通过": "midterm_passed", "已验收": "accepted", "验收通过": "accepted",
                 "结题": "accepted", "已终止": "terminated", "终止": "terminated", "未立项": "rejected",
                 "不予立项": "rejected", "approved": "approved", "contracted": "contracted",
                 "midterm_passed": "midterm_passed", "accepted": "accepted", "terminated": "terminated",
                 "rejected": "rejected"}
PROJECT_COLUMNS = (
    Column("code", ("项目编号", "编号", "项目代码"), required=True),
    Column("title", ("项目名称", "名称", "题目"), required=True),
    Column("programme", ("计划编号", "所属计划", "计划")),
    Column("call", ("指南编号", "申报指南", "指南")),
    Column("lead_org_id", ("牵头单位", "承担单位", "项目牵头单位", "lead_org"), required=True),
    Column("partner_org_ids", ("参与单位", "合作单位", "partners"), parse=imports.items()),
    Column("funders", ("出资方", "经费来源", "资助方"), parse=lambda cell: cell),  # JSON objects stay objects
    Column("budget", ("经费", "总经费", "经费（万元）", "申请经费（万元）"), parse=imports.decimal()),
    Column("summary", ("摘要", "简介", "项目简介")),
    Column("keywords", ("关键词",), parse=imports.items()),
    Column("discipline", ("学科", "领域", "专项")),
    Column("start_on", ("开始日期", "起始日期", "立项年度", "开始"), parse=imports.day()),
    Column("end_on", ("结束日期", "截止日期", "结束"), parse=imports.day(year_end=True)),
    Column("status", ("状态", "项目状态"), parse=imports.choice(STATUS_LABELS)),
)
EXAMPLES: dict[str, tuple[tuple[Column, ...], list[Any]]] = {
    "programmes": (PROGRAMME_COLUMNS, ["JS-KJ-2026", "江苏省重点研发计划", "江苏", "Jiangsu key R&D", "示例"]),
    "projects": (PROJECT_COLUMNS, ["JS-2026-001", "示例项目", "JS-KJ-2026", "", "某某研究院", "某某大学",
                                   "江苏: 2026=300, 2027=200", "500", "", "集成电路; 封装", "电子信息", "2026-01-01",
                                   "2027-12-31", "在研"]),
}


class _Provinces:
    """A jurisdiction's code from its code or name (Chinese, short, English); anything else as written, so
    that the schema refuses it with its own code."""

    def __init__(self, session: Session) -> None:
        self.session, self.cache = session, dict[str, str]()

    def __call__(self, ref: Any) -> str:
        key = str(ref).strip()
        if key not in self.cache:
            region = regions.find(self.session, key)
            self.cache[key] = region.code if region is not None and region.level == "province" else key
        return self.cache[key]


class ProgrammeImporter(Importer):
    action = "programme.import"
    columns = PROGRAMME_COLUMNS

    def __init__(self, session: Session, actor: Actor, *, filename: str = "", dry_run: bool = False) -> None:
        super().__init__(session, actor)
        self.filename, self.dry_run = filename, dry_run
        self.province = _Provinces(session)
        self.by_code = {p.code: p for p in session.execute(select(Programme)).scalars()}

    def key(self, row: Row) -> str:
        return str(row.values["code"])

    def apply(self, row: Row) -> Outcome:
        code = str(row.values["code"])
        fields: dict[str, Any] = {k: row.values[k] for k in ("name", "name_en", "description") if k in row.values}
        fields["owners"] = [self.province(ref) for ref in row.values["owners"]]
        found = self.by_code.get(code)
        outcome: Outcome
        if found is None or not inspect(found).persistent:
            self.by_code[code] = writes.create_programme(self.session, actor=self.actor,
                                                         data=ProgrammeCreate(code=code, **fields))
            outcome = "created"
        else:
            changed = writes.update_programme(self.session, actor=self.actor, programme=found,
                                              data=ProgrammeUpdate(**fields))
            outcome = "updated" if changed else "unchanged"
        return outcome

    def finish(self) -> Sequence[RowError]:
        return ()  # the engine records the file's own audit event


class ProjectImporter(Importer):
    action = "programme.import"
    columns = PROJECT_COLUMNS

    def __init__(self, session: Session, actor: Actor, *, programme: str | None = None, call: str | None = None,
                 filename: str = "", dry_run: bool = False) -> None:
        super().__init__(session, actor)
        self.default_programme, self.default_call = programme, call
        self.filename, self.dry_run = filename, dry_run
        self.later = Later()
        self.province = _Provinces(session)
        self.org_cache: dict[str, Organisation | None] = {}
        self.programmes = {p.code: p for p in session.execute(select(Programme)).scalars()}
        self.calls = {c.code: c for c in session.execute(select(Call)).scalars()}
        self.call_by_id = {c.id: c for c in self.calls.values()}
        stmt = select(Project).options(selectinload(Project.participants), selectinload(Project.funders))
        self.projects = {p.code: p for p in session.execute(stmt).scalars()}

    def key(self, row: Row) -> str:
        return str(row.values["code"])

    def apply(self, row: Row) -> Outcome:
        v = row.values
        programme, call = self._where(v)
        fields: dict[str, Any] = {"code": v["code"], "title": v["title"],
                                  "lead_org_id": self._org(v["lead_org_id"], "lead_org_id").id}
        if "partner_org_ids" in v:
            fields["partner_org_ids"] = [self._org(ref, "partner_org_ids").id for ref in v["partner_org_ids"]]
        if "funders" in v:
            fields["funders"] = self._funders(v["funders"], v.get("start_on"))
        fields.update({k: v[k] for k in ("summary", "keywords", "discipline", "start_on", "end_on", "budget")
                       if k in v})
        if v.get("status"):
            fields["status"] = v["status"]
        data = ProjectRecord(**fields)
        existing = self.projects.get(data.code)
        outcome: Outcome
        if existing is None or not inspect(existing).persistent:
            self.projects[data.code] = records.record_project(
                self.session, actor=self.actor, call=call or self._placeholder(programme), data=data,
                later=self.later)
            outcome = "created"
        else:
            here = self.call_by_id.get(existing.call_id)
            if (call is not None and existing.call_id != call.id) or here is None \
                    or here.programme_id != programme.id:
                raise DomainError("project.other_call", field="call" if call is not None else "programme")
            changed = records.update_from_record(self.session, actor=self.actor, project=existing, data=data,
                                                 later=self.later)
            outcome = "updated" if changed else "unchanged"
        return outcome

    def finish(self) -> Sequence[RowError]:
        """The file's audit events (in line order, one batch) and search documents (the engine adds the file's
        own event)."""
        if not self.dry_run:
            self.later.run(self.session, self.actor)
        return ()

    def _where(self, v: dict[str, Any]) -> tuple[Programme, Call | None]:
        call_code = v.get("call") or self.default_call
        if call_code:
            call = self.calls.get(call_code)
            if call is None:
                raise DomainError("project_import.no_such_call", field="call", code=call_code)
            programme = next(p for p in self.programmes.values() if p.id == call.programme_id)
            return programme, call
        code = v.get("programme") or self.default_programme
        if not code:
            raise DomainError("project_import.no_programme", field="programme")
        found = self.programmes.get(code)
        if found is None:
            raise DomainError("project_import.no_such_programme", field="programme", code=code)
        return found, None

    def _placeholder(self, programme: Programme) -> Call:
        """The call that holds a programme's recorded projects (made again if the row that made it failed)."""
        code = programme.code[:40 - len(IMPORT_CALL_SUFFIX)] + IMPORT_CALL_SUFFIX
        found = self.calls.get(code)
        if found is None or not inspect(found).persistent:
            found = self.session.execute(select(Call).where(Call.code == code)).scalar_one_or_none()
        if found is None:
            opens = utcnow()
            found = writes.create_call(self.session, actor=self.actor, programme=programme, data=CallCreate(
                code=code, title=programme.name, opens_at=opens, deadline=opens + timedelta(seconds=1)))
        self.calls[code] = self.call_by_id[found.id] = found
        return found

    def _org(self, ref: Any, field: str) -> Organisation:
        key = str(ref).strip()
        if key not in self.org_cache:
            self.org_cache[key] = orgs.resolve(self.session, key) if key else None
        org = self.org_cache[key]
        if org is None:
            raise DomainError("project.no_such_org", field=field, org=key)
        return org

    def _funders(self, raw: Any, start_on: date | None) -> dict[str, dict[str, Any]]:
        """`上海: 2026=300, 2027=200; 江苏: 100` (a bare amount falls in the start year), or JSON
        {"310000": {"2026": 300}}; names become codes, the values go to the schema as written."""
        out: dict[str, dict[str, Any]] = {}
        if isinstance(raw, dict):
            for ref, amounts in raw.items():
                years = amounts if isinstance(amounts, dict) else {"": amounts}
                out[self.province(ref)] = {self._year(str(y), start_on): a for y, a in years.items()}
            return out
        for part in re.split(r"[;；\n]", imports.text()(raw)):
            if not part.strip():
                continue
            match = re.fullmatch(r"\s*([^:：=\s][^:：=]*?)\s*[:：]\s*(.+?)\s*", part)
            if not match:
                raise DomainError("project_import.funders_format", field="funders", value=part.strip())
            yearly = out.setdefault(self.province(match[1]), {})
            for pair in re.split(r"[,，\s]+", match[2].strip()):
                year, _, amount = pair.rpartition("=")
                year = self._year(year, start_on)
                yearly[year] = str(amount).replace(",", "") if year not in yearly else \
                    _sum(yearly[year], amount)
        return out

    @staticmethod
    def _year(raw: str, start_on: date | None) -> str:
        if raw.strip():
            return raw.strip()
        if start_on is None:
            raise DomainError("project_import.funder_year_missing", field="funders")
        return str(start_on.year)


def _sum(a: Any, b: Any) -> Any:
    try:
        return str(imports.decimal()(a) + imports.decimal()(b))
    except (DomainError, TypeError):
        return b  # the schema refuses what is not a number


Progress = Callable[[int, int], None] | None


def import_programmes(session: Session, *, actor: Actor, data: bytes, filename: str, dry_run: bool = False,
                      mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                      progress: Progress = None, max_rows: int = 200_000) -> imports.ImportReport:
    """Programmes by code: all rows or none, every bad row reported. Never commits."""
    return imports.run(session, partial(ProgrammeImporter, filename=filename, dry_run=dry_run), actor=actor,
                       data=data, filename=filename, dry_run=dry_run, mapping=mapping, ignore_unknown=ignore_unknown,
                       max_rows=max_rows, progress=progress)


def import_projects(session: Session, *, actor: Actor, data: bytes, filename: str, dry_run: bool = False,
                    mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                    programme: str | None = None, call: str | None = None, progress: Progress = None,
                    max_rows: int = 200_000) -> imports.ImportReport:
    """Projects by code with participants and each funder's yearly shares (万元); `programme` / `call` are the
    default for rows without those columns. All rows or none, every bad row reported. Never commits."""
    importer = partial(ProjectImporter, programme=programme, call=call, filename=filename, dry_run=dry_run)
    return imports.run(session, importer, actor=actor, data=data, filename=filename, dry_run=dry_run,
                       mapping=mapping, ignore_unknown=ignore_unknown, max_rows=max_rows, progress=progress)


def xlsx_template(kind: str) -> bytes:
    """An XLSX to fill in: the Chinese headers and one example row (delete it before importing)."""
    columns, example = EXAMPLES[kind]
    header, rows = imports.template(columns, example)
    return xlsx_bytes(header, rows, sheet="template")
