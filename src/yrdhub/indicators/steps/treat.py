"""Outlier treatment (COINr's ``Treat``): check → winsorise → fall back to a transformation.

Default (as COINr 1.1): an indicator passes when |skew| < 2 OR kurtosis < 3.5 (sample moments as in
Excel). A failing indicator is winsorised — the highest (positive skew) or lowest (negative skew) value is
set to the next one, repeatedly — while the number of winsorised points is below ``winmax`` and it still
fails. If it still fails, the fallback ``f2`` (default ``log_CT``) is applied to the *original* values
(``combine_treat=True`` applies it to the winsorised values instead). Every threshold is a parameter and
the record of what was done and why is kept in ``details_`` and ``points_``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd

from .._stats import kurt, skew
from .base import Context, Step

FloatArray = np.ndarray


@dataclass(frozen=True)
class Check:
    passed: bool
    skew: float
    kurt: float


def check_skew_kurt(x: FloatArray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> Check:
    """Pass when |skew| < skew_thresh OR kurtosis < kurt_thresh (NaN moments count as a pass)."""
    s, k = skew(x), kurt(x)
    if np.isnan(s) or np.isnan(k):
        return Check(True, s, k)
    return Check(bool(abs(s) < skew_thresh or k < kurt_thresh), s, k)


def winsorise(
    x: FloatArray,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[FloatArray, int, list[str]]:
    """Winsorise as COINr does; returns (values, points at the cap, per-point label winhi/winlo/'')."""
    x = np.array(x, dtype=float)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh).passed
    imax: np.ndarray = np.array([], dtype=int)
    imin: np.ndarray = np.array([], dtype=int)
    nwin = 0
    limit = np.inf if winmax is None else winmax
    ok = ~np.isnan(x)
    while (not passing or force_win) and nwin < limit:
        if skew(x) >= 0:
            top = np.nanmax(x)
            imax = np.flatnonzero(ok & (x == top))
            rest = np.delete(x, imax)
            x[imax] = np.nanmax(rest)
        else:
            bottom = np.nanmin(x)
            imin = np.flatnonzero(ok & (x == bottom))
            rest = np.delete(x, imin)
            x[imin] = np.nanmin(rest)
        # COINr counts the points currently sitting at the cap(s): ties grow as the cap moves inwards
        nwin = imax.size + imin.size
        passing = check_skew_kurt(x, skew_thresh, kurt_thresh).passed
    labels = [""] * x.size
    for i in imax:
        labels[i] = "winhi"
    for i in imin:
        labels[i] = "winlo"
    return x, nwin, labels


def log_ct(x: FloatArray) -> FloatArray:
    """COIN Tool log (COINr ``log_CT``): ln(x − min + 0.01·(max − min))."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - mn + 0.01 * (mx - mn))


