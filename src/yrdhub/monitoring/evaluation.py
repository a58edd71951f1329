"""Evaluations: the community's index over time (2011 = 100), ranks with uncertainty, contributions.

Method (documented in docs/monitoring.md):
  1. Units are the four jurisdictions and the YRD as a whole (its data elements summed, then the same formulas).
  2. Development index: each indicator is divided by the YRD's value in the base year (the first year with data
     when the base year has none) and multiplied by 100; dimensions and the index are weighted arithmetic
     means (the indicators engine's `aggregate`). The YRD index in the base year is therefore exactly 100, and
     every unit and year is on the same scale, as the 长三角区域协同创新指数 reports (2011 = 100).
  3. Ranks of the four jurisdictions in the latest year with 5-95 % intervals: the engine's Monte Carlo
     uncertainty analysis over the normalisation (ratio to the YRD, min-max, z-score) and ±25 % noise on the
     weights of both levels.
Everything is computed from a frozen copy of the inputs, whose hash is stored, so a run can be recomputed and
compared at any later time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from yrdhub.indicators import Aggregate, Inputs, Normalise, Pipeline, Uncertain, aggregate, run_uncertainty
from yrdhub.indicators import Framework as EngineFramework
from yrdhub.indicators.uncertainty import noisy_weights
from yrdhub.monitoring.framework import Spec
from yrdhub.regions.service import YRD_PROVINCES

YRD = "YRD"
PROVINCES = YRD_PROVINCES


@dataclass(frozen=True)
class Method:
    base_year: int = 2011
    first_year: int = 2011
    last_year: int = 2023
    runs: int = 1000
    seed: int = 20201229  # the plan's date: any fixed seed makes runs reproducible
    weight_noise: float = 0.25

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def engine_framework(spec: Spec) -> EngineFramework:
    records: list[dict[str, Any]] = [
        {"iCode": i.code, "Level": 1, "Parent": i.dimension, "Weight": i.weight, "Direction": i.direction}
        for i in spec.indicators]
    records += [{"iCode": d.code, "Level": 2, "Parent": "Index", "Weight": d.weight} for d in spec.dimensions]
    records.append({"iCode": "Index", "Level": 3, "Parent": None, "Weight": 1})
    return EngineFramework.from_records(records)


def inputs_table(spec: Spec, values: dict[tuple[str, int], dict[str, float]], method: Method) -> pd.DataFrame:
    """Indicator values per unit (the jurisdictions and the YRD) and year: the frozen input of a run."""
    rows = []
    years = range(method.first_year, method.last_year + 1)
    for year in years:
        per_region = {r: values.get((r, year), {}) for r in PROVINCES}
        summed = {e.code: sum(per_region[r][e.code] for r in PROVINCES)
                  for e in spec.elements if all(e.code in per_region[r] for r in PROVINCES)}
        for unit, vals in [*per_region.items(), (YRD, summed)]:
            row: dict[str, Any] = {"uCode": unit, "Time": year}
            for indicator in spec.indicators:
                row[indicator.code] = indicator.compute(vals)
            rows.append(row)
    table = pd.DataFrame(rows)
    columns = [i.code for i in spec.indicators]
    table[columns] = table[columns].astype(float)
    return table.sort_values(["uCode", "Time"]).reset_index(drop=True)


def impute(table: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Fill gaps so every year has the same composition: linear inside a unit's series, the nearest
    observed value at its ends (e.g. high-tech R&D before 2016). Every filled cell is listed."""
    out = table.sort_values(["uCode", "Time"]).copy()
    filled: list[dict[str, Any]] = []
    for col in columns:
        missing = out[col].isna()
        out[col] = out.groupby("uCode")[col].transform(lambda s: s.interpolate(limit_area="inside").ffill().bfill())
        for _, row in out[missing & out[col].notna()].iterrows():
            filled.append({"uCode": row["uCode"], "Time": int(row["Time"]), "indicator": col})
    return out.reset_index(drop=True), filled


def inputs_hash(table: pd.DataFrame) -> str:
    return hashlib.sha256(table_to_json(table).encode()).hexdigest()


def base_values(table: pd.DataFrame, columns: list[str], base_year: int) -> dict[str, tuple[int, float]]:
    """Each indicator's YRD value in the base year, or in its first year with data."""
    yrd = table[table["uCode"] == YRD].set_index("Time")
    out = {}
    for col in columns:
        series = yrd[col].dropna()
        series = series[series.index >= base_year]
        if series.empty or series.iloc[0] == 0:
            raise ValueError(f"{col}: no YRD value from {base_year} on to index against")
        out[col] = (int(series.index[0]), float(series.iloc[0]))
    return out


def development_index(table: pd.DataFrame, spec: Spec, method: Method) -> tuple[pd.DataFrame, dict[str, Any]]:
    framework = engine_framework(spec)
    columns = framework.indicators
    bases = base_values(table, columns, method.base_year)
    normed = table.set_index(["uCode", "Time"])[columns].copy()
    for col in columns:
        direction = framework.directions.get(col, 1)
        ratio = normed[col] / bases[col][1] * 100
        normed[col] = ratio if direction == 1 else 10_000 / ratio
    scores = aggregate(normed, framework)
    return scores.reset_index(), {c: {"year": y, "value": v} for c, (y, v) in bases.items()}


