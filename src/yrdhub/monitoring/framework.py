"""Framework specs: data elements (submitted), indicators (formulas over elements), dimensions, methods."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from yrdhub.errors import FieldError, Invalid

BUNDLED = importlib.resources.files("yrdhub") / "data" / "monitoring"


@dataclass(frozen=True)
class Consistency:
    numerator: str
    denominator: str
    factor: float
    tolerance: float


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    name_en: str
    unit: str
    min: float | None = None
    max: float | None = None
    max_yoy_pct: float | None = None
    required: bool = True
    consistent_with: Consistency | None = None
    source: str = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    unit: str
    numerator: str
    denominator: str | None
    factor: float
    direction: int
    weight: float
    dimension: str
    definition: str = ""

    def compute(self, values: dict[str, float]) -> float | None:
        top = values.get(self.numerator)
        if top is None:
            return None
        if self.denominator is None:
            return top * self.factor
        bottom = values.get(self.denominator)
        if not bottom:
            return None
        return top / bottom * self.factor


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    name_en: str
    weight: float
    note: str = ""
    note_en: str = ""
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Spec:
    code: str
    version: int
    name: str
    name_en: str
    base_year: int
    periods: tuple[int, int]
    elements: tuple[Element, ...]
    dimensions: tuple[Dimension, ...]
    methods: dict[str, Any] = field(default_factory=dict)
    periodicity: str = "annual"
    level: str = "province"
    owner: str = ""
    submission_due: str = "06-30"  # month-day in the year after the period

    def due_date(self, period: int) -> date:
        month, day = (int(x) for x in self.submission_due.split("-"))
        return date(period + 1, month, day)

    def sources_of(self, indicator: Indicator) -> list[str]:
        codes = [indicator.numerator, *([indicator.denominator] if indicator.denominator else [])]
        return [self.element(c).source for c in codes if self.element(c).source]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    def element(self, code: str) -> Element:
        for e in self.elements:
            if e.code == code:
                return e
        raise KeyError(code)


def parse(raw: dict[str, Any]) -> Spec:
    """Build and check a spec; every problem is named (`Invalid`, one field error per problem)."""
    problems: list[FieldError] = []
    elements = []
    for item in raw.get("data_elements", []):
        cw = item.get("consistent_with")
        elements.append(Element(
            code=item["code"], name=item["name"], name_en=item.get("name_en", ""), unit=item.get("unit", ""),
            min=item.get("min"), max=item.get("max"), max_yoy_pct=item.get("max_yoy_pct"),
            required=bool(item.get("required", True)), source=str(item.get("source", "")),
            consistent_with=Consistency(cw["numerator"], cw["denominator"], float(cw.get("factor", 1)),
                                        float(cw.get("tolerance", 0))) if cw else None))
    codes = [e.code for e in elements]
    if len(codes) != len(set(codes)):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        problems.append(FieldError("data_elements", "framework.duplicate_elements", {"codes": twice}))
    known = set(codes)
    dimensions = []
    for d in raw.get("dimensions", []):
        indicators = []
        for i in d.get("indicators", []):
            for ref in (i.get("numerator"), i.get("denominator")):
                if ref is not None and ref not in known:
                    problems.append(FieldError(f"indicators.{i['code']}", "framework.unknown_element",
                                               {"indicator": i["code"], "element": ref}))
            if i.get("direction", 1) not in (1, -1):
                problems.append(FieldError(f"indicators.{i['code']}", "framework.direction",
                                           {"indicator": i["code"]}))
            indicators.append(Indicator(
                code=i["code"], name=i["name"], name_en=i.get("name_en", ""), unit=i.get("unit", ""),
                numerator=i["numerator"], denominator=i.get("denominator"), factor=float(i.get("factor", 1)),
                direction=int(i.get("direction", 1)), weight=float(i.get("weight", 1)), dimension=d["code"],
                definition=i.get("definition", "")))
        dimensions.append(Dimension(code=d["code"], name=d["name"], name_en=d.get("name_en", ""),
                                    weight=float(d.get("weight", 1)), note=d.get("note", ""),
                                    note_en=d.get("note_en", ""), indicators=tuple(indicators)))
    for e in elements:
        if e.consistent_with and {e.consistent_with.numerator, e.consistent_with.denominator} - known:
            problems.append(FieldError(f"data_elements.{e.code}", "framework.consistency", {"element": e.code}))
    if problems:
        raise Invalid(problems)
    start, end = raw.get("periods", [2011, 2023])
    return Spec(code=raw["code"], version=int(raw["version"]), name=raw["name"], name_en=raw.get("name_en", ""),
                base_year=int(raw.get("base_year", start)), periods=(int(start), int(end)),
                elements=tuple(elements), dimensions=tuple(dimensions), methods=raw.get("methods", {}),
                periodicity=str(raw.get("periodicity", "annual")), level=str(raw.get("level", "province")),
                owner=str(raw.get("owner", "")), submission_due=str(raw.get("submission_due", "06-30")))


def spec_hash(raw: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def bundled_raw(name: str = "yrd_framework_v1.yaml") -> dict[str, Any]:
    return dict(yaml.safe_load((BUNDLED / name).read_text(encoding="utf-8")))
