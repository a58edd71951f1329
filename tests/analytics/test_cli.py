"""`yrdhub analytics …` end to end on the GENERATED corpus."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yrdhub.cli import app

from .synthetic import write_corpus

runner = CliRunner()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI speaks YRDHUB_DEFAULT_LANG: the messages these tests read are the English ones."""
    monkeypatch.setenv("YRDHUB_DEFAULT_LANG", "en")


@pytest.fixture()
def corpus(tmp_path: Path) -> list[Path]:
    return write_corpus(tmp_path / "in")


def test_ingest_collaboration_unresolved(tmp_path: Path, corpus: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    monkeypatch.setenv("YRDHUB_ANALYTICS_DIR", str(ws))
    result = runner.invoke(app, ["analytics", "ingest", *map(str, corpus)])
    assert result.exit_code == 0, result.output
    assert "records/s" in result.output
    assert "incopat.csv:7: row without 公开（公告）号 or 申请号" in result.output
    assert any((ws / "works").glob("*.parquet"))
    again = runner.invoke(app, ["analytics", "ingest", *map(str, corpus)])
    assert "already ingested" in again.output
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "analytics",
            "collaboration",
            "--level",
            "province",
            "--from",
            "2020",
            "--to",
            "2024",
            "--out",
            str(out),
            "--format",
            "csv",
            "--charts",
        ],
    )
    assert result.exit_code == 0, result.output
    with (out / "matrix_province.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    pairs = {(r["kind"], r["region_a"], r["region_b"]): r["full"] for r in rows}
    assert pairs[("paper", "320000", "340000")] == "2"
    assert {r["region_a_name"] for r in rows} >= {"江苏省"}
    assert (out / "trend.svg").exists() and (out / "heatmap_province_paper.svg").exists()
    result = runner.invoke(app, ["analytics", "unresolved", "--limit", "0"])
    assert result.exit_code == 0


def test_collaboration_needs_data(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["analytics", "collaboration", "-w", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1


def test_resolve_keeps_order(tmp_path: Path) -> None:
    lines = [
        "Nanjing Univ, Nanjing 210093, Jiangsu, Peoples R China",
        "东南大学",
        "国际标准化组织",
        "Maanshan",
    ]
    result = runner.invoke(app, ["analytics", "resolve", "-w", str(tmp_path)], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["input", "city_code", "province_code", "method"]
    assert [r[0] for r in rows[1:]] == lines
    assert [r[1] for r in rows[1:]] == ["320100", "320100", "", "340500"]
    assert rows[3][3] == "unresolved"


def test_ingest_into_a_workspace_without_integer_ids(tmp_path: Path, corpus: list[Path]) -> None:
    from yrdhub.analytics.workspace import Workspace

    ws = Workspace.open(tmp_path / "old")
    ws.save_manifest({"abc": {"path": "old.txt", "format": "wos", "records": 1, "bad": 0}})
    result = runner.invoke(app, ["analytics", "ingest", "-w", str(ws.root), str(corpus[0])])
    assert result.exit_code == 1
    assert "ingest the files into a new workspace" in " ".join(result.output.split())
    assert not any(ws.table_dir("works").iterdir())


def test_ingest_with_worker_processes_reads_the_same_records(tmp_path: Path, corpus: list[Path]) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    first = runner.invoke(app, ["analytics", "ingest", "-w", str(one), *map(str, corpus)])
    second = runner.invoke(app, ["analytics", "ingest", "-w", str(two), "--workers", "2", *map(str, corpus)])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    summary = [line for line in first.output.splitlines() if " records, " in line]
    assert summary and summary[0].split(" records/s")[0].split(",")[0] in second.output
    refused = runner.invoke(app, ["analytics", "ingest", "-w", str(two), "--workers", "0", str(corpus[0])])
    assert refused.exit_code != 0
