"""One pipeline, two engines: DuckDB and a local Spark give identical tables (real samples + generated
patents, both levels)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from yrdhub.analytics.engine import connect
from yrdhub.analytics.run import collaboration
from yrdhub.analytics.workspace import Workspace


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Same values, engine-neutral dtypes (Spark and DuckDB differ in nullable integer/float types)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].astype("float64").round(12)
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_identical(sample_workspace: Workspace, spark: Any) -> None:
    level = "city"  # the province level runs the same expressions (and is computed inside every run)
    duck = collaboration(sample_workspace, engine="duckdb", level=level)
    sprk = collaboration(sample_workspace, level=level, con=connect(spark=spark))
    assert set(duck.tables) == set(sprk.tables)
    for name in duck.tables:
        a, b = normalised(duck[name]), normalised(sprk[name])
        assert len(a) > 0, name
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)
    kinds = set(duck["matrix"].kind)
    assert {"paper", "patent"} <= kinds


@pytest.mark.spark
@pytest.mark.slow
def test_spark_streams_the_drilldown_like_duckdb(sample_workspace: Workspace, spark: Any, tmp_path: Any) -> None:
    """The CLI's path (`keep_records=False`: the drill-down streamed into its file) on Spark writes the rows
    DuckDB writes."""
    from yrdhub.analytics.run import write_results

    duck = collaboration(sample_workspace, engine="duckdb", level="province", keep_records=False)
    sprk = collaboration(sample_workspace, level="province", con=connect(spark=spark), keep_records=False)
    write_results(duck, tmp_path / "d", "parquet")
    write_results(sprk, tmp_path / "s", "parquet")
    a, b = (pd.read_parquet(tmp_path / d / "indicator_records_province.parquet") for d in "ds")
    assert len(a) > 0
    pd.testing.assert_frame_equal(normalised(a), normalised(b), check_dtype=False)
