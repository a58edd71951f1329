"""Table utilities, as COINr's: R's rounding (``round_df``, ``signif_df``), ranks (``rank_df``), comparing two
tables (``compare_df``), replacing values (``replace_df``) and codes to names (``icodes_to_inames``,
``ucodes_to_unames``).

Rounding is R's, not Python's: R's ``round(x, d)`` takes the two candidates ⌊x·10^d⌋/10^d and ⌈x·10^d⌉/10^d
and keeps the nearer, judged in double arithmetic, with a tie going to the even one. So 0.285 and 0.005,
whose binary values lie just below and just above the decimal tie, are both ties to R (0.28 and 0) while
Python's ``round`` gives 0.28 and 0.01 and NumPy's 0.29 and 0.01. ``signif`` multiplies by a power of ten and
rounds half to even. Both are checked against R on values R rounds as ties (tests/indicators/reference).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._stats import rank_min
from .framework import Framework

__all__ = [
    "DfComparison",
    "compare_df",
    "icodes_to_inames",
    "r_round",
    "r_signif",
    "rank_df",
    "replace_df",
    "round_df",
    "signif_df",
    "ucodes_to_unames",
]

_DBL_DIG = 15
_LOG10_2 = float(np.log10(2.0))


def r_round(x: Any, digits: int = 0) -> np.ndarray:
    """R's ``round(x, digits)`` element by element (see the module docstring); NaN stays NaN."""
    v = np.asarray(x, dtype=float)
    dig = int(np.floor(digits + 0.5))
    if dig == 0:
        return np.rint(v)  # R: nearest, a tie to even
    out = v.copy()
    a = np.abs(v)
    work = np.isfinite(v) & (v != 0)
    with np.errstate(divide="ignore"):
        l10 = _LOG10_2 * (0.5 + np.floor(np.log2(np.where(work, a, 1.0))))
    work &= ~(l10 + dig > _DBL_DIG)  # more digits than a double holds: R returns x
    p10 = 10.0 ** abs(dig)
    aw = a[work]
    if dig > 0:
        x10 = aw * p10
        lo, hi = np.floor(x10), np.ceil(x10)
        down, up = lo / p10, hi / p10
    else:
        x10 = aw / p10
        lo, hi = np.floor(x10), np.ceil(x10)
        down, up = lo * p10, hi * p10
    du, dd = up - aw, aw - down
    pick_up = (du < dd) | ((du == dd) & (np.fmod(lo, 2.0) == 1))
    out[work] = np.sign(v[work]) * np.where(pick_up, up, down)
    return out


def r_signif(x: Any, digits: int = 6) -> np.ndarray:
    """R's ``signif(x, digits)`` element by element: x·10^e rounded half to even, divided back."""
    v = np.asarray(x, dtype=float)
    dig = int(np.rint(digits))
    if dig > 22:
        return v.copy()
    dig = max(dig, 1)
    out = v.copy()
    work = np.isfinite(v) & (v != 0)
    a = np.abs(v[work])
    e10 = dig - 1 - np.floor(np.log10(a))
    p = 10.0 ** np.abs(e10)
    with np.errstate(over="ignore", invalid="ignore"):
        res = np.where(e10 > 0, np.rint(a * p) / p, np.rint(a / p) * p)
    out[work] = np.sign(v[work]) * res
    return out


def _numeric_columns(df: pd.DataFrame) -> list[Hashable]:
    return [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]


def round_df(df: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Every numeric column rounded as R's ``round`` (COINr's ``round_df``); other columns unchanged."""
    out = df.copy()
    for c in _numeric_columns(df):
        out[c] = r_round(df[c].to_numpy(dtype=float), decimals)
    return out


def signif_df(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Every numeric column to ``digits`` significant figures as R's ``signif`` (COINr's ``signif_df``)."""
    out = df.copy()
    for c in _numeric_columns(df):
        out[c] = r_signif(df[c].to_numpy(dtype=float), digits)
    return out


def rank_df(df: pd.DataFrame, use_group: str | None = None) -> pd.DataFrame:
    """Every numeric column replaced by its ranks, highest value first, ties sharing the best rank and missing
    values kept missing (COINr's ``rank_df``, R's ``rank(-x, ties.method = "min")``). With ``use_group`` the
    ranks are within each group of that column; a row without a group gets no ranks."""
    out = df.copy()
    cols = [c for c in _numeric_columns(df) if c != use_group]
    if use_group is None:
        for c in cols:
            out[c] = rank_min(df[c].to_numpy(dtype=float), descending=True)
        return out
    if use_group not in df.columns:
        raise ValueError(f"use_group {use_group!r} is not a column of the table")
    groups = df[use_group]
    for c in cols:
        values = df[c].to_numpy(dtype=float)
        ranks = np.full(values.shape, np.nan)
        for g in groups.dropna().unique():
            rows = (groups == g).to_numpy()
            ranks[rows] = rank_min(values[rows], descending=True)
        out[c] = ranks
    return out


