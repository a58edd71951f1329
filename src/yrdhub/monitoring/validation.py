"""Validation rules for submitted values: required, range, year-on-year change, consistency, outliers.

A rule either fails outright (a missing or out-of-range value) or asks for a reason: a value that changes more
than allowed, disagrees with the values it should agree with, or breaks its own trend is accepted only with an
explanation in its reason cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yrdhub.monitoring.framework import Spec


@dataclass(frozen=True)
class Problem:
    element: str
    message: str
    needs_reason: bool = False  # satisfied by a non-empty reason


@dataclass(frozen=True)
class Entry:
    value: float | None
    reason: str = ""


def validate(spec: Spec, entries: dict[str, Entry], previous: dict[str, float],
             history: dict[str, list[tuple[int, float]]] | None = None, period: int | None = None) -> list[Problem]:
    """Every problem with the element (cell) it belongs to; problems answered by a reason are dropped."""
    problems: list[Problem] = []
    known = {e.code for e in spec.elements}
    for code in entries:
        if code not in known:
            problems.append(Problem(code, f"未知数据项 {code} / unknown data element {code}"))
    values = {k: e.value for k, e in entries.items() if e.value is not None}
    for element in spec.elements:
        entry = entries.get(element.code, Entry(None))
        value = entry.value
        if value is None:
            if element.required:
                problems.append(Problem(element.code, f"{element.name}：必填 / {element.name_en}: required"))
            continue
        if not np.isfinite(value):
            problems.append(Problem(element.code, f"{element.name}：不是有效数字 / not a finite number"))
            continue
        if element.min is not None and value < element.min:
            problems.append(Problem(element.code, f"{element.name}：{value:g} 小于下限 {element.min:g} / "
                                                  f"{value:g} is below the minimum {element.min:g}"))
        if element.max is not None and value > element.max:
            problems.append(Problem(element.code, f"{element.name}：{value:g} 超过上限 {element.max:g} / "
                                                  f"{value:g} is above the maximum {element.max:g}"))
        prev = previous.get(element.code)
        if element.max_yoy_pct is not None and prev:
            change = (value / prev - 1) * 100
            if abs(change) > element.max_yoy_pct:
                limit = f"±{element.max_yoy_pct:g}%"
                zh = f"{element.name}：同比变化 {change:+.1f}% 超过 {limit}，须说明原因"
                en = f"year-on-year change {change:+.1f}% beyond {limit} needs a reason"
                problems.append(Problem(element.code, f"{zh} / {en}", needs_reason=True))
        rule = element.consistent_with
        if rule and values.get(rule.denominator):
            expected = values.get(rule.numerator, float("nan")) / values[rule.denominator] * rule.factor
            if np.isfinite(expected) and abs(value - expected) > rule.tolerance:
                formula = f"{rule.numerator}/{rule.denominator}"
                zh = f"{element.name}：{value:g} 与 {formula} 计算值 {expected:.3f} 不一致，须说明原因"
                en = f"disagrees with the computed {expected:.3f}; needs a reason"
                problems.append(Problem(element.code, f"{zh} / {en}", needs_reason=True))
        if history and period is not None:
            outlier = _trend_outlier(history.get(element.code, []), period, value)
            if outlier is not None:
                zh = f"{element.name}：{value:g} 偏离历史趋势（预期约 {outlier:.4g}），须说明原因"
                en = f"far from its trend (about {outlier:.4g} expected); needs a reason"
                problems.append(Problem(element.code, f"{zh} / {en}", needs_reason=True))
    return [p for p in problems if not (p.needs_reason and entries.get(p.element, Entry(None)).reason.strip())]


def _trend_outlier(points: list[tuple[int, float]], period: int, value: float) -> float | None:
    """The trend's projection when `value` lies more than 4 residual s.d. (and 10 %) from it; else None."""
    past = [(y, v) for y, v in points if y < period][-8:]
    if len(past) < 5:
        return None
    years = np.array([y for y, _ in past], dtype=float)
    vals = np.array([v for _, v in past], dtype=float)
    slope, intercept = np.polyfit(years, vals, 1)
    residual_sd = float(np.std(vals - (slope * years + intercept), ddof=2))
    projected = float(slope * period + intercept)
    gap = abs(value - projected)
    if gap > 4 * residual_sd and gap > 0.1 * abs(projected):
        return projected
    return None
