"""Validation rules for submitted values: required, range, year-on-year change, consistency, outliers.

A rule either fails outright (a missing or out-of-range value) or asks for a reason: a value that changes more
than allowed, disagrees with the values it should agree with, or breaks its own trend is accepted only with an
explanation in its note. Every problem is a `FieldError` on its data element, with a registered code and exact
numbers as params (`Decimal`: shown grouped, never in scientific notation). The same rules serve the form, the API
and the uploaded template.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from yrdhub.errors import FieldError
from yrdhub.monitoring.framework import Spec

NEEDS_REASON = frozenset({"value.yoy_change", "value.inconsistent", "value.off_trend"})


def exact(value: Any) -> Decimal | None:
    """A number as an exact decimal (a float as its shortest repr, so 0.1 stays 0.1)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise TypeError(f"not a number: {value!r}") from exc


@dataclass(frozen=True)
class Entry:
    value: Decimal | None
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", exact(self.value))


def _dec(number: float | int) -> Decimal:
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def _plain(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (4.3400 → 4.34, 1.0E+3 → 1000)."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def validate(spec: Spec, entries: dict[str, Entry], previous: dict[str, Decimal],
             history: dict[str, list[tuple[int, Decimal]]] | None = None, period: int | None = None
             ) -> list[FieldError]:
    """Every problem with the element (cell) it belongs to; problems answered by a reason are dropped."""
    problems: list[FieldError] = []
    known = {e.code for e in spec.elements}
    for code in entries:
        if code not in known:
            problems.append(FieldError(code, "value.unknown_element", {"element": code}))
    values = {k: e.value for k, e in entries.items() if e.value is not None and e.value.is_finite()}
    for element in spec.elements:
        entry = entries.get(element.code, Entry(None))
        value = entry.value
        if value is None:
            if element.required:
                problems.append(FieldError(element.code, "value.required", {}))
            continue
        if not value.is_finite():
            problems.append(FieldError(element.code, "value.not_finite", {}))
            continue
        if element.min is not None and value < _dec(element.min):
            problems.append(FieldError(element.code, "value.below_min", {"value": value, "min": _dec(element.min)}))
        if element.max is not None and value > _dec(element.max):
            problems.append(FieldError(element.code, "value.above_max", {"value": value, "max": _dec(element.max)}))
        prev = previous.get(element.code)
        if element.max_yoy_pct is not None and prev:
            change = (value / prev - 1) * 100
            if abs(change) > _dec(element.max_yoy_pct):
                problems.append(FieldError(element.code, "value.yoy_change", {
                    "value": value, "previous": _plain(prev), "change": change.quantize(Decimal("0.1")),
                    "limit": _dec(element.max_yoy_pct)}))
        rule = element.consistent_with
        if rule and values.get(rule.denominator) and rule.numerator in values:
            expected = values[rule.numerator] / values[rule.denominator] * _dec(rule.factor)
            if abs(value - expected) > _dec(rule.tolerance):
                problems.append(FieldError(element.code, "value.inconsistent", {
                    "value": value, "expected": expected.quantize(Decimal("0.001")),
                    "tolerance": _dec(rule.tolerance)}))
        if history and period is not None:
            outlier = _trend_outlier(history.get(element.code, []), period, value)
            if outlier is not None:
                problems.append(FieldError(element.code, "value.off_trend", {"value": value, "expected": outlier}))
    return [p for p in problems if not (p.code in NEEDS_REASON
                                        and entries.get(p.field, Entry(None)).reason.strip())]


def _trend_outlier(points: list[tuple[int, Decimal]], period: int, value: Decimal) -> Decimal | None:
    """The trend's projection (four significant digits) when `value` lies more than 4 residual s.d. (and 10 %)
    from it; else None."""
    past = [(y, float(v)) for y, v in points if y < period][-8:]
    if len(past) < 5:
        return None
    years = np.array([y for y, _ in past], dtype=float)
    vals = np.array([v for _, v in past], dtype=float)
    slope, intercept = np.polyfit(years, vals, 1)
    residual_sd = float(np.std(vals - (slope * years + intercept), ddof=2))
    projected = float(slope * period + intercept)
    gap = abs(float(value) - projected)
    if gap > 4 * residual_sd and gap > 0.1 * abs(projected):
        return _plain(Decimal(f"{projected:.4g}"))
    return None
