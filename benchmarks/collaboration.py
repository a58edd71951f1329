"""Benchmark: ingest and city-pair matrices at scale (default 10 million papers + 10 million patents).

    .venv/bin/python benchmarks/collaboration.py --n 200000          # a quick run
    .venv/bin/python benchmarks/collaboration.py                     # 10 M papers + 10 M patents

Generates realistic GENERATED records — the real 41 YRD cities and their county-level cities, institutions
with Zipf-skewed sizes, skewed author/applicant counts, addresses outside the YRD and abroad, duplicates —
as WoS plain-text files and incoPat CSV files; ingests them with `yrdhub.analytics.ingest` (records/s from
files); then times the same city-pair matrix (dedup → regions → links → full and fractional counts) on
DuckDB (the Ibis pipeline), on pandas (a baseline), on Spark (the same Ibis pipeline) and as one
hand-written DuckDB SQL query. Every step runs in its own process so that its peak memory is its own.
The last line reads `duckdb_s=… pandas_s=… spark_s=… handsql_s=… peak_mib=…` (peak_mib: the largest peak
of the yrdhub steps, ingest and DuckDB pipeline; the baselines' peaks are printed above it).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
def step_ingest(work: Path) -> dict[str, float]:
    from yrdhub.analytics.ingest import ingest
    from yrdhub.analytics.workspace import Workspace

    files = sorted((work / "input").iterdir())
    started = time.perf_counter()
    report = ingest(files, Workspace.open(work / "ws"), batch_size=100_000)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "records": report.records, "records_per_s": report.records / seconds}


def _matrix_rows(frame: object) -> int:
    return len(frame)  # type: ignore[arg-type]


def step_ibis(work: Path, engine: str) -> dict[str, float]:
    from yrdhub.analytics import pipeline as pl
    from yrdhub.analytics.engine import connect
    from yrdhub.analytics.workspace import Workspace

    con = connect(engine)
    if engine == "spark":  # warm the JVM up so that the timing is the query, not the start-up
        con.raw_sql("SELECT 1")
    started = time.perf_counter()
    frame = pl.city_pair_matrix(pl.load(con, Workspace.open(work / "ws"))).to_pandas()
    return {"seconds": time.perf_counter() - started, "rows": _matrix_rows(frame), "full": float(frame["full"].sum())}


HAND_SQL = """
WITH w0 AS (
  SELECT record_id, kind, year, doi, ut, eid, pn_key, title_key,
         coalesce('doi:' || doi, 'ut:' || ut, 'eid:' || eid, 'pn:' || pn_key, 't:' || title_key,
                  'r:' || record_id) AS lbl
  FROM read_parquet('{works}')),
{rounds},
dd AS MATERIALIZED (SELECT * FROM {last}),
w AS (SELECT lbl AS work_id, min(kind) AS kind, min(year) AS year FROM dd GROUP BY lbl),
reg AS (
  SELECT DISTINCT r.lbl AS work_id,
         CASE WHEN p.role IN ('assignor', 'seller') THEN 'from'
              WHEN p.role IN ('assignee', 'buyer') THEN 'to' ELSE 'any' END AS side,
         p.city_code AS region
  FROM read_parquet('{parties}') p JOIN dd r USING (record_id)
  WHERE p.is_yrd AND p.city_code IS NOT NULL),
reg2 AS MATERIALIZED (SELECT reg.*, w.kind, w.year FROM reg JOIN w USING (work_id)),
und AS (SELECT DISTINCT work_id, kind, region FROM reg2 WHERE kind IN ('paper', 'patent')),
lk AS (
  SELECT a.work_id, a.kind, false AS directed, a.region AS region_a, b.region AS region_b
  FROM und a JOIN und b ON a.work_id = b.work_id AND a.region < b.region
  UNION ALL
  SELECT s.work_id, s.kind, true, s.region, d.region
  FROM reg2 s JOIN reg2 d ON s.work_id = d.work_id AND s.region <> d.region
  WHERE s.kind IN ('transfer', 'contract') AND s.side = 'from' AND d.side = 'to'),
