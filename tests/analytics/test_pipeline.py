"""The pipeline on DuckDB against hand-computed answers for a GENERATED corpus (synthetic.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from yrdhub.analytics.ingest import ingest
from yrdhub.analytics.run import Results, collaboration, resolution_rate, unresolved, write_results
from yrdhub.analytics.workspace import Workspace

from .synthetic import write_corpus


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("synthetic")
    workspace = Workspace.open(root / "ws")
    report = ingest(write_corpus(root / "in"), workspace)
    assert report.records == 3 + 3 + 1 + 8  # incoPat: 6 patent rows + 2 transfers
    assert len(report.bad) == 3
    return workspace


@pytest.fixture(scope="module")
def city(ws: Workspace) -> Results:
    return collaboration(ws, engine="duckdb", level="city")


def cell(frame: pd.DataFrame, kind: str, a: str, b: str, col: str = "full") -> float:
    row = frame[(frame.kind == kind) & (frame.region_a == a) & (frame.region_b == b)]
    assert len(row) == 1, (kind, a, b)
    return float(row[col].iloc[0])


def value(res: Results, indicator: str, year: int) -> float | None:
    ind = res["indicators"]
    row = ind[(ind.indicator == indicator) & (ind.year == year)]
    return float(row.value.iloc[0]) if len(row) else None


def test_matrix_full_and_fractional(city: Results) -> None:
    m = city["matrix"]
    # paper one (WoS + Scopus, one work) and the CNKI paper: 南京–合肥
    assert cell(m, "paper", "320100", "340100") == 2
    assert cell(m, "paper", "320100", "340100", "fractional") == pytest.approx(2.0)
    # paper three (WoS + Scopus by title): three cities, three links of 1/3
    assert cell(m, "paper", "310100", "330100") == 1
    assert cell(m, "paper", "310100", "330100", "fractional") == pytest.approx(1 / 3)
    assert cell(m, "paper", "320100", "320500") == 1
    # the duplicated patent row counts once
    assert cell(m, "patent", "320100", "340100") == 1
    assert cell(m, "patent", "320200", "320500") == 1
    # transfers are directed flows: 苏州 → 宁波, 杭州 → 温州
    assert cell(m, "transfer", "320500", "330200") == 1
    assert cell(m, "transfer", "330100", "330300") == 1
    papers = m[m.kind == "paper"]
    assert papers.fractional.sum() == pytest.approx(4.0)  # four co-authored works, each adds 1


def test_target_counts_and_shares(city: Results) -> None:
    assert value(city, "yrd_coauthored_intl_papers", 2023) == 1  # the CNKI paper is not international
    assert value(city, "yrd_coauthored_intl_papers", 2024) == 1
    assert value(city, "yrd_coauthored_intl_papers_2cities", 2023) == 2
    assert value(city, "cross_province_invention_patent_coapplications", 2020) == 1
    assert value(city, "cross_province_invention_patent_coapplications", 2021) is None  # same province
    assert value(city, "cross_province_patent_transfers", 2022) == 1
    assert value(city, "cross_province_patent_transfers", 2023) is None  # 杭州 → 温州
    assert value(city, "cross_province_link_share_paper", 2023) == pytest.approx(2 / 3)
    assert value(city, "cross_province_link_share_paper", 2024) == pytest.approx(1.0)


def test_drilldown_lists_the_source_records(city: Results) -> None:
    d = city["indicator_records"]
    one = d[(d.indicator == "yrd_coauthored_intl_papers") & (d.year == 2023)]
    assert one.work_id.nunique() == 1
    assert sorted(one.source) == ["scopus", "wos"]  # both exports of the same paper
    assert set(one.line) == {3, 2}


def test_intensity(city: Results) -> None:
    i = city["intensity"]
    assert cell(i, "paper", "320100", "340100", "n_a") == 3
    assert cell(i, "paper", "320100", "340100", "salton") == pytest.approx(2 / 3)
    assert cell(i, "paper", "320100", "340100", "jaccard") == pytest.approx(0.5)
    # affinity: c·C/(Cᵢ·Cⱼ) with link ends: 南京 3 (合肥 2, 苏州 1), 合肥 4, C = 2·6 links
    assert cell(i, "paper", "320100", "340100", "affinity") == pytest.approx(2 * 12 / (3 * 4))


def test_province_level_and_period(ws: Workspace) -> None:
    res = collaboration(ws, engine="duckdb", level="province", start=2024, end=2024)
    m = res["matrix"]
    assert set(m.kind) == {"paper"}
    assert cell(m, "paper", "310000", "340000") == 1
    assert set(res["indicators"].year) == {2024}


def test_reingest_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    before = sorted(p.name for p in ws.table_dir("works").iterdir())
    report = ingest(write_corpus(tmp_path), ws)
    assert report.files and all(f.skipped for f in report.files)
    assert sorted(p.name for p in ws.table_dir("works").iterdir()) == before


def test_unresolved_and_rate(ws: Workspace) -> None:
    rate = resolution_rate(ws)
    assert rate.n.sum() > 20 and rate.share.sum() == pytest.approx(1.0)
    un = unresolved(ws)
    assert "foreign" not in set(un.method)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_write_results(city: Results, tmp_path: Path, fmt: str) -> None:
    paths = write_results(city, tmp_path, fmt)
    assert paths and all(p.stat().st_size > 0 for p in paths)
    if fmt == "parquet":
        back = pd.read_parquet(tmp_path / "matrix_city.parquet")
        assert len(back) == len(city["matrix"])


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_streamed_drilldown_writes_the_same_file(
    ws: Workspace, city: Results, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`keep_records=False` (what the CLI does) streams `indicator_records` into its file in batches: the
    same rows as the fetched frame, no partial file left behind."""
    import yrdhub.analytics.run as run

    monkeypatch.setattr(run, "BATCH_ROWS", 3)  # several batches even for the small corpus
    streamed = collaboration(ws, engine="duckdb", level="city", keep_records=False)
    assert "indicator_records" not in streamed.tables and "indicator_records" in streamed.names()
    write_results(streamed, tmp_path / "s", fmt)
    write_results(city, tmp_path / "f", fmt)
    assert not list((tmp_path / "s").glob("*.partial"))
    if fmt == "xlsx":
        read = [pd.read_excel(tmp_path / d / "collaboration_city.xlsx", sheet_name="indicator_records") for d in "sf"]
        pd.testing.assert_frame_equal(*read)
        return
    name = f"indicator_records_city.{fmt}"
    if fmt == "csv":
        assert (tmp_path / "s" / name).read_bytes() == (tmp_path / "f" / name).read_bytes()
    else:
        back = pd.read_parquet(tmp_path / "s" / name)
        assert len(back) == len(city["indicator_records"]) > 3
        pd.testing.assert_frame_equal(back, city["indicator_records"], check_dtype=False)


def test_xlsx_refuses_a_drilldown_larger_than_a_sheet(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yrdhub.analytics.run as run

    monkeypatch.setattr(run, "EXCEL_ROWS", 2)
    streamed = collaboration(ws, engine="duckdb", level="city", keep_records=False)
    with pytest.raises(ValueError, match="more than an Excel sheet holds"):
        write_results(streamed, tmp_path, "xlsx")
    assert not list(tmp_path.iterdir())  # nothing half-written
