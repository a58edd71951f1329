"""The fast pipeline computes what the straightforward one did.

De-duplication: label propagation over the few records that share an identifier value (`linked_records`)
gives every record the same work as windows over the whole table (the reference below, the earlier
implementation). Links: a work with k regions has k(k-1)/2 pairs of weight 1/(its link count)."""

from __future__ import annotations

import importlib.util
import random
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest

from yrdhub.analytics import pipeline as pl
from yrdhub.analytics.engine import connect
from yrdhub.analytics.ingest import ingest
from yrdhub.analytics.workspace import Workspace


def reference_dedup(works: ir.Table, rounds: int = 1) -> ir.Table:
    """Windows over every record, one per identifier and round (the earlier implementation)."""
    t = works.mutate(lbl=pl.first_label(works))
    for _ in range(rounds):
        for col in pl.IDENTIFIERS:
            w = ibis.window(group_by=t[col])
            ok = t[col].notnull()
            if col == "title_key":
                hi, lo = t.doi.max().over(w), t.doi.min().over(w)
                ok = ok & (hi.isnull() | (hi == lo))
            t = t.mutate(lbl=ibis.ifelse(ok, t.lbl.min().over(w), t.lbl))
    return t.select("rid", work_id="lbl")


def colliding_works(n: int, seed: int) -> pd.DataFrame:
    """Records drawn from small pools of identifiers, so that chains, conflicting DOIs under one title and
    records without any identifier all occur."""
    rng = random.Random(seed)

    def pick(pool: str, size: int, p: float) -> str | None:
        return f"{pool}{rng.randrange(size)}" if rng.random() < p else None

    rows = []
    for i in range(n):
        kind = rng.choice(["paper", "paper", "patent", "transfer"])
        paper = kind == "paper"
        rows.append(
            {
                "rid": i,
                "record_id": f"r{i:05d}",
                "source": rng.choice(["wos", "scopus", "cnki", "openalex"]) if paper else "incopat",
                "kind": kind,
                "year": rng.choice([2020, 2021, None]),
                "is_invention": rng.choice([True, False, None]),
                "file": "f",
                "line": i,
                "doi": pick("10.1/", n // 3, 0.5) if paper else None,
                "ut": pick("WOS:", n // 2, 0.4) if paper else None,
                "eid": pick("2-s2.0-", n // 2, 0.3) if paper else None,
                "pn_key": None if paper else pick("CN", n // 4, 0.9),
                "title_key": pick("atitlelongenough", n // 4, 0.6) if paper else None,
            }
        )
    frame = pd.DataFrame(rows)
    for col in ("record_id", "source", "kind", "file", "doi", "ut", "eid", "pn_key", "title_key"):
        frame[col] = frame[col].astype("string")
    frame["year"] = frame["year"].astype("Int64")
    frame["is_invention"] = frame["is_invention"].astype("boolean")
    return frame


@pytest.mark.parametrize(("seed", "rounds"), [(1, 1), (2, 1), (3, 2), (4, 2)])
def test_linked_records_equal_windows_over_everything(seed: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "works.parquet"
        colliding_works(3000, seed).to_parquet(path, index=False)
        works = ibis.duckdb.connect().read_parquet(str(path))
        fast = pl.deduplicate(works, rounds).to_pandas().set_index("rid").sort_index()
        ref = reference_dedup(works, rounds).to_pandas().set_index("rid").sort_index()
    assert (fast.work_id == ref.work_id).all()
    linked = fast[fast.wid != fast.index]
    assert len(linked) > 300  # the pools make many records share works
    # wid: one integer per work — the smallest record id among the work's records
    by_work = fast.reset_index().groupby("work_id").agg(wid=("wid", "nunique"), low=("rid", "min"), key=("wid", "min"))
    assert (by_work.wid == 1).all() and (by_work.low == by_work.key).all()
    # the work attributes are the work's, not the record's
    attrs = fast.reset_index().groupby("wid").agg(kinds=("work_kind", "nunique"), years=("work_year", "nunique"))
    assert (attrs.kinds == 1).all() and (attrs.years <= 1).all()


def test_samples_dedup_equals_reference(sample_workspace: Workspace) -> None:
    con = connect("duckdb")
    works = pl.load(con, sample_workspace).works.select(*pl.DEDUP_COLUMNS)
    fast = pl.deduplicate(works).to_pandas().set_index("rid").sort_index()
    ref = reference_dedup(works).to_pandas().set_index("rid").sort_index()
    assert len(fast) > 2000 and (fast.work_id == ref.work_id).all()
    assert fast.work_id.nunique() < len(fast)  # the samples contain the same papers in several exports


def test_link_counts_and_weights(sample_workspace: Workspace) -> None:
    con = connect("duckdb")
    inputs = pl.load(con, sample_workspace)
    reg = pl.regions(inputs, pl.linked_records(inputs.works.select(*pl.DEDUP_COLUMNS)), "city").to_pandas()
    lk = pl.links(ibis.memtable(reg)).to_pandas()
    und = reg[reg.kind.isin(pl.UNDIRECTED_KINDS)]
    assert not und.duplicated(["wid", "region"]).any()  # one row per work and region
    k = und.groupby("wid").size()
    pairs = lk[~lk.directed].groupby("wid").agg(n=("weight", "size"), w=("weight", "sum"))
    expected = (k * (k - 1) // 2)[lambda s: s > 0]
    assert len(pairs) > 20
    pd.testing.assert_series_equal(pairs.n.sort_index(), expected.sort_index(), check_names=False)
    assert pairs.w.to_numpy() == pytest.approx(1.0)  # every co-authored work adds 1
    flows = lk[lk.directed].groupby("wid").weight.sum()
    assert len(flows) > 0 and flows.to_numpy() == pytest.approx(1.0)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)[[*keys, *(c for c in frame.columns if c not in keys)]]


def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench", Path(__file__).parents[2] / "benchmarks/collaboration.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.fixture(scope="module")
def bench_workspace(tmp_path_factory: pytest.TempPathFactory, sample_files: list[Path]) -> Workspace:
    """The real samples plus 3,000 GENERATED papers and 3,000 patents (with transfers) from the benchmark's
    generator: many multi-city works, duplicates, flows."""
    bench = _bench_module()
    root = tmp_path_factory.mktemp("bench")
    gen = bench.Generator(seed=11, institutions=300)
    gen.write_wos(root / "papers.txt", 0, 3000)
    gen.write_incopat(root / "patents.csv", 0, 3000)
    ws = Workspace.open(root / "ws")
    ingest([*sample_files, root / "papers.txt", root / "patents.csv"], ws)
    return ws


@pytest.mark.parametrize("level", ["city", "province"])
def test_matrix_from_region_sets_equals_matrix_from_pairs(bench_workspace: Workspace, level: str) -> None:
    """`mask_matrix` (works counted per region set, each set expanded once) gives the matrix of one row per
    work and pair (`matrix(links(regions))`), and `mask_region_totals` the works per region."""
    con = connect("duckdb")
    inputs = pl.load(con, bench_workspace)
    linked = pl.linked_records(inputs.works.select(*pl.DEDUP_COLUMNS))
    reg = pl.regions(inputs, linked, level)
    masks = pl.work_masks(inputs, linked, level)
    for start, end, by_year in ((None, None, False), (None, None, True), (2019, 2021, False)):
        keys = ["kind", "directed", *(["year"] if by_year else []), "region_a", "region_b"]
        ref = _sorted(pl.matrix(pl.links(reg), start, end, by_year).to_pandas(), keys)
        fast = _sorted(pl.mask_matrix(masks, inputs.bits(level), start, end, by_year).to_pandas(), keys)
        assert len(ref) > (10 if level == "province" else 200)
        assert set(ref.kind) == {"paper", "patent", "transfer"}
        pd.testing.assert_frame_equal(fast, ref, check_dtype=False, rtol=1e-12)
    ref_totals = _sorted(pl.region_totals(reg).to_pandas(), ["kind", "region"])
    fast_totals = _sorted(pl.mask_region_totals(masks, inputs.bits(level)).to_pandas(), ["kind", "region"])
    pd.testing.assert_frame_equal(fast_totals, ref_totals, check_dtype=False)


def test_benchmark_baselines_compute_the_pipelines_matrix(bench_workspace: Workspace) -> None:
    """The benchmark's hand-written SQL and pandas baseline give `city_pair_matrix`'s table: the timings
    compare the same result."""
    bench = _bench_module()
    work = bench_workspace.root.parent
    keys = ["kind", "directed", "region_a", "region_b"]
    ref = _sorted(pl.city_pair_matrix(pl.load(connect("duckdb"), bench_workspace)).to_pandas(), keys)
    assert len(ref) > 200 and ref.directed.any()
    hand = _sorted(duckdb.connect().execute(bench.hand_sql(work)).df(), keys)
    baseline = _sorted(bench.pandas_matrix(work), keys)
    for frame in (hand, baseline):
        pd.testing.assert_frame_equal(frame[ref.columns], ref, check_dtype=False, rtol=1e-12)
