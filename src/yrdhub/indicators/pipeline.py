"""A pipeline runs steps in the order given and keeps every intermediate data set and a parameter log."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._stats import rank_min
from .data import Inputs
from .framework import Framework
from .steps import STEP_TYPES, Context, Step


@dataclass
class Results:
    """Everything a run produced (the role of a COINr coin)."""

    framework: Framework
    units: pd.DataFrame
    datasets: dict[str, pd.DataFrame]
    steps: dict[str, Step]
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last(self) -> pd.DataFrame:
        return self.datasets[list(self.datasets)[-1]]

    def scores(self, dset: str | None = None) -> pd.DataFrame:
        """uCode, Rank of the top aggregate, then every aggregate (top level first), sorted by rank."""
        data = self.datasets[dset] if dset else self.last
        fw = self.framework
        aggs = [c for lev in range(fw.n_levels, 1, -1) for c in fw.codes(lev) if c in data.columns]
        if fw.top not in data.columns:
            raise ValueError("the data set has no aggregates: run an aggregate step first")
        table = data[aggs].copy()
        top = data[fw.top].astype(float)
        if isinstance(data.index, pd.MultiIndex):  # a panel: rank within each period
            time = str(data.index.names[1])
            ranks = top.groupby(level=time).transform(lambda s: rank_min(s.to_numpy(dtype=np.float64), descending=True))
            table.insert(0, "Rank", ranks.astype("Int64"))
            table = table.reset_index()
            return table.sort_values([time, "Rank", "uCode"], kind="stable").reset_index(drop=True)
        ranks_arr = rank_min(top.to_numpy(dtype=np.float64), descending=True)
        table.insert(0, "Rank", pd.Series(ranks_arr, index=table.index).astype("Int64"))
        table = table.reset_index()
        return table.sort_values(["Rank", "uCode"], kind="stable").reset_index(drop=True)

    def rerun(self, inputs: Inputs) -> Results:
        """Re-run the logged pipeline on ``inputs`` (reproduces these results from the log alone)."""
        return Pipeline.from_log(self.log).run(inputs)


class Pipeline:
    """An ordered list of steps. Items are steps or ``(name, step)`` pairs naming the output data set."""

    def __init__(self, steps: Sequence[Step | tuple[str, Step]]) -> None:
        self.steps = steps

    def named_steps(self) -> list[tuple[str, Step]]:
        out: list[tuple[str, Step]] = []
        used: set[str] = {"Raw"}
        for item in self.steps:
            name, step = item if isinstance(item, tuple) else (item.output, item)
            base, k = name, 2
            while name in used:
                name, k = f"{base}{k}", k + 1
            used.add(name)
            out.append((name, step))
        return out

    def run(self, inputs: Inputs, start: Mapping[str, pd.DataFrame] | None = None) -> Results:
        datasets: dict[str, pd.DataFrame] = dict(start or {"Raw": inputs.data.copy()})
        fitted: dict[str, Step] = {}
        log: list[dict[str, Any]] = []
        current = datasets[list(datasets)[-1]]
        for name, step in self.named_steps():
            step = copy.deepcopy(step)
            units = inputs.units.reindex(current.index)
            ctx = Context(inputs.framework, units, datasets)
            current = step.fit_transform(current, ctx)
            datasets[name] = current
            fitted[name] = step
            log.append({"step": step.kind, "name": name, "params": _loggable(step.get_params())})
        return Results(inputs.framework, inputs.units, datasets, fitted, log)

    @classmethod
    def from_log(cls, log: Iterable[Mapping[str, Any]]) -> Pipeline:
        steps: list[tuple[str, Step]] = []
        for entry in log:
            kind = entry["step"]
            if kind not in STEP_TYPES:
                raise ValueError(f"unknown step {kind!r} in log; known: {sorted(STEP_TYPES)}")
            step = STEP_TYPES[kind](**_unlog(kind, dict(entry.get("params") or {})))
            steps.append((entry.get("name") or step.output, step))
        return cls(steps)


def _loggable(value: Any) -> Any:
    """Parameters as plain YAML-able values (callables by qualified name; tables are not loggable)."""
    if isinstance(value, Mapping):
        return {str(k): _loggable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_loggable(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, pd.DataFrame):
        index = str(value.index.name or "index")
        return {"__table__": value.reset_index(names=index).to_dict("list"), "__index__": index}
    if callable(value):
        return {"__callable__": f"{value.__module__}:{value.__qualname__}"}
    return value


def _unlog(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`_loggable`: callables back from ``module:qualname``, tables back to frames."""
    import importlib

    def back(v: Any) -> Any:
        if isinstance(v, Mapping) and "__callable__" in v:
            mod, _, qual = str(v["__callable__"]).partition(":")
            obj: Any = importlib.import_module(mod)
            for part in qual.split("."):
                obj = getattr(obj, part)
            return obj
        if isinstance(v, Mapping) and "__table__" in v:
            df = pd.DataFrame(v["__table__"])
            return df.set_index(str(v.get("__index__", df.columns[0])))
        if isinstance(v, Mapping):
            return {k: back(x) for k, x in v.items()}
        if isinstance(v, list):
            return [back(x) for x in v]
        return v

    return {k: back(v) for k, v in params.items()}
