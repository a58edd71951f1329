"""The plan's 2025 targets, measured from accepted data of the four jurisdictions where official data allow."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor
from yrdhub.i18n import Msg
from yrdhub.indicators.targets import year_reaching_target
from yrdhub.monitoring import measurements
from yrdhub.monitoring.framework import BUNDLED
from yrdhub.monitoring.labels import NO_DATA, SOURCE, label
from yrdhub.monitoring.models import Framework, Measurement
from yrdhub.monitoring.queries import PROVINCES, accepted_values


@dataclass(frozen=True)
class TargetProgress:
    code: str
    name: str
    name_en: str
    comparator: str
    target: float
    unit: str  # as the plan writes it (a key of labels.UNIT)
    year: int
    source: Msg | str
    series: list[tuple[int, float]] = field(default_factory=list)  # YRD value by year
    no_data_reason: Msg | None = None  # why there is no measure yet
    # Counted from records (analytics): the measurement behind each year, and where its records came from.
    measured: dict[int, int] = field(default_factory=dict)  # year → measurement id (drill-down)
    measured_from: str = ""

    @property
    def latest(self) -> tuple[int, float] | None:
        return self.series[-1] if self.series else None

    @property
    def share_of_target(self) -> float | None:
        return self.latest[1] / self.target if self.latest else None

    @property
    def reached(self) -> bool:
        latest = self.latest
        if latest is None:
            return False
        return latest[1] > self.target if self.comparator == ">" else latest[1] >= self.target

    @property
    def cagr(self) -> float | None:
        """Compound growth over the last five years of the series."""
        if len(self.series) < 6:
            return None
        (y0, v0), (y1, v1) = self.series[-6], self.series[-1]
        return float((v1 / v0) ** (1 / (y1 - y0)) - 1) if v0 > 0 else None

    @property
    def projected_year(self) -> float | None:
        """When the recent trend reaches the target (the latest year if already reached; inf if never)."""
        latest, growth = self.latest, self.cagr
        if latest is None or growth is None:
            return None
        return year_reaching_target(latest[1], latest[0], growth, self.target)


def plan_targets(session: Session, *, actor: Actor, framework: Framework) -> list[TargetProgress]:
    values = accepted_values(session, framework)
    measured = measurements.current(session, actor=actor)
    out = []
    with (BUNDLED / "plan_targets.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            series: list[tuple[int, float]] = []
            if row["numerator"]:
                for year in sorted({p for _, p in values}):
                    per_region = [values.get((r, year), {}) for r in PROVINCES]
                    if all(row["numerator"] in v and row["denominator"] in v for v in per_region):
                        top = sum(v[row["numerator"]] for v in per_region)
                        bottom = sum(v[row["denominator"]] for v in per_region)
                        series.append((year, top / bottom * float(row["factor"])))
            progress = TargetProgress(code=row["indicator"], name=row["name_zh"], name_en=row["name_en"],
                                      comparator=row["comparator"],
                                      target=float(row["value"]), unit=row["unit"], year=int(row["year"]),
                                      source=label(SOURCE, row["source"]), series=series,
                                      no_data_reason=NO_DATA.get(row["no_data_reason"]))
            out.append(_with_measurements(progress, measured.get(progress.code, [])) if not series else progress)
    return out


def _with_measurements(progress: TargetProgress, rows: list[Measurement]) -> TargetProgress:
    """A target no jurisdiction reports, counted from records by the joint office (yrdhub analytics)."""
    if not rows:
        return progress
    sources = sorted({row.batch.source for row in rows})
    return replace(progress, series=[(row.year, float(row.value)) for row in rows],
                   measured={row.year: row.id for row in rows}, measured_from="; ".join(sources), no_data_reason=None)
