"""Weights: equal, from PCA, optimised for balance or information. All return ``{code: weight}`` dicts
that plug into :class:`Aggregate` (``weights=…``); effective weights are
:meth:`Framework.effective_weights`, noisy weight sets :func:`uncertainty.noisy_weights`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._numerics import aggregate, pca, resolve_method
from .framework import Framework


def equal_weights(framework: Framework) -> dict[str, float]:
    return {c: 1.0 for c in framework.codes()}


PCA_CONVENTIONS = ("oecd", "coinr")


def pca_weights(
    data: pd.DataFrame, framework: Framework, level: int = 1, convention: str = "oecd"
) -> dict[str, float]:
    """Weights of the children at ``level`` from the first principal component of each group's standardised
    children (complete rows only); the other codes keep the framework's weights.

    ``convention="oecd"`` (default): the squared loadings, normalised to sum to 1 within the group (OECD/JRC
    Handbook 2008: each child's share of the component's variance); a group of one child keeps its weight.
    ``convention="coinr"``: the loadings themselves, as COINr's ``get_PCA`` returns them (they may be negative
    and do not sum to 1). A component's sign is arbitrary: COINr's comes out of LAPACK (and the order of the
    children), yrdhub turns each component so that its loadings sum to a positive number. Every aggregation
    divides by the sum of the weights, so the sign changes no aggregate."""
    if convention not in PCA_CONVENTIONS:
        raise ValueError(f"unknown PCA weighting convention {convention!r}; choose one of {PCA_CONVENTIONS}")
    out = dict(framework.weights)
    for _, kids in framework.groups(level + 1).items():
        if len(kids) < 2 and convention == "oecd":
            continue
        load = pca(data[kids], 1)["loadings"]
        assert isinstance(load, pd.DataFrame)
        pc1 = load["PC1"].to_numpy()
        w = pc1 if convention == "coinr" else pc1**2 / np.sum(pc1**2)
        out.update(dict(zip(kids, w.tolist(), strict=True)))
    return out


def optimise_weights(
    data: pd.DataFrame,
    framework: Framework,
    parent: str,
    goal: str = "balance",
    weights: Mapping[str, float] | None = None,
    method: str = "amean",
    min_weight: float = 0.05,
) -> dict[str, float]:
    """Weights of ``parent``'s children so that their correlations with ``parent`` are as equal as possible
    (``balance``) or as large as possible in total (``infomax``). ``data`` holds the children's level data
    (e.g. the normalised indicators for a level-2 parent). Weights are searched in [``min_weight``, 1]
    relative to the largest (Powell's method), then normalised to sum to 1."""
    from scipy.optimize import minimize

    if goal not in {"balance", "infomax"}:
        raise ValueError("goal must be 'balance' or 'infomax'")
    kids = framework.children(parent)
    x = data[kids].to_numpy(dtype=float)
    base = {**framework.weights, **(weights or {})}

    def corrs(w: np.ndarray) -> np.ndarray:
        sub = Framework.from_records(
            [{"iCode": k, "Level": 1, "Parent": "_top", "Weight": float(wi)} for k, wi in zip(kids, w, strict=True)]
            + [{"iCode": "_top", "Level": 2, "Parent": None}]
        )
        y = aggregate(pd.DataFrame(x, columns=kids), sub, method)["_top"].to_numpy()
        return np.array([np.corrcoef(x[:, j], y)[0, 1] for j in range(len(kids))])

    def loss(w: np.ndarray) -> float:
        c = corrs(w)
        return float(np.var(c) if goal == "balance" else -np.sum(c))

    w0 = np.array([base[k] for k in kids], dtype=float)
    w0 = w0 / w0.max()
    res = minimize(loss, w0, method="Powell", bounds=[(min_weight, 1.0)] * len(kids), options={"xtol": 1e-4})
    w = np.asarray(res.x)
    return {**base, **dict(zip(kids, (w / w.sum()).tolist(), strict=True))}


WEIGHTINGS = ("equal", "pca", "balance", "infomax")


def derive_weights(
    data: pd.DataFrame,
    framework: Framework,
    how: str,
    method: str | Sequence[str] = "amean",
) -> dict[str, float]:
    """Weights for every group at every level, derived from the data level by level: ``equal``, ``pca``
    (first-component squared loadings), ``balance`` or ``infomax`` (:func:`optimise_weights`). Higher
    levels use the aggregates computed with the weights already derived below them."""
    if how not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {how!r}; choose one of {WEIGHTINGS} or give a mapping")
    if how == "equal":
        return equal_weights(framework)
    nlev = framework.n_levels
    methods = [str(m) for m in method] if isinstance(method, list | tuple) else [str(method)]
    if len(methods) == 1:
        methods = methods * (nlev - 1)
    w = dict(framework.weights)
    current = data[framework.indicators].copy()
    for lev in range(2, nlev + 1):
        groups = framework.groups(lev)
        if how == "pca":
            w.update({k: v for k, v in pca_weights(current, framework, lev - 1).items() if k in set(current.columns)})
        else:
            for parent, kids in groups.items():
                if len(kids) > 1:
                    opt = optimise_weights(current, framework, parent, how, w, str(methods[lev - 2]))
                    w.update({k: opt[k] for k in kids})
        func = resolve_method(methods[lev - 2], None)
        cols = {
            p: func(current[kids].to_numpy(dtype=float), np.array([w[k] for k in kids], dtype=float))
            for p, kids in groups.items()
        }
        current = pd.DataFrame(cols, index=current.index)
    return w
