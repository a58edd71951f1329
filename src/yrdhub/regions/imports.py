"""Bulk import of organisations from CSV (UTF-8, BOM, GBK) or XLSX.

Atomic: every row is checked first; if any row is bad, nothing is written and every bad row is reported with
its line and reason. Idempotent: a row matches an existing record by USCC, else by exact name; an unchanged
row writes nothing, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, can
from yrdhub.regions import orgs
from yrdhub.regions import service as regions
from yrdhub.regions import uscc as uscc_rules
from yrdhub.regions.models import OrgAlias, Organisation, Region
from yrdhub.tabular import TableError, read_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "名称", "机构名称", "单位名称"),
    "type": ("type", "类型", "机构类型"),
    "uscc": ("uscc", "统一社会信用代码", "信用代码"),
    "region": ("region", "地区", "所在地区", "行政区划"),
    "address": ("address", "地址", "通讯地址"),
    "aliases": ("aliases", "别名", "曾用名"),
    "name_en": ("name_en", "英文名称", "english name"),
    "parent": ("parent", "上级机构", "上级单位"),
}
REQUIRED = ("name", "type")
ALIAS_SPLIT = re.compile(r"[;；|、]")
MAX_ROWS = 200_000


@dataclass
class RowError:
    line: int
    reason: str
    field: str | None = None


@dataclass
class ImportReport:
    filename: str
    fmt: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors


def _map_header(header: list[str]) -> dict[str, int]:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    mapping: dict[str, int] = {}
    unknown = []
    for i, title in enumerate(header):
        key = lookup.get(title.strip().lower().lstrip("\ufeff"))
        if key is None:
            unknown.append(title)
        elif key in mapping:
            raise TableError(f"列重复：{title} / duplicate column: {title}")
        else:
            mapping[key] = i
    missing = [k for k in REQUIRED if k not in mapping]
    if missing or unknown:
        expected = "、".join(f"{v[1]}({v[0]})" for v in COLUMNS.values())
        parts = []
        if missing:
            parts.append(f"缺少必需列 missing required columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"无法识别的列 unknown columns: {', '.join(unknown)}")
        raise TableError("; ".join(parts) + f"。可用列 accepted columns: {expected}")
    return mapping


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    parent_ref: str
    key: str


def import_organisations(session: Session, *, actor: Actor, data: bytes, filename: str,
                         progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Validate the whole file, then write all rows or none. Never commits (the caller does)."""
    report = ImportReport(filename=filename)
    try:
        authorize(actor, "org.import")
        header, body, report.fmt = read_rows(data, filename)
        mapping = _map_header(header)
    except TableError as exc:
        report.file_error = str(exc)
        return report
    report.rows = len(body)
    if len(body) > MAX_ROWS:
        report.file_error = f"行数过多（{len(body)}，上限 {MAX_ROWS}）/ too many rows"
        return report
    rows = _check_rows(session, actor, body, mapping, len(header), report)
    if report.errors:
        return report
    _write(session, actor, rows, report, progress)
    audit.record(session, actor, "org.import", "import", hashlib.sha256(data).hexdigest()[:16],
                 after={"filename": filename, "rows": report.rows, "created": report.created,
                        "updated": report.updated, "unchanged": report.unchanged})
    return report


