"""Aggregation level by level through the framework (COINr's ``Aggregate``).

Weighted means skip missing values and renormalise the weights of what is left (as COINr's ``a_amean``).
Geometric and harmonic means of rows with a value ≤ 0 are NaN. A data-availability threshold per level
sets an aggregate to NaN when its row has a smaller share of non-missing children.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Self

import numpy as np
import pandas as pd

from ..framework import Framework
from .base import Context, Step

Arr = np.ndarray
AggFunc = Callable[[Arr, Arr], Arr]  # (units × children, weights) → units


def power_mean(x: Arr, w: Arr, p: float) -> Arr:
    """Weighted power (generalised) mean by row: p = 1 arithmetic, 0 geometric, −1 harmonic."""
    ok = ~np.isnan(x)
    wsum = np.where(ok, w, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 1:
            num = np.where(ok, x * w, 0.0).sum(axis=1)
            return num / np.where(wsum == 0, np.nan, wsum)
        bad = (np.where(ok, x, 1.0) <= 0).any(axis=1)
        if p == 0:
            out = np.exp(np.where(ok, np.log(x) * w, 0.0).sum(axis=1) / wsum)
        else:
            out = (np.where(ok, x**p * w, 0.0).sum(axis=1) / wsum) ** (1.0 / p)
    return np.where(bad | (wsum == 0), np.nan, out)


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


def a_copeland(x: Arr, w: Arr) -> Arr:
    """Copeland score of each unit: pairwise weighted majority wins minus losses over the other units."""
    xs = np.where(np.isnan(x), -np.inf, x)
    gt = (xs[:, None, :] > xs[None, :, :]) * w  # units × units × children
    eq = (xs[:, None, :] == xs[None, :, :]) * w
    out_ab = gt.sum(axis=2) + 0.5 * eq.sum(axis=2)
    diff = out_ab - out_ab.T
    return (np.sign(diff)).sum(axis=1).astype(float)


METHODS: dict[str, AggFunc] = {
    "amean": a_amean,
    "gmean": a_gmean,
    "hmean": a_hmean,
    "wmedian": a_wmedian,
    "copeland": a_copeland,
}


def _per_level(value: object, n: int, name: str) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} must have one entry per aggregation level ({n}), got {len(value)}")
        return list(value)
    return [value] * n


def _resolve(method: str | AggFunc, p: float | None) -> AggFunc:
    if callable(method):
        return method
    if method == "genmean":
        if p is None:
            raise ValueError("genmean needs p")
        return lambda x, w: power_mean(x, w, float(p))
    if method not in METHODS:
        raise ValueError(f"unknown aggregation {method!r}; choose one of {[*METHODS, 'genmean']} or a callable")
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
    methods = _per_level(method, nlev - 1, "method")
    threshs = _per_level(dat_thresh, nlev - 1, "dat_thresh")
    ps = _per_level(p, nlev - 1, "p")
    w_all = {**framework.weights, **(weights or {})}
    cols: dict[str, Arr] = {c: X[c].to_numpy(dtype=float) for c in X.columns}
    for lev in range(2, nlev + 1):
        func = _resolve(methods[lev - 2], ps[lev - 2])
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


class Aggregate(Step):
    """Aggregate through all levels. ``method`` / ``dat_thresh`` / ``p`` may be one value or one per level
    (level 2 first); ``weights`` overrides framework weights by code, or names a weighting derived from the
    data at fit: ``"equal"``, ``"pca"``, ``"balance"`` or ``"infomax"`` (see :mod:`..weights`)."""

    kind = "aggregate"
    output = "Aggregated"

    def __init__(
        self,
        method: str | AggFunc | Sequence[str | AggFunc] = "amean",
        weights: Mapping[str, float] | str | None = None,
        dat_thresh: float | Sequence[float | None] | None = None,
        p: float | Sequence[float | None] | None = None,
    ) -> None:
        self.method = method
        self.weights = weights
        self.dat_thresh = dat_thresh
        self.p = p

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        self.framework_ = context.framework
        if isinstance(self.weights, str):
            from ..weights import derive_weights

            methods = self.method if isinstance(self.method, list | tuple) else [self.method]
            if not all(isinstance(m, str) for m in methods):
                raise ValueError("weights derived from the data need named aggregation methods")
            self.weights_ = derive_weights(X, context.framework, self.weights, [str(m) for m in methods])
        else:
            self.weights_ = {**context.framework.weights, **(self.weights or {})}
        self.effective_weights_ = context.framework.effective_weights(self.weights_)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return aggregate(X, self.framework_, self.method, self.weights_, self.dat_thresh, self.p)
