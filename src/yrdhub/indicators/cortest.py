"""Correlation tests as R's ``cor.test`` (two-sided), and COINr's ``get_pvals``: the p-value of every pair of
columns.

* Pearson: t = r·√(n − 2)/√(1 − r²) on n − 2 degrees of freedom.
* Kendall (τ_b): below 50 pairs without ties, the exact distribution of the number of concordant pairs
  (Mahonian numbers); otherwise the normal approximation with the variance corrected for ties.
* Spearman (ρ of the ranks, ties averaged): without ties, the distribution of S = Σ d² — exact by enumerating
  the permutations up to 9 pairs, above that the Edgeworth series of Best and Roberts (1975), Algorithm AS 89,
  *Appl. Statist.* 24:377–379; with ties, the t approximation.

Only complete pairs count. Where R's ``cor.test`` stops (fewer than 3 pairs for Pearson, 2 for the ranks)
the p-value is NaN. SciPy's ``spearmanr`` always uses the t approximation, so its p-values differ from R's
for data without ties: these are R's (checked against COINr's ``get_pvals`` in tests/indicators/reference).
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import permutations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["COR_METHODS", "cor_test", "correlation", "pvalues"]

COR_METHODS = ("pearson", "spearman", "kendall")
_EDGEWORTH = (0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4)


def correlation(x: np.ndarray, y: np.ndarray, method: str = "pearson") -> float:
    """R's ``cor(x, y, method, use = "pairwise.complete.obs")``: Pearson's r, Spearman's ρ (ranks of the complete
    pairs, ties averaged) or Kendall's τ_b, over the complete pairs; NaN without two of them."""
    if method not in COR_METHODS:
        raise ValueError(f"unknown correlation {method!r}; choose one of {COR_METHODS}")
    a, b = _complete(x, y)
    if a.size < 2:
        return float("nan")
    if method == "pearson":
        return _pearson(a, b)
    if method == "spearman":
        return _pearson(stats.rankdata(a), stats.rankdata(b))
    return float(stats.kendalltau(a, b, variant="b").statistic)


