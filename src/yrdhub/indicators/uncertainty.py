"""Monte Carlo uncertainty and variance-based sensitivity analysis over any step parameter.

An :class:`Uncertain` names a step (by kind or data-set name), one of its parameters and either discrete
alternatives or a SciPy distribution. Each replication maps a uniform(0, 1) draw per input to a value
(discrete: alternative ``ceil(u·n)``, as COINr; continuous: the distribution's quantile function).

Speed: steps before the first uncertain one run once; the remaining steps up to the final aggregation run
once per distinct combination of early values (cached); weights and the aggregation itself are batched
across replications (:mod:`fast`), ranks by comparison on the batch. When the pipeline does not end in a
power-mean aggregation, each distinct combination is simply re-run in full.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._stats import rank_min
from .data import Inputs
from .fast import Levels, batch_aggregate, batch_rank, power_of
from .framework import Framework
from .pipeline import Pipeline, Results
from .sensitivity import saltelli_sample, sensitivity_indices
from .steps import Aggregate, Context


@dataclass
class Uncertain:
    """One uncertain input: ``values`` (discrete alternatives) or ``distribution`` (scipy.stats name) with
    ``dist_params``; ``step`` is a step kind (``"treat"``) or data-set name (``"Treated"``)."""

    step: str
    param: str | None  # None: each alternative is a dict of several parameters of the step
    values: Sequence[Any] | None = None
    distribution: str | None = None
    dist_params: Mapping[str, float] = field(default_factory=dict)
    name: str | None = None

    def __post_init__(self) -> None:
        if (self.values is None) == (self.distribution is None):
            raise ValueError(f"{self.label}: give either values or a distribution")
        if self.values is not None and len(self.values) == 0:
            raise ValueError(f"{self.label}: no alternatives")
        if self.param is None and not all(isinstance(v, Mapping) for v in self.values or [None]):
            raise ValueError(f"{self.label}: without a parameter name every alternative must be a mapping")
        if self.distribution is not None:
            _dist(self)  # fails early on an unknown distribution or bad parameters

    @property
    def label(self) -> str:
        return self.name or f"{self.step}.{self.param}"

    @property
    def discrete(self) -> bool:
        return self.values is not None

    def index(self, u: np.ndarray) -> np.ndarray:
        """Index of the chosen alternative for each uniform draw (COINr: ceiling(u · n))."""
        assert self.values is not None
        n = len(self.values)
        return np.clip(np.ceil(u * n).astype(int), 1, n) - 1

    def value(self, u: float) -> Any:
        if self.values is not None:
            return self.values[int(self.index(np.array([u]))[0])]
        return float(_dist(self).ppf(u))


class WeightSets(Sequence[dict[str, float]]):
    """Alternative weight sets held as one array (sets × codes); items read as dicts."""

    def __init__(self, codes: Sequence[str], table: np.ndarray) -> None:
        self.codes = list(codes)
        self.table = np.asarray(table, dtype=float)

    def __len__(self) -> int:
        return self.table.shape[0]

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return WeightSets(self.codes, self.table[i])
        return dict(zip(self.codes, self.table[i].tolist(), strict=True))

    def matrix(self, codes: Sequence[str], base: Mapping[str, float]) -> np.ndarray:
        pos = {c: k for k, c in enumerate(self.codes)}
        cols = [self.table[:, pos[c]] if c in pos else np.full(len(self), base[c]) for c in codes]
        return np.column_stack(cols)


def noisy_weights(
    framework: Framework,
    noise: Mapping[int, float],
    n: int,
    rng: np.random.Generator | int | None = None,
    weights: Mapping[str, float] | None = None,
) -> WeightSets:
    """``n`` weight sets: each weight at level L multiplied by 1 + U(−f, f) with f = ``noise[L]``
    (COINr's ``get_noisy_weights``)."""
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    base = {**framework.weights, **(weights or {})}
    codes = framework.codes()
    factors = np.array([noise.get(framework[c].level, 0.0) for c in codes])
    nominal = np.array([base[c] for c in codes])
    draws = gen.uniform(-1, 1, size=(n, len(codes))) * factors
    return WeightSets(codes, nominal * (1 + draws))


@dataclass
class UncertaintyResult:
    rank_stats: pd.DataFrame  # uCode, Nominal, Mean, Median, Q5, Q95
    ranks: pd.DataFrame  # replications × units
    scores: pd.DataFrame  # replications × units (top aggregate)
    sample: pd.DataFrame  # replications × inputs (the chosen values, by label)
    nominal: Results
    sensitivity: pd.DataFrame | None = None


def _locate(pipeline: Pipeline, target: str) -> int:
    named = pipeline.named_steps()
    for i, (name, _) in enumerate(named):
        if name == target:
            return i
    hits = [i for i, (_, step) in enumerate(named) if step.kind == target]
    if len(hits) != 1:
        raise ValueError(f"uncertain step {target!r} matches {len(hits)} steps; use the data-set name")
    return hits[0]


class _Engine:
    """Evaluates replications given the uniform draws."""

    def __init__(self, pipeline: Pipeline, inputs: Inputs, uncertain: Sequence[Uncertain]) -> None:
        self.pipeline = pipeline
        self.inputs = inputs
        self.uncertain = list(uncertain)
        self.named = pipeline.named_steps()
        self.where = [_locate(pipeline, u.step) for u in self.uncertain]
        for u, i in zip(self.uncertain, self.where, strict=True):
            step = self.named[i][1]
            names = [u.param] if u.param else sorted({k for v in (u.values or []) for k in v})
            step.set_params(**{k: getattr(step, k, None) for k in names})  # fails on an unknown parameter
        targets = [(i, u.param) for u, i in zip(self.uncertain, self.where, strict=True) if u.param]
        if len(targets) != len(set(targets)):
            raise ValueError("two uncertain inputs set the same parameter of the same step")
        if isinstance(inputs.data.index, pd.MultiIndex):
            raise ValueError("uncertainty analysis ranks units of one period: select a period of the panel")
        self.nominal = pipeline.run(inputs)
        self.units = list(self.nominal.last.index)
        last = self.named[-1][1]
        self.batch = isinstance(last, Aggregate) and self._batchable(last)
        self.first = min(self.where) if self.where else len(self.named)
        self.levels = Levels.of(inputs.framework)
        self.cache: dict[tuple[Any, ...], Any] = {}

    def _batchable(self, agg: Aggregate) -> bool:
        if isinstance(agg.weights, str):  # weights derived from the data must be re-derived in every run
            return False
        methods = agg.method if isinstance(agg.method, list | tuple) else [agg.method]
        for u, i in zip(self.uncertain, self.where, strict=True):
            if i == len(self.named) - 1 and u.param in {"method", None}:
                alts = [v.get("method", "amean") if u.param is None else v for v in (u.values or [])]
                methods = [*methods, *alts]
                if u.param is None and any("weights" in v for v in (u.values or [])):
                    return False  # weights inside a multi-parameter alternative: take the general route
            if i == len(self.named) - 1 and u.param in {"p", "dat_thresh"} and not u.discrete:
                return False
        flat = [m for mm in methods for m in (mm if isinstance(mm, list | tuple) else [mm])]
        return all(isinstance(m, str) and m in {"amean", "gmean", "hmean", "genmean"} for m in flat)

    def keys_of(self, u: np.ndarray) -> list[np.ndarray]:
        """Per input and replication: the alternative's index (discrete) or the value (continuous)."""
        keys = []
        for j, spec in enumerate(self.uncertain):
            if spec.discrete:
                keys.append(spec.index(u[:, j]))
            else:
                keys.append(_dist(spec).ppf(u[:, j]))
        return keys

    def value(self, j: int, key: Any) -> Any:
        spec = self.uncertain[j]
        return spec.values[int(key)] if spec.values is not None else float(key)

    def _run_from(self, start: int, stop: int, params: dict[int, dict[str, Any]]) -> pd.DataFrame:
        names = [n for n, _ in self.named]
        prev = names[start - 1] if start > 0 else "Raw"
        data = self.nominal.datasets[prev]
        datasets = dict(self.nominal.datasets)
        for i in range(start, stop):
            name, step = self.named[i]
            step = copy.deepcopy(step)
            if i in params:
                step.set_params(**params[i])
            ctx = Context(self.inputs.framework, self.inputs.units.reindex(data.index), datasets)
            data = step.fit_transform(data, ctx)
            datasets[name] = data
        return data

    def scores(self, u: np.ndarray, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Top-aggregate scores, replications × nominal units."""
        keys = self.keys_of(u)
        n_rep = u.shape[0]
        last = len(self.named) - 1
        out = np.full((n_rep, len(self.units)), np.nan)
        wcol = [
            j for j, i in enumerate(self.where) if self.batch and i == last and self.uncertain[j].param == "weights"
        ]
        other = [j for j in range(len(self.uncertain)) if j not in wcol]
        key_mat = np.column_stack([np.asarray(keys[j], dtype=float) for j in other]) if other else np.zeros((n_rep, 0))
        uniq, inverse = (
            np.unique(key_mat, axis=0, return_inverse=True) if other else (np.zeros((1, 0)), np.zeros(n_rep, int))
        )
        inverse = np.asarray(inverse).ravel()
        wmat = self._weight_matrix(keys, wcol, n_rep) if self.batch else None
        for g in range(uniq.shape[0]):
            rows = np.flatnonzero(inverse == g)
            r0 = int(rows[0])
            params: dict[int, dict[str, Any]] = {}
            for j in other:
                _assign(params.setdefault(self.where[j], {}), self.uncertain[j], self.value(j, keys[j][r0]))
            if self.batch:
                x, agg = self._early(params, last)
                out[rows] = self._batched(x, agg, wmat[rows] if wmat is not None else None)
            else:
                # every input is part of the key here, so one run serves the whole group
                res = self._run_from(self.first, len(self.named), params)
                out[rows] = res[self.inputs.framework.top].reindex(self.units).to_numpy(dtype=float)
            if progress:
                progress(rows.size)
        return out

    def _weight_matrix(self, keys: list[np.ndarray], wcol: list[int], n_rep: int) -> np.ndarray:
        fitted = self.nominal.steps[self.named[-1][0]]
        assert isinstance(fitted, Aggregate)
        base = dict(fitted.weights_)  # the nominal weights, also when derived from the data
        codes = self.levels.codes
        nominal = np.array([base[c] for c in codes], dtype=float)
        if not wcol:
            return np.broadcast_to(nominal, (n_rep, len(codes)))
        j = wcol[0]
        alts = self.uncertain[j].values
        assert alts is not None
        if isinstance(alts, WeightSets):
            table = alts.matrix(codes, base)
        else:
            table = np.array([[{**base, **a}.get(c, base[c]) for c in codes] for a in alts], dtype=float)
        return table[np.asarray(keys[j], dtype=int)]

    def _early(self, params: dict[int, dict[str, Any]], last: int) -> tuple[pd.DataFrame, Aggregate]:
        early = {k: v for k, v in params.items() if k < last}
        key = tuple(sorted((k, tuple(sorted((p, repr(x)) for p, x in v.items()))) for k, v in early.items()))
        if key not in self.cache:
            if len(self.cache) >= 256:  # continuous early inputs make every key new: bound the memory
                self.cache.clear()
            start = min(early) if early else last
            if start >= last:
                names = [n for n, _ in self.named]
                data = self.nominal.datasets[names[last - 1] if last > 0 else "Raw"]
            else:
                data = self._run_from(start, last, early)
            order = self.levels.level1_order()
            self.cache[key] = data.reindex(self.units)[order]
        agg = copy.deepcopy(self.named[last][1])
        assert isinstance(agg, Aggregate)
        if last in params:
            agg.set_params(**{k: v for k, v in params[last].items() if k != "weights"})
        return self.cache[key], agg

    def _batched(self, x: pd.DataFrame, agg: Aggregate, w: np.ndarray | None) -> np.ndarray:
        nlev = self.inputs.framework.n_levels - 1
        methods = agg.method if isinstance(agg.method, list | tuple) else [agg.method] * nlev
        ps = agg.p if isinstance(agg.p, list | tuple) else [agg.p] * nlev
        th = agg.dat_thresh if isinstance(agg.dat_thresh, list | tuple) else [agg.dat_thresh] * nlev
        powers = [power_of(str(m), p) for m, p in zip(methods, ps, strict=True)]
        if any(p is None for p in powers):
            raise ValueError(f"aggregation {methods} cannot be batched")
        assert w is not None
        out = np.empty((w.shape[0], x.shape[0]))
        chunk = 2000
        xv = x.to_numpy(dtype=float)
        for s in range(0, w.shape[0], chunk):
            out[s : s + chunk] = batch_aggregate(xv, self.levels, w[s : s + chunk], powers, th)  # type: ignore[arg-type]
        return out


def rank_statistics(ranks: np.ndarray, nominal: np.ndarray, units: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": list(units),
            "Nominal": nominal,
            "Mean": np.nanmean(ranks, axis=0),
            "Median": np.nanmedian(ranks, axis=0),
            "Q5": np.nanquantile(ranks, 0.05, axis=0),
            "Q95": np.nanquantile(ranks, 0.95, axis=0),
        }
    )


def run_uncertainty(
    pipeline: Pipeline,
    inputs: Inputs,
    uncertain: Sequence[Uncertain],
    n: int = 1000,
    seed: int | None = None,
    sensitivity: bool = False,
    n_boot: int | None = 1000,
    progress: Callable[[int], None] | None = None,
) -> UncertaintyResult:
    """Uncertainty analysis (``n`` random replications) or, with ``sensitivity=True``, a Saltelli design
    of N = ``n`` (n·(d + 2) runs) whose output is the mean absolute rank change against nominal."""
    rng = np.random.default_rng(seed)
    engine = _Engine(pipeline, inputs, uncertain)
    d = len(engine.uncertain)
    u = saltelli_sample(n, d, rng) if sensitivity else rng.random((n, d))
    scores = engine.scores(u, progress)
    ranks = batch_rank(scores)
    top = inputs.framework.top
    nominal_scores = engine.nominal.last[top].reindex(engine.units).to_numpy(dtype=float)
    nominal_rank = rank_min(nominal_scores, descending=True)
    keys = engine.keys_of(u)
    sample = pd.DataFrame({spec.label: _column(spec, keys[j]) for j, spec in enumerate(engine.uncertain)})
    result = UncertaintyResult(
        rank_statistics(ranks, nominal_rank, engine.units),
        pd.DataFrame(ranks, columns=engine.units),
        pd.DataFrame(scores, columns=engine.units),
        sample,
        engine.nominal,
    )
    if sensitivity:
        y = np.nanmean(np.abs(ranks - nominal_rank[None, :]), axis=1)
        result.sensitivity = sensitivity_indices(y, n, d, [s.label for s in engine.uncertain], n_boot, rng)
    return result


def _assign(params: dict[str, Any], spec: Uncertain, value: Any) -> None:
    if spec.param:
        params[spec.param] = value
    else:
        params.update(dict(value))


def _column(spec: Uncertain, key: np.ndarray) -> np.ndarray:
    """Sampled values for the sample table: scalars as they are, other alternatives by their index."""
    if spec.values is None:
        return key
    if all(isinstance(v, int | float | str | bool) for v in spec.values[:50]):
        return np.asarray(list(spec.values), dtype=object)[key]
    return key


def _dist(spec: Uncertain) -> Any:
    from scipy import stats as sps  # imported lazily: scipy.stats takes most of a second to import

    return getattr(sps, str(spec.distribution))(**dict(spec.dist_params))