@dataclass
class DfComparison:
    """What :func:`compare_df` found: ``same`` overall; ``details`` one row per column (``Column, TheSame,
    Comment, NDifferent``) or, when the tables do not have the same shape, columns or keys, the sentence
    saying so; ``differences`` per differing column, the rows that differ (key, ``df1``, ``df2``)."""

    same: bool
    details: pd.DataFrame | str
    differences: dict[str, pd.DataFrame] = field(default_factory=dict)


def _r_class(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "logical"
    if pd.api.types.is_integer_dtype(s):
        return "integer"
    if pd.api.types.is_float_dtype(s):
        return "numeric"
    return "character"


def compare_df(df1: pd.DataFrame, df2: pd.DataFrame, matchcol: str, sigfigs: int = 5) -> DfComparison:
    """Compare two tables whatever the order of their rows (matched by ``matchcol``) and columns (COINr's
    ``compare_df``): numeric columns must agree to ``sigfigs`` significant figures (R's ``signif``), others
    exactly; a column whose type differs (integer, numeric, logical, text) is different."""
    for name, df in (("df1", df1), ("df2", df2)):
        if matchcol not in df.columns:
            raise ValueError(f"matchcol {matchcol!r} is not a column of {name}")
        if df[matchcol].duplicated().any():
            raise ValueError(f"duplicate entries in matchcol {matchcol!r} of {name}: the rows cannot be matched")
    if len(df1) != len(df2):
        return DfComparison(False, "Different number of rows.")
    if df1.shape[1] != df2.shape[1]:
        return DfComparison(False, "Different number of columns.")
    if set(df1.columns) != set(df2.columns):
        return DfComparison(False, "Column names not the same.")
    if set(df1[matchcol]) != set(df2[matchcol]):
        return DfComparison(False, "Elements in matchcol are not the same.")
    b = df2[list(df1.columns)].set_index(matchcol, drop=False).loc[df1[matchcol]].reset_index(drop=True)
    a = df1.reset_index(drop=True)
    keys = a[matchcol]
    rows, diffs = [], {}
    for col in a.columns:
        x, y = a[col], b[col]
        if _r_class(x) != _r_class(y):
            rows.append({"Column": col, "TheSame": False, "Comment": "Class difference", "NDifferent": np.nan})
            continue
        numeric = _r_class(x) in {"integer", "numeric"}
        if numeric:
            xs, ys = r_signif(x.to_numpy(dtype=float), sigfigs), r_signif(y.to_numpy(dtype=float), sigfigs)
            differ = ~((xs == ys) | (np.isnan(xs) & np.isnan(ys)))
            kind = f"Numerical and {{}} {sigfigs} sf."
            same_text, diff_text = kind.format("identical to"), kind.format("different at")
        else:
            xo, yo = x.to_numpy(dtype=object), y.to_numpy(dtype=object)
            differ = np.array([not (p == q or (pd.isna(p) and pd.isna(q))) for p, q in zip(xo, yo, strict=True)])
            same_text, diff_text = "Non-numerical and identical", "Non-numerical and different"
        n = int(differ.sum())
        rows.append({"Column": col, "TheSame": n == 0, "Comment": diff_text if n else same_text, "NDifferent": n})
        if n:
            diffs[str(col)] = pd.DataFrame({matchcol: keys[differ].to_numpy(), "df1": x[differ].to_numpy(),
                                            "df2": y[differ].to_numpy()})  # fmt: skip
    details = pd.DataFrame(rows, columns=["Column", "TheSame", "Comment", "NDifferent"])
    return DfComparison(bool(details["TheSame"].all()), details, diffs)


def replace_df(df: pd.DataFrame, lookup: Mapping[Any, Any] | pd.DataFrame) -> pd.DataFrame:
    """Replace values anywhere in the table by a lookup (``{old: new}`` or a table with columns ``old`` and
    ``new``), one pair after the other as COINr's ``replace_df``; an old value and its new one must be of the
    same kind (both text or both numbers)."""
    pairs = list(zip(lookup["old"], lookup["new"], strict=True)) if isinstance(lookup, pd.DataFrame) else list(
        lookup.items()
    )
    olds = [o for o, _ in pairs]
    if len(set(olds)) != len(olds):
        raise ValueError("duplicate old values in the lookup")
    out = df.copy()
    for i, (old, new) in enumerate(pairs, 1):
        if isinstance(old, str) != isinstance(new, str):
            raise ValueError(f"lookup row {i}: {old!r} and {new!r} are not of the same kind")
        out = out.mask(out == old, new)
    return out


def icodes_to_inames(framework: Framework, codes: Sequence[str]) -> list[str]:
    """The names (iMeta's ``iName``) of indicator or aggregate codes."""
    unknown = [c for c in codes if c not in framework]
    if unknown:
        raise ValueError(f"unknown code(s) {unknown}")
    return [framework[c].name for c in codes]


def ucodes_to_unames(units: pd.DataFrame, codes: Sequence[str], name_column: str = "uName") -> list[Any]:
    """The names of units from the unit data (``Inputs.units``, uCode index)."""
    if name_column not in units.columns:
        raise ValueError(f"the unit data have no {name_column!r} column")
    unknown = [c for c in codes if c not in units.index]
    if unknown:
        raise ValueError(f"unknown unit code(s) {unknown}")
    return list(units.loc[list(codes), name_column])