def rank_uncertainty(table: pd.DataFrame, spec: Spec, method: Method) -> pd.DataFrame:
    framework = engine_framework(spec)
    columns = framework.indicators
    latest = table[table["Time"] == method.last_year].set_index("uCode")
    data = latest.loc[[*list(PROVINCES), YRD], columns]
    data = data.loc[:, data.loc[list(PROVINCES)].notna().all()]  # indicators every jurisdiction has this year
    kept = [c for c in columns if c in data.columns]
    sub = _subframework(spec, kept)
    units = pd.DataFrame(index=data.index)
    inputs = Inputs(sub, data.loc[list(PROVINCES)], units.loc[list(PROVINCES)])
    pipeline = Pipeline([Normalise("minmax", {"l_u": (0, 100)}), Aggregate()])
    uncertain = [
        Uncertain("normalise", None, name="Normalisation", values=[
            {"method": "minmax", "params": {"l_u": (0, 100)}},
            {"method": "zscore", "params": {"m_sd": (10, 2)}},
            {"method": "fracmax", "params": {}},
        ]),
        Uncertain("aggregate", "weights", name="Weights",
                  values=noisy_weights(sub, {1: method.weight_noise, 2: method.weight_noise}, method.runs,
                                       method.seed)),
    ]
    result = run_uncertainty(pipeline, inputs, uncertain, n=method.runs, seed=method.seed)
    return result.rank_stats


def _subframework(spec: Spec, kept: list[str]) -> EngineFramework:
    records: list[dict[str, Any]] = [
        {"iCode": i.code, "Level": 1, "Parent": i.dimension, "Weight": i.weight, "Direction": i.direction}
        for i in spec.indicators if i.code in kept]
    dims = {r["Parent"] for r in records}
    records += [{"iCode": d.code, "Level": 2, "Parent": "Index", "Weight": d.weight}
                for d in spec.dimensions if d.code in dims]
    records.append({"iCode": "Index", "Level": 3, "Parent": None, "Weight": 1})
    return EngineFramework.from_records(records)


def contributions(scores: pd.DataFrame, table: pd.DataFrame, spec: Spec, method: Method,
                  bases: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each indicator's share of a unit's latest index: effective weight × normalised value / index."""
    framework = engine_framework(spec)
    latest = scores[scores["Time"] == method.last_year].set_index("uCode")
    raw = table[table["Time"] == method.last_year].set_index("uCode")
    dims = {d.code: d for d in spec.dimensions}
    out: dict[str, dict[str, float]] = {}
    for unit in latest.index:
        shares = {}
        present = [d for d in dims if pd.notna(latest.loc[unit, d])]
        dim_total = sum(dims[d].weight for d in present)
        for d in present:
            inds = [i for i in dims[d].indicators if pd.notna(raw.loc[unit, i.code])]
            ind_total = sum(i.weight for i in inds)
            for i in inds:
                normed = raw.loc[unit, i.code] / bases[i.code]["value"] * 100
                if framework.directions.get(i.code, 1) == -1:
                    normed = 10_000 / normed
                shares[i.code] = float(i.weight / ind_total * dims[d].weight / dim_total * normed
                                       / latest.loc[unit, "Index"])
        out[str(unit)] = shares
    return out


def strengths_weaknesses(table: pd.DataFrame, spec: Spec, method: Method, n: int = 2
                         ) -> dict[str, dict[str, list[str]]]:
    """Per jurisdiction, the indicators it ranks best and worst on among the four in the latest year."""
    latest = table[(table["Time"] == method.last_year) & table["uCode"].isin(PROVINCES)].set_index("uCode")
    columns = [i.code for i in spec.indicators if latest[i.code].notna().all()]
    ranks = latest[columns].rank(ascending=False, method="min")
    out = {}
    for unit in ranks.index:
        ordered = ranks.loc[unit].sort_values(kind="stable")
        out[str(unit)] = {"strengths": list(ordered.index[:n]), "weaknesses": list(ordered.index[::-1][:n])}
    return out


def compute(spec: Spec, frozen: pd.DataFrame, method: Method) -> dict[str, Any]:
    """The full result of an evaluation from its frozen inputs (deterministic for a given method)."""
    table, filled = impute(frozen, [i.code for i in spec.indicators])
    scores, bases = development_index(table, spec, method)
    rank_stats = rank_uncertainty(table, spec, method)
    return {
        "scores": json.loads(scores.to_json(orient="records", double_precision=10)),
        "bases": bases,
        "ranks": json.loads(rank_stats.to_json(orient="records", double_precision=10)),
        "contributions": contributions(scores, table, spec, method, bases),
        "strengths_weaknesses": strengths_weaknesses(frozen, spec, method),
        "imputed": filled,
    }


def results_hash(results: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(results, sort_keys=True).encode()).hexdigest()


def table_to_json(table: pd.DataFrame) -> str:
    """Exact serialisation (Python's float repr round-trips every bit; NaN becomes null)."""
    rows = [[None if isinstance(v, float) and np.isnan(v) else v for v in row]
            for row in table.astype(object).itertuples(index=False, name=None)]
    return json.dumps({"columns": list(table.columns), "data": rows}, ensure_ascii=False)


def table_from_json(frozen: str) -> pd.DataFrame:
    payload = json.loads(frozen)
    table = pd.DataFrame(payload["data"], columns=payload["columns"])
    numeric = [c for c in table.columns if c not in ("uCode", "Time")]
    table[numeric] = table[numeric].astype(float)
    table["Time"] = table["Time"].astype(int)
    table["uCode"] = table["uCode"].astype(str)
    return table
