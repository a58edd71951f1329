"""Benchmark: Monte Carlo uncertainty analysis of COINr's ASEM example with yrdhub.indicators.

Four uncertain inputs, as COINr's sensitivity vignette: winsorisation limit winmax 1–5; normalisation
min-max [1, 100] vs z-score (10, 2); weights at levels 2 and 3 with ±25 % noise; arithmetic vs geometric
aggregation. Prints milliseconds per replication (COINr: 73.6 ms); then a Saltelli sensitivity analysis with
eight uncertain inputs (those four, the skew and kurtosis thresholds, the log transform of the fallback and
the imputation by group mean or median) at N = 10,000, N(d + 2) = 100,000 runs, in seconds. Each figure
carries the load average (1, 5, 15 min) read just before and after it, so a figure from a loaded machine
says so. The last line reads ``ms_per_replication=<a> sa_8_inputs_s=<b> peak_mib=<c>`` (c: the process's
peak resident memory, everything included).

    .venv/bin/python benchmarks/indicators_uncertainty.py [--n 10000] \
        [--data-dir ../shared/reference/coinr-asem]
"""

from __future__ import annotations

import os

# The products are small (51 units × 49 indicators): BLAS threads only fight other processes on a shared
# machine, so use one (set before NumPy loads OpenBLAS; override by exporting the variable).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from yrdhub.indicators import (
    Aggregate,
    Denominate,
    Impute,
    Normalise,
    Pipeline,
    Screen,
    Treat,
    load_inputs,
)
from yrdhub.indicators.data import Inputs
from yrdhub.indicators.uncertainty import Uncertain, noisy_weights, run_uncertainty

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def _sa_inputs(inputs: Inputs, base: list[Uncertain], n: int, seed: int) -> list[Uncertain]:
    return [
        *base,
        Uncertain("treat", "skew_thresh", values=[1.5, 2.0, 2.5], name="Skew"),
        Uncertain("treat", "kurt_thresh", values=[3.0, 3.5, 4.0], name="Kurtosis"),
        Uncertain("treat", "f2", values=["log_CT", "log_CT_plus"], name="Log"),
        Uncertain("impute", "method", values=["mean_grp", "median_grp"], name="Imputation"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="replications (default 10,000)")
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "reference" / "coinr-asem")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sa-n", type=int, default=10_000, help="N of the sensitivity analysis (default 10,000)")
    args = ap.parse_args()

    inputs = load_inputs(args.data_dir / "ASEM_iData.csv", args.data_dir / "ASEM_iMeta.csv")
    pipeline = Pipeline(
        [
            Denominate(),
            Impute("mean_grp", use_group="EurAsia_group"),
            Screen("byNA", dat_thresh=0.9),
            Treat(),
            Normalise("minmax", {"l_u": (0, 100)}),
            Aggregate(),
        ]
    )
    uncertain = [
        Uncertain("treat", "winmax", values=[1, 2, 3, 4, 5], name="Winmax"),
        Uncertain(
            "normalise",
            None,
            values=[
                {"method": "minmax", "params": {"l_u": (1, 100)}},
                {"method": "zscore", "params": {"m_sd": (10, 2)}},
            ],
            name="Normalisation",
        ),
        Uncertain(
            "aggregate",
            "weights",
            values=noisy_weights(inputs.framework, {2: 0.25, 3: 0.25}, args.n, args.seed),
            name="Weights",
        ),
        Uncertain("aggregate", "method", values=["amean", "gmean"], name="Aggregation"),
    ]
    run_uncertainty(pipeline, inputs, uncertain, n=50, seed=args.seed)  # warm-up (imports, caches)

    load0 = _load()
    t0 = time.perf_counter()
    result = run_uncertainty(pipeline, inputs, uncertain, n=args.n, seed=args.seed)
    elapsed = time.perf_counter() - t0
    load1 = _load()

    plain = pipeline.run(inputs).last["Index"]
    same = np.array_equal(result.nominal.last["Index"].to_numpy(), plain.to_numpy())
    ms = elapsed * 1000 / args.n
    print(
        f"replications: {args.n}; inputs: {[u.label for u in uncertain]}; "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; cores: {os.cpu_count()}"
    )
    print(f"nominal results identical to a plain run: {same}")
    print(f"uncertainty: {ms:.4f} ms per replication, total {elapsed:.3f} s "
          f"(COINr 73.6 ms → {73.6 / ms:.0f}×; goal ≤ 0.02 ms) [load {load0} → {load1}]")
    print(result.rank_stats.sort_values("Nominal").head(5).to_string(index=False))

    sa_in = _sa_inputs(inputs, uncertain, args.sa_n, args.seed)
    run_uncertainty(pipeline, inputs, sa_in, n=20, seed=args.seed, sensitivity=True, n_boot=None)  # warm-up
    load0 = _load()
    t0 = time.perf_counter()
    sa = run_uncertainty(pipeline, inputs, sa_in, n=args.sa_n, seed=args.seed, sensitivity=True, n_boot=None)
    sa_s = time.perf_counter() - t0
    load1 = _load()
    runs = args.sa_n * (len(sa_in) + 2)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"sensitivity: {len(sa_in)} inputs, N = {args.sa_n}, {runs} runs in {sa_s:.3f} s "
          f"(goal ≤ 5 s); peak resident memory {peak:.0f} MiB (goal < 1024) [load {load0} → {load1}]")
    assert sa.sensitivity is not None
    print(sa.sensitivity[["Variable", "Si", "STi"]].round(3).to_string(index=False))
    print(f"ms_per_replication={ms:.4f} sa_8_inputs_s={sa_s:.3f} peak_mib={peak:.0f}")

if __name__ == "__main__":
    main()
