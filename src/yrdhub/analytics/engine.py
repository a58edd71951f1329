"""The two engines of the one pipeline: DuckDB in-process (default) and Apache Spark.

`YRDHUB_ANALYTICS_ENGINE=spark` selects Spark; `YRDHUB_SPARK_MASTER` gives the master (default
`local[2]`, bound to 127.0.0.1 with the UI off; a cluster URL in production).
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

ENV_ENGINE = "YRDHUB_ANALYTICS_ENGINE"
ENV_MASTER = "YRDHUB_SPARK_MASTER"
ENV_DUCKDB_MEMORY = "YRDHUB_DUCKDB_MEMORY_LIMIT"  # e.g. "3GB": DuckDB spills to disk beyond it
ENV_DUCKDB_THREADS = "YRDHUB_DUCKDB_THREADS"
ENV_DUCKDB_TEMP = "YRDHUB_DUCKDB_TEMP_DIR"
DUCKDB_MEMORY_LIMIT = "3GB"  # the default: with the process's own overhead, a 10 M-record run stays < 4 GiB
ENGINES = ("duckdb", "spark")


def engine_name(name: str | None = None) -> str:
    value = (name or os.environ.get(ENV_ENGINE) or "duckdb").lower()
    if value not in ENGINES:
        raise ValueError(f"unknown analytics engine {value!r} (choose from {', '.join(ENGINES)})")
    return value


def spark_session(master: str | None = None) -> Any:
    """A Spark session for the pipeline (re-used if one is running)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("yrdhub-analytics")
        .master(master or os.environ.get(ENV_MASTER) or "local[2]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("YRDHUB_SPARK_PARTITIONS", "8"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("YRDHUB_SPARK_DRIVER_MEMORY", "2g"))
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
    # spill files go to the system temp dir, never into the current directory (DuckDB's default `.tmp`)
    temp = os.environ.get(ENV_DUCKDB_TEMP) or str(Path(tempfile.gettempdir()) / "yrdhub-duckdb")
    config = {
        "temp_directory": temp,
        "memory_limit": os.environ.get(ENV_DUCKDB_MEMORY) or DUCKDB_MEMORY_LIMIT,
        "preserve_insertion_order": "false",
    }
    if os.environ.get(ENV_DUCKDB_THREADS):
        config["threads"] = os.environ[ENV_DUCKDB_THREADS]
    return config


def parquet_source(con: BaseBackend, directory: Path) -> str:
    """DuckDB reads a glob; Spark reads the directory (and skips names starting with `.` or `_`)."""
    return str(directory) if con.name == "pyspark" else str(directory / "*.parquet")
