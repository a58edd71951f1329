"""Impute missing values (COINr's ``Impute``): by column (each indicator), by row (each unit across its
indicators) or by data frame (a multivariate method given the whole table), within groups of indicators at a
level of the framework (``group_level``), optionally after min-max normalising each column.

``normalise_first`` (the default when imputing by row, as in COINr) turns every column by its direction,
scales it to [0, 1], imputes, and maps the result back to the column's own scale, so that a unit's missing
value is filled from its *relative* position on the other indicators. Observed values are never changed: an
imputation function that alters one (beyond rounding, 1.5e-8 relative) is refused, and the observed values
are then written back exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Self

import numpy as np
import pandas as pd

from .base import Context, Step

ImputeFunc = Callable[[Any], Any]  # a vector → a vector, or (impute_by="df") a DataFrame → a DataFrame
METHODS = ("mean", "median", "mean_grp", "median_grp", "none")
IMPUTE_BY = ("column", "row", "df")


def _fill(col: np.ndarray, stat: str) -> np.ndarray:
    ok = ~np.isnan(col)
    if ok.all() or not ok.any():
        return col
    vals = np.sort(col[ok])  # sorted: the mean does not depend on the order of units
    value = np.mean(vals) if stat == "mean" else np.median(vals)
    return np.where(ok, col, value)


def _by_column(vals: np.ndarray, method: str | ImputeFunc, groups: pd.Series | None, index: pd.Index) -> np.ndarray:
    if callable(method):
        return np.column_stack([np.asarray(method(vals[:, j]), dtype=float) for j in range(vals.shape[1])])
    stat = method.removesuffix("_grp")
    out = vals.copy()
    if method.endswith("_grp"):
        if groups is None:
            raise ValueError(f"method {method!r} needs a grouping column (use_group)")
        g = np.array([str(v) for v in groups.reindex(index)], dtype=object)
        for key in sorted(set(g)):
            mask = g == key
            for j in range(out.shape[1]):
                out[mask, j] = _fill(out[mask, j], stat)
    else:
        for j in range(out.shape[1]):
            out[:, j] = _fill(out[:, j], stat)
    return out


def _by_row(vals: np.ndarray, method: str | ImputeFunc) -> np.ndarray:
    if isinstance(method, str) and method.endswith("_grp"):
        raise ValueError(f"method {method!r} groups units: it imputes by column, not by row")
    if callable(method):
        return np.vstack([np.asarray(method(vals[i]), dtype=float) for i in range(vals.shape[0])])
    return np.vstack([_fill(vals[i], method) for i in range(vals.shape[0])])


def _impute_block(
    X: pd.DataFrame,
    method: str | ImputeFunc,
    groups: pd.Series | None,
    impute_by: str,
    normalise_first: bool,
    directions: Mapping[str, int],
) -> pd.DataFrame:
    vals = X.to_numpy(dtype=float)
    missing = np.isnan(vals)
    if not missing.any():
        return X.copy()
    work = vals
    if normalise_first:
        d = np.array([directions.get(c, 1) for c in X.columns], dtype=float)
        turned = vals * d
        empty = missing.all(axis=0)
        lo = np.where(empty, np.nan, np.where(missing, np.inf, turned).min(axis=0))
        hi = np.where(empty, np.nan, np.where(missing, -np.inf, turned).max(axis=0))
        with np.errstate(all="ignore"):
            work = (turned - lo) / (hi - lo)
    if impute_by == "df":
        if not callable(method):
            raise ValueError("impute_by='df' needs a function of the whole table (DataFrame → DataFrame)")
        result = method(pd.DataFrame(work, index=X.index, columns=X.columns))
        if not isinstance(result, pd.DataFrame) or result.shape != X.shape:
            raise ValueError("the imputation function must return a DataFrame of the shape it was given")
        filled = result.to_numpy(dtype=float)
    elif impute_by == "row":
        filled = _by_row(work, method)
    else:
        filled = _by_column(work, method, groups, X.index)
    if filled.shape != vals.shape:
        raise ValueError("the imputation function changed the shape of the data")
    if normalise_first:
        with np.errstate(all="ignore"):
            filled = (filled * (hi - lo) + lo) * d
    observed = ~missing
    changed = ~np.isclose(filled[observed], vals[observed], rtol=1.5e-8, atol=0.0, equal_nan=False)
    if changed.any():
        raise ValueError(f"the imputation changed {int(changed.sum())} observed value(s)")
    out = np.where(observed, vals, filled)  # observed values exactly as they were
    return pd.DataFrame(out, index=X.index, columns=X.columns)


def impute(
    X: pd.DataFrame,
    method: str | ImputeFunc = "mean",
    groups: pd.Series | None = None,
    impute_by: str = "column",
    column_groups: Mapping[str, str] | None = None,
    normalise_first: bool | None = None,
    directions: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Fill NaN (COINr's ``Impute``).

    ``impute_by``: ``"column"`` (the statistic of each indicator; ``*_grp`` within the unit groups of
    ``groups``; a callable gets each column), ``"row"`` (``mean`` or ``median`` of the unit's other values,
    or a callable of each row) or ``"df"`` (a callable given the whole table, returning it imputed).
    ``column_groups`` maps each column to its group (e.g. its ancestor at a level): each group of columns is
    imputed on its own. ``normalise_first`` (default: True by row, else False) min-max scales each column,
    turned by ``directions`` (default +1), before imputing and maps back after."""
    if impute_by not in IMPUTE_BY:
        raise ValueError(f"impute_by must be one of {IMPUTE_BY}")
    if not callable(method) and method not in METHODS:
        raise ValueError(f"unknown imputation method {method!r}; choose one of {METHODS} or a callable")
    if method == "none":
        return X.copy()
    if normalise_first is None:
        normalise_first = impute_by == "row"
    dirs = dict(directions or {})
    if column_groups is None:
        return _impute_block(X, method, groups, impute_by, normalise_first, dirs)
    unplaced = [c for c in X.columns if c not in column_groups]
    if unplaced:
        raise ValueError(f"column(s) {unplaced[:5]} have no group")
    parts = []
    for key in dict.fromkeys(column_groups[c] for c in X.columns):
        cols = [c for c in X.columns if column_groups[c] == key]
        parts.append(_impute_block(X[cols], method, groups, impute_by, normalise_first, dirs))
    return pd.concat(parts, axis=1)[list(X.columns)]


