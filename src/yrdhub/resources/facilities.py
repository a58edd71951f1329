"""The registry of facilities, laboratories and centres: loaded from the curated file the platform ships
(`data/resources/facilities.csv`, written by `scripts/curate_facilities.py` with a source for every fact), read by
everyone."""

from __future__ import annotations

import csv
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize, readable
from yrdhub.db import utcnow
from yrdhub.errors import NotFound
from yrdhub.resources.models import Facility

FIELDS = ("kind", "name", "name_en", "city_code", "hosts", "co_builders", "status", "status_as_of",
          "plan_wording", "sources")


def bundled() -> list[dict[str, Any]]:
    """The curated rows, as the table keeps them (lists split, blanks as None where a fact is unsourced)."""
    text = files("yrdhub.data").joinpath("resources/facilities.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        sources = []
        for entry in filter(None, (e.strip() for e in row["sources"].split(";;"))):
            url, title, supports = ([p.strip() for p in entry.split("|")] + ["", ""])[:3]
            sources.append({"url": url, "title": title, "supports": supports})
        out.append({"key": row["key"], "kind": row["kind"], "name": row["name"], "name_en": row["name_en"],
                    "city_code": row["city_code"] or None, "status": row["status"] or None,
                    "status_as_of": row["status_as_of"], "plan_wording": row["plan_wording"],
                    "hosts": [h for h in row["hosts"].split(";") if h], "sources": sources,
                    "co_builders": [h for h in row["co_builders"].split(";") if h]})
    return out


def load(session: Session, *, actor: Actor) -> dict[str, int]:
    """Bring the registry up to the bundled file: new rows created, changed rows updated, nothing else touched."""
    authorize(actor, "facility.manage")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {f.key: f for f in session.execute(select(Facility)).scalars()}
    for row in bundled():
        facility = existing.get(row["key"])
        if facility is None:
            facility = Facility(**row)
            session.add(facility)
            session.flush()
            audit.record(session, actor, "facility.create", "facility", facility.id, after=row)
            counts["created"] += 1
            continue
        before = {f: getattr(facility, f) for f in FIELDS}
        if before == {f: row[f] for f in FIELDS}:
            counts["unchanged"] += 1
            continue
        for name in FIELDS:
            setattr(facility, name, row[name])
        facility.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "facility.update", "facility", facility.id, before=before, after=row)
        counts["updated"] += 1
    return counts


def listing(session: Session, *, actor: Actor, kind: str = "", city: str = "", status: str = "") -> list[Facility]:
    """The registry is small (dozens of rows): one list, filtered in SQL."""
    stmt = select(Facility).where(readable(actor, Facility))
    for column, value in ((Facility.kind, kind), (Facility.city_code, city), (Facility.status, status)):
        if value:
            stmt = stmt.where(column == value)
    return list(session.execute(stmt.order_by(Facility.kind, Facility.key)).scalars())


def get(session: Session, key: str, *, actor: Actor) -> Facility:
    facility = session.execute(select(Facility).where(Facility.key == key, readable(actor, Facility))
                               ).scalar_one_or_none()
    if facility is None:
        raise NotFound("facility.not_found", id=key)
    return facility
