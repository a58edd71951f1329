"""Panel imputation: fill gaps along each unit's time series (last observation carried forward, constant, or
linear interpolation), at most ``max_gap`` consecutive periods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import pandas as pd

from .base import Context, Step


def impute_panel(
    long: pd.DataFrame,
    columns: Sequence[str],
    method: str = "latest",
    max_gap: int | None = None,
    unit: str = "uCode",
    time: str = "Time",
) -> pd.DataFrame:
    """Fill missing values of ``columns`` within each unit over time: ``latest`` (last observation carried
    forward), ``constant`` (carried forward, then backward), ``linear`` (interpolation between observations).
    ``max_gap`` limits how many consecutive missing periods may be filled."""
    if method not in {"latest", "constant", "linear"}:
        raise ValueError(f"unknown panel imputation {method!r}; choose latest, constant or linear")
    out = long.sort_values([unit, time]).copy()
    for _, idx in out.groupby(unit, sort=False).groups.items():
        block = out.loc[idx, list(columns)].astype(float)
        if method == "linear":
            filled = block.interpolate(method="linear", limit_area="inside", limit=max_gap)
        else:
            filled = block.ffill(limit=max_gap)
            if method == "constant":
                filled = filled.bfill(limit=max_gap)
        out.loc[idx, list(columns)] = filled.to_numpy()
    return out


class ImputePanel(Step):
    """Fill gaps along each unit's time series in panel data (index (uCode, time)): ``latest`` (last
    observation carried forward), ``constant`` (forward, then backward) or ``linear`` (interpolation), at
    most ``max_gap`` consecutive periods."""

    kind = "impute_panel"
    output = "Imputed"

    def __init__(self, method: str = "latest", max_gap: int | None = None) -> None:
        self.method = method
        self.max_gap = max_gap

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        if not isinstance(X.index, pd.MultiIndex) or X.index.nlevels != 2:
            raise ValueError("impute_panel needs panel data indexed by (uCode, time): make_inputs(..., time=…)")
        self.time_ = str(X.index.names[1])
        self.n_missing_ = int(X.isna().to_numpy().sum())
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        long = X.reset_index()
        unit = str(X.index.names[0])
        filled = impute_panel(long, list(X.columns), self.method, self.max_gap, unit=unit, time=self.time_)
        return filled.set_index([unit, self.time_]).loc[X.index, list(X.columns)]
