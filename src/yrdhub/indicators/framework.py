"""The framework: a tree of indicators and aggregates over any number of levels (COINr's iMeta).

Level 1 holds indicators; level k > 1 holds aggregates whose children sit at level k - 1. A framework is
immutable once built and validated; every error names the offending code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


class FrameworkError(ValueError):
    """The framework (iMeta / spec) is not valid; the message says which code and why."""


@dataclass(frozen=True)
class Node:
    code: str
    level: int
    parent: str | None
    weight: float = 1.0
    direction: int = 1
    name: str = ""
    target: float | None = None
    denominator: str | None = None


@dataclass(frozen=True)
class Framework:
    """Validated tree of nodes, in the order they were given."""

    nodes: tuple[Node, ...]
    _by_code: dict[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {n.code: n for n in self.nodes})
        _validate(self.nodes)

    # -- construction -------------------------------------------------------------------------------------
    @classmethod
    def from_imeta(cls, imeta: pd.DataFrame) -> Framework:
        """Build from a COINr-style iMeta table (columns Level, iCode, Parent, Weight, Direction, Type…)."""
        missing = {"iCode", "Level", "Parent"} - set(imeta.columns)
        if missing:
            raise FrameworkError(f"iMeta lacks column(s) {sorted(missing)}")
        meta = imeta
        if "Type" in meta.columns:
            meta = meta[meta["Type"].astype(str).isin(["Indicator", "Aggregate"])]
        else:
            meta = meta[meta["Level"].notna()]
        nodes = []
        for row in meta.to_dict("records"):
            nodes.append(_node_from_record({str(k): v for k, v in row.items()}))
        return cls(tuple(nodes))

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, Any]]) -> Framework:
        return cls(tuple(_node_from_record(dict(r)) for r in records))

    # -- queries ------------------------------------------------------------------------------------------
    def __getitem__(self, code: str) -> Node:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def n_levels(self) -> int:
        return max(n.level for n in self.nodes)

    def codes(self, level: int | None = None) -> list[str]:
        return [n.code for n in self.nodes if level is None or n.level == level]

    @property
    def indicators(self) -> list[str]:
        return self.codes(1)

    @property
    def aggregates(self) -> list[str]:
        return [n.code for n in self.nodes if n.level > 1]

    @property
    def top(self) -> str:
        tops = self.codes(self.n_levels)
        return tops[0]

    def children(self, code: str) -> list[str]:
        return [n.code for n in self.nodes if n.parent == code]

    def groups(self, level: int) -> dict[str, list[str]]:
        """Parents at `level` (in alphabetical order, as COINr's tapply) → their children."""
        parents = sorted({n.parent for n in self.nodes if n.level == level - 1 and n.parent is not None})
        return {p: self.children(p) for p in parents}

    def leaves_under(self, code: str) -> list[str]:
        node = self[code]
        if node.level == 1:
            return [code]
        out: list[str] = []
        for c in self.children(code):
            out.extend(self.leaves_under(c))
        return out

    def ancestors(self, code: str) -> list[str]:
        out = []
        parent = self[code].parent
        while parent is not None:
            out.append(parent)
            parent = self[parent].parent
        return out

    def ancestor_at(self, code: str, level: int) -> str | None:
        """The code itself if it is at ``level``, else its ancestor there (None above its top)."""
        if self[code].level == level:
            return code
        return next((a for a in self.ancestors(code) if self[a].level == level), None)

    @property
    def weights(self) -> dict[str, float]:
        return {n.code: n.weight for n in self.nodes}

    @property
    def directions(self) -> dict[str, int]:
        return {n.code: n.direction for n in self.nodes if n.level == 1}

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        unknown = set(weights) - set(self._by_code)
        if unknown:
            raise FrameworkError(f"weights given for unknown code(s) {sorted(unknown)}")
        nodes = tuple(Node(**{**n.__dict__, "weight": float(weights.get(n.code, n.weight))}) for n in self.nodes)
        return Framework(nodes)

    def effective_weights(self, weights: Mapping[str, float] | None = None) -> pd.Series:
        """Weight of each code in the top aggregate: product of its within-group normalised weights."""
        w = {**self.weights, **(weights or {})}
        out: dict[str, float] = {}
        for n in self.nodes:
            eff = 1.0
            code = n.code
            while self[code].parent is not None:
                parent = self[code].parent
                assert parent is not None
                sib = self.children(parent)
                total = sum(w[s] for s in sib)
                eff *= w[code] / total if total else float("nan")
                code = parent
            out[n.code] = eff
        return pd.Series(out, name="EffWeight")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "iCode": [n.code for n in self.nodes],
                "iName": [n.name for n in self.nodes],
                "Level": [n.level for n in self.nodes],
                "Parent": [n.parent for n in self.nodes],
                "Weight": [n.weight for n in self.nodes],
                "Direction": [n.direction for n in self.nodes],
                "Target": [n.target for n in self.nodes],
                "Denominator": [n.denominator for n in self.nodes],
            }
        )


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NA or (isinstance(value, str) and value.strip() == ""):
        return None
    return value


