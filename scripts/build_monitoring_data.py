"""Curate the monitoring framework's data elements into src/yrdhub/data/monitoring/data_values.csv.

One row per (jurisdiction, data element, year) with the publication it comes from. The four provinces
2010-2023; `100000` (全国) only where the national figure is published in the same series.
Inputs (../shared/data, read at build time only):
  statistics/province_panel_long.csv, PublicBudget.csv, IndustryRD.csv, RDPaperInternational.csv  (techme, MIT)
  population/province_gdp_2005_2024.csv, province_population_2005_2024.csv  (NBS via PyPSA-China-PIK, MIT)

Run: .venv/bin/python scripts/build_monitoring_data.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "yrdhub" / "data" / "monitoring" / "data_values.csv"
CODES = {"上海": "310000", "江苏": "320000", "浙江": "330000", "安徽": "340000", "全国": "100000"}
CODES_EN = {"Shanghai": "310000", "Jiangsu": "320000", "Zhejiang": "330000", "Anhui": "340000"}
YEARS = range(2010, 2024)
TECHME = "re-keyed in techme (Hu Huaping, MIT)"
NBS = "国家统计局 国家数据 (data.stats.gov.cn); collected in PyPSA-China-PIK (MIT)"
PANEL = {  # panel indicator -> (data element, unit, publication)
    "rd_expenditure_100m_yuan": ("rd_expenditure", "亿元", "《全国科技经费投入统计公报》"),
    "rd_intensity_pct": ("rd_intensity_published", "%", "《全国科技经费投入统计公报》"),
    "rd_personnel_fte_person_years": ("rd_personnel_fte", "人年", "《中国科技统计年鉴》"),
    "fiscal_sci_tech_expenditure_100m_yuan": ("fiscal_st_expenditure", "亿元", "《中国统计年鉴》地方财政科学技术支出"),
    "tech_market_turnover_output_100m_yuan": (
        "tech_market_output", "亿元", "《中国科技统计年鉴》技术市场成交额（输出地域）"),
    "tech_market_turnover_inflow_100m_yuan": (
        "tech_market_inflow", "亿元", "《中国科技统计年鉴》技术市场成交额（流向地域）"),
    "valid_invention_patents": ("valid_invention_patents", "件", "《中国科技统计年鉴》有效发明专利"),
    "invention_patent_grants": ("invention_patent_grants", "件", "《中国科技统计年鉴》发明专利授权"),
}
# (file, variable code, data element, unit, factor to the unit, publication)
TABLES = [
    ("PublicBudget.csv", "v6_cz_yszc_hj", "public_budget_expenditure", "亿元", 1.0,
     "《中国统计年鉴》地方一般公共预算支出合计"),
    ("IndustryRD.csv", "v4_cy_RDhd_nbzc", "hitech_industry_rd", "亿元", 1e-4,
     "《中国高技术产业统计年鉴》R&D经费内部支出"),
    ("RDPaperInternational.csv", "v4_cg_gwlw_pssci", "sci_papers", "篇", 1.0,
     "《中国科技统计年鉴》国外主要检索工具收录论文 SCI"),
]
FIELDS = ["region_code", "element", "year", "value", "unit", "source"]
TARGETS_OUT = OUT.parent / "plan_targets.csv"
# How each of the plan's 2025 targets is measured from the framework's data elements (YRD = the four
# provinces summed), or why it cannot be yet.
# The reason a target has no measure here: a key of monitoring.labels.NO_DATA (translated where it is shown).
MEASURES = {
    "rd_intensity_pct": ("rd_expenditure", "gdp", 100, ""),
    "valid_invention_patents_per_10k_pop": ("valid_invention_patents", "population", 1, ""),
    "yrd_coauthored_intl_papers": ("", "", 1, "papers"),
    "pct_applications": ("", "", 1, "pct"),
    "cross_province_invention_patent_coapplications": ("", "", 1, "patents"),
    "cross_province_patent_transfers": ("", "", 1, "transfers"),
}


def row(code: str, element: str, year: int, value: float, unit: str, source: str) -> dict[str, str]:
    return dict(region_code=code, element=element, year=str(year), value=repr(round(value, 6)), unit=unit,
                source=source)


def panel(shared: Path) -> Iterator[dict[str, str]]:
    with open(shared / "data/statistics/province_panel_long.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["province"] in CODES and r["indicator"] in PANEL and r["value"] and int(r["year"]) in YEARS:
                element, unit, publication = PANEL[r["indicator"]]
                yield row(CODES[r["province"]], element, int(r["year"]), float(r["value"]), unit,
                          f"{publication}; {TECHME}")


def tables(shared: Path) -> Iterator[dict[str, str]]:
    for name, variable, element, unit, factor, publication in TABLES:
        with open(shared / "data/statistics" / name, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if (r["province"] in CODES and r["variables"] == variable and r["value"]
                        and int(float(r["year"])) in YEARS):
                    yield row(CODES[r["province"]], element, int(float(r["year"])), float(r["value"]) * factor,
                              unit, f"{publication}; {TECHME}")


def nbs(shared: Path) -> Iterator[dict[str, str]]:
    for name, element, unit, label in (("province_gdp_2005_2024.csv", "gdp", "亿元", "地区生产总值"),
                                       ("province_population_2005_2024.csv", "population", "万人", "年末常住人口")):
        with open(shared / "data/population" / name, encoding="utf-8") as fh:
            lines = [line for line in fh if not line.startswith("#")]
        for r in csv.DictReader(lines):
            if r["region"] in CODES_EN:
                for year in YEARS:
                    if r.get(str(year)):
                        yield row(CODES_EN[r["region"]], element, year, float(r[str(year)]), unit,
                                  f"{label}; {NBS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    rows = [*panel(args.shared), *tables(args.shared), *nbs(args.shared)]
    # The national series is kept only for the published intensity (the comparison the bulletins make).
    rows = [r for r in rows if r["region_code"] != "100000" or r["element"] == "rd_intensity_published"]
    rows.sort(key=lambda r: (r["element"], r["region_code"], int(r["year"])))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} values")
    write_targets(args.shared)


TARGET_NAMES_EN = {
    "rd_intensity_pct": "R&D intensity", "yrd_coauthored_intl_papers": "International papers co-authored in the YRD",
    "valid_invention_patents_per_10k_pop": "Valid invention patents per 10,000 residents",
    "pct_applications": "PCT international patent applications",
    "cross_province_invention_patent_coapplications": "Cross-province co-filed invention patents",
    "cross_province_patent_transfers": "Cross-province patent transfers",
}


def write_targets(shared: Path) -> None:
    with open(shared / "data/plan/targets_2025.csv", encoding="utf-8") as fh:
        targets = list(csv.DictReader(fh))
    fields = [*targets[0].keys(), "name_en", "numerator", "denominator", "factor", "no_data_reason"]
    with open(TARGETS_OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for t in targets:
            numerator, denominator, factor, reason = MEASURES[t["indicator"]]
            writer.writerow({**t, "name_en": TARGET_NAMES_EN[t["indicator"]], "numerator": numerator,
                             "denominator": denominator, "factor": factor,
                             "no_data_reason": reason})
    print(f"{TARGETS_OUT.relative_to(ROOT)}: {len(targets)} targets")


if __name__ == "__main__":
    main()
