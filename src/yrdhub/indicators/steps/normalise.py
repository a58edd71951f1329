"""Normalisation: bring indicators onto a common scale (COINr's ``n_*`` functions and more).

Every method sees ``direction · x`` (so a negative-direction indicator is reversed first), as COINr does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Self

import numpy as np
import pandas as pd

from .._stats import rank_min
from .base import Context, Step

Arr = np.ndarray


def n_minmax(x: Arr, l_u: tuple[float, float] = (0, 100)) -> Arr:
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - mn) / (mx - mn) * (l_u[1] - l_u[0]) + l_u[0]


def n_zscore(x: Arr, m_sd: tuple[float, float] = (0, 1)) -> Arr:
    return (x - np.nanmean(x)) / np.nanstd(x, ddof=1) * m_sd[1] + m_sd[0]


def n_scaled(x: Arr, npara: tuple[float, float] = (0, 100), scale_factor: float = 100) -> Arr:
    """(x − l)/(u − l) · scale_factor with npara = (l, u): a fixed linear scale (COINr's ``n_scaled``, the GII's)."""
    return (x - npara[0]) / (npara[1] - npara[0]) * scale_factor


def n_dist2max(x: Arr) -> Arr:
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - (mx - x) / (mx - mn)


def n_dist2ref(x: Arr, iref: int, cap_max: bool = False) -> Arr:
    """Distance to the value of a reference unit (position ``iref``, 0-based)."""
    xref, mn = x[iref], np.nanmin(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = 1 - (xref - x) / (xref - mn)
    return np.minimum(y, 1) if cap_max else y


def n_dist2targ(x: Arr, targ: float, cap_max: bool = False) -> Arr:
    mn = np.nanmin(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = 1 - (targ - x) / (targ - mn)
    return np.minimum(y, 1) if cap_max else y


def n_fracmax(x: Arr) -> Arr:
    with np.errstate(divide="ignore", invalid="ignore"):
        return x / np.nanmax(x)


def n_rank(x: Arr) -> Arr:
    return rank_min(x)


def n_prank(x: Arr) -> Arr:
    return (rank_min(x) - 1) / (np.sum(~np.isnan(x)) - 1)


def n_borda(x: Arr) -> Arr:
    return rank_min(x) - 1


def n_goalposts(x: Arr, gposts: tuple[float, ...], direction: int = 1, trunc2posts: bool = True) -> Arr:
    """(x − l)/(u − l) · a with goalposts (l, u, a); values outside the posts are truncated to [0, a]."""
    lo, hi, a = (gposts[0], gposts[1], gposts[2] if len(gposts) > 2 else 1.0)
    if direction == -1:  # x arrives multiplied by −1, so the goalposts must be too
        lo, hi = -lo, -hi
        y = (x - hi) / (lo - hi)
    else:
        y = (x - lo) / (hi - lo)
    if trunc2posts:
        y = np.clip(y, 0, 1)
    return y * a


METHODS: dict[str, Callable[..., Arr]] = {
    "minmax": n_minmax,
    "zscore": n_zscore,
    "scaled": n_scaled,
    "dist2max": n_dist2max,
    "dist2ref": n_dist2ref,
    "dist2targ": n_dist2targ,
    "fracmax": n_fracmax,
    "rank": n_rank,
    "prank": n_prank,
    "borda": n_borda,
    "goalposts": n_goalposts,
}
NORMALISATIONS: tuple[str, ...] = (*METHODS, "none")  # every named normalisation ("none": only d·x)


def normalise_column(
    x: Arr,
    method: str | Callable[..., Arr] = "minmax",
    params: Mapping[str, Any] | None = None,
    direction: int = 1,
) -> Arr:
    if direction not in (1, -1):
        raise ValueError(f"direction must be 1 or -1, got {direction!r}")
    xd = np.asarray(x, dtype=float) * direction
    if method == "none":
        return xd
    if callable(method):
        return np.asarray(method(xd, **dict(params or {})), dtype=float)
    if method not in METHODS:
        raise ValueError(f"unknown normalisation {method!r}; choose one of {sorted(METHODS)} or a callable")
    kwargs = dict(params or {})
    if method == "goalposts":
        kwargs.setdefault("direction", direction)
    return METHODS[method](xd, **kwargs)


def normalise(
    X: pd.DataFrame,
    method: str | Callable[..., Arr] = "minmax",
    params: Mapping[str, Any] | None = None,
    directions: Mapping[str, int] | None = None,
    per_indicator: Mapping[str, Mapping[str, Any]] | None = None,
    targets: Mapping[str, float | None] | None = None,
    ref_unit: str | None = None,
) -> pd.DataFrame:
    """Normalise every column. ``per_indicator`` maps a code to ``{"method": …, "params": {…}}``."""
    vals = X.to_numpy(dtype=float)
    cols: dict[str, Arr] = {}
    for j, col in enumerate(X.columns):
        spec = dict((per_indicator or {}).get(col, {}))
        m = spec.get("method", method)
        p = dict(spec.get("params", params if "method" not in spec else None) or {})
        d = int((directions or {}).get(col, 1))
        if m == "dist2targ" and "targ" not in p:
            t = (targets or {}).get(col)
            if t is None:
                raise ValueError(f"dist2targ: no target for {col!r}")
            p["targ"] = t * d
        if m == "dist2ref" and "iref" not in p:
            if ref_unit is None:
                raise ValueError("dist2ref needs ref_unit (a uCode)")
            p["iref"] = int(X.index.get_indexer(pd.Index([ref_unit]))[0])
        cols[col] = normalise_column(vals[:, j], m, p, d)
    return pd.DataFrame(cols, index=X.index)


class Normalise(Step):
    """Normalise with one method for all indicators (``method``, ``params``) and optional overrides."""

    kind = "normalise"
    output = "Normalised"

    def __init__(
        self,
        method: str | Callable[..., Arr] = "minmax",
        params: Mapping[str, Any] | None = None,
        per_indicator: Mapping[str, Mapping[str, Any]] | None = None,
        ref_unit: str | None = None,
    ) -> None:
        self.method = method
        self.params = params
        self.per_indicator = per_indicator
        self.ref_unit = ref_unit

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        fw = context.framework
        self.directions_ = {c: fw[c].direction for c in X.columns if c in fw}
        self.targets_ = {c: fw[c].target for c in X.columns if c in fw}
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return normalise(
            X, self.method, self.params, self.directions_, self.per_indicator, self.targets_, self.ref_unit
        )
