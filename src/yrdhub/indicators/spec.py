"""YAML specifications: data, framework, steps (any order, any parameters) and uncertain inputs.

.. code-block:: yaml

    data: {idata: ASEM_iData.csv, imeta: ASEM_iMeta.csv}   # paths relative to the data directory
                                                           # (a panel: add time: Time; sheets of a
                                                           # workbook: idata_sheet, imeta_sheet; a JRC
                                                           # COIN Tool workbook: coin_tool: file.xlsx)
    steps:
      - denominate: {}
      - impute: {method: mean_grp, use_group: EurAsia_group}
      - screen: {rule: byNA, dat_thresh: 0.9}
      - treat: {winmax: 5, skew_thresh: 2, kurt_thresh: 3.5, f2: log_CT}
      - normalise: {method: minmax, params: {l_u: [0, 100]}}
      - aggregate: {method: [amean, gmean, amean]}          # one per level, level 2 first
    uncertainty:
      runs: 1000
      seed: 1
      sensitivity: false       # true: Saltelli design with N = runs and sensitivity indices
      inputs:
        - {name: Winmax, step: treat, param: winmax, values: [1, 2, 3, 4, 5]}
        - {name: Weights, step: aggregate, param: weights, noise: {2: 0.25, 3: 0.25}, sets: 100}
        - {name: Skew, step: treat, param: skew_thresh,
           distribution: uniform, dist_params: {loc: 1.5, scale: 1}}

A step may carry ``name:`` (the name of the data set it writes). Instead of ``imeta`` the framework may be
given inline as ``framework: [{iCode, Level, Parent, Weight, Direction}, …]``. A custom function is given
as ``{__callable__: "package.module:function"}`` wherever a method may be a callable (the log writes
callables the same way, so a logged run with custom functions can be re-run).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .cointool import import_coin_tool
from .data import Inputs, make_inputs, read_table
from .framework import Framework
from .pipeline import Pipeline, _unlog
from .steps import STEP_TYPES, Step
from .uncertainty import Uncertain, noisy_weights


class SpecError(ValueError):
    """The specification is not valid; the message says where."""


@dataclass
class UncertaintySpec:
    inputs: list[dict[str, Any]]
    runs: int = 1000
    seed: int | None = None
    sensitivity: bool = False
    n_boot: int | None = 1000


@dataclass
class Spec:
    data: dict[str, Any]
    steps: list[dict[str, Any]]
    framework: list[dict[str, Any]] | None = None
    uncertainty: UncertaintySpec | None = None
    name: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, text: str) -> Spec:
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SpecError(f"not valid YAML: {exc}") from exc
        if not isinstance(doc, dict):
            raise SpecError("the spec must be a YAML mapping")
        return cls.from_dict(doc)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Spec:
        unknown = set(doc) - {"name", "data", "steps", "framework", "uncertainty", "description"}
        if unknown:
            raise SpecError(f"unknown top-level key(s) {sorted(unknown)}")
        if "steps" not in doc or not isinstance(doc["steps"], list) or not doc["steps"]:
            raise SpecError("the spec needs a non-empty list 'steps'")
        data = dict(doc.get("data") or {})
        if "coin_tool" in data:
            if {"idata", "imeta"} & set(data) or "framework" in doc:
                raise SpecError("data.coin_tool (a COIN Tool workbook) replaces idata, imeta and framework")
        elif "idata" not in data:
            raise SpecError("data.idata (the indicator data file) or data.coin_tool is required")
        elif "imeta" not in data and "framework" not in doc:
            raise SpecError("give data.imeta or an inline framework")
        unc = None
        if doc.get("uncertainty"):
            u = dict(doc["uncertainty"])
            bad = set(u) - {"inputs", "runs", "seed", "sensitivity", "n_boot"}
            if bad:
                raise SpecError(f"unknown uncertainty key(s) {sorted(bad)}")
            if not u.get("inputs"):
                raise SpecError("uncertainty.inputs must list at least one uncertain input")
            unc = UncertaintySpec(**u)
        spec = cls(data, list(doc["steps"]), doc.get("framework"), unc, str(doc.get("name", "")), dict(doc))
        spec.pipeline()  # validate steps now
        return spec

    # -- building -----------------------------------------------------------------------------------------
    def inputs(self, data_dir: str | Path = ".") -> Inputs:
        base = Path(data_dir)
        if "coin_tool" in self.data:
            return import_coin_tool(base / self.data["coin_tool"], bool(self.data.get("makecodes", False))).inputs()
        idata = read_table(base / self.data["idata"], self.data.get("idata_sheet", 0))
        time = self.data.get("time")  # a panel: rows indexed by (uCode, time)
        if self.framework is not None:
            return make_inputs(idata, Framework.from_records(self.framework), time)
        imeta = read_table(base / self.data["imeta"], self.data.get("imeta_sheet", 0))
        return make_inputs(idata, imeta, time)

    def pipeline(self) -> Pipeline:
        steps: list[tuple[str, Step]] = []
        for i, item in enumerate(self.steps, 1):
            if not isinstance(item, Mapping) or len(item) != 1:
                raise SpecError(f"step {i}: write it as '- <kind>: {{parameters}}'")
            kind, params = next(iter(item.items()))
            if kind not in STEP_TYPES:
                raise SpecError(f"step {i}: unknown step {kind!r}; known: {sorted(STEP_TYPES)}")
            params = dict(params or {})
            name = params.pop("name", None)
            try:
                step = STEP_TYPES[kind](**_unlog(kind, params))
            except (TypeError, ImportError, AttributeError) as exc:
                raise SpecError(f"step {i} ({kind}): {exc}") from exc
            steps.append((str(name) if name else step.output, step))
        return Pipeline(steps)

    def uncertain_inputs(self, inputs: Inputs) -> list[Uncertain]:
        if self.uncertainty is None:
            raise SpecError("the spec has no 'uncertainty' section")
        out = []
        for i, item in enumerate(self.uncertainty.inputs, 1):
            d = dict(item)
            try:
                if "noise" in d:
                    noise = {int(k): float(v) for k, v in dict(d.pop("noise")).items()}
                    sets = int(d.pop("sets", max(self.uncertainty.runs, 100)))
                    d["values"] = noisy_weights(inputs.framework, noise, sets, self.uncertainty.seed)
                    d.setdefault("param", "weights")
                d.setdefault("param", None)
                out.append(Uncertain(**d))
            except (TypeError, ValueError) as exc:
                raise SpecError(f"uncertain input {i}: {exc}") from exc
        return out


def load_spec(path: str | Path) -> Spec:
    """A YAML spec, or a JRC COIN Tool workbook (.xlsx, .xlsm) run with its default build
    (``cointool.CoinTool.default_steps``)."""
    p = Path(path)
    if p.suffix.lower() in {".xlsx", ".xlsm"}:
        tool = import_coin_tool(p)
        return Spec.from_dict({"name": p.stem, "data": {"coin_tool": str(p.resolve())}, "steps": tool.default_steps()})
    return Spec.from_yaml(p.read_text(encoding="utf-8"))
