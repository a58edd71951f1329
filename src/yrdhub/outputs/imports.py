"""Bulk import of S&T reports and achievements from CSV (UTF-8, BOM, GBK), XLSX or JSON.

Same rules and the same engine as `programmes/imports.py`: atomic (any bad row: nothing written, every bad row
reported), idempotent (natural keys: the report number; an achievement's kind + identifier, or kind + title +
year when it has no identifier), every row through `service.create_*` / `service.update_*` and the policy
(`output.create`: the office or members of the submitting / applicant organisations).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.outputs import service
from yrdhub.outputs.models import Achievement, Report
from yrdhub.programmes.imports import (
    Columns,
    ImportReport,
    OrgLookup,
    Record,
    RowProblem,
    day,
    finish,
    items,
    number,
    run_rows,
    start,
    template,
    text,
)
from yrdhub.programmes.models import Project

__all__ = ["ImportReport", "import_achievements", "import_reports"]

REPORT_COLUMNS: Columns = {
    "number": ("报告编号", "编号"),
    "title": ("报告名称", "题名", "标题", "名称"),
    "type": ("报告类型", "类型"),
    "org": ("提交单位", "单位", "完成单位"),
    "openness": ("公开类别", "密级", "公开方式"),
    "year": ("年份", "年度"),
    "embargo_until": ("解密日期", "延期至", "公开日期"),
    "abstract": ("摘要",),
    "full_text": ("全文", "正文"),
    "authors": ("作者", "编写人"),
    "keywords": ("关键词",),
    "project": ("项目编号", "所属项目"),
}
TYPE_LABELS = {"final": "final", "最终报告": "final", "结题报告": "final", "验收报告": "final",
               "annual": "annual", "年度报告": "annual", "进展报告": "annual",
               "topical": "topical", "专题报告": "topical"}
OPENNESS_LABELS = {"public": "public", "公开": "public", "delayed": "delayed", "延期公开": "delayed",
                   "restricted": "restricted", "限制": "restricted", "限制公开": "restricted"}

ACHIEVEMENT_COLUMNS: Columns = {
    "kind": ("成果类型", "类型"),
    "title": ("成果名称", "名称", "题名"),
    "identifier": ("标识号", "编号", "专利号", "标准号", "DOI", "登记号"),
    "year": ("年份", "年度"),
    "applicants": ("完成单位", "申请人", "权利人"),
    "trl": ("技术成熟度", "TRL"),
    "transfer_status": ("转化状态", "转化情况"),
    "project": ("项目编号", "所属项目"),
}
KIND_LABELS = {"paper": "paper", "论文": "paper", "patent": "patent", "专利": "patent", "standard": "standard",
               "标准": "standard", "software": "software", "软件": "software", "软件著作权": "software",
               "product": "product", "产品": "product", "新产品": "product", "variety": "variety",
               "品种": "variety", "新品种": "variety"}
TRANSFER_LABELS = {"none": "none", "未转化": "none", "": "none", "licensed": "licensed", "许可": "licensed",
                   "已许可": "licensed", "transferred": "transferred", "转让": "transferred",
                   "已转让": "transferred"}


def _label(values: dict[str, Any], key: str, labels: dict[str, str], *, required: bool = False) -> str:
    raw = text(values, key, required=required)
    found = labels.get(raw.lower()) if raw or not required else None
    if found is None:
        choices = "、".join(sorted({k for k in labels if k and not k.isascii()}))
        raise RowProblem(f"{key} 无效：{raw!r}（可选 {choices}） / invalid {key}: {raw!r} "
                         f"({', '.join(sorted(set(labels.values())))})", key)
    return found


class _Projects:
    def __init__(self, session: Session) -> None:
        self.by_code = {code: pid for pid, code in session.execute(select(Project.id, Project.code))}

    def __call__(self, values: dict[str, Any]) -> int | None:
        code = text(values, "project")
        if not code:
            return None
        if code not in self.by_code:
            raise RowProblem(f"项目不存在：{code} / no such project", "project")
        return self.by_code[code]


def import_reports(session: Session, *, actor: Actor, data: bytes, filename: str, dry_run: bool = False,
                   mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Reports by number. Columns absent from the file leave an existing report's fields as they are."""
    report = ImportReport(filename=filename)
    records = start(report, actor, "output.import", data, filename, REPORT_COLUMNS,
                    ("number", "title", "type", "org", "openness", "year"), mapping, ignore_unknown)
    if records is None:
        return report
    org = OrgLookup(session)
    project = _Projects(session)
    existing = {r.number: r for r in session.execute(select(Report)).scalars()}

    def key_of(record: Record) -> str:
        return text(record.values, "number", required=True).upper()

    def apply(record: Record) -> str:
        v = record.values
        fields: dict[str, Any] = {
            "title": text(v, "title", required=True, max_len=500),
            "type": _label(v, "type", TYPE_LABELS, required=True),
            "org_id": org(text(v, "org", required=True), "org").id,
            "openness": _label(v, "openness", OPENNESS_LABELS, required=True),
            "year": number(v, "year", integer=True, lo=1949, hi=2100),
        }
        if fields["year"] is None:
            raise RowProblem("year 不能为空 / year is required", "year")
        for key, limit in (("abstract", 20_000), ("full_text", 5_000_000)):
            if key in v:
                fields[key] = text(v, key, max_len=limit)
        for key in ("authors", "keywords"):
            if key in v:
                fields[key] = items(v, key)
        if "embargo_until" in v or fields["openness"] != "delayed":
            fields["embargo_until"] = day(v, "embargo_until")
        if "project" in v:
            fields["project_id"] = project(v)
        found = existing.get(key_of(record))
        if found is None:
            existing[key_of(record)] = service.create_report(session, actor=actor, number=key_of(record), **fields)
            return "created"
        return "updated" if service.update_report(session, actor=actor, report=found, changes=fields) else \
            "unchanged"

    run_rows(session, report, records, key_of, apply, dry_run=dry_run, progress=progress)
    finish(session, actor, "output.import", report, data, dry_run)
    return report


