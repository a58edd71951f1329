"""Correlation flags: highly (or weakly) correlated indicators within the groups of a level (COINr's
``get_corr_flags``, a hint of double counting), and indicators correlated with denominators (COINr's
``get_denom_corr``, a hint that an indicator might be denominated by one of them).

Correlations are R's ``cor(…, use = "pairwise.complete.obs")`` (:func:`.cortest.correlation`); a flag is
decided on the unrounded value and the reported value is then rounded as R rounds (:func:`.utils.r_round`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cortest import COR_METHODS, correlation
from .framework import Framework
from .utils import r_round

__all__ = ["corr_flags", "denom_corr"]


def _directed(X: pd.DataFrame, fw: Framework, codes: list[str]) -> pd.DataFrame:
    return X[codes] * pd.Series({c: fw[c].direction for c in codes})


def corr_flags(
    X: pd.DataFrame,
    framework: Framework,
    cor_thresh: float = 0.9,
    thresh_type: str = "high",
    cortype: str = "pearson",
    grouplev: int = 2,
    roundto: int | None = 3,
    use_directions: bool = False,
) -> pd.DataFrame:
    """Pairs of indicators under the same aggregate at level ``grouplev`` whose correlation is above
    ``cor_thresh`` (``thresh_type="high"``) or below it (``"low"``): columns Group, Ind1, Ind2, Corr, each pair
    once, groups in the framework's order (COINr's ``get_corr_flags``). ``use_directions`` multiplies each
    indicator by its direction first (for data not yet normalised); ``roundto=None`` does not round."""
    if thresh_type not in {"high", "low"}:
        raise ValueError("thresh_type must be 'high' or 'low'")
    if not -1 <= cor_thresh <= 1:
        raise ValueError("cor_thresh must be between -1 and 1")
    if cortype not in COR_METHODS:
        raise ValueError(f"unknown correlation {cortype!r}; choose one of {COR_METHODS}")
    if not 2 <= grouplev <= framework.n_levels:
        raise ValueError(f"grouplev must be between 2 and the top level {framework.n_levels}")
    codes = [c for c in framework.indicators if c in X.columns]
    data = _directed(X, framework, codes) if use_directions else X[codes]
    rows = []
    for group in dict.fromkeys(framework.ancestor_at(c, grouplev) for c in codes):
        members = [c for c in codes if framework.ancestor_at(c, grouplev) == group]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                r = correlation(data[a].to_numpy(dtype=float), data[b].to_numpy(dtype=float), cortype)
                if np.isfinite(r) and (r > cor_thresh if thresh_type == "high" else r < cor_thresh):
                    rows.append({"Group": group, "Ind1": a, "Ind2": b, "Corr": r})
    out = pd.DataFrame(rows, columns=["Group", "Ind1", "Ind2", "Corr"])
    if roundto is not None:
        out["Corr"] = r_round(out["Corr"].to_numpy(dtype=float), roundto)
    return out


def denom_corr(
    X: pd.DataFrame,
    denominators: pd.DataFrame,
    framework: Framework | None = None,
    cor_thresh: float = 0.6,
    cortype: str = "pearson",
    nround: int | None = 2,
    use_directions: bool = False,
) -> pd.DataFrame:
    """Pairs (indicator, denominator) whose correlation exceeds ``cor_thresh`` in absolute value: columns Ind,
    Denom, Corr, by indicator (COINr's ``get_denom_corr``). ``denominators`` holds one column per denominator
    (e.g. ``inputs.units[["Area", "Energy", "GDP", "Population"]]``), matched to ``X`` by uCode. With a
    ``framework`` only its indicators are used, and ``use_directions`` multiplies them by their directions."""
    if cortype not in COR_METHODS:
        raise ValueError(f"unknown correlation {cortype!r}; choose one of {COR_METHODS}")
    if denominators.shape[1] == 0:
        raise ValueError("no denominators given")
    codes = [c for c in framework.indicators if c in X.columns] if framework is not None else list(X.columns)
    if use_directions:
        if framework is None:
            raise ValueError("use_directions needs the framework")
        data = _directed(X, framework, codes)
    else:
        data = X[codes]
    den = denominators.reindex(X.index)
    rows = []
    for code in codes:
        for d in den.columns:
            r = correlation(data[code].to_numpy(dtype=float), pd.to_numeric(den[d]).to_numpy(dtype=float), cortype)
            if np.isfinite(r) and abs(r) > cor_thresh:
                rows.append({"Ind": code, "Denom": d, "Corr": r})
    out = pd.DataFrame(rows, columns=["Ind", "Denom", "Corr"]).sort_values("Ind", kind="stable")
    if nround is not None:
        out["Corr"] = r_round(out["Corr"].to_numpy(dtype=float), nround)
    return out.reset_index(drop=True)