def _cell(cells: list[str], mapping: dict[str, int], key: str) -> str:
    i = mapping.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _check_rows(session: Session, actor: Actor, body: list[tuple[int, list[str]]], mapping: dict[str, int],
                ncols: int, report: ImportReport) -> list[_Row]:
    region_cache: dict[str, Region | None] = {}
    addresses = sorted({_cell(c, mapping, "address") for _, c in body
                        if not _cell(c, mapping, "region") and _cell(c, mapping, "address")})
    address_region = regions.from_addresses(session, addresses)
    existing_uscc = {code for (code,) in session.execute(select(Organisation.uscc).where(
        Organisation.uscc.is_not(None)))}
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    for line, cells in body:
        def bad(reason: str, fld: str | None = None, line: int = line) -> None:
            report.errors.append(RowError(line, reason, fld))

        extra = [c for c in cells[ncols:] if c]
        if extra:
            bad(f"多出的单元格（表头只有 {ncols} 列）/ cells beyond the header: {extra[:3]}")
            continue
        name = _cell(cells, mapping, "name")
        type_text = _cell(cells, mapping, "type")
        code = uscc_rules.normalise(_cell(cells, mapping, "uscc")) or None
        if not name:
            bad("名称不能为空 / name is required", "name")
            continue
        if len(name) > 200:
            bad("名称过长（最多 200 字）/ name too long", "name")
            continue
        org_type = orgs.TYPE_BY_LABEL.get(type_text.lower())
        if org_type is None:
            bad(f"类型无效：{type_text!r} / invalid type (可选 {', '.join(orgs.TYPE_LABELS)})", "type")
            continue
        if code and (reason := uscc_rules.problem(code)):
            bad(reason, "uscc")
            continue
        key = f"uscc:{code}" if code else f"name:{name}"
        if key in seen:
            bad(f"与第 {seen[key]} 行重复 / duplicate of line {seen[key]}", "uscc" if code else "name")
            continue
        seen[key] = line
        region_text = _cell(cells, mapping, "region")
        address = _cell(cells, mapping, "address")
        if region_text:
            if region_text not in region_cache:
                region_cache[region_text] = regions.find(session, region_text)
            region = region_cache[region_text]
            if region is None:
                bad(f"未知地区：{region_text} / unknown region", "region")
                continue
        else:
            region = address_region.get(address)
        province = regions.province_of(session, region.code) if region else None
        action = "org.update" if (code and code in existing_uscc) else "org.create"
        allowed = can(actor, action, Target(province=province)) or can(actor, "org.create", Target(province=province))
        if not allowed:
            bad(f"无权在该地区登记机构 / not allowed to register organisations in {province or 'unknown region'}")
            continue
        aliases = sorted({a.strip() for a in ALIAS_SPLIT.split(_cell(cells, mapping, "aliases"))
                          if a.strip() and a.strip() != name})
        values = dict(name=name, name_en=_cell(cells, mapping, "name_en"), type=org_type, uscc=code,
                      region_code=region.code if region else None, province_code=province, address=address,
                      aliases=aliases)
        rows.append(_Row(line, values, _cell(cells, mapping, "parent"), key))
    _check_parents(session, rows, seen, report)
    return rows


def _check_parents(session: Session, rows: list[_Row], seen: dict[str, int], report: ImportReport) -> None:
    in_file = {r.values["name"] for r in rows} | {r.values["uscc"] for r in rows if r.values["uscc"]}
    for row in rows:
        ref = row.parent_ref
        if not ref or ref in in_file:
            continue
        if orgs.resolve(session, ref) is None:
            report.errors.append(RowError(row.line, f"上级机构不存在：{ref} / parent not found", "parent"))


def _write(session: Session, actor: Actor, rows: list[_Row], report: ImportReport,
           progress: Callable[[int, int], None] | None) -> None:
    stmt = (select(Organisation).where(Organisation.merged_into_id.is_(None))
            .options(selectinload(Organisation.aliases)))
    by_uscc: dict[str, Organisation] = {}
    by_name: dict[str, Organisation] = {}
    for org in session.execute(stmt).scalars():
        if org.uscc:
            by_uscc[org.uscc] = org
        by_name.setdefault(org.name, org)
    changes: list[audit.Change] = []
    created: list[tuple[Organisation, _Row]] = []
    resolved: dict[str, Organisation] = {}
    for i, row in enumerate(rows, start=1):
        values = dict(row.values)
        found = by_uscc.get(values["uscc"]) if values["uscc"] else by_name.get(values["name"])
        if found is None:
            aliases = values.pop("aliases")
            org = Organisation(**values, aliases=[OrgAlias(alias=a) for a in aliases])
            session.add(org)
            created.append((org, row))
            report.created += 1
        else:
            org = found
            before = orgs.snapshot(org)
            if orgs.apply(org, values):
                changes.append(audit.Change("org.update", "organisation", org.id, before=before))
                report.updated += 1
            else:
                report.unchanged += 1
        resolved[row.values["name"]] = org
        if row.values["uscc"]:
            resolved[row.values["uscc"]] = org
        if progress and i % 1000 == 0:
            progress(i, len(rows))
    session.flush()
    created_ids = {id(o) for o, _ in created}
    changed_ids = {int(c.object_id) for c in changes}
    for row in rows:  # parents may refer to rows created in this same file
        if not row.parent_ref:
            continue
        org = resolved[row.values["name"]] if not row.values["uscc"] else resolved[row.values["uscc"]]
        parent = resolved.get(row.parent_ref) or orgs.resolve(session, row.parent_ref)
        if parent is not None and org.parent_id != parent.id and parent.id != org.id:
            if id(org) not in created_ids and org.id not in changed_ids:
                changed_ids.add(org.id)
                changes.append(audit.Change("org.update", "organisation", org.id, before=orgs.snapshot(org)))
                report.updated += 1
                report.unchanged -= 1
            org.parent_id = parent.id
    session.flush()
    for change in changes:
        object.__setattr__(change, "after", orgs.snapshot(session.get(Organisation, int(change.object_id))))  # type: ignore[arg-type]
    changes.extend(audit.Change("org.create", "organisation", org.id, after=orgs.snapshot(org)) for org, _ in created)
    audit.record_many(session, actor, changes)
    if progress:
        progress(len(rows), len(rows))
