"""Weights that give the codes of a level a chosen influence on the index (COINr's ``get_opt_weights``).

The influence of a code is measured, as in COINr, by its correlation with the top aggregate (Pearson,
Spearman or Kendall) once the data are aggregated with the trial weights. ``optype="balance"`` looks for
weights whose correlations, normalised to sum to 1, come as close as possible to the target importances
``itarg`` (normalised the same way): the objective is ln(mean((itarg − c/Σc)²)). ``optype="infomax"``
maximises the sum of the correlations. Paruolo, Saisana and Saltelli (2013), *J. R. Stat. Soc. A* 176:609–634.

Differences from COINr (see docs/indicators.md): COINr pairs ``itarg`` (and its result table) with the
correlations in the order of the codes' names while its weights follow iMeta's order, so unequal targets
reach the wrong codes whenever the two orders differ (at every level of its ASEM example but the third);
yrdhub matches targets, weights and correlations by code. COINr stops R's Nelder–Mead at a relative
tolerance of 0.1, after a handful of evaluations (3 to 15 on its example); yrdhub searches to a tight
tolerance, over positive weights (COINr's may turn negative).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._numerics import AggFunc, aggregate, per_level
from .cortest import COR_METHODS, correlation
from .framework import Framework

__all__ = ["OptimisedWeights", "level_correlations", "optimise_level_weights", "weights_objective"]

OPTYPES = ("balance", "infomax")
Method = str | AggFunc | Sequence[str | AggFunc]


def level_correlations(
    data: pd.DataFrame,
    framework: Framework,
    level: int,
    weights: Mapping[str, float] | None = None,
    cortype: str = "pearson",
    method: Method = "amean",
) -> pd.Series:
    """The correlation of every code at ``level`` with the top aggregate after aggregating the indicators of
    ``data`` (e.g. the normalised data set) with ``weights`` (COINr's ``weights2corr``), in framework order."""
    if not 1 <= level < framework.n_levels:
        raise ValueError(f"level must be between 1 and {framework.n_levels - 1} (below the top)")
    if cortype not in COR_METHODS:
        raise ValueError(f"unknown correlation {cortype!r}; choose one of {COR_METHODS}")
    agg = aggregate(data[framework.indicators], framework, method, weights)
    top = agg[framework.top].to_numpy(dtype=float)
    codes = framework.codes(level)
    return pd.Series([correlation(agg[c].to_numpy(dtype=float), top, cortype) for c in codes], index=codes)


def _targets(itarg: str | Sequence[float] | Mapping[str, float] | None, codes: list[str]) -> np.ndarray:
    if isinstance(itarg, str):
        if itarg != "equal":
            raise ValueError('itarg must be "equal", a sequence of targets or a mapping code → target')
        t = np.ones(len(codes))
    elif isinstance(itarg, Mapping):
        unknown = set(itarg) - set(codes)
        if unknown or len(itarg) != len(codes):
            raise ValueError(f"itarg must give a target for each of {codes}")
        t = np.array([float(itarg[c]) for c in codes])
    elif itarg is None:
        raise ValueError("optype='balance' needs itarg")
    else:
        t = np.asarray(itarg, dtype=float)
        if t.shape != (len(codes),):
            raise ValueError(f"itarg has {t.size} targets for the {len(codes)} codes of the level")
    if (t < 0).any() or t.sum() <= 0:
        raise ValueError("the targets must be non-negative and not all zero")
    return t / t.sum()


def weights_objective(corr: np.ndarray, optype: str = "balance", itarg: np.ndarray | None = None) -> float:
    """COINr's objective for correlations ``corr`` (to be minimised): ln(mean((itarg − c/Σc)²)) for
    ``balance`` (itarg normalised to sum to 1), −Σc for ``infomax``."""
    if optype == "infomax":
        return float(-np.sum(corr))
    if itarg is None:
        raise ValueError("balance needs itarg")
    with np.errstate(divide="ignore"):
        return float(np.log(np.mean((itarg - corr / np.sum(corr)) ** 2)))


def _upper(framework: Framework, level: int) -> Framework:
    """The framework from ``level`` up, ``level`` becoming level 1."""
    shift = level - 1
    nodes = [n for n in framework.nodes if n.level >= level]
    return Framework.from_records(
        [{"iCode": n.code, "Level": n.level - shift, "Parent": n.parent, "Weight": n.weight} for n in nodes]
    )


@dataclass
class OptimisedWeights:
    """The result of :func:`optimise_level_weights`: ``weights`` for every code (the level's optimised, summing
    to 1; the others as given), ``table`` per code of the level (iCode, Desired, Obtained, Weight: the target
    importance, the normalised correlation reached — the raw correlation for infomax — and the weight), the
    ``objective`` reached, how many ``evaluations`` it took and whether the search ``converged``."""

    weights: dict[str, float]
    table: pd.DataFrame
    objective: float
    evaluations: int
    converged: bool


def optimise_level_weights(
    data: pd.DataFrame,
    framework: Framework,
    level: int,
    itarg: str | Sequence[float] | Mapping[str, float] | None = "equal",
    optype: str = "balance",
    cortype: str = "pearson",
    method: Method = "amean",
    weights: Mapping[str, float] | None = None,
    tol: float = 1e-12,
    maxiter: int | None = None,
) -> OptimisedWeights:
    """Weights of the codes at ``level`` giving them the target importances ``itarg`` (``"equal"``, one target
    per code in framework order, or a mapping) in the index, or the most information (``optype="infomax"``),
    as COINr's ``get_opt_weights``; see the module docstring. ``data`` holds the indicators the aggregation
    starts from (e.g. the normalised data set), ``method`` the aggregation (one or one per level) and
    ``weights`` the other weights (default: the framework's). Nelder–Mead over the logarithms of the weights,
    started from the targets (balance) or the current weights (infomax)."""
    from scipy.optimize import minimize

    if optype not in OPTYPES:
        raise ValueError(f"optype must be one of {OPTYPES}")
    if cortype not in COR_METHODS:
        raise ValueError(f"unknown correlation {cortype!r}; choose one of {COR_METHODS}")
    if not 1 <= level < framework.n_levels:
        raise ValueError(f"level must be between 1 and {framework.n_levels - 1} (below the top)")
    codes = framework.codes(level)
    base = {**framework.weights, **(weights or {})}
    target = _targets(itarg, codes) if optype == "balance" else None
    # the level's own values do not depend on its weights: aggregate up to it once, then only above it
    below = aggregate(data[framework.indicators], framework, method, base)[codes]
    upper = _upper(framework, level)
    methods = per_level(method, framework.n_levels - 1, "method")[level - 1 :]
    values = below.to_numpy(dtype=float)
    evaluations = 0

    def corr_at(w: np.ndarray) -> np.ndarray:
        trial = {**base, **dict(zip(codes, (w / w.sum()).tolist(), strict=True))}
        top = aggregate(below, upper, methods, trial)[framework.top].to_numpy(dtype=float)
        return np.array([correlation(values[:, j], top, cortype) for j in range(len(codes))])

    def loss(theta: np.ndarray) -> float:
        nonlocal evaluations
        evaluations += 1
        c = corr_at(np.exp(theta))
        # balance: the mean squared gap itself (COINr minimises its logarithm: the same minimum, never −inf)
        value = float(np.mean((target - c / np.sum(c)) ** 2)) if target is not None else float(-np.sum(c))
        return value if np.isfinite(value) else np.inf

    start = target if target is not None else np.array([base[c] for c in codes], dtype=float)
    if (start <= 0).any():
        raise ValueError("the starting weights must be positive")
    options = {"xatol": 1e-7, "fatol": tol, "maxiter": maxiter or 400 * len(codes), "adaptive": len(codes) > 4}
    res = minimize(loss, np.log(start / start.sum()), method="Nelder-Mead", options=options)
    w = np.exp(res.x)
    w = w / w.sum()
    corr = corr_at(w)
    obtained = corr / corr.sum() if optype == "balance" else corr
    table = pd.DataFrame(
        {"iCode": codes, "Desired": target if target is not None else np.nan, "Obtained": obtained, "Weight": w}
    )
    full = {**base, **dict(zip(codes, w.tolist(), strict=True))}
    return OptimisedWeights(full, table, weights_objective(corr, optype, target), evaluations, bool(res.success))
