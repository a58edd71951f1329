"""Organisation registry: create, update, merge (old identifiers keep resolving), list with keyset pages."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.db import utcnow
from yrdhub.regions import service as regions
from yrdhub.regions import uscc as uscc_rules
from yrdhub.regions.models import ORG_TYPES, OrgAlias, Organisation

TYPE_LABELS = {"university": ("高校", "University"), "institute": ("科研院所", "Research institute"),
               "enterprise": ("企业", "Enterprise"), "lab": ("实验室", "Laboratory"),
               "hospital": ("医院", "Hospital"), "government": ("政府机构", "Government body"),
               "other": ("其他", "Other")}
TYPE_BY_LABEL = {label.lower(): code for code, labels in TYPE_LABELS.items() for label in (code, *labels)}


class OrgError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class OrgInput:
    name: str
    type: str
    uscc: str | None = None
    region: str | None = None  # code or name; derived from the address when absent
    address: str = ""
    name_en: str = ""
    aliases: list[str] = field(default_factory=list)
    parent_id: int | None = None


def snapshot(org: Organisation) -> dict[str, Any]:
    return {"name": org.name, "name_en": org.name_en, "type": org.type, "uscc": org.uscc,
            "region_code": org.region_code, "address": org.address, "parent_id": org.parent_id,
            "aliases": sorted(a.alias for a in org.aliases), "merged_into_id": org.merged_into_id}


def ancestors(session: Session, org: Organisation) -> tuple[int, ...]:
    ids, seen, current = [org.id], {org.id}, org
    while current.parent_id is not None and current.parent_id not in seen:
        ids.append(current.parent_id)
        seen.add(current.parent_id)
        parent = session.get(Organisation, current.parent_id)
        if parent is None:
            break
        current = parent
    return tuple(ids)


def target_of(session: Session, org: Organisation) -> Target:
    return Target(province=org.province_code, org_ids=ancestors(session, org))


def validate(session: Session, data: OrgInput, *, current_id: int | None = None) -> dict[str, Any]:
    """Check an input and resolve it to column values; raises OrgError with every problem found."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "名称不能为空 / name is required"
    elif len(name) > 200:
        errors["name"] = "名称过长（最多 200 字）/ name too long (max 200)"
    org_type = TYPE_BY_LABEL.get(data.type.strip().lower())
    if org_type is None:
        choices = "、".join(v[0] for v in TYPE_LABELS.values())
        errors["type"] = f"类型无效：{data.type}（可选 {choices}）/ invalid type"
    code = uscc_rules.normalise(data.uscc) if data.uscc else None
    if code:
        reason = uscc_rules.problem(code)
        if reason:
            errors["uscc"] = reason
        else:
            holder = session.execute(select(Organisation).where(Organisation.uscc == code)).scalar_one_or_none()
            if holder is not None and holder.id != current_id:
                errors["uscc"] = (f"统一社会信用代码已被机构 {holder.id}（{holder.name}）使用 / "
                                  f"already used by {holder.id}")
    region = None
    if data.region and data.region.strip():
        region = regions.find(session, data.region)
        if region is None:
            errors["region"] = f"未知地区：{data.region} / unknown region"
    elif data.address.strip():
        region = regions.from_address(session, data.address)
    if data.parent_id is not None:
        parent = session.get(Organisation, data.parent_id)
        if parent is None:
            errors["parent_id"] = f"上级机构不存在：{data.parent_id} / parent not found"
        elif current_id is not None and current_id in ancestors(session, parent):
            errors["parent_id"] = "上级机构会形成循环 / parent would create a cycle"
    if errors:
        raise OrgError(errors)
    aliases = sorted({a.strip() for a in data.aliases if a.strip() and a.strip() != name})
    return dict(name=name, name_en=data.name_en.strip(), type=org_type, uscc=code,
                region_code=region.code if region else None,
                province_code=regions.province_of(session, region.code) if region else None,
                address=data.address.strip(), parent_id=data.parent_id, aliases=aliases)


def create(session: Session, *, actor: Actor, data: OrgInput) -> Organisation:
    values = validate(session, data)
    authorize(actor, "org.create", Target(province=values["province_code"]))
    aliases = values.pop("aliases")
    org = Organisation(**values, aliases=[OrgAlias(alias=a) for a in aliases])
    session.add(org)
    session.flush()
    audit.record(session, actor, "org.create", "organisation", org.id, after=snapshot(org))
    return org


def apply(org: Organisation, values: dict[str, Any]) -> bool:
    """Set column values and aliases; True when anything changed."""
    aliases = values.pop("aliases", None)
    changed = False
    for key, value in values.items():
        if getattr(org, key) != value:
            setattr(org, key, value)
            changed = True
    if aliases is not None and sorted(a.alias for a in org.aliases) != aliases:
        org.aliases = [OrgAlias(alias=a) for a in aliases]
        changed = True
    if changed:
        org.updated_at = utcnow()
    return changed


def update_org(session: Session, *, actor: Actor, org_id: int, data: OrgInput) -> Organisation:
    org = get(session, org_id)
    if org is None or org.merged_into_id is not None:
        raise LookupError(org_id)
    authorize(actor, "org.update", target_of(session, org))
    values = validate(session, data, current_id=org.id)
    # Moving an organisation to another province needs the right to that province too.
    authorize(actor, "org.update", Target(province=values["province_code"], org_ids=ancestors(session, org)))
    before = snapshot(org)
    if apply(org, values):
        session.flush()
        audit.record(session, actor, "org.update", "organisation", org.id, before=before, after=snapshot(org))
    return org


