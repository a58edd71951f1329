"""Comparing the results of two or more runs (COINr's ``compare_coins``, ``compare_coins_multi`` and
``compare_coins_corr``): by ranks (highest score first, ties sharing the best rank) or by scores.

A run is a :class:`~.pipeline.Results` (its data set ``dset``, by default the last) or directly a data set
(a table indexed by uCode). Units are matched by uCode; rows come in uCode order, as COINr's ``merge`` leaves
them, and sorting is stable with missing values last, as R's ``order``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._stats import rank_min
from .cortest import correlation
from .pipeline import Results

__all__ = ["compare_coins", "compare_coins_corr", "compare_coins_multi"]

Run = Results | pd.DataFrame
COMPARE_BY = ("ranks", "scores")
TABTYPES = ("Values", "Diffs", "AbsDiffs")


def _column(run: Run, code: str, dset: str | None, also_get: Sequence[str]) -> pd.DataFrame:
    """uCode, the ``also_get`` unit columns and ``code`` of one run."""
    if isinstance(run, Results):
        data = run.datasets[dset] if dset is not None else run.last
        units = run.units
    else:
        data, units = run, run
    if code not in data.columns:
        raise ValueError(f"{code!r} is not a column of the data set")
    missing = [c for c in also_get if c not in units.columns]
    if missing:
        raise ValueError(f"unit column(s) {missing} not found")
    out = pd.DataFrame({c: units[c].reindex(data.index).to_numpy() for c in also_get}, index=data.index)
    out[code] = data[code].to_numpy(dtype=float)
    return out.rename_axis("uCode").reset_index()


def _ranks(v: pd.Series) -> np.ndarray:
    return rank_min(v.to_numpy(dtype=float), descending=True)


def _order(table: pd.DataFrame, by: str, decreasing: bool = False) -> pd.DataFrame:
    return table.sort_values(by, ascending=not decreasing, kind="stable", na_position="last")


def compare_coins(
    coin1: Run,
    coin2: Run,
    code: str,
    dset: str | None = None,
    also_get: Sequence[str] = (),
    compare_by: str = "ranks",
    sort_by: str | None = None,
    decreasing: bool = False,
) -> pd.DataFrame:
    """One code of two runs side by side (COINr's ``compare_coins``): uCode, the ``also_get`` unit columns,
    ``coin.1``, ``coin.2``, ``Diff`` (= coin.1 − coin.2) and ``Abs.diff``, over the units of either run. Ranks
    are taken over those units; ``sort_by`` names a column to sort by."""
    if compare_by not in COMPARE_BY:
        raise ValueError(f"compare_by must be one of {COMPARE_BY}")
    a = _column(coin1, code, dset, also_get)
    b = _column(coin2, code, dset, also_get)
    both = a.merge(b, on="uCode", how="outer", suffixes=(".x", ".y"), sort=True)
    x, y = both[f"{code}.x"], both[f"{code}.y"]
    v1, v2 = (_ranks(x), _ranks(y)) if compare_by == "ranks" else (x.to_numpy(), y.to_numpy())
    out = pd.DataFrame({"uCode": both["uCode"]})
    for c in also_get:  # a unit only in the second run takes its attributes from there
        out[c] = both[f"{c}.x"].where(both[f"{c}.x"].notna(), both[f"{c}.y"])
    out["coin.1"], out["coin.2"] = v1, v2
    out["Diff"] = out["coin.1"] - out["coin.2"]
    out["Abs.diff"] = out["Diff"].abs()
    if sort_by is None:
        return out
    if sort_by not in out.columns:
        raise ValueError(f"sort_by {sort_by!r} is not a column of the comparison: {list(out.columns)}")
    return _order(out, sort_by, decreasing)


def compare_coins_multi(
    coins: Mapping[str, Run] | Sequence[Run],
    code: str,
    dset: str | None = None,
    tabtype: str = "Values",
    ibase: int = 0,
    sort_table: bool = True,
    compare_by: str = "ranks",
    also_get: Sequence[str] = (),
) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """One code of several runs (COINr's ``compare_coins_multi``): a column per run (the mapping's keys, or
    ``coin.1``, ``coin.2``, …), the base run (``ibase``, counted from 0) first, over the base run's units.
    ``tabtype``: ``"Values"`` (ranks or scores), ``"Diffs"`` (each run minus the base), ``"AbsDiffs"``, or
    ``"All"`` for a dict of the three. Ranks are among the base run's units; ``sort_table`` sorts by the base
    column."""
    if tabtype == "All":
        return {
            t: compare_coins_multi(coins, code, dset, t, ibase, sort_table, compare_by, also_get)  # type: ignore[misc]
            for t in TABTYPES
        }
    if tabtype not in TABTYPES:
        raise ValueError(f"tabtype must be one of {(*TABTYPES, 'All')}")
    if compare_by not in COMPARE_BY:
        raise ValueError(f"compare_by must be one of {COMPARE_BY}")
    named = dict(coins) if isinstance(coins, Mapping) else {f"coin.{i + 1}": c for i, c in enumerate(coins)}
    names = list(named)
    if not 0 <= ibase < len(names):
        raise ValueError(f"ibase must be between 0 and {len(names) - 1}")
    order = [names[ibase], *[n for i, n in enumerate(names) if i != ibase]]
    keys = ["uCode", *also_get]
    table = _column(named[order[0]], code, dset, also_get).rename(columns={code: order[0]})
    for name in order[1:]:
        other = _column(named[name], code, dset, also_get).rename(columns={code: name})
        table = table.merge(other, on=keys, how="left", sort=True)
    if compare_by == "ranks":
        for name in order:
            table[name] = _ranks(table[name])
    if tabtype != "Values":
        base = table[order[0]].to_numpy(dtype=float)
        for name in order:
            table[name] = table[name].to_numpy(dtype=float) - base
        if tabtype == "AbsDiffs":
            table[order] = table[order].abs()
    return _order(table, order[0]) if sort_table else table


def compare_coins_corr(
    coin1: Run,
    coin2: Run,
    codes: Sequence[str],
    dset: str | None = None,
    compare_by: str = "ranks",
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The correlation between two runs of each code (COINr's ``compare_coins_corr``): Pearson's r of the
    ranks (so Spearman's ρ) or of the scores; NaN when a unit is missing from either run, as R's ``cor``.
    Returns the table (iCode, Correlation) and each code's :func:`compare_coins` table."""
    details = {c: compare_coins(coin1, coin2, c, dset, compare_by=compare_by) for c in codes}
    corr = []
    for d in details.values():
        x, y = d["coin.1"].to_numpy(dtype=float), d["coin.2"].to_numpy(dtype=float)
        corr.append(correlation(x, y) if not (np.isnan(x).any() or np.isnan(y).any()) else np.nan)
    return pd.DataFrame({"iCode": list(codes), "Correlation": corr}), details
