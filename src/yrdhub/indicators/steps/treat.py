"""Outlier treatment (COINr's ``Treat``): check → winsorise → fall back to a transformation.

Default (as COINr 1.1): an indicator passes when |skew| < 2 OR kurtosis < 3.5 (sample moments as in
Excel). A failing indicator is winsorised — the highest (positive skew) or lowest (negative skew) value is
set to the next one, repeatedly — while the number of winsorised points is below ``winmax`` and it still
fails. If it still fails, the fallback ``f2`` (default ``log_CT``) is applied to the *original* values
(``combine_treat=True`` applies it to the winsorised values instead). Every threshold is a parameter and
the record of what was done and why is kept in ``details_`` and ``points_``.

As COINr's ``Treat``, each stage is exchangeable: the first treatment ``f1`` may be any transformation of
:data:`.transforms.TRANSFORMS` or a function instead of winsorisation, and the pass test ``f_pass`` any function
of the values returning True/False (or a mapping with ``Pass`` and statistics of its own, which go into the
record) instead of the skew and kurtosis check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd

from .._stats import kurt, skew
from .base import Context, Step
from .transforms import TRANSFORMS, _skews_right, boxcox, log_ct, log_ct_orig, log_ct_plus, log_gii

__all__ = [  # the transformations live in .transforms and are re-exported here
    "TRANSFORMS",
    "Check",
    "Treat",
    "boxcox",
    "check_skew_kurt",
    "log_ct",
    "log_ct_orig",
    "log_ct_plus",
    "log_gii",
    "treat",
    "treat_column",
    "winsorise",
]

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


PassFunc = Callable[..., Any]  # values → bool, or a mapping with "Pass" (and statistics of its own)
Transform = str | Callable[..., FloatArray]


def _run_check(
    x: FloatArray,
    k: int,
    f_pass: PassFunc | str | None,
    para: Mapping[str, Any],
    skew_thresh: float,
    kurt_thresh: float,
) -> tuple[bool | None, dict[str, Any]]:
    """The pass test at stage ``k`` (0 before, 1 after f1, 2 after f2) and its record, named as COINr names it:
    ``check_SkewKurt{k}.Pass/Skew/Kurt``, ``<f_pass>{k}`` for a bare logical, ``<f_pass>{k}.<key>`` for a mapping.
    None: the test could not decide (COINr then leaves the indicator untreated)."""
    if f_pass is None or f_pass == "check_SkewKurt":
        c = check_skew_kurt(x, skew_thresh, kurt_thresh)
        return c.passed, {f"check_SkewKurt{k}.Pass": c.passed, f"check_SkewKurt{k}.Skew": c.skew,
                          f"check_SkewKurt{k}.Kurt": c.kurt}  # fmt: skip
    if not callable(f_pass):
        raise ValueError(f"unknown pass test {f_pass!r}: give a function, or None for the skew and kurtosis check")
    name = getattr(f_pass, "__name__", "f_pass")
    out = f_pass(x, **dict(para))
    if isinstance(out, Mapping):
        if "Pass" not in out:
            raise ValueError(f"the pass test {name} returned a mapping without 'Pass'")
        passed, rec = out["Pass"], {f"{name}{k}.{key}": v for key, v in out.items()}
    else:
        passed, rec = out, {f"{name}{k}": out}
    if passed is None or (isinstance(passed, float) and np.isnan(passed)):
        return None, rec
    if not isinstance(passed, bool | np.bool_):
        raise ValueError(f"the pass test {name} must return True or False, got {passed!r}")
    return bool(passed), rec


def _transform(f: Transform, x: FloatArray, para: Mapping[str, Any] | None) -> tuple[FloatArray, str]:
    """Apply a named transformation or a function; the label of its points (log_CT_plus: the branch taken)."""
    if isinstance(f, str) and f not in TRANSFORMS:
        raise ValueError(f"unknown transformation {f!r}; choose one of {list(TRANSFORMS)}")
    func = TRANSFORMS[f] if isinstance(f, str) else f
    name = f if isinstance(f, str) else getattr(f, "__name__", "custom")
    values = np.asarray(func(x, **dict(para or {})), dtype=float)
    if values.shape != x.shape:
        raise ValueError(f"the transformation {name} changed the number of values")
    if name == "log_CT_plus":  # the points are labelled by the branch taken, as COINr does
        name = "log_CT" if _skews_right(x) else "log_CT_neg"
    return values, name


def treat_column(
    x: FloatArray,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    f1: Transform | None = "winsorise",
    f1_para: Mapping[str, Any] | None = None,
    f2: Transform | None = "log_CT",
    f2_para: Mapping[str, Any] | None = None,
    f_pass: PassFunc | str | None = None,
    f_pass_para: Mapping[str, Any] | None = None,
    force_win: bool = False,
    combine_treat: bool = False,
) -> tuple[FloatArray, dict[str, Any], list[str]]:
    """Treat one indicator; returns (values, details record, per-point labels).

    ``f1``: ``"winsorise"`` (its ``winmax``, thresholds and ``force_win``; ``f1_para`` may override them), a
    transformation name or a function ``f(x, **f1_para)``, or None. ``f_pass``: None for the skew and kurtosis
    check (``skew_thresh``, ``kurt_thresh``), or a function ``f(x, **f_pass_para)``."""
    x = np.asarray(x, dtype=float)
    pass_para = dict(f_pass_para or {})
    rec: dict[str, Any] = {}
    labels = [""] * x.size
    passed, r0 = _run_check(x, 0, f_pass, pass_para, skew_thresh, kurt_thresh)
    rec.update(r0)
    if passed is None:
        rec["Treatment"] = "none: the pass test gave no answer"
        return x.copy(), rec, labels
    if passed and not (force_win and f1 == "winsorise"):
        rec["Treatment"] = "none: passes"
        return x.copy(), rec, labels
    x1 = x.copy()
    if f1 == "winsorise":
        win = {"winmax": winmax, "skew_thresh": skew_thresh, "kurt_thresh": kurt_thresh, "force_win": force_win}
        x1, nwin, labels = winsorise(x, **{**win, **dict(f1_para or {})})
        rec["winsorise.nwin"] = nwin
        rec["Treatment"] = f"winsorised {nwin} point(s)"
        first = f"winsorising up to {({**win, **dict(f1_para or {})})['winmax']} point(s)"
    elif f1 is not None:
        x1, name1 = _transform(f1, x, f1_para)
        labels = [name1] * x.size
        rec["Treatment"] = name1
        first = name1
    else:
        first = "no first treatment"
    if f1 is not None:
        passed, r1 = _run_check(x1, 1, f_pass, pass_para, skew_thresh, kurt_thresh)
        rec.update(r1)
        if passed is None:
            rec["Treatment"] = "none: the pass test gave no answer after the first treatment"
            return x.copy(), rec, [""] * x.size
    if passed or f2 is None:
        if not passed:
            rec["Treatment"] = rec.get("Treatment", "none") + "; still fails, no fallback"
        return x1, rec, labels
    base = x1 if combine_treat else x
    x2, name = _transform(f2, base, f2_para)
    passed, r2 = _run_check(x2, 2, f_pass, pass_para, skew_thresh, kurt_thresh)
    rec.update(r2)
    if passed is None:
        rec["Treatment"] = "none: the pass test gave no answer after the fallback"
        return x.copy(), rec, [""] * x.size
    rec["Treatment"] = f"{name} ({first} did not pass)" + ("" if passed else f"; still fails after {name}")
    # not combined: the first treatment was discarded, so every point is only transformed
    labels = [f"{lab}+{name}" if lab else name for lab in labels] if combine_treat else [name] * x.size
    return x2, rec, labels


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
    """Treat outliers; see the module docstring and :func:`treat_column`. ``per_indicator`` overrides parameters
    per code (any of them, e.g. ``{"Flights": {"f1": "boxcox", "f1_para": {"lmbda": 0.5}}}``) or switches
    treatment off with ``"none"``."""

    kind = "treat"
    output = "Treated"

    def __init__(
        self,
        winmax: int | None = 5,
        skew_thresh: float = 2.0,
        kurt_thresh: float = 3.5,
        f1: Transform | None = "winsorise",
        f2: Transform | None = "log_CT",
        f2_para: Mapping[str, Any] | None = None,
        force_win: bool = False,
        combine_treat: bool = False,
        per_indicator: Mapping[str, Mapping[str, Any] | str] | None = None,
        f1_para: Mapping[str, Any] | None = None,
        f_pass: PassFunc | None = None,
        f_pass_para: Mapping[str, Any] | None = None,
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
        self.f1_para = f1_para
        self.f_pass = f_pass
        self.f_pass_para = f_pass_para

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