class Impute(Step):
    """Impute missing data (COINr's ``Impute`` with ``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``
    or any function): ``impute_by`` column, row or df; ``group_level`` imputes each group of indicators at that
    level of the framework on its own; ``normalise_first`` as :func:`impute` (directions from the framework)."""

    kind = "impute"
    output = "Imputed"

    def __init__(
        self,
        method: str | ImputeFunc = "mean",
        use_group: str | None = None,
        impute_by: str = "column",
        group_level: int | None = None,
        normalise_first: bool | None = None,
    ) -> None:
        self.method = method
        self.use_group = use_group
        self.impute_by = impute_by
        self.group_level = group_level
        self.normalise_first = normalise_first

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        fw = context.framework
        self.groups_ = None
        if self.use_group is not None:
            if self.use_group not in context.units.columns:
                raise ValueError(f"group column {self.use_group!r} is not in the unit data")
            self.groups_ = context.units[self.use_group]
        self.directions_ = {c: fw[c].direction for c in X.columns if c in fw}
        self.column_groups_ = None
        if self.group_level is not None:
            if not 2 <= self.group_level <= fw.n_levels:
                raise ValueError(f"group_level must be between 2 and the top level {fw.n_levels}")
            self.column_groups_ = {c: str(fw.ancestor_at(c, self.group_level)) for c in X.columns}
        self.n_missing_ = int(X.isna().to_numpy().sum())
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return impute(
            X, self.method, self.groups_, self.impute_by, self.column_groups_, self.normalise_first, self.directions_
        )