def merge(session: Session, *, actor: Actor, source_id: int, target_id: int) -> Organisation:
    """Merge `source` into `target`: its name becomes an alias, children move, and its id and USCC still
    resolve (to the target) through `resolve`."""
    if source_id == target_id:
        raise OrgError({"target_id": "不能与自身合并 / cannot merge into itself"})
    source, target = get(session, source_id), get(session, target_id)
    if source is None or target is None or source.merged_into_id or target.merged_into_id:
        raise LookupError(f"{source_id} or {target_id}")
    authorize(actor, "org.merge", Target(province=target.province_code, other_province=source.province_code))
    if source.id in ancestors(session, target):
        raise OrgError({"target_id": "不能合并到下级机构 / cannot merge into a descendant"})
    before_s, before_t = snapshot(source), snapshot(target)
    names = {a.alias for a in target.aliases} | {target.name}
    for alias in [source.name, *(a.alias for a in source.aliases)]:
        if alias not in names:
            target.aliases.append(OrgAlias(alias=alias))
            names.add(alias)
    session.execute(update(Organisation).where(Organisation.parent_id == source.id).values(parent_id=target.id))
    source.merged_into_id = target.id
    source.updated_at = target.updated_at = utcnow()
    session.flush()
    session.refresh(target)
    audit.record(session, actor, "org.merge", "organisation", source.id, before=before_s, after=snapshot(source),
                 note=f"merged into {target.id}")
    audit.record(session, actor, "org.merge", "organisation", target.id, before=before_t, after=snapshot(target),
                 note=f"absorbed {source.id}")
    return target


def get(session: Session, org_id: int) -> Organisation | None:
    stmt = select(Organisation).where(Organisation.id == org_id).options(selectinload(Organisation.aliases))
    return session.execute(stmt).scalar_one_or_none()


def resolve(session: Session, identifier: str | int) -> Organisation | None:
    """Find the current record for an id, a USCC, a name or an alias, following merges."""
    org: Organisation | None = None
    text = str(identifier).strip()
    if text.isdigit() and len(text) < 18:
        org = get(session, int(text))
    elif len(text) == 18:
        org = session.execute(select(Organisation).where(Organisation.uscc == text.upper())).scalar_one_or_none()
    if org is None and text:
        org = session.execute(select(Organisation).where(Organisation.name == text, Organisation.merged_into_id
                                                         .is_(None))).scalars().first()
        if org is None:
            org = session.execute(select(Organisation).join(OrgAlias).where(OrgAlias.alias == text)
                                  .where(Organisation.merged_into_id.is_(None))).scalars().first()
    seen: set[int] = set()
    while org is not None and org.merged_into_id is not None and org.id not in seen:
        seen.add(org.id)
        org = get(session, org.merged_into_id)
    return org


@dataclass(frozen=True)
class OrgFilter:
    q: str = ""
    type: str = ""
    province: str = ""
    region: str = ""
    include_merged: bool = False


def _filtered(flt: OrgFilter) -> Any:
    stmt = select(Organisation)
    if not flt.include_merged:
        stmt = stmt.where(Organisation.merged_into_id.is_(None))
    if flt.type:
        stmt = stmt.where(Organisation.type == flt.type)
    if flt.province:
        stmt = stmt.where(Organisation.province_code == flt.province)
    if flt.region:
        stmt = stmt.where(Organisation.region_code == flt.region)
    if flt.q:
        like = f"%{flt.q}%"
        alias_match = select(OrgAlias.organisation_id).where(OrgAlias.alias.like(like))
        stmt = stmt.where(or_(Organisation.name.like(like), Organisation.name_en.ilike(like),
                              Organisation.uscc == flt.q.upper(), Organisation.id.in_(alias_match)))
    return stmt


def encode_cursor(org: Organisation) -> str:
    return base64.urlsafe_b64encode(json.dumps([org.name, org.id], ensure_ascii=False).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        name, org_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(name), int(org_id)
    except (ValueError, TypeError) as exc:
        raise OrgError({"cursor": "分页游标无效 / invalid cursor"}) from exc


def page(session: Session, flt: OrgFilter, *, after: str | None = None, limit: int = 50
         ) -> tuple[list[Organisation], str | None]:
    """One keyset page ordered by (name, id), and the cursor of the next page (None at the end)."""
    stmt = _filtered(flt).options(selectinload(Organisation.aliases)).order_by(Organisation.name, Organisation.id)
    if after:
        name, org_id = decode_cursor(after)
        stmt = stmt.where(or_(Organisation.name > name, and_(Organisation.name == name, Organisation.id > org_id)))
    rows = list(session.execute(stmt.limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more and rows else None


def iterate(session: Session, flt: OrgFilter) -> Any:
    """Every matching organisation (for export), streamed."""
    stmt = _filtered(flt).options(selectinload(Organisation.aliases)).order_by(Organisation.name, Organisation.id)
    return session.execute(stmt.execution_options(yield_per=1000)).scalars()


def history(session: Session, org_id: int) -> list[Any]:
    from yrdhub.accounts.models import AuditEvent

    stmt = (select(AuditEvent).where(AuditEvent.object_type == "organisation", AuditEvent.object_id == str(org_id))
            .order_by(AuditEvent.seq))
    return list(session.execute(stmt).scalars())


def children(session: Session, org_id: int) -> list[Organisation]:
    stmt = (select(Organisation).where(Organisation.parent_id == org_id, Organisation.merged_into_id.is_(None))
            .order_by(Organisation.name))
    return list(session.execute(stmt).scalars())


def merged_sources(session: Session, org_id: int) -> list[Organisation]:
    return list(session.execute(select(Organisation).where(Organisation.merged_into_id == org_id)).scalars())


__all__ = ["ORG_TYPES", "OrgError", "OrgFilter", "OrgInput", "create", "get", "merge", "page", "resolve",
           "update_org"]