def _node_from_record(row: Mapping[str, Any]) -> Node:
    code = _clean(row.get("iCode"))
    if code is None:
        raise FrameworkError("a row has no iCode")
    code = str(code)
    level_raw = _clean(row.get("Level"))
    try:
        level_f = float(level_raw)
        if not level_f.is_integer():
            raise ValueError
        level = int(level_f)
    except (TypeError, ValueError) as exc:
        raise FrameworkError(f"{code}: level {level_raw!r} is not an integer") from exc
    weight_raw = _clean(row.get("Weight"))
    weight = 1.0
    if weight_raw is not None:
        try:
            weight = float(weight_raw)
        except (TypeError, ValueError) as exc:
            raise FrameworkError(f"{code}: weight {weight_raw!r} is not a number") from exc
        if not np.isfinite(weight):
            raise FrameworkError(f"{code}: weight {weight_raw!r} is not a finite number")
    dir_raw = _clean(row.get("Direction"))
    direction = 1
    if dir_raw is not None:
        try:
            direction = int(float(dir_raw))
        except (TypeError, ValueError) as exc:
            raise FrameworkError(f"{code}: direction {dir_raw!r} is not 1 or -1") from exc
        if direction not in (1, -1) or float(dir_raw) != direction:
            raise FrameworkError(f"{code}: direction {dir_raw!r} is not 1 or -1")
    parent = _clean(row.get("Parent"))
    target = _clean(row.get("Target"))
    denom = _clean(row.get("Denominator"))
    return Node(
        code=code,
        level=level,
        parent=None if parent is None else str(parent),
        weight=weight,
        direction=direction,
        name=str(_clean(row.get("iName")) or code),
        target=None if target is None else float(target),
        denominator=None if denom is None else str(denom),
    )


def _validate(nodes: Sequence[Node]) -> None:
    if not nodes:
        raise FrameworkError("the framework is empty")
    seen: set[str] = set()
    for n in nodes:
        if n.code in seen:
            raise FrameworkError(f"duplicate code {n.code!r}")
        seen.add(n.code)
    by_code = {n.code: n for n in nodes}
    top = max(n.level for n in nodes)
    for n in nodes:
        if n.level < 1:
            raise FrameworkError(f"{n.code}: level {n.level} must be ≥ 1")
        if n.parent is None:
            if n.level != top:
                raise FrameworkError(f"{n.code}: no parent but level {n.level} is below the top level {top}")
            continue
        if n.parent not in by_code:
            raise FrameworkError(f"{n.code}: unknown parent {n.parent!r}")
    for n in nodes:  # cycles: walking up must end at the top
        path = [n.code]
        cur = n
        while cur.parent is not None:
            if cur.parent in path:
                raise FrameworkError(f"cycle in the framework: {' → '.join([*path, cur.parent])}")
            path.append(cur.parent)
            cur = by_code[cur.parent]
    for n in nodes:
        if n.parent is not None and by_code[n.parent].level != n.level + 1:
            raise FrameworkError(
                f"{n.code}: parent {n.parent!r} is at level {by_code[n.parent].level}, expected {n.level + 1}"
            )
    for n in nodes:
        if n.level > 1 and not any(c.parent == n.code for c in nodes):
            raise FrameworkError(f"aggregate {n.code!r} has no children")
