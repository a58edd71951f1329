"""Load the bundled regions and statistics into the database, idempotently (upsert; unchanged rows untouched)."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.regions.models import Region, RegionStatistic
from yrdhub.regions.service import DATA, bundled_divisions


@dataclass
class LoadReport:
    regions_added: int = 0
    regions_changed: int = 0
    statistics_added: int = 0
    statistics_changed: int = 0

    @property
    def changed(self) -> bool:
        return any((self.regions_added, self.regions_changed, self.statistics_added, self.statistics_changed))


def _float(text: str) -> float | None:
    return float(text) if text else None


def load_bundled(session: Session, *, actor: Actor) -> LoadReport:
    report = LoadReport()
    existing = {r.code: r for r in session.execute(select(Region)).scalars()}
    for row in bundled_divisions():  # parents come before children in the file
        values = dict(name=row["name"], short_name=row["short_name"], name_en=row["name_en"], level=row["level"],
                      parent_code=row["parent_code"] or None, lon=_float(row["lon"]), lat=_float(row["lat"]),
                      source=row["source"])
        region = existing.get(row["code"])
        if region is None:
            session.add(Region(code=row["code"], **values))
            report.regions_added += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(region, k, v)
            report.regions_changed += 1
        session.flush()
    stats = {(s.region_code, s.indicator, s.year): s for s in session.execute(select(RegionStatistic)).scalars()}
    with (DATA / "statistics" / "region_statistics.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = (row["region_code"], row["indicator"], int(row["year"]))
            value = float(row["value"])
            current = stats.get(key)
            values = {"value": value, "unit": row["unit"], "source": row["source"], "source_en": row["source_en"]}
            if current is None:
                session.add(RegionStatistic(region_code=key[0], indicator=key[1], year=key[2], **values))
                report.statistics_added += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                report.statistics_changed += 1
    session.flush()
    if report.changed:
        audit.record(session, actor, "data.load", "bundled_data", "regions+statistics", after=vars(report))
    return report
