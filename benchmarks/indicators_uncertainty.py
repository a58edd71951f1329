"""Benchmark: Monte Carlo uncertainty analysis of COINr's ASEM example with yrdhub.indicators.

Four uncertain inputs, as COINr's sensitivity vignette: winsorisation limit winmax 1–5; normalisation
min-max [1, 100] vs z-score (10, 2); weights at levels 2 and 3 with ±25 % noise; arithmetic vs geometric
aggregation. Prints milliseconds per replication (COINr: 73.6 ms) and peak memory traced during the run;
the last line reads ``ms_per_replication=<x> peak_mib=<y>``.

    .venv/bin/python benchmarks/indicators_uncertainty.py [--n 10000] \
        [--data-dir ../shared/reference/coinr-asem]
"""

from __future__ import annotations

import os

# The products are small (51 units × 49 indicators): BLAS threads only fight other processes on a shared
# machine, so use one (set before NumPy loads OpenBLAS; override by exporting the variable).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import time
import tracemalloc
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
from yrdhub.indicators.uncertainty import Uncertain, noisy_weights, run_uncertainty

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="replications (default 10,000)")
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "reference" / "coinr-asem")
    ap.add_argument("--seed", type=int, default=1)
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

    t0 = time.perf_counter()
    result = run_uncertainty(pipeline, inputs, uncertain, n=args.n, seed=args.seed)
    elapsed = time.perf_counter() - t0

    tracemalloc.start()
    run_uncertainty(pipeline, inputs, uncertain, n=args.n, seed=args.seed)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    plain = pipeline.run(inputs).last["Index"]
    same = np.array_equal(result.nominal.last["Index"].to_numpy(), plain.to_numpy())
    ms = elapsed * 1000 / args.n
    print(
        f"replications: {args.n}; inputs: {[u.label for u in uncertain]}; "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    print(f"nominal results identical to a plain run: {same}")
    print(f"total {elapsed:.3f} s; COINr needs 73.6 ms per replication → {73.6 / ms:.0f}× faster")
    print(result.rank_stats.sort_values("Nominal").head(5).to_string(index=False))
    print(f"ms_per_replication={ms:.4f} peak_mib={peak / 2**20:.1f}")


if __name__ == "__main__":
    main()
