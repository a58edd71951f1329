"""Aggregation batched over Monte Carlo replications.

For replications that share the level-1 data ``X`` (units × indicators) and differ only in weights, each
level is one matrix product: ``φ(X) @ (W ⊙ M)`` where ``M`` is the children → parent membership matrix, ``W``
a replication's weights and ``φ`` the power-mean transform (x, log x, 1/x, x^p). Higher levels use batched
``matmul`` over replications. Results equal :func:`steps.aggregate.aggregate` to rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

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


def _phi(x: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 1:
            return x
        if p == 0:
            return np.log(x)
        return x**p


def _phi_inv(y: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if p == 1:
            return y
        if p == 0:
            return np.exp(y)
        return y ** (1.0 / p)


def batch_aggregate(
    x: np.ndarray,
    levels: Levels,
    weights: np.ndarray,
    powers: Sequence[float],
    dat_thresh: Sequence[float | None] | None = None,
) -> np.ndarray:
    """Top-level scores, shape (replications, units), of level-1 data ``x`` (units × level-1 children in
    ``levels`` order) under per-replication ``weights`` (replications × codes)."""
    n_rep = weights.shape[0]
    cur: np.ndarray = x  # (U, C) at level 1, then (R, U, C)
    for k, (kids, m) in enumerate(zip(levels.children, levels.members, strict=True)):
        p = powers[k]
        w = weights[:, kids]  # (R, C)
        wm = w[:, :, None] * m[None, :, :]  # (R, C, P)
        ok = ~np.isnan(cur)
        bad = np.where(ok, cur, 1.0) <= 0 if p <= 0 else None
        t = np.where(ok, _phi(np.where(ok, cur, 1.0), p), 0.0)
        if bad is not None:  # log 0 = −inf would poison the products (−inf · 0); such parents become NaN below
            t = np.where(bad, 0.0, t)
        if cur.ndim == 2:
            c, npar = m.shape
            flat = wm.transpose(1, 0, 2).reshape(c, n_rep * npar)
            num = (t @ flat).reshape(cur.shape[0], n_rep, npar).transpose(1, 0, 2)
            den = (ok.astype(float) @ flat).reshape(cur.shape[0], n_rep, npar).transpose(1, 0, 2)
            badp = None if bad is None else (bad.astype(float) @ m > 0)[None, :, :]
            avail = (ok.astype(float) @ m) / m.sum(axis=0)
            avail = np.broadcast_to(avail[None], num.shape)
        else:  # M is shared by all replications: one (R·U × C) @ (C × P) product each
            r_, u_, c_ = cur.shape
            okf = ok.astype(float)
            num = ((t * w[:, None, :]).reshape(r_ * u_, c_) @ m).reshape(r_, u_, -1)
            den = ((okf * w[:, None, :]).reshape(r_ * u_, c_) @ m).reshape(r_, u_, -1)
            badp = None if bad is None else (bad.reshape(r_ * u_, c_).astype(float) @ m > 0).reshape(r_, u_, -1)
            avail = (okf.reshape(r_ * u_, c_) @ m).reshape(r_, u_, -1) / m.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = _phi_inv(num / np.where(den == 0, np.nan, den), p)
        if badp is not None:
            y = np.where(badp, np.nan, y)
        th = None if dat_thresh is None else dat_thresh[k]
        if th is not None:
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
