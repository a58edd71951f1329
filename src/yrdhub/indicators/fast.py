"""Aggregation batched over Monte Carlo replications.

For replications that share the level-1 data ``X`` (units × indicators) and differ only in weights, each
level is one matrix product: ``φ(X) @ (W ⊙ M)`` where ``M`` is the children → parent membership matrix, ``W``
a replication's weights and ``φ`` the power-mean transform (x, log x, 1/x, x^p). Higher levels use batched
``matmul`` over replications. ``φ`` and the rule for values a mean cannot take are those of the nominal path
(:func:`.._numerics.power_terms`), so results equal :func:`steps.aggregate.aggregate` to rounding
(``tests/indicators/test_nominal_vs_batched.py`` checks every method).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._numerics import power_root, power_terms
from .framework import Framework

POWER = {"amean": 1.0, "gmean": 0.0, "hmean": -1.0}


@dataclass(frozen=True)
class Levels:
    """Per aggregation level: child codes, parent codes and the membership matrix (children × parents)."""

    codes: tuple[str, ...]  # every code, the column order of the weights matrix
    children: tuple[tuple[int, ...], ...]  # per level: indices (into codes) of the children
    parents: tuple[tuple[str, ...], ...]
    members: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, fw: Framework) -> Levels:
        codes = tuple(n.code for n in fw.nodes)
        pos = {c: i for i, c in enumerate(codes)}
        children, parents, members = [], [], []
        for lev in range(2, fw.n_levels + 1):
            groups = fw.groups(lev)
            kids = [c for p in groups for c in groups[p]]
            m = np.zeros((len(kids), len(groups)))
            for j, p in enumerate(groups):
                for c in groups[p]:
                    m[kids.index(c), j] = 1.0
            children.append(tuple(pos[c] for c in kids))
            parents.append(tuple(groups))
            members.append(m)
        return cls(codes, tuple(children), tuple(parents), tuple(members))

    def level1_order(self) -> list[str]:
        return [self.codes[i] for i in self.children[0]]


def power_of(method: str, p: float | None = None) -> float | None:
    if method == "genmean":
        return None if p is None else float(p)
    return POWER.get(method)


def _sums(a: np.ndarray, w: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Σ_c a[…, c] · w[r, c] · m[c, p], shape (R, U, P), for ``a`` of shape (U, C) or (R, U, C)."""
    if a.ndim == 2:  # one (U × C) @ (C × R·P) product
        n_rep, (c, npar) = w.shape[0], m.shape
        flat = (w[:, :, None] * m[None, :, :]).transpose(1, 0, 2).reshape(c, n_rep * npar)
        return (a @ flat).reshape(a.shape[0], n_rep, npar).transpose(1, 0, 2)
    r_, u_, c_ = a.shape  # M is shared by all replications: one (R·U × C) @ (C × P) product
    return ((a * w[:, None, :]).reshape(r_ * u_, c_) @ m).reshape(r_, u_, -1)


def _counts(a: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Σ_c a[…, c] · m[c, p] (unweighted), shape (1 or R, U, P)."""
    a = a.astype(float)
    if a.ndim == 2:
        return (a @ m)[None, :, :]
    r_, u_, c_ = a.shape
    return (a.reshape(r_ * u_, c_) @ m).reshape(r_, u_, -1)


def _infinite_sums(t: np.ndarray, w: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a parent has infinite terms, their weighted sum as IEEE arithmetic (and R) gives it: ±inf, or
    NaN for inf − inf and inf · 0. A matrix product cannot carry them (inf · 0 = NaN in every other parent),
    so they are counted by sign instead; returns (the parents concerned, their sums)."""
    up, down = (t == np.inf).astype(float), (t == -np.inf).astype(float)
    pos, neg, zero = (w > 0).astype(float), (w < 0).astype(float), (w == 0).astype(float)
    n_up = _sums(up, pos, m) + _sums(down, neg, m)
    n_down = _sums(up, neg, m) + _sums(down, pos, m)
    n_nan = _sums(up + down, zero, m)
    nan = (n_nan > 0) | ((n_up > 0) & (n_down > 0))
    return (n_up + n_down + n_nan) > 0, np.where(nan, np.nan, np.where(n_up > 0, np.inf, -np.inf))


def batch_aggregate(
    x: np.ndarray,
    levels: Levels,
    weights: np.ndarray,
    powers: Sequence[float],
    dat_thresh: Sequence[float | None] | None = None,
) -> np.ndarray:
    """Top-level scores, shape (replications, units), of level-1 data ``x`` (units × level-1 children in
    ``levels`` order) under per-replication ``weights`` (replications × codes)."""
    cur: np.ndarray = x  # (U, C) at level 1, then (R, U, C)
    for k, (kids, m) in enumerate(zip(levels.children, levels.members, strict=True)):
        p = powers[k]
        w = weights[:, kids]  # (R, C)
        ok = ~np.isnan(cur)
        t, bad = power_terms(cur, p)  # the nominal path's own rule: invalid terms are 0, their parents NaN below
        infinite = np.isinf(t)
        terms = np.where(infinite, 0.0, t) if infinite.any() else t
        if cur.ndim == 2:  # numerators and denominators from one product: terms and availability stacked
            both = _sums(np.concatenate([terms, ok.astype(float)]), w, m)
            num, den = both[:, : cur.shape[0]], both[:, cur.shape[0] :]
        else:
            num, den = _sums(terms, w, m), _sums(ok.astype(float), w, m)
        if infinite.any():
            has, sums = _infinite_sums(t, w, m)
            num = np.where(has, sums, num)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            y = power_root(num / np.where(den == 0, np.nan, den), p)
        if bad.any():
            y = np.where(_counts(bad, m) > 0, np.nan, y)
        th = None if dat_thresh is None else dat_thresh[k]
        if th is not None:
            avail = _counts(ok, m) / m.sum(axis=0)
            y = np.where(avail < th, np.nan, y)
        if k + 1 < len(levels.children):  # reorder parents into the next level's child order
            nxt = [levels.codes[i] for i in levels.children[k + 1]]
            order = [levels.parents[k].index(c) for c in nxt]
            y = y[:, :, order]
        cur = y
    return cur[:, :, 0]


def batch_rank(scores: np.ndarray) -> np.ndarray:
    """Descending ranks per row, ties share the best rank (R's ties.method = "min"), NaN stays NaN."""
    s = np.where(np.isnan(scores), np.inf, -scores)  # ascending order of −score, NaN last
    order = np.argsort(s, axis=1, kind="stable")
    sv = np.take_along_axis(s, order, axis=1)
    pos = np.broadcast_to(np.arange(s.shape[1]), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[:, 1:] = sv[:, 1:] != sv[:, :-1]
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=1)  # start of each tie block
    ranks = np.empty(s.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    return np.where(np.isnan(scores), np.nan, ranks)
