"""Time the synthetic cohort: simulation and tabulation of N randomized participants.

Usage: ``python benchmarks/bench_simulate.py [--n 10000]``. Baseline, measured in the same run:
building the LB domain (the largest) from the same rows row by row with
``hepatrial.tabulate.tabulation``, against the column builder the simulator uses; the two frames
must be equal (exit 1 otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

import machine_info
from hepatrial.protocol import load_seed_protocol
from hepatrial.simulate import cohort_tabulations, default_scenario, simulate_cohort
from hepatrial.simulate._frames import Columns, domain_frame
from hepatrial.tabulate import tabulation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    protocol = load_seed_protocol()
    began = time.perf_counter()
    cohort = simulate_cohort(
        default_scenario(),
        protocol=protocol,
        rng=np.random.default_rng(1),
        start=dt.date(2023, 11, 28),
        n_randomized=args.n,
    )
    simulated = time.perf_counter() - began
    began = time.perf_counter()
    tabs = cohort_tabulations(cohort, protocol=protocol, cutoff=dt.date(2026, 1, 1))
    tabulated = time.perf_counter() - began
    lb = tabs["LB"]
    records = lb.drop(columns=["STUDYID", "DOMAIN", "LBSEQ"]).astype(object)
    records = records.where(records.notna(), None).to_dict("records")
    columns = Columns("LB")
    columns.extend({k: [r[k] for r in records] for k in records[0]}, len(records))
    began = time.perf_counter()
    rowwise = tabulation("LB", records, studyid=tabs.studyid)
    baseline = time.perf_counter() - began
    began = time.perf_counter()
    columnwise = domain_frame(columns, studyid=tabs.studyid)
    fast = time.perf_counter() - began
    print(f"machine: {machine_info.machine()}")
    print(
        f"{args.n} randomized, {len(cohort.candidates)} screened, {len(lb)} LB rows, "
        f"{sum(len(f) for f in tabs.domains.values())} rows in all"
    )
    print(f"simulate_cohort     {simulated:8.2f} s")
    print(f"cohort_tabulations  {tabulated:8.2f} s (all ten domains)")
    print(f"LB frame, row by row {baseline:7.2f} s (tabulate.tabulation, baseline)")
    print(f"LB frame, by column  {fast:7.2f} s (the simulator's builder)")
    same = True
    try:
        pd.testing.assert_frame_equal(rowwise, columnwise)
        pd.testing.assert_frame_equal(rowwise, lb)
    except AssertionError as error:
        same = False
        print(f"DIFFERENT LB frames: {error}")
    print(f"LB frame: column builder {baseline / fast:.1f}x faster than row by row")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
