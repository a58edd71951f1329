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
from yrdhub.config import get_settings


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
    def setenv(value: str) -> None:
        monkeypatch.setenv("YRDHUB_ANALYTICS_ENGINE", value)
        get_settings.cache_clear()

    monkeypatch.delenv("YRDHUB_ANALYTICS_ENGINE", raising=False)
    assert engine.engine_name() == "duckdb"
    setenv("Spark")
    assert engine.engine_name() == "spark"
    assert engine.engine_name("duckdb") == "duckdb"
    setenv("polars")
    with pytest.raises(ValueError):
        engine.engine_name()


def test_integer_record_ids_and_record_attributes_on_parties(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("RT Journal Article\nT1 甲\nAD 东南大学;河海大学\nYR 2020\n", encoding="utf-8")
    b.write_text("RT Journal Article\nT1 乙\nAD 安徽大学\nYR 2021\n\nRT Journal Article\nT1 丙\nAD 浙江大学\nYR 2022\n")
    ws = Workspace.open(tmp_path / "ws")
    ingest([a], ws)
    ingest([b], ws)
    works = pq.read_table(ws.table_dir("works")).to_pylist()
    parties = pq.read_table(ws.table_dir("parties")).to_pylist()
    rids = {w["record_id"]: w["rid"] for w in works}
    assert len(set(rids.values())) == 3  # unique across files
    assert sorted(rids.values())[0] >> ingest_mod.RID_BITS == 1  # file number 1, then 2
    assert {w["rid"] >> ingest_mod.RID_BITS for w in works} == {1, 2}
    for p in parties:  # each party carries its record's id and attributes
        w = next(w for w in works if w["record_id"] == p["record_id"])
        assert (p["rid"], p["kind"], p["source"], p["year"]) == (w["rid"], w["kind"], w["source"], w["year"])
    assert sorted(e["file_no"] for e in ws.manifest().values()) == [1, 2]


def test_workspace_without_integer_ids_is_refused(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    ws.save_manifest({"abc": {"path": "old.txt", "format": "wos", "records": 1, "bad": 0}})
    src = tmp_path / "new.txt"
    src.write_text("RT Journal Article\nT1 甲\nAD 东南大学\nYR 2020\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ingest the files into a new workspace"):
        ingest([src], ws)
    assert not list(ws.table_dir("works").iterdir())


def test_duckdb_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("YRDHUB_DUCKDB_MEMORY_LIMIT", "YRDHUB_DUCKDB_THREADS", "YRDHUB_DUCKDB_TEMP_DIR"):
        monkeypatch.delenv(var, raising=False)
    con = engine.connect("duckdb")
    row = con.raw_sql(
        "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order'), "
        "current_setting('temp_directory')"
    ).fetchone()
    assert row is not None
    assert row[0] in ("2.7 GiB", "2.8 GiB")  # 3GB
    assert row[1] is False and row[2].endswith("yrdhub-duckdb")
    monkeypatch.setenv("YRDHUB_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("YRDHUB_DUCKDB_THREADS", "1")
    get_settings.cache_clear()
    con = engine.connect("duckdb")
    row = con.raw_sql("SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
    assert row is not None and row[0] in ("953.6 MiB", "954.0 MiB") and row[1] == 1


def test_workers_give_the_same_tables(tmp_path: Path, sample_files: list[Path], patent_files: list[Path]) -> None:
    """Files read by two worker processes: the same rows, record ids and manifest as one after the other."""
    import pandas as pd

    files = [*sample_files[:4], *patent_files, sample_files[0]]  # the last is given twice: read once
    one, two = Workspace.open(tmp_path / "one"), Workspace.open(tmp_path / "two")
    a = ingest(files, one, workers=1)
    b = ingest(files, two, workers=2)
    assert [(f.path, f.records, f.skipped) for f in a.files] == [(f.path, f.records, f.skipped) for f in b.files]
    assert a.files[-1].skipped and a.records > 1000
    for table, keys in (("works", ["rid"]), ("parties", ["rid", "seq"])):
        x = pd.read_parquet(one.table_dir(table)).sort_values(keys).reset_index(drop=True)
        y = pd.read_parquet(two.table_dir(table)).sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y)
    assert one.manifest() == two.manifest()
    assert ingest(files, two, workers=2).records == a.records
    again = ingest(files, two).files
    assert again and all(f.skipped for f in again)
