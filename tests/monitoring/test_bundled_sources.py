"""The bundled monitoring figures trace back to the source files in ../shared/data (recomputed here)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from yrdhub.monitoring.framework import BUNDLED

PROVINCE = {"310000": "上海", "320000": "江苏", "330000": "浙江", "340000": "安徽", "100000": "全国"}
PROVINCE_EN = {"310000": "Shanghai", "320000": "Jiangsu", "330000": "Zhejiang", "340000": "Anhui"}
PANEL = {"rd_expenditure": "rd_expenditure_100m_yuan", "rd_intensity_published": "rd_intensity_pct",
         "rd_personnel_fte": "rd_personnel_fte_person_years",
         "fiscal_st_expenditure": "fiscal_sci_tech_expenditure_100m_yuan",
         "tech_market_output": "tech_market_turnover_output_100m_yuan",
         "tech_market_inflow": "tech_market_turnover_inflow_100m_yuan",
         "valid_invention_patents": "valid_invention_patents", "invention_patent_grants": "invention_patent_grants"}


def bundled() -> list[dict[str, str]]:
    with (BUNDLED / "data_values.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_value_has_a_source() -> None:
    rows = bundled()
    assert len(rows) > 600 and all(r["source"].strip() for r in rows)


def test_a_sample_recomputes_from_the_source_files(reference_dir: Path) -> None:
    data = reference_dir.parent / "data"
    with open(data / "statistics/province_panel_long.csv", encoding="utf-8") as fh:
        panel = {(r["province"], r["indicator"], r["year"]): float(r["value"])
                 for r in csv.DictReader(fh) if r["value"]}
    gdp: dict[tuple[str, str], float] = {}
    population: dict[tuple[str, str], float] = {}
    for name, target in (("province_gdp_2005_2024.csv", gdp), ("province_population_2005_2024.csv", population)):
        with open(data / "population" / name, encoding="utf-8") as fh:
            for r in csv.DictReader(line for line in fh if not line.startswith("#")):
                for year, value in r.items():
                    if year.isdigit() and value:
                        target[(r["region"], year)] = float(value)
    rows = bundled()
    sample = random.Random(7).sample(rows, 120)
    checked = 0
    for r in sample:
        value = float(r["value"])
        if r["element"] in PANEL:
            expected = panel[(PROVINCE[r["region_code"]], PANEL[r["element"]], r["year"])]
        elif r["element"] == "gdp":
            expected = gdp[(PROVINCE_EN[r["region_code"]], r["year"])]
        elif r["element"] == "population":
            expected = population[(PROVINCE_EN[r["region_code"]], r["year"])]
        else:
            continue
        assert value == pytest.approx(expected, rel=1e-6), r
        checked += 1
    assert checked > 80
