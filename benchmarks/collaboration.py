"""Benchmark: ingest and city-pair matrices at scale (default 10 million papers + 10 million patents).

    .venv/bin/python benchmarks/collaboration.py --n 200000          # a quick run
    .venv/bin/python benchmarks/collaboration.py                     # 10 M papers + 10 M patents
    .venv/bin/python benchmarks/collaboration.py --n 200000 --rounds 1 --skip spark  # quicker still

Generates realistic GENERATED records — the real 41 YRD cities and their county-level cities, institutions
with Zipf-skewed sizes, skewed author/applicant counts, addresses outside the YRD and abroad, duplicates —
as WoS plain-text files and incoPat CSV files; ingests them with `yrdhub.analytics.ingest` (records/s from
files); then times the same city-pair matrix (dedup → regions → links → full and fractional counts) on
DuckDB (the Ibis pipeline), on pandas (a baseline), on Spark (the same Ibis pipeline) and as one
hand-written DuckDB SQL query. Every step runs in its own process so that its peak memory is its own.
The last line reads `duckdb_s=… pandas_s=… spark_s=… handsql_s=… peak_mib=…` (peak_mib: the largest peak
of the yrdhub steps, ingest and DuckDB pipeline; the baselines' peaks are printed above it). A step's peak
is the larger of its own ru_maxrss and its process tree's resident memory sampled every 0.2 s (Spark:
driver and JVM). DuckDB runs with the pipeline's settings (`yrdhub.analytics.engine.duckdb_config`).

    .venv/bin/python benchmarks/collaboration.py --n 1000000 --workdir W1          # ingest 1 M from files
    .venv/bin/python benchmarks/collaboration.py --workdir W10 --replicate-from W1 --times 10

The second form builds a 10× workspace from the first one's ingested tables (fresh record ids and
identifiers per copy) when ingesting the full-size files from text would take too long; its ingest rate
is the first run's. The matrix steps run `--rounds` times in turn (default 3; Spark once) and each
round's ratios (pandas/duckdb, duckdb/handsql) and their median are printed: on a shared machine whose
speed drifts, the ratio of runs minutes apart is the figure to compare; the last line holds each step's
median.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve()
PER_FILE = 1_000_000


# -- generation -------------------------------------------------------------------------------------------
def _places() -> tuple[list[dict[str, str]], dict[str, str]]:
    from importlib import resources

    with resources.files("yrdhub.data.regions").joinpath("divisions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    provinces = {r["code"]: r for r in rows if r["level"] == "province"}
    cities = [r for r in rows if r["level"] == "city"]
    counties = {}
    for r in rows:
        if r["level"] == "county" and "county-level city" in r["name_en"]:
            counties.setdefault(r["parent_code"], []).append(r)
    for c in cities:
        c["province_en"] = provinces[c["parent_code"]]["name_en"]
        c["province_zh"] = provinces[c["parent_code"]]["name"]
        c["counties"] = counties.get(c["code"], [])  # type: ignore[assignment]
    return cities, {k: v["name"] for k, v in provinces.items()}


POSTCODE = {"310100": "200", "320500": "215", "341300": "234", "321200": "225", "331000": "318"}
PROVINCE_POST = {"310000": "20", "320000": "21", "330000": "31", "340000": "23"}
OUTSIDE = [
    "Beijing 100084, Peoples R China",
    "Wuhan 430074, Hubei, Peoples R China",
    "Guangzhou 510640, Guangdong, Peoples R China",
    "Chengdu 610041, Sichuan, Peoples R China",
    "Boston, MA 02115 USA",
    "London WC1E 6BT, England",
    "Singapore 117576, Singapore",
    "Tokyo, Japan",
]
BIG = {"310100": 30, "320100": 18, "330100": 15, "340100": 10, "320500": 6, "330200": 4, "320200": 3}


class Generator:
    def __init__(self, seed: int = 7, institutions: int = 3000) -> None:
        self.rng = np.random.default_rng(seed)
        self.cities, _ = _places()
        weights = np.array([BIG.get(c["code"], 1.0) for c in self.cities], dtype=float)
        city_of = self.rng.choice(len(self.cities), size=institutions, p=weights / weights.sum())
        self.inst_city = city_of
        zipf = 1.0 / np.arange(1, institutions + 1) ** 1.1  # a few huge universities, many small units
        self.inst_p = zipf / zipf.sum()
        self.n_inst = institutions

    def _english(self, inst: int) -> str:
        c = self.cities[self.inst_city[inst]]
        place = c["name_en"]
        if c["counties"] and inst % 9 == 0:  # some units sit in county-level cities (Kunshan, Yiwu…)
            place = c["counties"][inst % len(c["counties"])]["name_en"].split(" (")[0]
        post = POSTCODE.get(c["code"], PROVINCE_POST[c["parent_code"]] + str(inst % 10))
        province = "" if c["parent_code"] == "310000" else f" {c['province_en']},"
        return f"Inst {inst} Univ, Dept {inst % 7}, {place} {post}{inst % 1000:03d},{province} Peoples R China."

    def _chinese(self, inst: int) -> tuple[str, str, str]:
        c = self.cities[self.inst_city[inst]]
        return f"示例{inst}号单位", c["parent_code"][:2], c["name"]

    def counts(self, n: int, p: float, cap: int) -> np.ndarray:
        return np.minimum(self.rng.geometric(p, size=n), cap)

    def write_wos(self, path: Path, start: int, n: int) -> None:
        n_addr = self.counts(n, 0.35, 30)
        insts = self.rng.choice(self.n_inst, size=int(n_addr.sum()), p=self.inst_p)
        outside = self.rng.random(int(n_addr.sum())) < 0.25
        years = self.rng.integers(2015, 2026, size=n)
        k = 0
        with path.open("w", encoding="utf-8-sig", newline="\n") as fh:
            fh.write("FN Clarivate Analytics Web of Science\nVR 1.0\n")
            for i in range(n):
                rid = start + i
                doi_id = rid - 1 if rid % 50 == 0 and rid else rid  # 2 % duplicates (same DOI, other UT)
                lines = []
                for j in range(n_addr[i]):
                    text = OUTSIDE[insts[k] % len(OUTSIDE)] if outside[k] else self._english(int(insts[k]))
                    if outside[k]:
                        text = f"Inst {insts[k]} Univ, {text}"
                    lines.append(("C1 " if j == 0 else "   ") + f"[Author{j}, A] {text}")
                    k += 1
                fh.write(
                    f"PT J\nAU Author0, A\nTI Generated benchmark paper {doi_id} on collaboration\n"
                    f"PY {years[i]}\nDI 10.9999/bench.{doi_id}\n" + "\n".join(lines) + f"\nUT WOS:{rid:015d}\nER\n\n"
                )
            fh.write("EF\n")

    def write_incopat(self, path: Path, start: int, n: int) -> None:
        n_app = self.counts(n, 0.7, 8)
        insts = self.rng.choice(self.n_inst, size=int(n_app.sum()), p=self.inst_p)
        years = self.rng.integers(2015, 2026, size=n)
        kinds = self.rng.choice(["1", "2", "3"], size=n, p=[0.45, 0.45, 0.10])
        transfer = self.rng.random(n) < 0.08
        buyers = self.rng.choice(self.n_inst, size=n, p=self.inst_p)
        k = 0
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(
                [
                    "公开（公告）号",
                    "申请号",
                    "申请日",
                    "申请人",
                    "申请人省市代码",
                    "中国申请人地市",
                    "申请人地址",
                    "转让人",
                    "受让人",
                    "转让执行日",
                ]
            )
            for i in range(n):
                rid = start + i
                apps = [self._chinese(int(insts[k + j])) for j in range(n_app[i])]
                k += n_app[i]
                names = ";".join(a[0] for a in apps)
                tr = ("", "", "")
                if transfer[i]:
                    buyer = self._chinese(int(buyers[i]))
                    tr = (apps[0][0], f"{buyer[2]}{buyer[0]}", f"{years[i] + 1}-06-30")
                w.writerow(
                    [
                        f"CN{rid:09d}A",
                        f"CN{years[i]}{kinds[i]}{rid % 10_000_000:07d}.1",
                        f"{years[i]}-03-01",
                        names,
                        ";".join(a[1] for a in apps),
                        ";".join(a[2] for a in apps),
                        "",
                        *tr,
                    ]
                )


def generate(n: int, out: Path) -> list[Path]:
    gen = Generator()
    files = []
    for start in range(0, n, PER_FILE):
        size = min(PER_FILE, n - start)
        wos = out / f"papers_{start // PER_FILE:03d}.txt"
        pat = out / f"patents_{start // PER_FILE:03d}.csv"
        gen.write_wos(wos, start, size)
        gen.write_incopat(pat, start, size)
        files += [wos, pat]
    return files


# -- the timed steps (each in its own process) -------------------------------------------------------------
INGEST_WORKERS = 2  # files read at a time (--ingest-workers)


def step_ingest(work: Path) -> dict[str, Any]:
    from yrdhub.analytics.ingest import ingest
    from yrdhub.analytics.workspace import Workspace

    files = sorted((work / "input").iterdir())
    started = time.perf_counter()
    report = ingest(files, Workspace.open(work / "ws"), batch_size=100_000, workers=INGEST_WORKERS)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": seconds,
        "records": report.records,
        "records_per_s": report.records / seconds,
        "files": len(files),
        "input_mib": round(sum(f.stat().st_size for f in files) / 2**20),
        "workers": INGEST_WORKERS,
        "cpu_s": round(usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime, 1),
    }


REPEAT = 1  # timed runs per matrix step (--repeat); the median is reported, every run is printed


def measure(compute: Callable[[], Any], repeat: int | None = None) -> dict[str, Any]:
    """Run `compute` (returns the matrix as a DataFrame) `repeat` times in this process: wall seconds and
    CPU seconds (user + system of this process, all its threads; not Spark's JVM) of each run, the
    medians, and the matrix's size and total."""
    walls, cpus, frame = [], [], None
    for _ in range(repeat or REPEAT):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        frame = compute()
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
    return {
        "seconds": statistics.median(walls),
        "runs": [round(w, 3) for w in walls],
        "cpu_s": round(statistics.median(cpus), 3),
        "rows": len(frame),
        "full": float(frame["full"].sum()),
    }


def step_ibis(work: Path, engine: str) -> dict[str, Any]:
    from yrdhub.analytics import pipeline as pl
    from yrdhub.analytics.engine import connect
    from yrdhub.analytics.workspace import Workspace

    con = connect(engine)
    if engine == "spark":  # warm the JVM up so that the timing is the query, not the start-up
        con.raw_sql("SELECT 1")
    ws = Workspace.open(work / "ws")
    result = measure(lambda: pl.city_pair_matrix(pl.load(con, ws)).to_pandas())
    if engine == "spark":
        result["cpu_s"] = float("nan")  # the work runs in the JVM, not in this process
    return result


HAND_SQL = """
WITH w AS NOT MATERIALIZED (SELECT rid, kind, doi, ut, eid, pn_key, title_key FROM read_parquet('{works}')),
{members},
ids AS ({ids}),
linked AS (
  SELECT w.rid, w.kind,
         coalesce('doi:' || w.doi, 'ut:' || w.ut, 'eid:' || w.eid, 'pn:' || w.pn_key, 't:' || w.title_key) AS lbl,
         {member_cols}
  FROM w SEMI JOIN ids USING (rid) {member_joins}),
{rounds},
lw AS (SELECT rid, min(rid) OVER g AS wid, min(kind) OVER g AS kind FROM {last} WINDOW g AS (PARTITION BY lbl)),
bits AS (SELECT region, bit::BIGINT AS bit FROM (VALUES {bits}) v(region, bit)),
wm AS (
  SELECT coalesce(l.wid, p.rid) AS wid, any_value(coalesce(l.kind, p.kind)) AS kind, bit_or(b.bit) AS mask,
         bit_or(CASE WHEN coalesce(l.kind, p.kind) IN ('transfer', 'contract')
                          AND p.role IN ('assignor', 'seller') THEN b.bit ELSE 0 END) AS mf,
         bit_or(CASE WHEN coalesce(l.kind, p.kind) IN ('transfer', 'contract')
                          AND p.role IN ('assignee', 'buyer') THEN b.bit ELSE 0 END) AS mt
  FROM read_parquet('{parties}') p JOIN bits b ON p.city_code = b.region LEFT JOIN lw l USING (rid)
  WHERE p.is_yrd AND p.city_code IS NOT NULL
  GROUP BY 1),
counted AS (SELECT kind, mask, mf, mt, count(*) AS n FROM wm
            WHERE (kind IN ('paper', 'patent') AND mask & (mask - 1) <> 0)
               OR (kind IN ('transfer', 'contract') AND mf <> 0 AND mt <> 0) GROUP BY ALL),
sets AS (SELECT kind, mask, sum(n) AS n FROM counted WHERE kind IN ('paper', 'patent') GROUP BY ALL),
members AS (SELECT mask, region, bit_count(mask)::INTEGER AS k
            FROM (SELECT DISTINCT mask FROM sets) JOIN bits ON mask & bit <> 0),
pairs AS (SELECT a.mask, a.region AS region_a, b.region AS region_b, 2.0 / (a.k * (a.k - 1)) AS share
          FROM members a JOIN members b ON a.mask = b.mask AND a.region < b.region),
dsets AS (SELECT kind, mf, mt, sum(n) AS n FROM counted WHERE kind IN ('transfer', 'contract') GROUP BY ALL),
flows AS (SELECT mf, mt, s.region AS region_a, d.region AS region_b,
                 1.0 / count(*) OVER (PARTITION BY mf, mt) AS share
          FROM (SELECT DISTINCT mf, mt FROM dsets) m JOIN bits s ON mf & s.bit <> 0
          JOIN bits d ON mt & d.bit <> 0 AND s.region <> d.region),
cells AS (SELECT kind, false AS directed, region_a, region_b, n, n * share AS frac FROM sets JOIN pairs USING (mask)
          UNION ALL
          SELECT kind, true, region_a, region_b, n, n * share FROM dsets JOIN flows USING (mf, mt))
SELECT kind, directed, region_a, region_b, sum(n) AS "full", sum(frac) AS fractional FROM cells GROUP BY ALL
"""
IDENTIFIERS = ("ut", "eid", "pn_key", "title_key", "doi")


def hand_sql(work: Path) -> str:
    """The same algorithm written by hand: per identifier, the hash values held more than once, then the
    few records whose value has such a hash, then the exact values among those (`c_…`, `m_…`); labels
    spread over those few records only; then each work's set of cities as a bit mask (`bit_or` of the
    cities' bits), works counted per set, each distinct set expanded into its pairs / flows once."""
    members = []
    for col in IDENTIFIERS:
        # a title whose records carry different DOIs links them only by their equal labels (null title)
        doi = ", doi" if col == "title_key" else ""
        members.append(
            f"c_{col} AS (SELECT rid, {col} AS v{doi} FROM w WHERE {col} IS NOT NULL AND hash({col}) IN "
            f"(SELECT hash({col}) FROM w WHERE {col} IS NOT NULL GROUP BY ALL HAVING count(*) > 1))"
        )
        if col == "title_key":
            members.append(
                f"m_{col} AS (SELECT rid, CASE WHEN ok THEN v END AS {col} FROM c_{col} JOIN (SELECT v, "
                f"max(doi) IS NULL OR max(doi) = min(doi) AS ok FROM c_{col} GROUP BY v HAVING count(*) > 1) "
                f"USING (v))"
            )
        else:
            members.append(
                f"m_{col} AS (SELECT rid, v AS {col} FROM c_{col} "
                f"WHERE v IN (SELECT v FROM c_{col} GROUP BY v HAVING count(*) > 1))"
            )
    steps, prev = [], "linked"
    for n, col in enumerate(IDENTIFIERS, start=1):
        steps.append(
            f"a{n} AS (SELECT * REPLACE (CASE WHEN {col} IS NOT NULL THEN min(lbl) OVER (PARTITION BY {col}) "
            f"ELSE lbl END AS lbl) FROM {prev})"
        )
        prev = f"a{n}"
    from yrdhub.analytics.pipeline import region_codes

    bits = ", ".join(f"('{code}', {1 << i})" for i, code in enumerate(region_codes("city")))
    return HAND_SQL.format(
        bits=bits,
        works=work / "ws/works/*.parquet",
        parties=work / "ws/parties/*.parquet",
        members=",\n".join(members),
        ids=" UNION ".join(f"SELECT rid FROM m_{c}" for c in IDENTIFIERS),
        member_cols=", ".join(f"m_{c}.{c}" for c in IDENTIFIERS),
        member_joins=" ".join(f"LEFT JOIN m_{c} USING (rid)" for c in IDENTIFIERS),
        rounds=",\n".join(steps),
        last=prev,
    )


def step_handsql(work: Path) -> dict[str, Any]:
    import duckdb

    from yrdhub.analytics.engine import duckdb_config

    config: dict[str, str | bool | int | float | list[str]] = {**duckdb_config()}
    con = duckdb.connect(config=config)  # the pipeline's own settings (memory_limit, threads, …)
    sql = hand_sql(work)
    return measure(lambda: con.execute(sql).df())


def step_pandas(work: Path) -> dict[str, Any]:
    return measure(lambda: pandas_matrix(work))


def pandas_matrix(work: Path) -> Any:
    """The same computation in idiomatic pandas (the baseline an analyst would write): the same algorithm
    (shared identifier values first, labels spread over the linked records only; each work's cities as a
    bit mask, works counted per set, each distinct set expanded into its pairs once), integer ids, cities
    as integer indexes, and the parties read one Parquet part at a time (reduced to distinct
    work-side-city rows before they are combined), so that it runs at 10 M records within memory."""
    import pandas as pd
    import pyarrow.parquet as pq

    from yrdhub.analytics.pipeline import region_codes

    w = pd.read_parquet(work / "ws/works", columns=["rid", "kind", "year", *IDENTIFIERS])
    shared = {}
    spread = {}
    for col in IDENTIFIERS:
        counts = w[col].value_counts()
        keys = counts.index[counts > 1]
        shared[col] = w[col].where(w[col].isin(keys))
        spread[col] = shared[col]
        if col == "title_key" and len(keys):  # titles whose records carry different DOIs do not spread
            doi = w.loc[w[col].isin(keys)].groupby(col)["doi"].agg(["max", "min"])
            ok = doi.index[doi["max"].isna() | (doi["max"] == doi["min"])]
            spread[col] = w[col].where(w[col].isin(ok))
    linked = pd.concat([v.notna() for v in shared.values()], axis=1).any(axis=1)
    sub = w.loc[linked, ["rid", "kind", "year"]].copy()
    lbl = None
    for col, prefix in (("doi", "doi:"), ("ut", "ut:"), ("eid", "eid:"), ("pn_key", "pn:"), ("title_key", "t:")):
        part = prefix + w.loc[linked, col]
        lbl = part if lbl is None else lbl.fillna(part)
    sub["lbl"] = lbl
    for col in IDENTIFIERS:
        sub[col] = spread[col][linked]
        sub["lbl"] = sub.groupby(col)["lbl"].transform("min").where(sub[col].notna(), sub["lbl"])
    g = sub.groupby("lbl")
    sub["wid"], sub["kind"] = g["rid"].transform("min"), g["kind"].transform("min")
    lw = pd.Index(sub["rid"])
    lw_wid, lw_kind = sub["wid"].to_numpy(), sub["kind"].to_numpy()
    del w, sub, shared, spread
    codes = pd.Index(region_codes("city"))
    bit_of = np.left_shift(1, np.arange(len(codes), dtype=np.int64))
    parts = []
    for path in sorted((work / "ws/parties").glob("*.parquet")):
        p = pq.read_table(path, columns=["rid", "kind", "role", "city_code", "is_yrd"]).to_pandas()
        p = p[p["is_yrd"] & p["city_code"].notna()]
        region = codes.get_indexer(p["city_code"])
        p, region = p[region >= 0], region[region >= 0]
        wid, kind = p["rid"].to_numpy().copy(), p["kind"].to_numpy().copy()
        at = lw.get_indexer(wid)
        hit = at >= 0
        wid[hit], kind[hit] = lw_wid[at[hit]], lw_kind[at[hit]]
        directed = np.isin(kind, ["transfer", "contract"])
        side = np.where(directed & p["role"].isin(["assignor", "seller"]).to_numpy(), 1, 0)
        side = np.where(directed & p["role"].isin(["assignee", "buyer"]).to_numpy(), 2, side)
        chunk = pd.DataFrame({"wid": wid, "kind": kind, "side": side.astype("int8"), "bit": bit_of[region]})
        parts.append(chunk.drop_duplicates())
    reg = pd.concat(parts, ignore_index=True).drop_duplicates()  # distinct (work, side, city) rows
    del parts
    # each work's cities as a bit mask: the sum of its distinct cities' bits; sets counted per kind
    und = reg[reg["kind"].isin(["paper", "patent"])].drop_duplicates(["wid", "bit"])
    masks = und.groupby(["wid", "kind"])["bit"].sum()
    masks = masks[(masks & (masks - 1)) != 0]  # two cities or more
    sets = masks.groupby(level="kind").value_counts().rename("n").reset_index().rename(columns={"bit": "mask"})
    d = reg[reg["kind"].isin(["transfer", "contract"]) & (reg["side"] > 0)]
    dm = d.groupby(["wid", "kind", "side"])["bit"].sum().unstack("side", fill_value=0)
    dm = dm[(dm.get(1, 0) != 0) & (dm.get(2, 0) != 0)] if {1, 2} <= set(dm.columns) else dm.iloc[:0]
    dsets = dm.groupby(["kind", 1, 2]).size().rename("n").reset_index().rename(columns={1: "mf", 2: "mt"})

    def members(mask: pd.Series, name: str) -> pd.DataFrame:  # one row per distinct mask and city in it
        values = mask.drop_duplicates().to_numpy()
        row, col = np.nonzero(values[:, None] & bit_of[None, :])
        return pd.DataFrame({mask.name: values[row], name: col})

    mem = members(sets["mask"], "region")
    mem["k"] = mem.groupby("mask")["region"].transform("size")
    pairs = mem.merge(mem[["mask", "region"]], on="mask", suffixes=("_a", "_b"))
    pairs = pairs[pairs["region_a"] < pairs["region_b"]]
    pairs["share"] = 2.0 / (pairs["k"] * (pairs["k"] - 1))
    und_cells = sets.merge(pairs, on="mask").assign(directed=False)
    src, dst = members(dsets["mf"], "region_a"), members(dsets["mt"], "region_b")
    combos = dsets[["mf", "mt"]].drop_duplicates()
    flows = combos.merge(src, on="mf").merge(dst, on="mt")
    flows = flows[flows["region_a"] != flows["region_b"]]
    flows["share"] = 1.0 / flows.groupby(["mf", "mt"])["region_a"].transform("size")
    dir_cells = dsets.merge(flows, on=["mf", "mt"]).assign(directed=True)
    keep = ["kind", "directed", "region_a", "region_b", "n", "share"]
    cells = pd.concat([und_cells[keep], dir_cells[keep]], ignore_index=True)
    cells["frac"] = cells["n"] * cells["share"]
    frame = (
        cells.groupby(["kind", "directed", "region_a", "region_b"])
        .agg(full=("n", "sum"), fractional=("frac", "sum"))
        .reset_index()
    )
    frame["region_a"], frame["region_b"] = codes[frame["region_a"]], codes[frame["region_b"]]
    return frame


STEPS = {
    "ingest": step_ingest,
    "duckdb": lambda w: step_ibis(w, "duckdb"),
    "spark": lambda w: step_ibis(w, "spark"),
    "handsql": step_handsql,
    "pandas": step_pandas,
}


def _tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (e.g. Spark's JVM), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_step(name: str, work: Path, repeat: int = 1) -> dict[str, Any]:
    """Run one step in a fresh interpreter. Its peak memory: the step's own ru_maxrss, and the resident
    memory of its whole process tree (Spark: driver + JVM) sampled every 0.2 s; the larger is reported."""
    cmd = [sys.executable, str(HERE), "--step", name, "--workdir", str(work), "--repeat", str(repeat)]
    cmd += ["--ingest-workers", str(INGEST_WORKERS)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        sampled = 0.0
        while proc.poll() is None:
            sampled = max(sampled, _tree_rss_mib(proc.pid))
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        print(stderr[-3000:], file=sys.stderr)
        return {"seconds": float("nan"), "peak_mib": float("nan")}
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["tree_peak_mib"] = round(sampled)
    result["peak_mib"] = max(result["peak_mib"], sampled)
    return result


MATRIX_STEPS = ("duckdb", "handsql", "pandas", "spark")


def run_rounds(names: list[str], work: Path, rounds: int, repeat: int) -> dict[str, list[dict[str, Any]]]:
    """Run the matrix steps `rounds` times in turn (duckdb, handsql, pandas in each round), so that a
    ratio between steps compares runs minutes apart, not a fast hour with a slow one on a shared machine;
    prints each run and each round's ratios (`ratios`). Spark, which has no goal and takes minutes, runs in the
    first round only."""
    runs: dict[str, list[dict[str, Any]]] = {}
    for r in range(1, rounds + 1 if names else 1):
        for name in names:
            if name == "spark" and r > 1:
                continue
            runs.setdefault(name, []).append(run_step(name, work, repeat))
            print(f"{name} (round {r}/{rounds})", json.dumps(runs[name][-1]), flush=True)
        print(f"round {r}: {show(ratios({n: v[-1] for n, v in runs.items()}))}", flush=True)
    return runs


GOAL_RATIOS = (("pandas", "duckdb"), ("duckdb", "handsql"))  # goals: pandas/duckdb ≥ 10, duckdb/handsql ≤ 1.5


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The goals' ratios of seconds, for the steps that ran."""
    return {
        f"{a}/{b}": results[a]["seconds"] / results[b]["seconds"]
        for a, b in GOAL_RATIOS
        if a in results and b in results
    }


def show(r: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.2f}" for k, v in r.items())


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One step's rounds as one result: median seconds and CPU seconds, every timed run, largest peak."""
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["runs"] = [w for r in runs for w in r.get("runs", [r["seconds"]])]
    out["peak_mib"] = max(r["peak_mib"] for r in runs)
    if all("cpu_s" in r for r in runs):
        out["cpu_s"] = statistics.median(r["cpu_s"] for r in runs)
    return out


def replicate(base: Path, work: Path, times: int) -> int:
    """Build `work/ws` as `times` copies of the ingested workspace `base/ws`, each with fresh record ids
    (file numbers shifted), record ids, file names and identifiers (DOI, UT, EID, patent and title keys get
    a copy suffix, so duplicates stay within a copy). For machines where ingesting the full-size files from
    text takes too long: the tables have the same rows, sizes and skew as `times`× the base input, but the
    ingest rate is the base run's. Returns the number of records."""
    import duckdb

    src, ws = base / "ws", work / "ws"
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    files = max(int(e["file_no"]) for e in manifest.values())
    for table in ("works", "parties", "bad"):
        (ws / table).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    ids = ("doi", "ut", "eid", "pn_key", "title_key")
    for copy in range(times):
        shift = (copy * files) << 32
        suffix = f"'#{copy}'"
        common = f"rid + {shift} AS rid, record_id || {suffix} AS record_id"
        works = ", ".join(f"{c} || {suffix} AS {c}" for c in ids) + f", file || {suffix} AS file"
        for table, replace in (("works", f"{common}, {works}"), ("parties", common)):
            con.execute(
                f"COPY (SELECT * REPLACE ({replace}) FROM read_parquet('{src}/{table}/*.parquet')) "
                f"TO '{ws}/{table}/copy{copy:03d}.parquet' (FORMAT parquet, ROW_GROUP_SIZE 100000)"
            )
    out = {}
    for copy in range(times):
        for digest, entry in manifest.items():
            out[f"{digest}#{copy}"] = {
                **entry,
                "path": f"{entry['path']}#{copy}",
                "file_no": entry["file_no"] + copy * files,
            }
    (ws / "manifest.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    return sum(int(e["records"]) for e in out.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000_000, help="papers, and as many patents")
    ap.add_argument("--workdir", type=Path, default=None, help="keep generated files and workspace here")
    ap.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    ap.add_argument("--skip", default="", help="comma-separated steps to skip, e.g. pandas,spark")
    ap.add_argument(
        "--replicate-from",
        type=Path,
        default=None,
        help="instead of ingesting, build the workspace as --times copies of this workdir's ingested one",
    )
    ap.add_argument("--times", type=int, default=10, help="copies for --replicate-from")
    ap.add_argument(
        "--repeat", type=int, default=1, help="timed runs of each matrix step in its process (median reported)"
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the matrix steps, each step once per round in turn (medians and per-round ratios)",
    )
    ap.add_argument("--ingest-workers", type=int, default=2, help="files ingested at a time (worker processes)")
    args = ap.parse_args()
    global REPEAT, INGEST_WORKERS
    REPEAT, INGEST_WORKERS = args.repeat, args.ingest_workers
    if args.step:
        result = STEPS[args.step](args.workdir)
        result["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(result))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="yrdhub-bench-"))
    (work / "input").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.replicate_from:
        records = replicate(args.replicate_from, work, args.times)
        print(
            f"workspace: {args.times} copies of {args.replicate_from / 'ws'} (ingested from files), "
            f"{records:,} records, in {time.perf_counter() - started:.1f} s → {work / 'ws'}"
        )
    elif not (work / "ws/manifest.json").exists() and not any((work / "input").iterdir()):
        files = generate(args.n, work / "input")
        size = sum(f.stat().st_size for f in files) / 2**20
        print(
            f"generated {args.n:,} papers + {args.n:,} patents ({size:,.0f} MiB) in "
            f"{time.perf_counter() - started:.1f} s → {work / 'input'}"
        )
    skip = set(filter(None, args.skip.split(",")))
    results: dict[str, dict[str, Any]] = {}
    if "ingest" not in skip and not (work / "ws/manifest.json").exists():
        results["ingest"] = run_step("ingest", work)
        print("ingest", json.dumps(results["ingest"]), flush=True)
    per_round = run_rounds([n for n in MATRIX_STEPS if n not in skip], work, args.rounds, args.repeat)
    results |= {name: combine(runs) for name, runs in per_round.items()}
    fulls = {k: v.get("full") for k, v in results.items() if "full" in v}
    if len(set(fulls.values())) > 1:
        print(f"WARNING: the engines disagree on the matrix total: {fulls}")
    if "ingest" in results:
        r = results["ingest"]
        print(
            f"ingest (from the generated files in {work / 'input'}: {r['files']} files, {r['input_mib']} MiB, "
            f"{r['records']:,} records, {r['workers']} workers): ingest_records_per_s={r['records_per_s']:.0f}"
        )
    if args.rounds > 1:
        each = [ratios({n: v[i] for n, v in per_round.items() if i < len(v)}) for i in range(args.rounds)]
        median = {k: statistics.median(r[k] for r in each) for k in each[0]}
        print(f"median of the {args.rounds} rounds' ratios: {show(median)}")
    peak = max(results.get(k, {}).get("peak_mib", 0.0) for k in ("ingest", "duckdb"))

    def s(name: str) -> str:
        return f"{results[name]['seconds']:.2f}" if name in results else "nan"

    print(
        f"duckdb_s={s('duckdb')} pandas_s={s('pandas')} spark_s={s('spark')} handsql_s={s('handsql')} "
        f"peak_mib={peak:.0f}"
    )


if __name__ == "__main__":
    main()
