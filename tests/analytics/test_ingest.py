"""Ingest: atomic per file, idempotent, engine selection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from yrdhub.analytics import engine
from yrdhub.analytics import ingest as ingest_mod
from yrdhub.analytics.ingest import ingest
from yrdhub.analytics.records import BadRecord, Party, Record
from yrdhub.analytics.workspace import Workspace


def test_failed_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "x.txt"
    src.write_text("FN Clarivate Analytics Web of Science\n", encoding="utf-8")

    def broken(path: Path, fmt: str = "auto") -> Iterator[Record | BadRecord]:
        yield Record(
            source="wos", kind="paper", file=str(path), line=3, title="t", year=2020, parties=[Party(text="Maanshan")]
        )
        raise OSError("disk went away")

    monkeypatch.setattr(ingest_mod, "read", broken)
    ws = Workspace.open(tmp_path / "ws")
    with pytest.raises(OSError):
        ingest([src], ws, batch_size=1)
    assert not list(ws.table_dir("works").iterdir()) and not list(ws.table_dir("parties").iterdir())
    assert ws.manifest() == {}


def test_batches_and_bad_records_are_stored(tmp_path: Path) -> None:
    src = tmp_path / "cnki.txt"
    src.write_text(
        "RT Journal Article\nT1 甲\nAD 东南大学\nYR 2020\n\nRT Journal Article\nAD 河海大学\n"
        "RT Journal Article\nT1 乙\nAD 河海大学;安徽大学\nYR 2021\n",
        encoding="utf-8",
    )
    ws = Workspace.open(tmp_path / "ws")
    report = ingest([src], ws, batch_size=1)
    assert report.records == 2 and [b.line for b in report.bad] == [6]
    import pyarrow.parquet as pq

    parties = pq.read_table(ws.table_dir("parties")).to_pylist()
    assert sorted((p["text"], p["city_code"]) for p in parties) == [
        ("东南大学", "320100"),
        ("安徽大学", "340100"),
        ("河海大学", "320100"),
    ]
    bad = pq.read_table(ws.table_dir("bad")).to_pylist()
    assert bad == [{"file": str(src), "line": 6, "reason": "record without a title (T1)"}]


def test_engine_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engine.ENV_ENGINE, raising=False)
    assert engine.engine_name() == "duckdb"
    monkeypatch.setenv(engine.ENV_ENGINE, "Spark")
    assert engine.engine_name() == "spark"
    assert engine.engine_name("duckdb") == "duckdb"
    monkeypatch.setenv(engine.ENV_ENGINE, "polars")
    with pytest.raises(ValueError):
        engine.engine_name()
