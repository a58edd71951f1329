"""The step contract (scikit-learn style).

* ``__init__`` only stores its keyword arguments, unchanged, as attributes of the same name;
* ``fit(X, context)`` learns what the step needs and returns ``self``; learned state ends in ``_``;
* ``transform(X)`` returns a new DataFrame (never modifies ``X``);
* ``get_params`` / ``set_params`` read and write the constructor parameters (used by the log and by
  uncertainty analysis, which changes a parameter and re-runs).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import pandas as pd

from ..framework import Framework


@dataclass(frozen=True)
class Context:
    """What a step may consult besides the data set it transforms."""

    framework: Framework
    units: pd.DataFrame  # per-unit attributes (groups, denominators, names), uCode index
    datasets: dict[str, pd.DataFrame]  # every data set produced so far (e.g. Raw for panel steps)


class Step:
    """Base class of all pipeline steps."""

    kind: ClassVar[str] = "step"
    output: ClassVar[str] = "Step"

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        valid = set(self._param_names())
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {key!r}; valid: {sorted(valid)}")
            setattr(self, key, value)
        return self

    def fit(self, X: pd.DataFrame, context: Context) -> Self:
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        # The base class of all steps: every concrete step (Denominate, Impute, …) overrides this.
        raise NotImplementedError(f"{type(self).__name__} does not implement transform()")

    def fit_transform(self, X: pd.DataFrame, context: Context) -> pd.DataFrame:
        return self.fit(X, context).transform(X)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