def log_ct_plus(x: FloatArray) -> FloatArray:
    """COINr's ``log_CT_plus``, the COIN Tool log turned towards the skew: ``log_CT`` when the skew is positive,
    otherwise its mirror ``−ln(max + 0.01·(max − min) − x)``, so that a long left tail is shortened too."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    a = 0.01 * (mx - mn)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - mn + a) if _skews_right(x) else -np.log(mx + a - x)


def _skews_right(x: FloatArray) -> bool:
    s = skew(x)
    return bool(s > 0 or np.isnan(s))  # COINr: skew > 0 (it stops on an undefined skew; log_CT is the plain case)


def log_ct_orig(x: FloatArray) -> FloatArray:
    """Original COIN Tool log: ln(x − min + 1)."""
    return np.log(x - np.nanmin(x) + 1)


def log_gii(x: FloatArray) -> FloatArray:
    """GII log: ln((max − 1)(x − min)/(max − min) + 1). (COINr's ``log_GII`` returns x unchanged: a bug.)"""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log((mx - 1) * (x - mn) / (mx - mn) + 1)


def boxcox(x: FloatArray, lmbda: float = 0.5, makepos: bool = True) -> FloatArray:
    """Box-Cox with a fixed lambda; ``makepos`` shifts to x − min + 1 first."""
    v = x - np.nanmin(x) + 1 if makepos else np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(v) if lmbda == 0 else (v**lmbda - 1) / lmbda


TRANSFORMS: dict[str, Callable[..., FloatArray]] = {
    "log_CT": log_ct,
    "log_CT_orig": log_ct_orig,
    "log_CT_plus": log_ct_plus,
    "log_GII": log_gii,
    "boxcox": boxcox,
}


def treat_column(
    x: FloatArray,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    f1: str | None = "winsorise",
    f2: str | Callable[..., FloatArray] | None = "log_CT",
    f2_para: Mapping[str, Any] | None = None,
    force_win: bool = False,
    combine_treat: bool = False,
) -> tuple[FloatArray, dict[str, Any], list[str]]:
    """Treat one indicator; returns (values, details record, per-point labels)."""
    x = np.asarray(x, dtype=float)
    rec: dict[str, Any] = {}
    c0 = check_skew_kurt(x, skew_thresh, kurt_thresh)
    rec.update({"check_SkewKurt0.Pass": c0.passed, "check_SkewKurt0.Skew": c0.skew, "check_SkewKurt0.Kurt": c0.kurt})
    labels = [""] * x.size
    if c0.passed and not force_win:
        rec["Treatment"] = "none: passes"
        return x.copy(), rec, labels
    x1 = x.copy()
    passed = c0.passed
    if f1 == "winsorise":
        x1, nwin, labels = winsorise(x, winmax, skew_thresh, kurt_thresh, force_win)
        c1 = check_skew_kurt(x1, skew_thresh, kurt_thresh)
        rec.update(
            {
                "winsorise.nwin": nwin,
                "check_SkewKurt1.Pass": c1.passed,
                "check_SkewKurt1.Skew": c1.skew,
                "check_SkewKurt1.Kurt": c1.kurt,
            }
        )
        passed = c1.passed
        rec["Treatment"] = f"winsorised {nwin} point(s)"
    elif f1 is not None:
        raise ValueError(f"unknown first treatment {f1!r} (only 'winsorise' or None)")
    if passed or f2 is None:
        if not passed:
            rec["Treatment"] = rec.get("Treatment", "none") + "; still fails, no fallback"
        return x1, rec, labels
    base = x1 if combine_treat else x
    name = f2 if isinstance(f2, str) else getattr(f2, "__name__", "custom")
    if isinstance(f2, str) and f2 not in TRANSFORMS:
        raise ValueError(f"unknown transformation {f2!r}; choose one of {list(TRANSFORMS)}")
    func = TRANSFORMS[f2] if isinstance(f2, str) else f2
    x2 = func(base, **dict(f2_para or {}))
    if name == "log_CT_plus":  # the points are labelled by the branch taken, as COINr does
        name = "log_CT" if _skews_right(base) else "log_CT_neg"
    c2 = check_skew_kurt(x2, skew_thresh, kurt_thresh)
    rec.update({"check_SkewKurt2.Pass": c2.passed, "check_SkewKurt2.Skew": c2.skew, "check_SkewKurt2.Kurt": c2.kurt})
    rec["Treatment"] = f"{name} (winsorising up to {winmax} point(s) did not pass)" + (
        "" if c2.passed else f"; still fails after {name}"
    )
    # not combined: the winsorisation was discarded, so every point is only transformed
    labels = [f"{lab}+{name}" if lab else name for lab in labels] if combine_treat else [name] * x.size
    return np.asarray(x2, dtype=float), rec, labels


def treat(
    X: pd.DataFrame,
    per_indicator: Mapping[str, Mapping[str, Any] | str] | None = None,
    **defaults: Any,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Treat every column; returns (treated data, details table, treated-points table)."""
    vals = X.to_numpy(dtype=float)
    cols: dict[str, np.ndarray] = {}
    records: list[dict[str, Any]] = []
    points: dict[str, list[str]] = {}
    for j, col in enumerate(X.columns):
        spec = (per_indicator or {}).get(col)
        if spec == "none":
            cols[col] = vals[:, j].copy()
            points[col] = [""] * len(X)
            continue
        params = {**defaults, **(spec if isinstance(spec, Mapping) else {})}
        values, rec, labels = treat_column(vals[:, j], **params)
        cols[col] = values
        records.append({"iCode": col, **rec})
        points[col] = labels
    details = pd.DataFrame.from_records(records)
    out = pd.DataFrame(cols, index=X.index)
    return out, details, pd.DataFrame(points, index=X.index)


class Treat(Step):
    """Treat outliers; see the module docstring. ``per_indicator`` overrides parameters per code or
    switches treatment off with ``"none"``."""

    kind = "treat"
    output = "Treated"

    def __init__(
        self,
        winmax: int | None = 5,
        skew_thresh: float = 2.0,
        kurt_thresh: float = 3.5,
        f1: str | None = "winsorise",
        f2: str | Callable[..., FloatArray] | None = "log_CT",
        f2_para: Mapping[str, Any] | None = None,
        force_win: bool = False,
        combine_treat: bool = False,
        per_indicator: Mapping[str, Mapping[str, Any] | str] | None = None,
    ) -> None:
        self.winmax = winmax
        self.skew_thresh = skew_thresh
        self.kurt_thresh = kurt_thresh
        self.f1 = f1
        self.f2 = f2
        self.f2_para = f2_para
        self.force_win = force_win
        self.combine_treat = combine_treat
        self.per_indicator = per_indicator

    def _defaults(self) -> dict[str, Any]:
        p = self.get_params()
        p.pop("per_indicator")
        return p

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        self.treated_, self.details_, self.points_ = treat(X, self.per_indicator, **self._defaults())
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return treat(X, self.per_indicator, **self._defaults())[0]

    def fit_transform(self, X: pd.DataFrame, context: Context) -> pd.DataFrame:
        return self.fit(X, context).treated_.copy()
