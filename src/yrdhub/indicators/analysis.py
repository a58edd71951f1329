"""Analysis of data sets and results: statistics with flags, correlations, Cronbach's alpha, PCA,
leave-one-out removal of elements, strengths and weaknesses.

References: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*; Cronbach (1951)
Psychometrika 16:297–334; COINr's ``get_stats``, ``get_corr``, ``get_cronbach``, ``get_PCA``,
``remove_elements``, ``get_str_weak``, ``get_unit_summary``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._numerics import pca
from ._stats import kurt, rank_min, skew
from .cortest import COR_METHODS, cor_test
from .framework import Framework
from .pipeline import Results
from .steps import Aggregate, Context
from .utils import r_round

__all__ = [
    "correlations",
    "cronbach_alpha",
    "indicator_stats",
    "kurt",  # the moments live in _stats (the steps use them); here for the reader

    "pca",  # lives in _numerics so that the weightings can use it without importing this module
    "remove_elements",
    "skew",
    "strengths_weaknesses",
    "unit_summary",
]


def indicator_stats(
    X: pd.DataFrame,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
) -> pd.DataFrame:
    """Per column: min, max, mean, median, sd, skew, kurtosis, counts and shares of available, non-zero,
    unique and most-repeated values, and flags (COINr's ``get_stats`` thresholds by default)."""
    rows = []
    for col in X.columns:
        v = X[col].to_numpy(dtype=float)
        ok = v[~np.isnan(v)]
        n = v.size
        n_avail = ok.size
        _, counts = np.unique(ok, return_counts=True)
        n_same = int(counts.max()) if counts.size else 0
        s, k = skew(ok), kurt(ok)
        rows.append(
            {
                "iCode": col,
                "Min": np.min(ok) if n_avail else np.nan,
                "Max": np.max(ok) if n_avail else np.nan,
                "Mean": np.mean(ok) if n_avail else np.nan,
                "Median": np.median(ok) if n_avail else np.nan,
                "Std": np.std(ok, ddof=1) if n_avail > 1 else np.nan,
                "Skew": s,
                "Kurt": k,
                "N.Avail": n_avail,
                "N.NonZero": int(np.sum(ok != 0)),
                "N.Unique": int(counts.size),
                "N.Same": n_same,
                "Frc.Avail": n_avail / n,
                "Frc.NonZero": np.sum(ok != 0) / n_avail if n_avail else np.nan,
                "Frc.Unique": counts.size / n_avail if n_avail else np.nan,
                "Frc.Same": n_same / n_avail if n_avail else np.nan,
                "Flag.Avail": "LOW" if n_avail / n < t_avail else "ok",
                "Flag.NonZero": "LOW" if n_avail and np.sum(ok != 0) / n_avail < t_zero else "ok",
                "Flag.Unique": "LOW" if n_avail and counts.size / n_avail < t_unq else "ok",
                "Flag.SkewKurt": "OUT" if abs(s) > t_skew and k > t_kurt else "ok",
            }
        )
    return pd.DataFrame(rows)


def correlations(
    X: pd.DataFrame,
    rows: Sequence[str],
    cols: Sequence[str],
    method: str = "pearson",
    pval: float | None = 0.05,
    framework: Framework | None = None,
    within_level: int | None = None,
) -> pd.DataFrame:
    """Long table Var1 (from ``rows``), Var2 (from ``cols``), Correlation over complete pairs. Correlations whose
    p-value (R's ``cor.test``, :mod:`.cortest`) exceeds ``pval`` are NaN, as in COINr's ``get_corr`` (default
    0.05; ``None`` keeps every correlation). With ``within_level``, only pairs under the same ancestor at that
    level are kept."""
    if method not in COR_METHODS:
        raise ValueError(f"unknown correlation {method!r}; choose one of {sorted(COR_METHODS)}")
    out = []
    for c in cols:
        for r in rows:
            if within_level is not None:
                if framework is None:
                    raise ValueError("within_level needs the framework")
                if framework.ancestor_at(r, within_level) != framework.ancestor_at(c, within_level):
                    continue
            value, p = cor_test(X[r].to_numpy(dtype=float), X[c].to_numpy(dtype=float), method)
            if pval is not None and p > pval:
                value = np.nan
            out.append({"Var1": r, "Var2": c, "Correlation": value})
    return pd.DataFrame(out)


def cronbach_alpha(X: pd.DataFrame) -> float:
    """α = k/(k − 1) · (1 − Σ var(x_i) / var(Σ x_i)) over complete rows."""
    v = X.dropna().to_numpy(dtype=float)
    k = v.shape[1]
    if k < 2:
        return float("nan")
    return float(k / (k - 1) * (1 - v.var(axis=0, ddof=1).sum() / v.sum(axis=1).var(ddof=1)))


def remove_elements(results: Results, level: int) -> pd.DataFrame:
    """Leave each element at ``level`` out (weight 0) in turn, re-aggregate, and report the mean absolute
    rank change of the top aggregate against the nominal ranks."""
    fw = results.framework
    agg = [s for s in results.steps.values() if isinstance(s, Aggregate)]
    if not agg:
        raise ValueError("the results have no aggregate step")
    step = agg[-1]
    source = list(results.datasets)[list(results.datasets).index(_name_of(results, step)) - 1]
    data = results.datasets[source][fw.indicators]
    nominal = rank_min(results.last[fw.top].to_numpy(dtype=float), descending=True)
    rows = []
    for code in fw.codes(level):
        w = {**step.weights_, code: 0.0}
        out = Aggregate(step.method, w, step.dat_thresh, step.p).fit(data, _ctx(results)).transform(data)
        r = rank_min(out[fw.top].to_numpy(dtype=float), descending=True)
        rows.append({"iCode": code, "MeanAbsRankChange": float(np.nanmean(np.abs(r - nominal)))})
    return pd.DataFrame(rows)


def _name_of(results: Results, step: object) -> str:
    return next(k for k, v in results.steps.items() if v is step)


def _ctx(results: Results) -> Context:
    return Context(results.framework, results.units, results.datasets)


def strengths_weaknesses(results: Results, unit: str, n: int = 5, dset: str | None = None) -> pd.DataFrame:
    """The unit's ``n`` best- and worst-ranked indicators (rank among all units, direction applied)."""
    fw = results.framework
    data = results.datasets[dset] if dset else results.datasets[next(iter(results.datasets))]
    rows = []
    for c in fw.indicators:
        v = data[c].to_numpy(dtype=float) * fw[c].direction
        ranks = rank_min(v, descending=True)
        i = list(data.index).index(unit)
        rows.append({"iCode": c, "Rank": ranks[i], "Value": data[c].iloc[i]})
    table = pd.DataFrame(rows).dropna(subset=["Rank"]).sort_values(["Rank", "iCode"])
    top = table.head(n).assign(Type="strength")
    bottom = table.tail(n).iloc[::-1].assign(Type="weakness")
    return pd.concat([top, bottom], ignore_index=True)


def unit_summary(
    data: pd.DataFrame,
    framework: Framework,
    unit: str,
    levels: Sequence[int],
    nround: int | None = 2,
) -> pd.DataFrame:
    """The unit's score and rank for every code at ``levels`` (COINr's ``get_unit_summary``): columns Code, Name,
    Score, Rank, highest level first. Ranks are among all units of ``data`` (e.g. the aggregated data set),
    highest score first, ties sharing the best rank; scores are rounded to ``nround`` decimals as R rounds
    (``None``: not rounded)."""
    if unit not in data.index:
        raise ValueError(f"unit {unit!r} is not in the data set")
    bad = [lev for lev in levels if lev not in range(1, framework.n_levels + 1)]
    if bad:
        raise ValueError(f"levels must be between 1 and {framework.n_levels}, got {bad}")
    codes = [c for lev in sorted(set(levels), reverse=True) for c in framework.codes(lev)]
    missing = [c for c in codes if c not in data.columns]
    if missing:
        raise ValueError(f"code(s) {missing[:5]} are not in the data set (an aggregated data set is needed)")
    i = list(data.index).index(unit)
    values = data[codes].to_numpy(dtype=float)
    scores = values[i].tolist()
    ranks = [float(rank_min(values[:, j], descending=True)[i]) for j in range(len(codes))]
    table = pd.DataFrame({"Code": codes, "Name": [framework[c].name for c in codes], "Score": scores, "Rank": ranks})
    if nround is not None:
        table["Score"] = r_round(table["Score"].to_numpy(dtype=float), nround)
    return table
