"""Bulk import of organisations (CSV in UTF-8/BOM/GBK, XLSX, JSON) through the import engine.

A row matches an existing record by credit code, else by exact name; it then goes through `orgs.update` —
authorised against that record (and the province it would move to), exactly as a single update — or through
`orgs.create`. Columns the file does not have keep their values; an empty credit-code cell keeps the code. A
parent may be named by id, credit code, name or alias, also of a row further down the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from yrdhub.imports import Column, Importer, Outcome, Row, RowError, items, text
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation
from yrdhub.regions.schemas import OrgCreate, OrgUpdate

COLUMNS = (
    Column("name", ("名称", "机构名称", "单位名称"), required=True),
    Column("type", ("类型", "机构类型"), required=True),
    Column("uscc", ("统一社会信用代码", "信用代码")),
    Column("region", ("地区", "所在地区", "行政区划")),
    Column("address", ("地址", "通讯地址")),
    Column("aliases", ("别名", "曾用名"), parse=items()),
    Column("name_en", ("英文名称", "English name")),
    Column("parent", ("上级机构", "上级单位"), parse=text(200)),
)


class OrgImporter(Importer):
    action = "org.import"
    columns = COLUMNS

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.later_parents: list[tuple[Row, int, str]] = []  # (row, organisation id, parent as written)

    def key(self, row: Row) -> str:
        code = str(row.values.get("uscc") or "").strip().upper()
        return f"uscc:{code}" if code else f"name:{row.values['name']}"

    def _existing(self, row: Row) -> Organisation | None:
        code = str(row.values.get("uscc") or "").strip().upper()
        if code:  # a row with a credit code is that code's record, or a new one
            return self.session.execute(select(Organisation).where(Organisation.uscc == code)).scalar_one_or_none()
        stmt = select(Organisation).where(Organisation.name == row.values["name"], Organisation.merged_into_id
                                          .is_(None)).order_by(Organisation.uscc.is_not(None), Organisation.id)
        return self.session.execute(stmt).scalars().first()

    def apply(self, row: Row) -> Outcome:
        values = {k: v for k, v in row.values.items() if k != "parent"}
        parent_ref = row.values.get("parent", "")
        parent = orgs.resolve(self.session, parent_ref) if parent_ref else None
        existing = self._existing(row)
        if existing is None:
            org = orgs.create(self.session, actor=self.actor,
                              data=OrgCreate(**values, parent_id=parent.id if parent else None))
            outcome: Outcome = "created"
        else:
            current = {"name": existing.name, "type": existing.type, "uscc": existing.uscc,
                       "region": existing.region_code, "address": existing.address, "name_en": existing.name_en,
                       "aliases": [a.alias for a in existing.aliases], "parent_id": existing.parent_id}
            if not values.get("uscc"):
                values.pop("uscc", None)
            if "region" not in values and "address" in values and values["address"] != existing.address:
                current["region"] = None  # a new address without a region: the region follows the address
            data = OrgUpdate(**(current | values | ({"parent_id": parent.id} if parent else {})))
            changed = orgs.update(self.session, actor=self.actor, org=existing, data=data)
            org, outcome = existing, ("updated" if changed else "unchanged")
        if parent_ref and parent is None:
            self.later_parents.append((row, org.id, parent_ref))
        return outcome

    def finish(self) -> Sequence[RowError]:
        """Parents named by rows further down the file, now that every row is in."""
        problems: list[RowError] = []
        for row, org_id, ref in self.later_parents:
            org, parent = self.session.get(Organisation, org_id), orgs.resolve(self.session, ref)
            if parent is None or org is None:
                problems.append(RowError(row.line, row.titles.get("parent"), "org.parent_ref", {"parent": ref}))
                continue
            data = OrgUpdate(name=org.name, type=org.type, uscc=org.uscc, region=org.region_code,
                             address=org.address, name_en=org.name_en, aliases=[a.alias for a in org.aliases],
                             parent_id=parent.id)
            orgs.update(self.session, actor=self.actor, org=org, data=data)
        return problems


TEMPLATE_EXAMPLE = ["示例研究院", "科研院所", "", "南京", "南京市玄武区示例路 1 号", "示例院", "Example Institute", ""]
