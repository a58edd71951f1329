"""Impute missing values: mean, median, by-group mean/median, or a custom function of a column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

import numpy as np
import pandas as pd

from .base import Context, Step

ImputeFunc = Callable[[np.ndarray], np.ndarray]
METHODS = ("mean", "median", "mean_grp", "median_grp", "none")


def _fill(col: np.ndarray, stat: str) -> np.ndarray:
    ok = ~np.isnan(col)
    if ok.all() or not ok.any():
        return col
    vals = np.sort(col[ok])  # sorted: the mean does not depend on the order of units
    value = np.mean(vals) if stat == "mean" else np.median(vals)
    return np.where(ok, col, value)


def impute(
    X: pd.DataFrame,
    method: str | ImputeFunc = "mean",
    groups: pd.Series | None = None,
) -> pd.DataFrame:
    """Fill NaN column by column. ``*_grp`` methods use the statistic within each group of ``groups``."""
    vals = X.to_numpy(dtype=float).copy()
    if callable(method):
        cols = {c: np.asarray(method(vals[:, j]), dtype=float) for j, c in enumerate(X.columns)}
        return pd.DataFrame(cols, index=X.index)
    if method not in METHODS:
        raise ValueError(f"unknown imputation method {method!r}; choose one of {METHODS} or a callable")
    if method == "none":
        return X.copy()
    stat = method.removesuffix("_grp")
    if method.endswith("_grp"):
        if groups is None:
            raise ValueError(f"method {method!r} needs a grouping column (use_group)")
        g = np.array([str(v) for v in groups.reindex(X.index)], dtype=object)
        for key in sorted(set(g)):
            mask = g == key
            for j in range(vals.shape[1]):
                vals[mask, j] = _fill(vals[mask, j], stat)
    else:
        for j in range(vals.shape[1]):
            vals[:, j] = _fill(vals[:, j], stat)
    return pd.DataFrame(vals, index=X.index, columns=X.columns)


class Impute(Step):
    """Impute missing data (COINr's ``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``)."""

    kind = "impute"
    output = "Imputed"

    def __init__(self, method: str | ImputeFunc = "mean", use_group: str | None = None) -> None:
        self.method = method
        self.use_group = use_group

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        self.groups_ = None
        if self.use_group is not None:
            if self.use_group not in context.units.columns:
                raise ValueError(f"group column {self.use_group!r} is not in the unit data")
            self.groups_ = context.units[self.use_group]
        self.n_missing_ = int(X.isna().to_numpy().sum())
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return impute(X, self.method, self.groups_)
