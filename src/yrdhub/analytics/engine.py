"""The two engines of the one pipeline: DuckDB in-process (default) and Apache Spark.

Settings (yrdhub.config): `YRDHUB_ANALYTICS_ENGINE=spark` selects Spark; `YRDHUB_SPARK_MASTER` gives the
master (default `local[2]`, bound to 127.0.0.1 with the UI off; a cluster URL in production).
DuckDB runs with `memory_limit` `YRDHUB_DUCKDB_MEMORY_LIMIT` (default 3GB; it spills to
`YRDHUB_DUCKDB_TEMP_DIR` beyond it), `threads` `YRDHUB_DUCKDB_THREADS` (default: all cores) and
`preserve_insertion_order=false` (every output is sorted after the query, so row order is not needed)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import ibis
from ibis.backends import BaseBackend

from yrdhub.config import get_settings

ENGINES = ("duckdb", "spark")


def engine_name(name: str | None = None) -> str:
    value = (name or get_settings().analytics_engine).lower()
    if value not in ENGINES:
        raise ValueError(f"unknown analytics engine {value!r} (choose from {', '.join(ENGINES)})")
    return value


def spark_session(master: str | None = None) -> Any:
    """A Spark session for the pipeline (re-used if one is running)."""
    settings = get_settings()
    # Written, not read: Spark's own launch scripts (the JVM it starts) take the bind address from here.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("yrdhub-analytics")
        .master(master or settings.spark_master)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(settings.spark_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", settings.spark_driver_memory)
    )
    return builder.getOrCreate()


def connect(name: str | None = None, spark: Any = None) -> BaseBackend:
    """An Ibis backend: DuckDB in memory, or PySpark on `spark` (or a new local session)."""
    engine = engine_name(name if spark is None else "spark")
    if engine == "spark":
        return ibis.pyspark.connect(spark if spark is not None else spark_session())
    return ibis.duckdb.connect(**duckdb_config())


def duckdb_config() -> dict[str, str]:
    """The DuckDB settings of the pipeline (the benchmark's hand-written query uses the same)."""
    settings = get_settings()
    # spill files go to the system temp dir, never into the current directory (DuckDB's default `.tmp`)
    temp = settings.duckdb_temp_dir or Path(tempfile.gettempdir()) / "yrdhub-duckdb"
    config = {
        "temp_directory": str(temp),
        "memory_limit": settings.duckdb_memory_limit,
        "preserve_insertion_order": "false",
    }
    if settings.duckdb_threads is not None:
        config["threads"] = str(settings.duckdb_threads)
    return config


def parquet_source(con: BaseBackend, directory: Path) -> str:
    """DuckDB reads a glob; Spark reads the directory (and skips names starting with `.` or `_`)."""
    return str(directory) if con.name == "pyspark" else str(directory / "*.parquet")
