"""Denominate: divide indicators by a per-unit denominator (GDP, population, area…)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Self

import numpy as np
import pandas as pd

from .base import Context, Step

DenomFunc = Callable[[np.ndarray, np.ndarray], np.ndarray]


def denominate(
    X: pd.DataFrame,
    denominators: pd.DataFrame,
    by: Mapping[str, str | None],
    func: DenomFunc | None = None,
) -> pd.DataFrame:
    """Return ``X`` with each column ``c`` with ``by[c]`` divided by ``denominators[by[c]]`` (row-aligned)."""
    out = X.copy()
    f = func or np.divide
    for col, den in by.items():
        if den is None or col not in out.columns:
            continue
        if den not in denominators.columns:
            raise ValueError(f"denominator {den!r} for {col!r} is not among the unit data columns")
        d = pd.to_numeric(denominators[den].reindex(out.index), errors="coerce").to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[col] = f(out[col].to_numpy(dtype=float), d)
    return out


class Denominate(Step):
    """Divide by denominators. ``by`` maps indicator → denominator column; ``None`` uses iMeta's Denominator.

    ``denominators`` is an optional table (uCode index) of denominators; by default the unit data columns.
    """

    kind = "denominate"
    output = "Denominated"

    def __init__(
        self,
        by: Mapping[str, str | None] | None = None,
        denominators: pd.DataFrame | None = None,
        func: DenomFunc | None = None,
    ) -> None:
        self.by = by
        self.denominators = denominators
        self.func = func

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        if self.by is None:
            fw = context.framework
            self.by_ = {c: fw[c].denominator for c in fw.indicators if fw[c].denominator}
        else:
            self.by_ = dict(self.by)
        self.denominators_ = self.denominators if self.denominators is not None else context.units
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return denominate(X, self.denominators_, self.by_, self.func)
