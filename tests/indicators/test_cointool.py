"""COINr's import_coin_tool, names_to_codes and COIN_to_coin: a JRC COIN Tool workbook written here in the
tool's layout (the cells COINr reads) with the tool's own results, run by `yrdhub indicators run`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from yrdhub.cli.indicators import app
from yrdhub.indicators.cointool import coin_to_coin, import_coin_tool, names_to_codes
from yrdhub.indicators.spec import load_spec

from .coinr import ref

# indicator code, name, weight, direction, lower and upper goalposts (None: none), sub-pillar, pillar
INDICATORS = [
    ("Ind.01", "Research and development expenditure", 1.0, 1, 0.0, 4.0, "sp.01", "p.01"),
    ("Ind.02", "Patent applications per capita", 2.0, 1, 0.0, 500.0, "sp.01", "p.01"),
    ("Ind.03", "Unemployment rate", 1.0, -1, 2.0, 20.0, "sp.02", "p.01"),
    ("Ind.04", "Broadband coverage", 1.0, 1, 40.0, 100.0, "sp.03", "p.02"),
    ("Ind.05", "Venture capital", 0.5, 1, 0.0, 1.0, "sp.03", "p.02"),
    ("Ind.06", "Tertiary education attainment", 1.0, 1, None, None, "sp.03", "p.02"),
]
# code, weight, name (Framework sheet); si.01 is the one sub-index: a level the workbook does not use
AGGREGATES = [("Index", 1.0, "Innovation index"), ("si.01", 1.0, "All"), ("p.01", 1.0, "Inputs"),
              ("p.02", 2.0, "Outputs"), ("sp.01", 1.0, "R&D"), ("sp.02", 1.0, "Labour"), ("sp.03", 3.0, "Digital")]


def _data(n: int = 9) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(22)
    x = np.column_stack([rng.uniform(0, 5, n), rng.uniform(0, 600, n), rng.uniform(1, 25, n),
                         rng.uniform(30, 100, n), rng.uniform(0, 1.2, n), rng.uniform(10, 60, n)])
    x[2, 1] = np.nan  # written as "n/a"
    return [f"U{i:02d}" for i in range(n)], x


def _tool_results(units: list[str], x: np.ndarray) -> pd.DataFrame:
    """What the tool computes: goalposts (truncated) or min-max to [0, 100], weighted arithmetic means."""
    normed = np.empty_like(x)
    for j, (_, _, _, d, lo, hi, _, _) in enumerate(INDICATORS):
        v = x[:, j]
        if lo is None:
            dv = d * v
            normed[:, j] = (dv - np.nanmin(dv)) / (np.nanmax(dv) - np.nanmin(dv)) * 100
        else:
            f = (v - lo) / (hi - lo) if d == 1 else (hi - v) / (hi - lo)
            normed[:, j] = np.clip(f, 0, 1) * 100

    def mean(cols: list[np.ndarray], w: list[float]) -> np.ndarray:
        m = np.column_stack(cols)
        ww = np.where(np.isnan(m), 0.0, np.array(w))
        return np.nansum(m * ww, axis=1) / ww.sum(axis=1)

    aw = {c: w for c, w, _ in AGGREGATES}
    out: dict[str, np.ndarray] = {}
    for sp in ("sp.01", "sp.02", "sp.03"):
        js = [j for j, r in enumerate(INDICATORS) if r[6] == sp]
        out[sp] = mean([normed[:, j] for j in js], [INDICATORS[j][2] for j in js])
    out["p.01"] = mean([out["sp.01"], out["sp.02"]], [aw["sp.01"], aw["sp.02"]])
    out["p.02"] = mean([out["sp.03"]], [aw["sp.03"]])
    out["Index"] = mean([out["p.01"], out["p.02"]], [aw["p.01"], aw["p.02"]])
    return pd.DataFrame({"uCode": units, **out})


def write_coin_tool(path: Path) -> pd.DataFrame:
    """A COIN Tool workbook in the tool's layout, with the tool's results on sheet Results; returns them."""
    units, x = _data()
    wb = Workbook()
    db = wb.active
    db.title = "Database"
    for j, (code, name, w, d, lo, hi, sp, p) in enumerate(INDICATORS):
        col = 5 + j  # E…
        for row, value in ((7, w), (8, d), (9, lo), (10, hi), (11, "Index"), (12, "si.01"), (13, p), (14, sp),
                           (15, name), (16, code)):
            db.cell(row, col, value)
    for i, u in enumerate(units):
        db.cell(17 + i, 2, f"Unit {u}")
        db.cell(17 + i, 3, u)
        for j in range(len(INDICATORS)):
            db.cell(17 + i, 5 + j, "n/a" if np.isnan(x[i, j]) else float(x[i, j]))
    fw = wb.create_sheet("Framework")
    for k, head in enumerate(["Dimension/indicator", "Level", "Weight", "Notes", "Count", "Name"]):
        fw.cell(4, 3 + k, head)
    rows = [*AGGREGATES, *[("--", None, None)] * 3]
    for i, (code, w, name) in enumerate(rows):
        fw.cell(5 + i, 3, code)
        fw.cell(5 + i, 5, w)
        fw.cell(5 + i, 8, name)
    results = _tool_results(units, x)
    res = wb.create_sheet("Results")
    res.append(list(results.columns))
    for r in results.itertuples(index=False):
        res.append(list(r))
    wb.save(path)
    return results


@pytest.fixture
def workbook(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    path = tmp_path / "coin_tool.xlsx"
    return path, write_coin_tool(path)


def test_import_reads_the_tools_cells(workbook: tuple[Path, pd.DataFrame]) -> None:
    path, _ = workbook
    tool = import_coin_tool(path)
    units, x = _data()
    assert tool.idata["uCode"].tolist() == units and tool.idata["uName"].tolist()[0] == "Unit U00"
    got = tool.idata[[r[0] for r in INDICATORS]].to_numpy()
    assert np.isnan(got[2, 1])  # "n/a"
    np.testing.assert_allclose(got, x, rtol=1e-15)  # openpyxl writes 15-17 digits
    meta = tool.imeta.set_index("iCode")
    for code, name, w, d, lo, hi, sp, _ in INDICATORS:
        assert (meta.at[code, "iName"], meta.at[code, "Weight"], meta.at[code, "Direction"]) == (name, w, d)
        assert meta.at[code, "Parent"] == sp and meta.at[code, "Level"] == 1
        if lo is not None:
            assert (meta.at[code, "GPlower"], meta.at[code, "GPupper"]) == (lo, hi)
    levels = {c: int(meta.at[c, "Level"]) for c in ("sp.01", "p.02", "Index")}
    assert levels == {"sp.01": 2, "p.02": 3, "Index": 4}
    assert "si.01" not in meta.index and tool.notes == ["unused level 'si.' dropped"]
    assert meta.at["sp.03", "Parent"] == "p.02" and meta.at["p.01", "Parent"] == "Index"
    assert (meta.at["sp.03", "Weight"], meta.at["p.02", "Weight"]) == (3.0, 2.0)
    assert tool.inputs().framework.top == "Index"


def test_makecodes_names_the_indicators(workbook: tuple[Path, pd.DataFrame]) -> None:
    tool = import_coin_tool(workbook[0], makecodes=True)
    codes = tool.inputs().framework.indicators
    assert codes == ["ReseDeve", "PateAppl", "UnemRate", "BroaCove", "VentCapi", "TertEduc"]
    assert list(tool.idata.columns[2:]) == codes


def test_run_on_the_workbook_reproduces_the_tools_results(workbook: tuple[Path, pd.DataFrame],
                                                          tmp_path: Path) -> None:
    path, expected = workbook
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out / "scores.csv").set_index("uCode")
    exp = expected.set_index("uCode")
    assert len(exp) == 9 and list(exp.columns) == ["sp.01", "sp.02", "sp.03", "p.01", "p.02", "Index"]
    pd.testing.assert_frame_equal(scores.loc[exp.index, exp.columns], exp, rtol=1e-12, atol=1e-12)
    assert (scores["Index"] < 100).all() and (scores.loc[exp.index, "Index"] > 0).all()


def test_a_spec_may_name_a_workbook(workbook: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    path, _ = workbook
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(f"data: {{coin_tool: {path.name}}}\nsteps:\n  - normalise: {{method: rank}}\n"
                         "  - aggregate: {method: amean}\n", encoding="utf-8")
    spec = load_spec(spec_path)
    res = spec.pipeline().run(spec.inputs(tmp_path))
    assert res.framework.top == "Index" and res.scores()["Index"].notna().all()


def test_a_workbook_without_the_tools_sheets_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active.title = "Data"
    wb.save(path)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Database" in result.output


def test_names_to_codes_as_coinr() -> None:
    r = ref("names_to_codes.csv")
    assert len(r) > 50
    assert names_to_codes(r["name"].tolist()) == r["code"].tolist()
    assert names_to_codes(r["name"].tolist(), maxword=3, maxlet=3) == r["code3"].tolist()


def test_coin_to_coin_as_coinr() -> None:
    ind_data = pd.DataFrame({"UnitName": ["Aa", "Bb", "Cc"], "UnitCode": ["A", "B", "C"], "Year": 2020,
                             "Group_size": ["S", "L", "L"], "Den_pop": [1.0, 2, 3], "x_note": ["n", "o", "p"],
                             "i1": [1.0, 2, 3], "i2": [3.0, 1, 2], "i3": [5.0, 4, 6]})
    ind_meta = pd.DataFrame({"IndName": ["One", "Two", "Three"], "IndCode": ["i1", "i2", "i3"],
                             "Direction": [1, -1, 1], "IndWeight": [1.0, 2, 1], "IndUnit": "u",
                             "Agg1": ["P1", "P1", "P2"], "Agg2": "Idx"})
    agg_meta = pd.DataFrame({"AgLevel": [2, 2, 3], "Code": ["P1", "P2", "Idx"], "Name": ["Pil 1", "Pil 2", "Index"],
                             "Weight": [1.0, 0.5, 1]})
    idata, imeta = coin_to_coin(ind_data, ind_meta, agg_meta)
    r_idata, r_imeta = ref("coin_to_coin_idata.csv"), ref("coin_to_coin_imeta.csv")
    assert list(idata.columns) == list(r_idata.columns)
    pd.testing.assert_frame_equal(idata, r_idata, check_dtype=False)
    assert imeta["iCode"].tolist() == r_imeta["iCode"].tolist()
    for col in ("iName", "Parent", "Type"):
        mine = imeta[col].where(imeta[col].notna(), None).tolist()
        assert mine == r_imeta[col].where(r_imeta[col].notna(), None).tolist(), col
    for col in ("Direction", "Weight", "Level"):
        np.testing.assert_array_equal(pd.to_numeric(imeta[col]).to_numpy(dtype=float)[:6], r_imeta[col][:6])
