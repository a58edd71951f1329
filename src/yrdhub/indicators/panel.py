"""Panels: the same framework over several years (long tables with a unit and a time column).

* :func:`impute_panel` fills gaps within each unit's time series (latest value carried forward, constant
  = nearest available value both ways, or linear interpolation), never across gaps longer than ``max_gap``;
* :func:`normalise_panel` normalises each indicator over the whole panel (all years pooled, EIS style), so
  scores of different years are comparable;
* :func:`relative_index` expresses scores relative to a base year (e.g. 2011 = 100) or to a reference unit
  in the same year (EIS: relative to the EU);
* :func:`performance_groups` assigns groups by thresholds (EIS: Leaders > 125 %, Strong > 100 %,
  Moderate > 70 % of the EU, else Emerging).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .data import make_inputs
from .framework import Framework
from .pipeline import Pipeline, Results
from .steps.impute_panel import impute_panel
from .steps.normalise import normalise

EIS_THRESHOLDS = (70.0, 100.0, 125.0)
EIS_GROUPS = ("Emerging", "Moderate", "Strong", "Leader")

__all__ = [
    "EIS_GROUPS",
    "EIS_THRESHOLDS",
    "cagr",
    "impute_panel",
    "normalise_panel",
    "performance_groups",
    "relative_index",
    "run_panel",
    "trends",
]


def normalise_panel(
    long: pd.DataFrame,
    columns: Sequence[str],
    directions: Mapping[str, int] | None = None,
    method: str | Callable[..., np.ndarray] = "minmax",
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Normalise every indicator over all rows (all units and years) at once."""
    out = long.copy()
    normed = normalise(long[list(columns)].astype(float), method, params, directions)
    out[list(columns)] = normed.to_numpy()
    return out


def relative_index(
    long: pd.DataFrame,
    column: str,
    base_year: int | None = None,
    ref_unit: str | None = None,
    unit: str = "uCode",
    time: str = "Time",
    scale: float = 100.0,
) -> pd.Series:
    """``column`` relative to the unit's own value in ``base_year`` or to ``ref_unit`` in the same year."""
    if (base_year is None) == (ref_unit is None):
        raise ValueError("give exactly one of base_year or ref_unit")
    values = long[column].astype(float)
    if base_year is not None:
        base = long.loc[long[time] == base_year].set_index(unit)[column].astype(float)
        denom = long[unit].map(base)
    else:
        ref = long.loc[long[unit] == ref_unit].set_index(time)[column].astype(float)
        denom = long[time].map(ref)
    return pd.Series(values.to_numpy() / denom.to_numpy() * scale, index=long.index, name=f"{column}_rel")


def performance_groups(
    scores: pd.Series | np.ndarray,
    thresholds: Sequence[float] = EIS_THRESHOLDS,
    labels: Sequence[str] = EIS_GROUPS,
) -> np.ndarray:
    """Group label per score: ``labels[k]`` when the score exceeds ``k`` of the (ascending) ``thresholds``."""
    if len(labels) != len(thresholds) + 1:
        raise ValueError("need one more label than thresholds")
    if list(thresholds) != sorted(thresholds):
        raise ValueError("thresholds must be ascending")
    v = np.asarray(scores, dtype=float)
    k = np.searchsorted(np.asarray(thresholds, dtype=float), v, side="left")
    out = np.asarray(labels, dtype=object)[k]
    out[np.isnan(v)] = None
    return out


def cagr(values: Sequence[float] | np.ndarray, years: Sequence[float] | np.ndarray) -> float:
    """Compound annual growth rate between the first and last non-missing observation."""
    v, t = np.asarray(values, dtype=float), np.asarray(years, dtype=float)
    ok = ~np.isnan(v)
    if ok.sum() < 2:
        return float("nan")
    v, t = v[ok], t[ok]
    first, last = int(np.argmin(t)), int(np.argmax(t))
    if v[first] <= 0 or v[last] <= 0 or t[last] == t[first]:
        return float("nan")
    return float((v[last] / v[first]) ** (1.0 / (t[last] - t[first])) - 1.0)


def trends(long: pd.DataFrame, columns: Sequence[str], unit: str = "uCode", time: str = "Time") -> pd.DataFrame:
    """CAGR of every column for every unit."""
    rows = {}
    for u, block in long.groupby(unit, sort=True):
        rows[u] = {c: cagr(block[c].to_numpy(), block[time].to_numpy()) for c in columns}
    return pd.DataFrame.from_dict(rows, orient="index")


def run_panel(
    pipeline: Pipeline,
    idata: pd.DataFrame,
    framework: Framework,
    time: str = "Time",
) -> tuple[dict[Any, Results], pd.DataFrame]:
    """Run the same pipeline on every period of a long iData table (COINr's "purse"); returns the results
    per period and one long scores table (``time`` column added)."""
    if time not in idata.columns:
        raise ValueError(f"the panel has no {time!r} column")
    results: dict[Any, Results] = {}
    tables = []
    for period, block in idata.groupby(time, sort=True):
        res = pipeline.run(make_inputs(block.reset_index(drop=True), framework))
        results[period] = res
        tables.append(res.scores().assign(**{time: period}))
    return results, pd.concat(tables, ignore_index=True)
