"""Bulk import of S&T reports and achievements (CSV in UTF-8/BOM/GBK, XLSX, JSON) on the one import engine
(`yrdhub.imports`): a column table, and each row turned into the module's schema and passed to its service —
the same create and update functions, with the same checks and policy, as a single write.

Natural keys: a report's number; an achievement's kind and identifier (or kind, title and year without one) —
both unique in the database. A row for an existing record updates it through the update service (a draft only;
an unchanged row writes nothing). A report row may ask for a state (状态: 草稿, 已提交, 已收录): the moves are
made as the single moves would be, so asking for an accepted report needs the right to accept it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from yrdhub.errors import DomainError
from yrdhub.imports import Column, Importer, Outcome, Row, choice, day, integer, items, template, text
from yrdhub.outputs import achievements, service
from yrdhub.outputs.models import Achievement, Report
from yrdhub.outputs.schemas import (
    AchievementCreate,
    AchievementUpdate,
    ReportCreate,
    ReportKey,
    ReportUpdate,
)
from yrdhub.programmes.models import Project
from yrdhub.regions import orgs
from yrdhub.tabular import xlsx_bytes

TYPES = {"最终报告": "final", "结题报告": "final", "验收报告": "final", "年度报告": "annual", "进展报告": "annual",
         "专题报告": "topical"}
OPENNESS = {"公开": "public", "延期公开": "delayed", "限制": "restricted", "限制公开": "restricted"}
STATUSES = {"草稿": "draft", "已提交": "submitted", "提交": "submitted", "已收录": "accepted", "收录": "accepted"}
KINDS = {"论文": "paper", "专利": "patent", "标准": "standard", "软件": "software", "软件著作权": "software",
         "产品": "product", "新产品": "product", "品种": "variety", "新品种": "variety"}
TRANSFERS = {"未转化": "none", "许可": "licensed", "已许可": "licensed", "转让": "transferred",
             "已转让": "transferred"}


class _Lookups(Importer):
    """Organisations and projects named in a file, by name, alias, USCC, id or project code."""

    def org(self, value: str, field: str) -> int:
        org = orgs.resolve(self.session, value)
        if org is None:
            raise DomainError("output.no_org", field=field, org=value)
        return org.id

    def project(self, row: Row, values: dict[str, Any]) -> None:
        if not row.has("project"):
            return
        code = row.values["project"]
        if not code:
            values["project_id"] = None
            return
        found = self.session.execute(select(Project.id).where(Project.code == code)).scalar_one_or_none()
        if found is None:
            raise DomainError("output.no_project", field="project", project=code)
        values["project_id"] = found


class ReportImporter(_Lookups):
    action = "output.import"
    columns = (
        Column("number", ("报告编号", "编号"), text(80), required=True),
        Column("title", ("报告名称", "题名", "标题", "名称"), required=True),
        Column("type", ("报告类型", "类型"), choice(TYPES), required=True),
        Column("org", ("提交单位", "单位", "完成单位"), required=True),
        Column("openness", ("公开类别", "密级", "公开方式"), choice(OPENNESS), required=True),
        Column("year", ("年份", "年度"), integer(), required=True),
        Column("embargo_until", ("解密日期", "延期至", "公开日期"), day()),
        Column("abstract", ("摘要",)),
        Column("full_text", ("全文", "正文")),
        Column("authors", ("作者", "编写人"), items()),
        Column("keywords", ("关键词",), items()),
        Column("project", ("项目编号", "所属项目")),
        Column("status", ("状态", "收录状态"), choice(STATUSES)),
    )
    FIELDS = ("title", "type", "openness", "year", "embargo_until", "abstract", "full_text", "authors", "keywords")

    def key(self, row: Row) -> str:
        return str(row.values["number"]).strip().upper()

    def apply(self, row: Row) -> Outcome:
        number = ReportKey(number=row.values["number"]).number
        values: dict[str, Any] = {k: row.values[k] for k in self.FIELDS if row.has(k)}
        values["org_id"] = self.org(row.values["org"], "org")
        if not row.has("embargo_until") and values.get("openness") != "delayed":
            values["embargo_until"] = None
        self.project(row, values)
        status = row.values.get("status") or None
        found = self.session.execute(select(Report).where(Report.number == number)).scalar_one_or_none()
        if found is None:
            service.create_report(self.session, actor=self.actor,
                                  data=ReportCreate(number=number, status=status or "draft", **values))
            return "created"
        changed = service.update_report(self.session, actor=self.actor, report=found, data=ReportUpdate(**values))
        if status:
            changed = service.advance_to(self.session, actor=self.actor, report=found, status=status) or changed
        return "updated" if changed else "unchanged"


class AchievementImporter(_Lookups):
    action = "output.import"
    columns = (
        Column("kind", ("成果类型", "类型"), choice(KINDS), required=True),
        Column("title", ("成果名称", "名称", "题名"), required=True),
        Column("identifier", ("标识号", "编号", "专利号", "标准号", "DOI", "登记号")),
        Column("year", ("年份", "年度"), integer(), required=True),
        Column("applicants", ("完成单位", "申请人", "权利人"), items(), required=True),
        Column("trl", ("技术成熟度", "TRL"), integer()),
        Column("transfer_status", ("转化状态", "转化情况"), choice(TRANSFERS)),
        Column("project", ("项目编号", "所属项目")),
    )

    def key(self, row: Row) -> str:
        v = row.values
        return achievements.achievement_key(v["kind"], v.get("identifier") or "", v["title"], v["year"])

    def apply(self, row: Row) -> Outcome:
        values: dict[str, Any] = {k: row.values[k] for k in ("title", "year", "identifier", "trl")
                                  if row.has(k)}
        if row.has("transfer_status"):
            values["transfer_status"] = row.values["transfer_status"] or "none"
        values["applicant_org_ids"] = [self.org(name, "applicants") for name in row.values["applicants"]]
        self.project(row, values)
        key = self.key(row)
        found = self.session.execute(select(Achievement).where(Achievement.natural_key == key)).scalar_one_or_none()
        if found is None:
            achievements.create_achievement(self.session, actor=self.actor,
                                            data=AchievementCreate(kind=row.values["kind"], **values))
            return "created"
        changed = achievements.update_achievement(self.session, actor=self.actor, achievement=found,
                                                  data=AchievementUpdate(**values))
        return "updated" if changed else "unchanged"


IMPORTERS: dict[str, type[Importer]] = {"reports": ReportImporter, "achievements": AchievementImporter}
EXAMPLES: dict[str, list[Any]] = {
    "reports": ["JS-2026-0001", "示例报告", "最终报告", "某某研究院", "公开", 2026, "", "摘要", "", "张三; 李四",
                "集成电路; 封装", "JS-2026-001", "草稿"],
    "achievements": ["专利", "一种示例装置", "CN2026100000001", 2026, "某某研究院; 某某大学", 6, "未转化",
                     "JS-2026-001"],
}


def templates() -> dict[str, bytes]:
    """An XLSX per kind with the Chinese headers and one example row."""
    out = {}
    for name, importer in IMPORTERS.items():
        header, rows = template(importer.columns, EXAMPLES[name])
        out[name] = xlsx_bytes(header, rows, sheet=name)
    return out
