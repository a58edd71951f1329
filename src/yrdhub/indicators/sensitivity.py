"""Variance-based sensitivity analysis: Saltelli sampling and the Saltelli (2010) / Jansen estimators.

Design (as COINr's ``SA_sample``): rows ``A`` (N), ``B`` (N), then for each input i a block ``AB_i`` (N) equal
to ``A`` with column i taken from ``B`` — N(d + 2) model runs in all. First-order index
``S_i = mean(y_B · (y_ABi − y_A)) / Var(y)`` and total index ``S_Ti = Σ (y_A − y_ABi)² / (2N · Var(y))`` with
``Var(y)`` the sample variance of ``(y_A, y_B)`` (Saltelli et al. 2010, Comput. Phys. Commun. 181:259–270;
Jansen 1999).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def saltelli_sample(n: int, d: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """An N(d + 2) × d design of uniform(0, 1) values in COINr's row order (A, B, AB_1 … AB_d)."""
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    a = gen.random((n, d))
    b = gen.random((n, d))
    blocks = [a, b]
    for i in range(d):
        abi = a.copy()
        abi[:, i] = b[:, i]
        blocks.append(abi)
    return np.vstack(blocks)


def _indices(ya: np.ndarray, yb: np.ndarray, yab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    var = np.var(np.concatenate([ya, yb]), ddof=1)
    si = np.mean(yb[:, None] * (yab - ya[:, None]), axis=0) / var
    sti = np.sum((ya[:, None] - yab) ** 2, axis=0) / (2 * ya.size * var)
    return si, sti


def sensitivity_indices(
    y: np.ndarray,
    n: int,
    d: int,
    names: Sequence[str] | None = None,
    n_boot: int | None = None,
    rng: np.random.Generator | int | None = None,
    probs: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """First-order and total indices from outputs ``y`` of a Saltelli design; bootstrap quantiles if asked."""
    y = np.asarray(y, dtype=float)
    if y.size != n * (d + 2):
        raise ValueError(f"y has {y.size} values; a Saltelli design with N={n}, d={d} has {n * (d + 2)}")
    ya, yb = y[:n], y[n : 2 * n]
    yab = y[2 * n :].reshape(d, n).T
    si, sti = _indices(ya, yb, yab)
    out = pd.DataFrame({"Variable": list(names or [f"V{i + 1}" for i in range(d)]), "Si": si, "STi": sti})
    if n_boot:
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        idx = gen.integers(0, n, size=(n_boot, n))
        boot_si = np.empty((n_boot, d))
        boot_st = np.empty((n_boot, d))
        for b in range(n_boot):
            k = idx[b]
            boot_si[b], boot_st[b] = _indices(ya[k], yb[k], yab[k])
        out["Si_q5"], out["Si_q95"] = np.quantile(boot_si, probs, axis=0)
        out["STi_q5"], out["STi_q95"] = np.quantile(boot_st, probs, axis=0)
    return out
