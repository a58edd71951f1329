"""Organisation registry: create, update, merge (old identifiers keep resolving), read in keyset pages.

Writes take the one schema (`OrgCreate` / `OrgUpdate`, which hold every field rule) from the form, the API and
the import alike; the rules that need the database (a credit code's holder, the region, the parent) and the
policy live here, checked against the record a write changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import AuditEvent
from yrdhub.accounts.policy import Target, authorize, readable
from yrdhub.db import utcnow
from yrdhub.errors import Conflict, DomainError, FieldError, Invalid, NotFound
from yrdhub.keyset import Order, Page, paginate
from yrdhub.regions import service as regions
from yrdhub.regions.models import ORG_TYPES, OrgAlias, Organisation
from yrdhub.regions.schemas import OrgCreate, OrgUpdate


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


def _values(session: Session, data: OrgCreate, *, current: Organisation | None = None) -> dict[str, Any]:
    """The schema's values resolved against the database; every problem at once (`Invalid`)."""
    problems: list[FieldError] = []
    if not data.uscc:
        namesake = session.execute(select(Organisation).where(
            Organisation.name == data.name, Organisation.uscc.is_(None), Organisation.merged_into_id.is_(None))
        ).scalar_one_or_none()
        if namesake is not None and (current is None or namesake.id != current.id):
            problems.append(FieldError("name", "org.name_taken", {"id": namesake.id, "name": namesake.name}))
    if data.uscc:
        holder = session.execute(select(Organisation).where(Organisation.uscc == data.uscc)).scalar_one_or_none()
        if holder is not None and (current is None or holder.id != current.id):
            problems.append(FieldError("uscc", "org.uscc_taken", {"id": holder.id, "name": holder.name}))
    region = None
    if data.region:
        region = regions.find(session, data.region)
        if region is None:
            problems.append(FieldError("region", "region.unknown", {"region": data.region}))
    elif data.address:
        region = regions.from_address(session, data.address)
    if data.parent_id is not None:
        parent = session.get(Organisation, data.parent_id)
        if parent is None or parent.merged_into_id is not None:
            problems.append(FieldError("parent_id", "org.parent_missing", {"parent": data.parent_id}))
        elif current is not None and current.id in ancestors(session, parent):
            problems.append(FieldError("parent_id", "org.parent_cycle"))
    if problems:
        raise Invalid(problems)
    return dict(name=data.name, name_en=data.name_en, type=data.type, uscc=data.uscc,
                region_code=region.code if region else None,
                province_code=regions.province_of(session, region.code) if region else None,
                address=data.address, parent_id=data.parent_id, aliases=list(data.aliases))


def create(session: Session, *, actor: Actor, data: OrgCreate) -> Organisation:
    values = _values(session, data)
    authorize(actor, "org.create", Target(province=values["province_code"]))
    aliases = values.pop("aliases")
    org = Organisation(**values, aliases=[OrgAlias(alias=a) for a in aliases])
    session.add(org)
    session.flush()
    audit.record(session, actor, "org.create", "organisation", org.id, after=snapshot(org))
    return org


def _apply(org: Organisation, values: dict[str, Any]) -> bool:
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


def update(session: Session, *, actor: Actor, org: Organisation, data: OrgUpdate) -> bool:
    """Change an organisation to `data`; True when anything changed (an unchanged record writes nothing).
    Authorised against the record as it is, and, when it moves, against the province it moves to."""
    if org.merged_into_id is not None:
        raise Conflict("org.merged", id=org.id)
    authorize(actor, "org.update", target_of(session, org))
    values = _values(session, data, current=org)
    if values["province_code"] != org.province_code:
        authorize(actor, "org.update", Target(province=values["province_code"], org_ids=ancestors(session, org)))
    before = snapshot(org)
    if not _apply(org, values):
        return False
    session.flush()
    audit.record(session, actor, "org.update", "organisation", org.id, before=before, after=snapshot(org))
    return True