def achievement_key(kind: str, identifier: str, title: str, year: int | None) -> str:
    return f"{kind}|id:{identifier.strip().upper()}" if identifier.strip() else f"{kind}|t:{title.strip()}|{year}"


def import_achievements(session: Session, *, actor: Actor, data: bytes, filename: str, dry_run: bool = False,
                        mapping: dict[str, str] | None = None, ignore_unknown: bool = False,
                        progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Achievements by kind + identifier, with every applicant organisation (and so its jurisdiction)."""
    report = ImportReport(filename=filename)
    records = start(report, actor, "output.import", data, filename, ACHIEVEMENT_COLUMNS,
                    ("kind", "title", "year", "applicants"), mapping, ignore_unknown)
    if records is None:
        return report
    org = OrgLookup(session)
    project = _Projects(session)
    existing = {achievement_key(a.kind, a.identifier, a.title, a.year): a
                for a in session.execute(select(Achievement)).scalars()}

    def key_of(record: Record) -> str:
        v = record.values
        year = number(v, "year", integer=True, lo=1949, hi=2100)
        return achievement_key(_label(v, "kind", KIND_LABELS, required=True), text(v, "identifier", max_len=120),
                               text(v, "title", required=True, max_len=500), int(year) if year is not None else None)

    def apply(record: Record) -> str:
        v = record.values
        year = number(v, "year", integer=True, lo=1949, hi=2100)
        if year is None:
            raise RowProblem("year 不能为空 / year is required", "year")
        applicants = [org(ref, "applicants").id for ref in items(v, "applicants")]
        if not applicants:
            raise RowProblem("至少一个完成单位 / at least one applicant", "applicants")
        fields: dict[str, Any] = {"title": text(v, "title", required=True, max_len=500), "year": int(year),
                                  "applicant_org_ids": applicants}
        if "identifier" in v:
            fields["identifier"] = text(v, "identifier", max_len=120)
        if "trl" in v:
            fields["trl"] = number(v, "trl", integer=True, lo=1, hi=9)
        if "transfer_status" in v:
            fields["transfer_status"] = _label(v, "transfer_status", TRANSFER_LABELS)
        if "project" in v:
            fields["project_id"] = project(v)
        key = key_of(record)
        found = existing.get(key)
        if found is None:
            existing[key] = service.create_achievement(session, actor=actor,
                                                       kind=_label(v, "kind", KIND_LABELS, required=True), **fields)
            return "created"
        return "updated" if service.update_achievement(session, actor=actor, achievement=found, changes=fields) \
            else "unchanged"

    run_rows(session, report, records, key_of, apply, dry_run=dry_run, progress=progress)
    finish(session, actor, "output.import", report, data, dry_run)
    return report


EXAMPLES: dict[str, tuple[Columns, list[Any]]] = {
    "reports": (REPORT_COLUMNS, ["JS-2026-0001", "示例报告", "最终报告", "某某研究院", "公开", 2026, "", "摘要",
                                 "", "张三; 李四", "集成电路; 封装", "JS-2026-001"]),
    "achievements": (ACHIEVEMENT_COLUMNS, ["专利", "一种示例装置", "CN2026100000001", 2026, "某某研究院; 某某大学",
                                           6, "未转化", "JS-2026-001"]),
}


def templates() -> dict[str, bytes]:
    return {name: template(cols, row) for name, (cols, row) in EXAMPLES.items()}