def _complete(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = ~(np.isnan(a) | np.isnan(b))
    return a[ok], b[ok]


def cor_test(x: np.ndarray, y: np.ndarray, method: str = "pearson") -> tuple[float, float]:
    """(estimate, two-sided p-value) of the correlation of ``x`` and ``y`` over their complete pairs."""
    r = correlation(x, y, method)
    a, b = _complete(x, y)
    n = a.size
    if n < (3 if method == "pearson" else 2) or not np.isfinite(r):
        return float("nan"), float("nan")
    if method == "pearson":
        with np.errstate(divide="ignore"):
            t = math.sqrt(n - 2) * r / math.sqrt(1 - r * r) if abs(r) < 1 else math.copysign(math.inf, r)
        return r, float(2 * min(stats.t.cdf(t, n - 2), stats.t.sf(t, n - 2)))
    ties = min(np.unique(a).size, np.unique(b).size) < n
    if method == "kendall":
        return r, _kendall_p(a, b, r, n, ties)
    return r, _spearman_p(r, n, ties)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    da, db = a - a.mean(), b - b.mean()
    den = math.sqrt(float(np.sum(da * da)) * float(np.sum(db * db)))
    return float(np.sum(da * db) / den) if den > 0 else float("nan")


def _kendall_p(a: np.ndarray, b: np.ndarray, r: float, n: int, ties: bool) -> float:
    if n < 50 and not ties:
        q = float(np.rint((r + 1) * n * (n - 1) / 4))
        p = 1 - _kendall_cdf(q - 1, n) if q > n * (n - 1) / 4 else _kendall_cdf(q, n)
        return min(2 * p, 1.0)
    xt, yt = _tie_sizes(a), _tie_sizes(b)
    t0 = n * (n - 1) / 2
    t1, t2 = float(np.sum(xt * (xt - 1))) / 2, float(np.sum(yt * (yt - 1))) / 2
    s = r * math.sqrt((t0 - t1) * (t0 - t2))
    v0 = n * (n - 1) * (2 * n + 5)
    vt, vu = float(np.sum(xt * (xt - 1) * (2 * xt + 5))), float(np.sum(yt * (yt - 1) * (2 * yt + 5)))
    v1 = float(np.sum(xt * (xt - 1))) * float(np.sum(yt * (yt - 1)))
    v2 = float(np.sum(xt * (xt - 1) * (xt - 2))) * float(np.sum(yt * (yt - 1) * (yt - 2)))
    var_s = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
    z = s / math.sqrt(var_s)
    return float(2 * min(stats.norm.cdf(z), stats.norm.sf(z)))


def _tie_sizes(v: np.ndarray) -> np.ndarray:
    _, counts = np.unique(v, return_counts=True)
    return counts[counts > 1].astype(float)


@lru_cache(maxsize=64)
def _kendall_distribution(n: int) -> np.ndarray:
    """P(K ≤ k), k = 0 … n(n − 1)/2, for the number K of inversions of a random permutation of n."""
    dist = np.array([1.0])
    for i in range(2, n + 1):
        dist = np.convolve(dist, np.full(i, 1.0 / i))
    return np.cumsum(dist)


def _kendall_cdf(q: float, n: int) -> float:
    cdf = _kendall_distribution(n)
    if q < 0:
        return 0.0
    return float(cdf[min(int(q), cdf.size - 1)])


def _spearman_p(r: float, n: int, ties: bool) -> float:
    q = (n**3 - n) * (1 - r) / 6
    lower = not q > (n**3 - n) / 6
    if ties or n > 1290:
        den = (n * (n * n - 1)) / 6
        rr = 1 - q / den
        t = rr / math.sqrt((1 - rr * rr) / (n - 2)) if abs(rr) < 1 else math.copysign(math.inf, rr)
        p = float(stats.t.sf(t, n - 2) if lower else stats.t.cdf(t, n - 2))
    else:
        p = _prho(float(np.rint(q)) + 2 * lower, n, lower)
    return min(2 * p, 1.0)


@lru_cache(maxsize=16)
def _spearman_exact(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The values of S = Σ (i − π(i))² over all permutations π of n, and how many permutations give each."""
    ranks = np.arange(n)
    s = np.array([int(np.sum((ranks - np.array(p)) ** 2)) for p in permutations(range(n))])
    return np.unique(s, return_counts=True)


def _prho(s: float, n: int, lower: bool) -> float:
    """P(S ≥ s), or P(S < s) when ``lower``, for Spearman's S = Σ d² of n pairs without ties (AS 89)."""
    if s <= 0:
        return 0.0 if lower else 1.0
    if s > (n**3 - n) / 3:
        return 1.0 if lower else 0.0
    if n <= 9:
        values, counts = _spearman_exact(n)
        above = float(counts[values >= s].sum())
        total = float(math.factorial(n))
        return (total - above) / total if lower else above / total
    b = 1.0 / n
    x = (6.0 * (s - 1) * b / (n * n - 1) - 1) * math.sqrt(1 / b - 1)
    y = x * x
    c = _EDGEWORTH
    u = x * b * (c[0] + b * (c[1] + c[2] * b) + y * (-c[3] + b * (c[4] + c[5] * b)
                 - y * b * (c[6] + c[7] * b - y * (c[8] - c[9] * b + y * b * (c[10] - c[11] * y)))))  # fmt: skip
    corr = u / math.exp(y / 2)
    p = (-corr + stats.norm.cdf(x)) if lower else (corr + stats.norm.sf(x))
    return float(min(max(p, 0.0), 1.0))


def pvalues(X: pd.DataFrame, method: str = "pearson") -> pd.DataFrame:
    """The p-value of the correlation of every pair of columns (COINr's ``get_pvals``): a square table, 0 on
    the diagonal, NaN where a column has no values."""
    cols = list(X.columns)
    v = X.to_numpy(dtype=float)
    out = np.full((len(cols), len(cols)), np.nan)
    np.fill_diagonal(out, 0.0)
    empty = np.isnan(v).all(axis=0)
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            if not (empty[i] or empty[j]):
                out[i, j] = out[j, i] = cor_test(v[:, i], v[:, j], method)[1]
    return pd.DataFrame(out, index=cols, columns=cols)
