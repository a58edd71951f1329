"""Screen units: drop units with too little data or too many zeros."""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd

from .base import Context, Step

RULES = ("byNA", "byzeros", "byNAandzeros", "none")


def screen_table(X: pd.DataFrame, dat_thresh: float = 0.66, nonzero_thresh: float = 0.05) -> pd.DataFrame:
    """Per unit: data availability, share of non-zero values and whether each rule keeps it."""
    vals = X.to_numpy(dtype=float)
    avail = np.mean(~np.isnan(vals), axis=1)
    nonzero = np.mean(np.where(np.isnan(vals), True, vals != 0), axis=1)
    return pd.DataFrame(
        {
            "Dat_Avail": avail,
            "Frc_NonZero": nonzero,
            "keep_byNA": avail >= dat_thresh,
            "keep_byzeros": nonzero >= nonzero_thresh,
        },
        index=X.index,
    )


def screen(
    X: pd.DataFrame,
    rule: str = "byNA",
    dat_thresh: float = 0.66,
    nonzero_thresh: float = 0.05,
    force_include: list[str] | None = None,
    force_exclude: list[str] | None = None,
) -> pd.DataFrame:
    """Return the rows of ``X`` that pass ``rule`` (COINr's ``Screen``)."""
    if rule not in RULES:
        raise ValueError(f"unknown screening rule {rule!r}; choose one of {RULES}")
    table = screen_table(X, dat_thresh, nonzero_thresh)
    if rule == "byNA":
        keep = table["keep_byNA"]
    elif rule == "byzeros":
        keep = table["keep_byzeros"]
    elif rule == "byNAandzeros":
        keep = table["keep_byNA"] & table["keep_byzeros"]
    else:
        keep = pd.Series(True, index=X.index)
    keep = keep.copy()
    for u in force_include or []:
        keep[u] = True
    for u in force_exclude or []:
        keep[u] = False
    return X.loc[keep.to_numpy()]


class Screen(Step):
    kind = "screen"
    output = "Screened"

    def __init__(
        self,
        rule: str = "byNA",
        dat_thresh: float = 0.66,
        nonzero_thresh: float = 0.05,
        force_include: list[str] | None = None,
        force_exclude: list[str] | None = None,
    ) -> None:
        self.rule = rule
        self.dat_thresh = dat_thresh
        self.nonzero_thresh = nonzero_thresh
        self.force_include = force_include
        self.force_exclude = force_exclude

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        kept = screen(X, self.rule, self.dat_thresh, self.nonzero_thresh, self.force_include, self.force_exclude)
        self.table_ = screen_table(X, self.dat_thresh, self.nonzero_thresh)
        self.removed_ = list(X.index.difference(kept.index, sort=False))
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return screen(X, self.rule, self.dat_thresh, self.nonzero_thresh, self.force_include, self.force_exclude)
