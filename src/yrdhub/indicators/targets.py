"""Targets: distance to target, progress towards it, and when a trend reaches it."""

from __future__ import annotations

import numpy as np


def distance_to_target(value: np.ndarray | float, target: float, direction: int = 1) -> np.ndarray:
    """Share of the target still missing: (target − value)/target (direction −1: (value − target)/target);
    0 or less means reached."""
    v = np.asarray(value, dtype=float)
    return (target - v) / target if direction == 1 else (v - target) / target


def progress(value: np.ndarray | float, baseline: float, target: float) -> np.ndarray:
    """Fraction of the way from ``baseline`` to ``target`` (1 = reached; works for falling targets too)."""
    v = np.asarray(value, dtype=float)
    return (v - baseline) / (target - baseline)


def year_reaching_target(value: float, year: float, growth: float, target: float, direction: int = 1) -> float:
    """First (fractional) year in which ``value`` growing at compound rate ``growth`` (e.g. a CAGR) reaches
    ``target`` — from below when ``direction`` is 1, from above when it is −1. ``year`` if already reached,
    ``inf`` if the trend never gets there."""
    if (direction == 1 and value >= target) or (direction == -1 and value <= target):
        return float(year)
    if value <= 0 or target <= 0 or growth <= -1 or growth == 0:
        return float("inf")
    n = float(np.log(target / value) / np.log1p(growth))
    return float(year) + n if n >= 0 else float("inf")
