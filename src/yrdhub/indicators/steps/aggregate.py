"""Aggregation level by level through the framework (COINr's ``Aggregate``).

The means and the pure-function twin :func:`aggregate` live in :mod:`.._numerics` (the weightings use them
too) and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self

import pandas as pd

from .._numerics import (
    AGGREGATIONS,
    METHODS,
    AggFunc,
    Arr,
    a_amean,
    a_copeland,
    a_gmean,
    a_hmean,
    a_wmedian,
    aggregate,
    outrank_matrix,
    power_mean,
)
from ..weights import derive_weights
from .base import Context, Step

__all__ = [
    "AGGREGATIONS",
    "METHODS",
    "AggFunc",
    "Aggregate",
    "Arr",
    "a_amean",
    "a_copeland",
    "a_gmean",
    "a_hmean",
    "a_wmedian",
    "aggregate",
    "outrank_matrix",
    "power_mean",
]


class Aggregate(Step):
    """Aggregate through all levels. ``method`` / ``dat_thresh`` / ``p`` may be one value or one per level
    (level 2 first); ``weights`` overrides framework weights by code, or names a weighting derived from the
    data at fit: ``"equal"``, ``"pca"``, ``"balance"`` or ``"infomax"`` (see :mod:`..weights`)."""

    kind = "aggregate"
    output = "Aggregated"

    def __init__(
        self,
        method: str | AggFunc | Sequence[str | AggFunc] = "amean",
        weights: Mapping[str, float] | str | None = None,
        dat_thresh: float | Sequence[float | None] | None = None,
        p: float | Sequence[float | None] | None = None,
    ) -> None:
        self.method = method
        self.weights = weights
        self.dat_thresh = dat_thresh
        self.p = p

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        self.framework_ = context.framework
        if isinstance(self.weights, str):
            methods = self.method if isinstance(self.method, list | tuple) else [self.method]
            if not all(isinstance(m, str) for m in methods):
                raise ValueError("weights derived from the data need named aggregation methods")
            self.weights_ = derive_weights(X, context.framework, self.weights, [str(m) for m in methods])
        else:
            self.weights_ = {**context.framework.weights, **(self.weights or {})}
        self.effective_weights_ = context.framework.effective_weights(self.weights_)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return aggregate(X, self.framework_, self.method, self.weights_, self.dat_thresh, self.p)
