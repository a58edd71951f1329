"""Numerics shared by the Aggregate step, the weightings and the analysis: the aggregation means, the
framework-wide :func:`aggregate`, and PCA. Nothing here imports a step, a weighting or an analysis, so those
modules can all build on it without an import circle.

Weighted means skip missing values and renormalise the weights of what is left (as COINr's ``a_amean``).
The power (generalised) mean of order p refuses values ≤ 0 only where it must, as COINr's ``a_genmean``:
for p ≤ 0 (the geometric mean p = 0 takes logarithms, p < 0 divides by a power of x) a row with such a value
is NaN; for p > 0 zeros and negative values are used (x^p of a negative x is NaN unless p is a whole number,
and so is a negative mean's root, exactly as in R). A data-availability threshold per level sets an aggregate
to NaN when its row has a smaller share of non-missing children.

:func:`power_terms` and :func:`power_root` are the one definition of the power mean: the batched Monte Carlo
path (:mod:`.fast`) uses them too, so a nominal run and an uncertainty run cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .framework import Framework

Arr = np.ndarray
AggFunc = Callable[[Arr, Arr], Arr]  # (units × children, weights) → units


def power_terms(x: Arr, p: float) -> tuple[Arr, Arr]:
    """The terms φ(x) of a power mean of order ``p`` (x, ln x or x^p) with 0 where x is missing, and the mask
    of the values that make their row's mean undefined: x ≤ 0 for p ≤ 0, and for p > 0 a term R's power makes
    NaN (a negative x with a fractional p). The caller sets those rows (or parents) to NaN; their terms are 0
    here so that a matrix product over several parents cannot spread them (NaN · 0 = NaN). Infinite terms
    stay: R sums them (±inf, or NaN for inf − inf and inf · 0), and so does :func:`power_mean`."""
    ok = ~np.isnan(x)
    bad = ok & (x <= 0) if p <= 0 else np.zeros(x.shape, dtype=bool)
    use = ok & ~bad
    safe = np.where(use, x, 1.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = safe if p == 1 else np.log(safe) if p == 0 else safe**p
    bad |= use & np.isnan(t)
    return np.where(use & ~bad, t, 0.0), bad


def power_root(y: Arr, p: float) -> Arr:
    """The inverse of φ: the mean of the terms back on the scale of x."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if p == 1:
            return y
        if p == 0:
            return np.exp(y)
        return y ** (1.0 / p)


def power_mean(x: Arr, w: Arr, p: float) -> Arr:
    """Weighted power (generalised) mean by row: p = 1 arithmetic, 0 geometric, −1 harmonic, any other p
    ``(Σ w x^p / Σ w)^(1/p)``; see the module docstring for zeros and negative values."""
    ok = ~np.isnan(x)
    wsum = np.where(ok, w, 0.0).sum(axis=1)
    t, bad = power_terms(x, p)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = power_root((t * w).sum(axis=1) / np.where(wsum == 0, np.nan, wsum), p)
    return np.where(bad.any(axis=1), np.nan, out)


def a_amean(x: Arr, w: Arr) -> Arr:
    return power_mean(x, w, 1.0)


def a_gmean(x: Arr, w: Arr) -> Arr:
    return power_mean(x, w, 0.0)


def a_hmean(x: Arr, w: Arr) -> Arr:
    return power_mean(x, w, -1.0)


def a_wmedian(x: Arr, w: Arr) -> Arr:
    """Weighted median by row; where the cumulative weight hits exactly one half, the mean of the two."""
    out = np.full(x.shape[0], np.nan)
    for i, row in enumerate(x):
        ok = ~np.isnan(row)
        if not ok.any():
            continue
        order = np.argsort(row[ok], kind="stable")
        v, ww = row[ok][order], w[ok][order]
        cw = np.cumsum(ww) / ww.sum()
        j = int(np.searchsorted(cw, 0.5 - 1e-12))
        out[i] = (v[j] + v[j + 1]) / 2 if np.isclose(cw[j], 0.5) and j + 1 < v.size else v[j]
    return out


def outrank_matrix(x: Arr, w: Arr) -> Arr:
    """COINr's outranking matrix (``outrankMatrix``) of the units (rows of ``x``): o_uv = Σ w̃ [x_u > x_v] +
    ½ Σ w̃ [x_u = x_v] with w̃ = w / Σ w, diagonal 0, so o_uv + o_vu = 1. A comparison with a missing value
    counts as a tie (½ to each unit). COINr gives its whole weight to the unit further down the table, which
    makes the result depend on the order of the rows; the tie is the mean of COINr's two orders."""
    wn = w / np.sum(w)
    gt = ((x[:, None, :] > x[None, :, :]) * wn).sum(axis=2)  # a comparison with NaN is False both ways
    eq = ((x[:, None, :] == x[None, :, :]) * wn).sum(axis=2)
    miss = ((np.isnan(x[:, None, :]) | np.isnan(x[None, :, :])) * wn).sum(axis=2)
    o = gt + 0.5 * (eq + miss)
    np.fill_diagonal(o, 0.0)
    return o


