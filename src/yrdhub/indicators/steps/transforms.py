"""The transformations of outlier treatment (COINr's ``log_CT``, ``log_CT_orig``, ``log_CT_plus``, ``log_GII``,
``boxcox``), each a function of one indicator's values; :data:`TRANSFORMS` names them for ``Treat``'s ``f1``
and ``f2``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._stats import skew

FloatArray = np.ndarray


def log_ct(x: FloatArray) -> FloatArray:
    """COIN Tool log (COINr ``log_CT``): ln(x − min + 0.01·(max − min))."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - mn + 0.01 * (mx - mn))


def log_ct_plus(x: FloatArray) -> FloatArray:
    """COINr's ``log_CT_plus``, the COIN Tool log turned towards the skew: ``log_CT`` when the skew is positive,
    otherwise its mirror ``−ln(max + 0.01·(max − min) − x)``, so that a long left tail is shortened too."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    a = 0.01 * (mx - mn)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - mn + a) if _skews_right(x) else -np.log(mx + a - x)


def _skews_right(x: FloatArray) -> bool:
    s = skew(x)
    return bool(s > 0 or np.isnan(s))  # COINr: skew > 0 (it stops on an undefined skew; log_CT is the plain case)


def log_ct_orig(x: FloatArray) -> FloatArray:
    """Original COIN Tool log: ln(x − min + 1)."""
    return np.log(x - np.nanmin(x) + 1)


def log_gii(x: FloatArray) -> FloatArray:
    """GII log: ln((max − 1)(x − min)/(max − min) + 1). (COINr's ``log_GII`` returns x unchanged: a bug.)"""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log((mx - 1) * (x - mn) / (mx - mn) + 1)


def boxcox(x: FloatArray, lmbda: float = 0.5, makepos: bool = True) -> FloatArray:
    """Box-Cox with a fixed lambda; ``makepos`` shifts to x − min + 1 first."""
    v = x - np.nanmin(x) + 1 if makepos else np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(v) if lmbda == 0 else (v**lmbda - 1) / lmbda


TRANSFORMS: dict[str, Callable[..., FloatArray]] = {
    "log_CT": log_ct,
    "log_CT_orig": log_ct_orig,
    "log_CT_plus": log_ct_plus,
    "log_GII": log_gii,
    "boxcox": boxcox,
}