lw AS (SELECT *, 1.0 / count(*) OVER (PARTITION BY work_id) AS weight FROM lk)
SELECT kind, directed, region_a, region_b, count(*) AS "full", sum(weight) AS fractional
FROM lw GROUP BY ALL
"""


def hand_sql(work: Path) -> str:
    steps, prev = [], "w0"
    for n, col in enumerate(("ut", "eid", "pn_key", "title_key", "doi"), start=1):
        guard = " AND (max(doi) OVER t IS NULL OR max(doi) OVER t = min(doi) OVER t)" if col == "title_key" else ""
        steps.append(
            f"a{n} AS (SELECT * REPLACE (CASE WHEN {col} IS NOT NULL{guard} THEN min(lbl) OVER t ELSE lbl END "
            f"AS lbl) FROM {prev} WINDOW t AS (PARTITION BY {col}))"
        )
        prev = f"a{n}"
    return HAND_SQL.format(
        works=work / "ws/works/*.parquet", parties=work / "ws/parties/*.parquet", rounds=",\n".join(steps), last=prev
    )


def step_handsql(work: Path) -> dict[str, float]:
    import duckdb

    con = duckdb.connect(config={"temp_directory": str(work / "duckdb-tmp")})
    if os.environ.get("YRDHUB_DUCKDB_MEMORY_LIMIT"):
        con.execute(f"SET memory_limit='{os.environ['YRDHUB_DUCKDB_MEMORY_LIMIT']}'")
    started = time.perf_counter()
    frame = con.execute(hand_sql(work)).df()
    return {"seconds": time.perf_counter() - started, "rows": _matrix_rows(frame), "full": float(frame["full"].sum())}


def step_pandas(work: Path) -> dict[str, float]:
    """The same computation written plainly in pandas (the baseline analysts would write)."""
    import pandas as pd

    started = time.perf_counter()
    cols = ["record_id", "kind", "year", "doi", "ut", "eid", "pn_key", "title_key"]
    w = pd.read_parquet(work / "ws/works", columns=cols)
    p = pd.read_parquet(work / "ws/parties", columns=["record_id", "role", "city_code", "is_yrd"])
    lbl = None
    for col, prefix in (
        ("doi", "doi:"),
        ("ut", "ut:"),
        ("eid", "eid:"),
        ("pn_key", "pn:"),
        ("title_key", "t:"),
        ("record_id", "r:"),
    ):
        part = prefix + w[col]
        lbl = part if lbl is None else lbl.fillna(part)
    w["lbl"] = lbl
    for col in ("ut", "eid", "pn_key", "title_key", "doi"):
        g = w.groupby(col)
        m = g["lbl"].transform("min")
        ok = w[col].notna()
        if col == "title_key":
            hi, lo = g["doi"].transform("max"), g["doi"].transform("min")
            ok = ok & (hi.isna() | (hi == lo))
        w["lbl"] = m.where(ok, w["lbl"])
    works = w.groupby("lbl").agg(kind=("kind", "min"), year=("year", "min")).reset_index()
    p = p[p["is_yrd"] & p["city_code"].notna()].merge(w[["record_id", "lbl"]], on="record_id")
    p["side"] = np.where(
        p["role"].isin(["assignor", "seller"]), "from", np.where(p["role"].isin(["assignee", "buyer"]), "to", "any")
    )
    reg = p[["lbl", "side", "city_code"]].drop_duplicates().merge(works, on="lbl")
    und = reg[reg["kind"].isin(["paper", "patent"])][["lbl", "kind", "city_code"]].drop_duplicates()
    pairs = und.merge(und[["lbl", "city_code"]], on="lbl", suffixes=("_a", "_b"))
    pairs = pairs[pairs["city_code_a"] < pairs["city_code_b"]].assign(directed=False)
    d = reg[reg["kind"].isin(["transfer", "contract"])]
    flows = d[d["side"] == "from"].merge(d[d["side"] == "to"][["lbl", "city_code"]], on="lbl", suffixes=("_a", "_b"))
    flows = flows[flows["city_code_a"] != flows["city_code_b"]].assign(directed=True)
    keep = ["lbl", "kind", "directed", "city_code_a", "city_code_b"]
    lk = pd.concat([pairs[keep], flows[keep]], ignore_index=True)
    lk["weight"] = 1.0 / lk.groupby("lbl")["lbl"].transform("size")
    frame = (
        lk.groupby(["kind", "directed", "city_code_a", "city_code_b"])
        .agg(full=("lbl", "size"), fractional=("weight", "sum"))
        .reset_index()
    )
    return {"seconds": time.perf_counter() - started, "rows": _matrix_rows(frame), "full": float(frame["full"].sum())}


STEPS = {
    "ingest": step_ingest,
    "duckdb": lambda w: step_ibis(w, "duckdb"),
    "spark": lambda w: step_ibis(w, "spark"),
    "handsql": step_handsql,
    "pandas": step_pandas,
}


def run_step(name: str, work: Path) -> dict[str, float]:
    """Run one step in a fresh interpreter; its own peak RSS is reported (Spark: the Python driver only)."""
    out = subprocess.run(
        [sys.executable, str(HERE), "--step", name, "--workdir", str(work)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        print(out.stderr[-3000:], file=sys.stderr)
        return {"seconds": float("nan"), "peak_mib": float("nan")}
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000_000, help="papers, and as many patents")
    ap.add_argument("--workdir", type=Path, default=None, help="keep generated files and workspace here")
    ap.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    ap.add_argument("--skip", default="", help="comma-separated steps to skip, e.g. pandas,spark")
    args = ap.parse_args()
    if args.step:
        result = STEPS[args.step](args.workdir)
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="yrdhub-bench-"))
    (work / "input").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not any((work / "input").iterdir()):
        files = generate(args.n, work / "input")
        size = sum(f.stat().st_size for f in files) / 2**20
        print(
            f"generated {args.n:,} papers + {args.n:,} patents ({size:,.0f} MiB) in "
            f"{time.perf_counter() - started:.1f} s → {work / 'input'}"
        )
    skip = set(filter(None, args.skip.split(",")))
    results: dict[str, dict[str, float]] = {}
    for name in ("ingest", "duckdb", "handsql", "pandas", "spark"):
        if name in skip or (name == "ingest" and (work / "ws/manifest.json").exists()):
            continue
        results[name] = run_step(name, work)
        print(name, json.dumps(results[name]), flush=True)
    fulls = {k: v.get("full") for k, v in results.items() if "full" in v}
    if len(set(fulls.values())) > 1:
        print(f"WARNING: the engines disagree on the matrix total: {fulls}")
    if "ingest" in results:
        print(f"ingest_records_per_s={results['ingest']['records_per_s']:.0f}")
    peak = max(results.get(k, {}).get("peak_mib", 0.0) for k in ("ingest", "duckdb"))

    def s(name: str) -> str:
        return f"{results[name]['seconds']:.2f}" if name in results else "nan"

    print(
        f"duckdb_s={s('duckdb')} pandas_s={s('pandas')} spark_s={s('spark')} handsql_s={s('handsql')} "
        f"peak_mib={peak:.0f}"
    )


if __name__ == "__main__":
    main()
