"""Small numerical helpers shared by the steps (NaN-aware, Excel-compatible moments)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _centred(v: FloatArray) -> FloatArray | None:
    """Deviations from the mean scaled by the largest one (moments ratios are scale-free; this avoids
    overflow and underflow); None when all values are equal. Sorting first makes every sum independent of
    the order of units, so a permutation of units cannot flip a threshold test by rounding."""
    v = np.sort(v)
    d = v - v.mean()
    scale = float(np.max(np.abs(d)))
    if scale == 0 or not np.isfinite(scale):
        return None
    return d / scale


def skew(x: FloatArray) -> float:
    """Sample skewness as in Excel's SKEW (e1071 type 2), ignoring NaN; NaN with fewer than 3 values."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 3:
        return float("nan")
    d = _centred(v)
    if d is None:
        return float("nan")
    m2 = float(np.sum(d**2))
    g = np.sqrt(n) * float(np.sum(d**3)) / m2**1.5
    return float(g * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: FloatArray) -> float:
    """Sample excess kurtosis as in Excel's KURT (e1071 type 2), ignoring NaN (NaN below 4 values)."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 4:
        return float("nan")
    d = _centred(v)
    if d is None:
        return float("nan")
    m2 = float(np.sum(d**2))
    r = n * float(np.sum(d**4)) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def rank_min(x: np.ndarray, descending: bool = False) -> FloatArray:
    """Ranks with ties given the minimum rank (R's ties.method = "min"); NaN stays NaN."""
    v = np.asarray(x, dtype=float)
    out = np.full(v.shape, np.nan)
    ok = ~np.isnan(v)
    vals = -v[ok] if descending else v[ok]
    s = np.sort(vals)
    out[ok] = np.searchsorted(s, vals, side="left") + 1
    return out


def batch_rank_desc(scores: FloatArray) -> FloatArray:
    """Rank every row of a (replications × units) array, highest score = 1, ties share the best rank."""
    s = np.where(np.isnan(scores), -np.inf, scores)
    srt = np.sort(-s, axis=1)
    ranks = np.empty_like(s)
    for i in range(s.shape[0]):
        ranks[i] = np.searchsorted(srt[i], -s[i], side="left") + 1
    return ranks
