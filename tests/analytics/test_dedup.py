"""De-duplication across sources (DuckDB): chains through DOI, UT, EID, title + year; guards."""

from __future__ import annotations

import tempfile
from pathlib import Path

import ibis
import pandas as pd

from yrdhub.analytics.pipeline import DEDUP_COLUMNS, deduplicate


def works(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = dict.fromkeys(DEDUP_COLUMNS)
    frame = pd.DataFrame(
        [{**base, "rid": i, "kind": "paper", "year": 2023, "line": i, **r} for i, r in enumerate(rows)]
    )
    for col in ("doi", "ut", "eid", "pn_key", "title_key", "source", "file"):
        frame[col] = frame[col].astype("string")
    frame["is_invention"] = frame["is_invention"].astype("boolean")
    return frame


def groups(frame: pd.DataFrame, rounds: int = 1) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "works.parquet"
        frame.to_parquet(path, index=False)
        out = deduplicate(ibis.duckdb.connect().read_parquet(str(path)), rounds).to_pandas()
    return dict(zip(out.record_id, out.work_id, strict=True))


CHAIN = [
    {"record_id": "wos", "source": "wos", "ut": "WOS:1", "title_key": "atitleaboutcities:2023"},
    {
        "record_id": "scopus",
        "source": "scopus",
        "eid": "2-s2.0-1",
        "doi": "10.1/x",
        "title_key": "atitleaboutcities:2023",
    },
    {"record_id": "openalex", "source": "openalex", "doi": "10.1/x", "title_key": "aslightlyothertitle:2023"},
    {"record_id": "wos-again", "source": "wos", "ut": "WOS:1", "title_key": "atitleaboutcitiesv2:2023"},
    {"record_id": "other", "source": "wos", "ut": "WOS:2", "title_key": "somethingelseentirely:2023"},
]


def test_chain_across_sources() -> None:
    g = groups(works(CHAIN))
    # WoS without DOI ~title~ Scopus ~DOI~ OpenAlex: one round
    assert g["wos"] == g["scopus"] == g["openalex"] == "doi:10.1/x"
    assert g["other"] == "ut:WOS:2"
    # a second WoS export of the same UT under another title is one step further: it needs a second round
    assert g["wos-again"] == "ut:WOS:1"
    g2 = groups(works(CHAIN), rounds=2)
    assert g2["wos-again"] == g2["wos"] == "doi:10.1/x" and g2["other"] == "ut:WOS:2"


def test_same_title_different_dois_stay_apart() -> None:
    g = groups(
        works(
            [
                {"record_id": "a", "doi": "10.1/a", "title_key": "correctiontoapaper:2023"},
                {"record_id": "b", "doi": "10.1/b", "title_key": "correctiontoapaper:2023"},
                {"record_id": "c", "title_key": "correctiontoapaper:2023"},
            ]
        )
    )
    assert g["a"] != g["b"]
    assert g["c"] == "t:correctiontoapaper:2023"


def test_patents_match_on_number_only() -> None:
    g = groups(
        works(
            [
                {"record_id": "p1", "kind": "patent", "pn_key": "CN2020100000011"},
                {"record_id": "p2", "kind": "patent", "pn_key": "CN2020100000011"},
                {"record_id": "t1", "kind": "transfer", "pn_key": "tr:CN2020100000011:2022-06-30"},
            ]
        )
    )
    assert g["p1"] == g["p2"] != g["t1"]
