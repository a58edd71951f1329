"""Time series of one unit: percentage change (COINr's ``prc_change``) and interpolation of a time-indexed table
(COINr's ``approx_df``, R's ``approx`` column by column). :mod:`.panel` has the compound annual growth rate and
the panel-wide tools."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["approx", "approx_df", "prc_change"]


def _series(y: Sequence[float] | np.ndarray, x: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    yv, xv = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    if yv.shape != xv.shape or yv.ndim != 1:
        raise ValueError("y and x must be vectors of the same length")
    if np.isnan(xv).any():
        raise ValueError("x contains missing values: every y must be indexed by a time point")
    return yv, xv


def prc_change(y: Sequence[float] | np.ndarray, x: Sequence[float] | np.ndarray, per: float = 1.0) -> float:
    """Percentage change of ``y`` over time ``x``, per ``per`` units of time (``per=10``: per decade), as COINr's
    ``prc_change``: with two observations, (y_last − y_first)·100/y_first · per/(x_last − x_first); with three or
    more, from the least-squares line a + b·x: b·per/(a + b·x_first)·100. NaN with fewer than two observations;
    0 when every value is the same. (The result means nothing when the line starts at or below 0.)"""
    yv, xv = _series(y, x)
    ok = ~np.isnan(yv)
    if ok.sum() < 2:
        return float("nan")
    yv, xv = yv[ok], xv[ok]
    if np.unique(yv).size == 1:
        return 0.0
    order = np.argsort(xv, kind="stable")
    yv, xv = yv[order], xv[order]
    if yv.size < 3:
        return float((yv[-1] - yv[0]) * 100 / yv[0] * (per / (xv[-1] - xv[0])))
    xc = xv - xv.mean()
    slope = float(np.sum(xc * (yv - yv.mean())) / np.sum(xc * xc))
    intercept = float(yv.mean() - slope * xv.mean())
    return float((slope * per) / (intercept + slope * xv[0]) * 100)


def approx(
    x: np.ndarray,
    y: np.ndarray,
    xout: np.ndarray,
    method: str = "linear",
    rule: int | tuple[int, int] = 1,
    f: float = 0.0,
) -> np.ndarray:
    """R's ``approx(x, y, xout, method, rule, f)`` with ``ties = mean``: pairs with a missing value are dropped;
    ``rule`` 1 gives NaN outside the range of ``x``, 2 the nearest end value (one rule or a pair: left, right);
    ``method="constant"`` gives (1 − f)·y_left + f·y_right between two points."""
    if method not in {"linear", "constant"}:
        raise ValueError("method must be 'linear' or 'constant'")
    left, right = (rule, rule) if isinstance(rule, int) else rule
    xv, yv = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = ~(np.isnan(xv) | np.isnan(yv))
    knots, inverse = np.unique(xv[ok], return_inverse=True)
    if knots.size == 0:
        raise ValueError("approx needs at least one pair of values")
    values = np.bincount(inverse, weights=yv[ok]) / np.bincount(inverse)  # ties: the mean
    v = np.asarray(xout, dtype=float)
    out = np.full(v.shape, np.nan)
    low, high = v < knots[0], v > knots[-1]
    out[low] = values[0] if left == 2 else np.nan
    out[high] = values[-1] if right == 2 else np.nan
    inside = ~(low | high | np.isnan(v))
    vi = v[inside]
    if knots.size == 1:  # every inside point is the one knot
        out[inside] = values[0]
        return out
    right_of = np.clip(np.searchsorted(knots, vi, side="right"), 1, knots.size - 1)
    res = np.empty(vi.shape)
    for k, (val, jj) in enumerate(zip(vi, right_of, strict=True)):
        i = jj - 1
        if val == knots[jj]:
            res[k] = values[jj]
        elif val == knots[i]:
            res[k] = values[i]
        elif method == "linear":
            res[k] = values[i] + (values[jj] - values[i]) * ((val - knots[i]) / (knots[jj] - knots[i]))
        else:
            res[k] = (values[i] * (1 - f) if f != 1 else 0.0) + (values[jj] * f if f != 0 else 0.0)
    out[inside] = res
    return out


def approx_df(
    Y: pd.DataFrame,
    tt: Sequence[float] | np.ndarray,
    tt_est: Sequence[float] | np.ndarray | None = None,
    method: str = "linear",
    rule: int | tuple[int, int] = 1,
    f: float = 0.0,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Interpolate every column of ``Y`` (rows indexed by the times ``tt``) at the times ``tt_est`` (all of ``tt``
    by default), as COINr's ``approx_df``: the estimated rows, plus the rows of ``tt`` not in ``tt_est``
    unchanged, sorted by time. A column with fewer than two values stays missing. Returns (times, table)."""
    times = np.asarray(tt, dtype=float)
    if len(Y) != times.size:
        raise ValueError("tt must have one time per row of Y")
    if not all(pd.api.types.is_numeric_dtype(Y[c]) for c in Y.columns):
        raise ValueError("every column of Y must be numeric")
    est = times if tt_est is None else np.atleast_1d(np.asarray(tt_est, dtype=float))
    rest = np.array([t for t in dict.fromkeys(times.tolist()) if t not in set(est.tolist())], dtype=float)
    out_t = np.concatenate([est, rest])
    first = {t: i for i, t in reversed(list(enumerate(times.tolist())))}
    cols = {}
    for c in Y.columns:
        y = Y[c].to_numpy(dtype=float)
        if (~np.isnan(y)).sum() > 1:
            kept = np.array([y[first[t]] for t in rest.tolist()], dtype=float)
            cols[c] = np.concatenate([approx(times, y, est, method, rule, f), kept])
        else:
            cols[c] = np.full(out_t.size, np.nan)
    order = np.argsort(out_t, kind="stable")
    table = pd.DataFrame({c: v[order] for c, v in cols.items()}, columns=list(Y.columns))
    return out_t[order], table
