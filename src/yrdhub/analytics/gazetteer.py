"""Institution gazetteer: organisation names that carry no place (东南大学, Hohai Univ) → city and province.

The bundled seed (`yrdhub/data/analytics/institutions.csv`, every entry with its source) is a start. The
platform extends it from its organisation registry and users edit it: `Gazetteer.seed().extend(entries)`,
`Gazetteer.from_csv(path)` and `to_csv(path)` use the same columns (name, aliases, city_code,
province_code, source). Later entries win over earlier ones with the same name or alias.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

FIELDS = ("name", "aliases", "city_code", "province_code", "source")


@dataclass(frozen=True, slots=True)
class Institution:
    name: str
    city_code: str
    province_code: str
    source: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Institution:
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        city = (row.get("city_code") or "").strip()
        province = (row.get("province_code") or "").strip() or (city[:2] + "0000" if city else "")
        name = (row.get("name") or "").strip()
        if not name or not re.fullmatch(r"\d{6}", province) or (city and not re.fullmatch(r"\d{6}", city)):
            raise ValueError(f"bad gazetteer entry: {row!r}")
        if city and city[:2] != province[:2]:  # a city code begins with its province's two digits
            raise ValueError(f"gazetteer entry's city is not in its province: {row!r}")
        return cls(name, city, province, (row.get("source") or "").strip(), aliases)


def normalise_name(text: str) -> str:
    """Full-width → half-width, no spaces or punctuation, lower case: the key names are matched on."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s\.,'’\-()（）&]", "", text)


class Gazetteer:
    """Name and alias lookup; Chinese names match as a prefix (东南大学交通学院 → 东南大学), longest first."""

    def __init__(self, entries: Iterable[Institution] = ()) -> None:
        self._entries: list[Institution] = []
        self._keys: dict[str, Institution] = {}
        self._max_len = 0
        self.extend(entries)

    @classmethod
    def seed(cls) -> Gazetteer:
        path = resources.files("yrdhub.data.analytics").joinpath("institutions.csv")
        with path.open(encoding="utf-8") as fh:
            return cls(Institution.from_row(r) for r in csv.DictReader(fh))

    @classmethod
    def from_csv(cls, path: Path, base: Gazetteer | None = None) -> Gazetteer:
        """`base` (e.g. the seed) extended by the entries of a user-edited CSV."""
        gaz = cls(base.entries if base else ())
        with path.open(encoding="utf-8-sig", newline="") as fh:
            gaz.extend(Institution.from_row(r) for r in csv.DictReader(fh))
        return gaz

    @property
    def entries(self) -> list[Institution]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def extend(self, entries: Iterable[Institution]) -> Gazetteer:
        for entry in entries:
            self._entries.append(entry)
            for key in (entry.name, *entry.aliases):
                norm = normalise_name(key)
                if norm:
                    self._keys[norm] = entry
                    self._max_len = max(self._max_len, len(norm))
        return self

    def add(self, name: str, city_code: str, province_code: str = "", source: str = "user") -> Gazetteer:
        row = {"name": name, "city_code": city_code, "province_code": province_code, "source": source}
        return self.extend([Institution.from_row(row)])

    def lookup(self, text: str) -> Institution | None:
        """Exact name/alias, else the longest name the text starts with (only for names of ≥ 4 chars)."""
        norm = normalise_name(text)
        if not norm:
            return None
        hit = self._keys.get(norm)
        if hit is not None:
            return hit
        for size in range(min(len(norm) - 1, self._max_len), 3, -1):
            hit = self._keys.get(norm[:size])
            if hit is not None:
                return hit
        return None

    def to_csv(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=FIELDS)
            writer.writeheader()
            for e in self._entries:
                writer.writerow(
                    {
                        "name": e.name,
                        "aliases": "|".join(e.aliases),
                        "city_code": e.city_code,
                        "province_code": e.province_code,
                        "source": e.source,
                    }
                )