def a_copeland(x: Arr, w: Arr) -> Arr:
    """Copeland score of each unit: over the other units, +1 for each it outranks (weighted majority of the
    children), −1 for each that outranks it, 0 for a draw; ``sign(o_uv − o_vu)`` of :func:`outrank_matrix`,
    computed from the wins alone so that ties and missing comparisons cancel exactly. A unit with no value in
    the group has no score (NaN), as with the means."""
    gt = ((x[:, None, :] > x[None, :, :]) * (w / np.sum(w))).sum(axis=2)  # NaN compares False both ways
    score = np.sign(gt - gt.T).sum(axis=1).astype(float)
    return np.where(np.isnan(x).all(axis=1), np.nan, score)


METHODS: dict[str, AggFunc] = {
    "amean": a_amean,
    "gmean": a_gmean,
    "hmean": a_hmean,
    "wmedian": a_wmedian,
    "copeland": a_copeland,
}
AGGREGATIONS: tuple[str, ...] = (*METHODS, "genmean")  # every named aggregation ("genmean" needs p)


def per_level(value: object, n: int, name: str) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} must have one entry per aggregation level ({n}), got {len(value)}")
        return list(value)
    return [value] * n


def resolve_method(method: str | AggFunc, p: float | None) -> AggFunc:
    if callable(method):
        return method
    if method == "genmean":
        if p is None:
            raise ValueError("genmean needs p")
        return lambda x, w: power_mean(x, w, float(p))
    if method not in METHODS:
        raise ValueError(f"unknown aggregation {method!r}; choose one of {list(AGGREGATIONS)} or a callable")
    return METHODS[method]


def aggregate(
    X: pd.DataFrame,
    framework: Framework,
    method: str | AggFunc | Sequence[str | AggFunc] = "amean",
    weights: Mapping[str, float] | None = None,
    dat_thresh: float | Sequence[float | None] | None = None,
    p: float | Sequence[float | None] | None = None,
) -> pd.DataFrame:
    """Append every aggregate column, level 2 upwards; per-level lists give one method/threshold per level."""
    nlev = framework.n_levels
    methods = per_level(method, nlev - 1, "method")
    threshs = per_level(dat_thresh, nlev - 1, "dat_thresh")
    ps = per_level(p, nlev - 1, "p")
    w_all = {**framework.weights, **(weights or {})}
    cols: dict[str, Arr] = {c: X[c].to_numpy(dtype=float) for c in X.columns}
    for lev in range(2, nlev + 1):
        func = resolve_method(methods[lev - 2], ps[lev - 2])
        for parent, children in framework.groups(lev).items():
            missing = [c for c in children if c not in cols]
            if missing:
                raise ValueError(f"cannot aggregate {parent!r}: no data for {missing}")
            x = np.column_stack([cols[c] for c in children])
            w = np.array([w_all[c] for c in children], dtype=float)
            y = np.asarray(func(x, w), dtype=float)
            th = threshs[lev - 2]
            if th is not None:
                y = np.where(np.mean(~np.isnan(x), axis=1) < th, np.nan, y)
            cols[parent] = y
    return pd.DataFrame(cols, index=X.index)


def pca(X: pd.DataFrame, n_components: int | None = None) -> dict[str, pd.DataFrame | np.ndarray]:
    """PCA of the standardised columns (complete rows): loadings, explained variance ratio, scores."""
    v = X.dropna().to_numpy(dtype=float)
    z = (v - v.mean(axis=0)) / v.std(axis=0, ddof=1)
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    k = n_components or vt.shape[0]
    signs = np.sign(vt[:k].sum(axis=1))  # orient each component so its loadings sum positive
    signs[signs == 0] = 1
    comps = vt[:k] * signs[:, None]
    var = s**2 / (v.shape[0] - 1)
    return {
        "loadings": pd.DataFrame(comps.T, index=X.columns, columns=[f"PC{i + 1}" for i in range(k)]),
        "explained": var[:k] / var.sum(),
        "scores": pd.DataFrame(z @ comps.T, index=X.dropna().index, columns=[f"PC{i + 1}" for i in range(k)]),
    }
