"""Read-only lookups over the bundled division tables (the YRD with counties; all Chinese prefectures)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

YRD_PROVINCES = ("310000", "320000", "330000", "340000")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    name_en: str
    level: str  # province | city | county
    city_code: str
    province_code: str


def token(text: str) -> str:
    """Normalise a place spelling for matching: `Ma'anshan 243002` → `maanshan`."""
    return re.sub(r"[^a-z]", "", text.lower())


def _read(package: str, name: str) -> list[dict[str, str]]:
    with resources.files(package).joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def yrd_divisions() -> tuple[Division, ...]:
    rows = _read("yrdhub.data.regions", "divisions.csv")
    by_code = {r["code"]: r for r in rows}
    out = []
    for r in rows:
        level = r["level"]
        if level == "province":
            city, prov = "", r["code"]
        elif level == "city":
            city, prov = r["code"], r["parent_code"]
        else:
            city = r["parent_code"]
            prov = by_code[city]["parent_code"] if city in by_code else city[:2] + "0000"
        out.append(Division(r["code"], r["name"], r["name_en"], level, city, prov))
    return tuple(out)


@cache
def china_divisions() -> tuple[Division, ...]:
    """Provinces and prefectures of all China (cn_places.csv); YRD rows are taken from divisions.csv."""
    out = []
    for r in _read("yrdhub.data.analytics", "cn_places.csv"):
        if r["province_code"] in YRD_PROVINCES:
            continue
        city = r["code"] if r["level"] == "city" else ""
        out.append(Division(r["code"], r["name"], r["name_en"], r["level"], city, r["province_code"]))
    return tuple(out)


@cache
def yrd_city_codes() -> frozenset[str]:
    return frozenset(d.code for d in yrd_divisions() if d.level == "city")


@cache
def city_names() -> dict[str, str]:
    """City (and province) code → Chinese name, for labels."""
    return {d.code: d.name for d in (*yrd_divisions(), *china_divisions()) if d.level != "county"}


@cache
def chinese_name_index() -> dict[str, Division]:
    """Chinese full and short names (南京市, 南京, 江苏省, 江苏) → division.

    Counties are left out: their names repeat across cities (鼓楼区)."""
    index: dict[str, Division] = {}
    for d in (*yrd_divisions(), *china_divisions()):
        if d.level == "county":
            continue
        index.setdefault(d.name, d)
        short = re.sub(r"(省|市|自治区|壮族|回族|维吾尔|特别行政区)+$", "", d.name)
        if len(short) >= 2:
            index.setdefault(short, d)
    return index


@cache
def english_index() -> dict[str, tuple[Division, ...]]:
    """Normalised English spelling → candidate divisions, YRD cities first, then YRD county-level cities,
    then other prefectures and provinces (`Suzhou` → 苏州 and 宿州; the address decides)."""
    index: dict[str, list[Division]] = {}

    def add(spelling: str, d: Division) -> None:
        key = token(spelling)
        if key and d not in index.setdefault(key, []):
            index[key].append(d)

    for d in yrd_divisions():
        if d.level in ("city", "province"):
            add(d.name_en, d)
    for d in yrd_divisions():
        if d.level == "county" and "county-level city" in d.name_en:
            add(d.name_en.split("(")[0], d)
    for d in china_divisions():
        for spelling in d.name_en.split("|"):
            add(spelling, d)
    return {k: tuple(v) for k, v in index.items()}
