"""Fixtures for the analytics tests: the real export samples, generated patent tables, a Spark session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yrdhub.analytics.ingest import ingest
from yrdhub.analytics.workspace import Workspace

from .generated import write_incopat_csv, write_patsnap_csv


@pytest.fixture(scope="session")
def collab_dir(reference_dir: Path) -> Path:
    path = reference_dir / "collab"
    assert path.is_dir(), f"{path} missing"
    return path


@pytest.fixture(scope="session")
def sample_files(collab_dir: Path) -> list[Path]:
    return sorted(p for p in collab_dir.glob("*/*") if p.suffix in (".txt", ".csv"))


@pytest.fixture(scope="session")
def patent_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("patents")
    return [write_incopat_csv(d / "incopat.csv"), write_patsnap_csv(d / "patsnap.csv")]


@pytest.fixture(scope="session")
def sample_workspace(
    tmp_path_factory: pytest.TempPathFactory, sample_files: list[Path], patent_files: list[Path]
) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("ws"))
    ingest([*sample_files, *patent_files], ws)
    return ws


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from yrdhub.analytics.engine import spark_session

    session = spark_session("local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "2")
    yield session
    session.stop()
