"""Curate the official statistics the platform ships into src/yrdhub/data/statistics/region_statistics.csv.

Every row carries its source. Inputs (../shared/data, read at build time only):
  statistics/province_panel_long.csv  province S&T panel re-keyed from the yearbooks (techme, MIT)
  population/province_population_2005_2024.csv  NBS year-end resident population (PyPSA-China-PIK, MIT)
  population/yrd41_city_census_2010_2020.csv  census population of the 41 cities (leiii/census, MIT)

Run: .venv/bin/python scripts/build_statistics.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "yrdhub" / "data" / "statistics" / "region_statistics.csv"
PROVINCES = {"上海": "310000", "江苏": "320000", "浙江": "330000", "安徽": "340000"}
PROVINCES_EN = {"Shanghai": "310000", "Jiangsu": "320000", "Zhejiang": "330000", "Anhui": "340000"}
TECHME = "re-keyed in techme (Hu Huaping, MIT)"
# indicator code in the panel -> (our code, unit, publication)
PANEL = {
    "rd_expenditure_100m_yuan": ("rd_expenditure", "亿元", "《全国科技经费投入统计公报》"),
    "rd_intensity_pct": ("rd_intensity", "%", "《全国科技经费投入统计公报》"),
    "rd_personnel_fte_person_years": ("rd_personnel_fte", "人年", "《中国科技统计年鉴》"),
    "invention_patent_grants": ("invention_patent_grants", "件", "《中国科技统计年鉴》"),
    "valid_invention_patents": ("valid_invention_patents", "件", "《中国科技统计年鉴》"),
    "fiscal_sci_tech_expenditure_100m_yuan": ("fiscal_st_expenditure", "亿元", "《中国统计年鉴》地方一般公共预算支出"),
    "tech_market_turnover_output_100m_yuan": (
        "tech_market_output", "亿元", "《中国科技统计年鉴》技术市场成交额（卖方）"),
}
FIELDS = ["region_code", "indicator", "year", "value", "unit", "source", "source_en"]
# The publications in English, for pages read in English (the Chinese title stays the source of record).
PUBLICATION_EN = {
    "《全国科技经费投入统计公报》": "Statistical Communiqué on National Expenditure on Science and Technology",
    "《中国科技统计年鉴》": "China Statistical Yearbook on Science and Technology",
    "《中国统计年鉴》地方一般公共预算支出": "China Statistical Yearbook: local general public budget expenditure",
    "《中国科技统计年鉴》技术市场成交额（卖方）": "China Statistical Yearbook on Science and Technology: "
                                                  "technology market turnover (sellers)",
}


def panel_rows(shared: Path) -> list[dict[str, str]]:
    rows = []
    with open(shared / "data/statistics/province_panel_long.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["province"] not in PROVINCES or row["indicator"] not in PANEL or not row["value"]:
                continue
            code, unit, publication = PANEL[row["indicator"]]
            value = round(float(row["value"]), 4)
            rows.append(dict(region_code=PROVINCES[row["province"]], indicator=code, year=row["year"],
                             value=repr(value), unit=unit, source=f"{publication}; {TECHME}",
                             source_en=f"{PUBLICATION_EN[publication]}; {TECHME}"))
    return rows


def population_rows(shared: Path) -> list[dict[str, str]]:
    rows = []
    path = shared / "data/population/province_population_2005_2024.csv"
    with open(path, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    for row in csv.DictReader(lines):
        if row["region"] not in PROVINCES_EN:
            continue
        for year, value in row.items():
            # The NBS series breaks at 2009/2010: ship 2010 onwards only.
            if year.isdigit() and int(year) >= 2010 and value:
                rows.append(dict(region_code=PROVINCES_EN[row["region"]], indicator="population", year=year,
                                 value=value, unit="万人",
                                 source="国家统计局 年末常住人口; collected in PyPSA-China-PIK (MIT)",
                                 source_en="National Bureau of Statistics, year-end resident population; "
                                           "collected in PyPSA-China-PIK (MIT)"))
    with open(shared / "data/population/yrd41_city_census_2010_2020.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for year in ("2010", "2020"):
                rows.append(dict(region_code=row["city_code"], indicator="census_population", year=year,
                                 value=row[f"popu_{year}_wan"], unit="万人",
                                 source=f"第{'六' if year == '2010' else '七'}次全国人口普查 (2020 年行政区划口径); "
                                        "leiii/census (MIT), Dong et al., SSRN 4049338",
                                 source_en=f"{'6th' if year == '2010' else '7th'} national population census "
                                           "(divisions of 2020); leiii/census (MIT), Dong et al., SSRN 4049338"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    rows = panel_rows(args.shared) + population_rows(args.shared)
    rows.sort(key=lambda r: (r["indicator"], r["region_code"], int(r["year"])))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} figures")


if __name__ == "__main__":
    main()