def merge(session: Session, *, actor: Actor, source: Organisation, target: Organisation) -> Organisation:
    """Merge `source` into `target`: its name becomes an alias, its units move, and its id and credit code
    still resolve (to the target) through `resolve`."""
    if source.id == target.id:
        raise DomainError("org.merge_self", field="into")
    for org in (source, target):
        if org.merged_into_id is not None:
            raise Conflict("org.merged", id=org.id)
    authorize(actor, "org.merge", Target(province=target.province_code, other_province=source.province_code))
    if source.id in ancestors(session, target):
        raise DomainError("org.merge_descendant", field="into")
    before_s, before_t = snapshot(source), snapshot(target)
    names = {a.alias for a in target.aliases} | {target.name}
    for alias in [source.name, *(a.alias for a in source.aliases)]:
        if alias not in names:
            target.aliases.append(OrgAlias(alias=alias))
            names.add(alias)
    session.execute(sql_update(Organisation).where(Organisation.parent_id == source.id).values(parent_id=target.id))
    source.merged_into_id = target.id
    source.updated_at = target.updated_at = utcnow()
    session.flush()
    session.refresh(target)
    audit.record(session, actor, "org.merge", "organisation", source.id, before=before_s, after=snapshot(source),
                 note=f"merged into {target.id}")
    audit.record(session, actor, "org.merge", "organisation", target.id, before=before_t, after=snapshot(target),
                 note=f"absorbed {source.id}")
    return target


# --- reading ---------------------------------------------------------------------------------------------------

def get(session: Session, org_id: int, *, actor: Actor | None = None) -> Organisation | None:
    """One organisation (merged ones included: callers follow `merged_into_id` or use `resolve`)."""
    stmt = select(Organisation).where(Organisation.id == org_id).options(selectinload(Organisation.aliases))
    if actor is not None:
        stmt = stmt.where(readable(actor, Organisation))
    return session.execute(stmt).scalar_one_or_none()


def require(session: Session, org_id: int, *, actor: Actor) -> Organisation:
    org = get(session, org_id, actor=actor)
    if org is None:
        raise NotFound("org.not_found", id=org_id)
    return org


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


def _filtered(actor: Actor, flt: OrgFilter) -> Select[Any]:
    stmt = select(Organisation).where(readable(actor, Organisation))
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
    return stmt.options(selectinload(Organisation.aliases))


ORDER = (Order(Organisation.name), Order(Organisation.id))


def page(session: Session, *, actor: Actor, flt: OrgFilter, cursor: str | None = None, limit: int = 50
         ) -> Page[Organisation]:
    """One keyset page ordered by (name, id)."""
    return paginate(session, _filtered(actor, flt), ORDER, cursor=cursor, limit=limit)


def iterate(session: Session, *, actor: Actor, flt: OrgFilter) -> Any:
    """Every matching organisation (for export), streamed."""
    stmt = _filtered(actor, flt).order_by(Organisation.name, Organisation.id)
    return session.execute(stmt.execution_options(yield_per=1000)).scalars()


def history(session: Session, org_id: int) -> list[AuditEvent]:
    stmt = (select(AuditEvent).where(AuditEvent.object_type == "organisation", AuditEvent.object_id == str(org_id))
            .order_by(AuditEvent.seq))
    return list(session.execute(stmt).scalars())


def children(session: Session, org_id: int) -> list[Organisation]:
    stmt = (select(Organisation).where(Organisation.parent_id == org_id, Organisation.merged_into_id.is_(None))
            .order_by(Organisation.name))
    return list(session.execute(stmt).scalars())


def merged_sources(session: Session, org_id: int) -> list[Organisation]:
    return list(session.execute(select(Organisation).where(Organisation.merged_into_id == org_id)).scalars())


__all__ = ["ORG_TYPES", "OrgCreate", "OrgFilter", "OrgUpdate", "create", "get", "merge", "page", "resolve",
           "update"]
