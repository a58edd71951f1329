"""EIS 2023 performance groups (38 of 38) from the published index and the published thresholds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from yrdhub.indicators.panel import EIS_GROUPS, EIS_THRESHOLDS, performance_groups, relative_index


def test_performance_groups_2023(reference_dir: Path) -> None:
    sii = pd.read_csv(reference_dir / "eis2023" / "eis2023_SII_by_country_year.csv")
    sii["rel"] = relative_index(sii, "SII_rel_EU2016", ref_unit="EU Average", unit="Country", time="Year")
    year = sii[(sii["Year"] == 2023) & (sii["Country"] != "EU Average")]
    assert len(year) == 38
    groups = performance_groups(year["rel"], EIS_THRESHOLDS, EIS_GROUPS)
    assert set(groups) == set(EIS_GROUPS)
    mismatched = year.loc[groups != year["PerformanceGroup_EIS2023"].to_numpy(), "Country"]
    assert mismatched.empty, list(mismatched)
