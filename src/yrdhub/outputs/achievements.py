"""Writes of achievements (科技成果: papers, patents, standards, software, products, varieties) and the
cross-province patent counts monitoring reads. Same shape as the report service: the schema in, what only the
database can tell checked here, authorised against the applicants, audited, re-indexed; never commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.errors import Conflict, Invalid, field_errors
from yrdhub.outputs.indexing import reindex_achievement
from yrdhub.outputs.models import Achievement
from yrdhub.outputs.schemas import AchievementCreate, AchievementFields, AchievementUpdate
from yrdhub.outputs.service import check_project, organisation
from yrdhub.regions import orgs

FIELDS = tuple(f for f in AchievementFields.model_fields if f != "applicant_org_ids")


def achievement_key(kind: str, identifier: str, title: str, year: int | None) -> str:
    """One achievement, one key: its kind and identifier (a patent or standard number, a DOI), or — without an
    identifier — its kind, title and year."""
    return f"{kind}|id:{identifier.strip().upper()}" if identifier.strip() else f"{kind}|t:{title.strip()}|{year}"


def key_of(row: Achievement) -> str:
    return achievement_key(row.kind, row.identifier, row.title, row.year)


def _applicants(session: Session, org_ids: Sequence[int]) -> tuple[list[dict[str, Any]], tuple[int, ...]]:
    """The applicants as stored (id, name, province) and every organisation whose members speak for them."""
    applicants: list[dict[str, Any]] = []
    insiders: list[int] = []
    for org_id in dict.fromkeys(org_ids):
        org = organisation(session, org_id, field="applicant_org_ids")
        insiders.extend(orgs.ancestors(session, org))
        applicants.append({"org_id": org.id, "name": org.name, "province": org.province_code})
    return applicants, tuple(dict.fromkeys(insiders))


def _current_insiders(session: Session, row: Achievement) -> tuple[int, ...]:
    ids: list[int] = []
    for applicant in row.applicants:
        org = orgs.get(session, applicant["org_id"])
        ids.extend(orgs.ancestors(session, org) if org is not None else (applicant["org_id"],))
    return tuple(dict.fromkeys(ids))


def _unique(session: Session, key: str, current_id: int | None = None) -> None:
    found = session.execute(select(Achievement.id).where(Achievement.natural_key == key)).scalar_one_or_none()
    if found is not None and found != current_id:
        raise Conflict("achievement.duplicate", field="identifier", key=key.split("|", 1)[1])


def snapshot(row: Achievement) -> dict[str, Any]:
    return {"kind": row.kind, "title": row.title, "identifier": row.identifier, "year": row.year,
            "applicants": [a["org_id"] for a in row.applicants], "trl": row.trl,
            "transfer_status": row.transfer_status, "project_id": row.project_id}


def create_achievement(session: Session, *, actor: Actor, data: AchievementCreate,
                       is_sample: bool = False) -> Achievement:
    """Register an achievement (a member of one of its applicants may: every applicant is named by it)."""
    applicants, insiders = _applicants(session, data.applicant_org_ids)
    authorize(actor, "output.create", Target(org_ids=insiders))
    check_project(session, data.project_id)
    key = achievement_key(data.kind, data.identifier, data.title, data.year)
    _unique(session, key)
    row = Achievement(kind=data.kind, natural_key=key, applicants=applicants, created_by=actor.username,
                      is_sample=is_sample, **data.model_dump(include=set(FIELDS)))
    session.add(row)
    session.flush()
    audit.record(session, actor, "output.achievement", "achievement", row.id, after=snapshot(row))
    reindex_achievement(session, row)
    return row


def update_achievement(session: Session, *, actor: Actor, achievement: Achievement,
                       data: AchievementUpdate) -> bool:
    """Change fields (insiders of the current applicants, and of the new ones when they change). False when
    nothing changed."""
    row = achievement
    authorize(actor, "output.create", Target(org_ids=_current_insiders(session, row)))  # even when nothing changes
    changes = data.changes()
    current = {f: getattr(row, f) for f in FIELDS} | {"applicant_org_ids": [a["org_id"] for a in row.applicants]}
    try:
        merged = AchievementFields.model_validate(current | changes)
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from exc
    changed = {f: v for f, v in merged.model_dump().items() if current[f] != v}
    if not changed:
        return False
    before = snapshot(row)
    if "applicant_org_ids" in changed:
        applicants, insiders = _applicants(session, merged.applicant_org_ids)
        authorize(actor, "output.create", Target(org_ids=insiders))
        row.applicants = applicants
    if "project_id" in changed:
        check_project(session, merged.project_id)
    for name in FIELDS:
        if name in changed:
            setattr(row, name, changed[name])
    key = key_of(row)
    if key != row.natural_key:
        _unique(session, key, current_id=row.id)
        row.natural_key = key
    session.flush()
    audit.record(session, actor, "output.achievement_update", "achievement", row.id, before=before,
                 after=snapshot(row))
    reindex_achievement(session, row)
    return True


def cross_province_patents(session: Session) -> dict[int, dict[str, Any]]:
    """Patents co-applied by organisations of several provinces, and province pairs, by year (for monitoring)."""
    out: dict[int, dict[str, Any]] = {}
    rows = session.execute(select(Achievement.year, Achievement.applicants).where(Achievement.kind == "patent"))
    for year, applicants in rows:
        provinces = sorted({a["province"] for a in applicants if a.get("province")})
        entry = out.setdefault(year, {"patents": 0, "cross_province": 0, "pairs": Counter()})
        entry["patents"] += 1
        if len(provinces) > 1:
            entry["cross_province"] += 1
            entry["pairs"].update("-".join(p) for p in combinations(provinces, 2))
    return {y: {**v, "pairs": dict(v["pairs"])} for y, v in sorted(out.items())}
