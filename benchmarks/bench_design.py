"""Design evaluation: the vectorized tests against a per-replicate loop over lifelines and scipy.

Simulates R trials of the registered design (22 participants, 1:1, 1 year) with an effect on
survival and MELD change, then computes, for every trial, the log-rank p-value, Fisher's exact
p-value on 1-year mortality and Welch's t-test p-values on MELD change at weeks 24 and 48:

- **vectorized**: ``log_rank_batched``, ``fisher_exact_batched`` and ``welch_t_batched`` on the
  whole (R × 22) arrays (best of ``--repeat`` runs);
- **loop**: a Python loop calling lifelines' ``logrank_test``, ``scipy.stats.fisher_exact`` and
  ``scipy.stats.ttest_ind`` (twice) per trial, on the first ``--loop-n`` trials, its time then
  scaled linearly to R (the output says EXTRAPOLATED).

It checks that both give the same p-values on the looped trials (prints the largest absolute
difference per test; exits 1 above 1e-9), then times the whole pipeline (simulation + the three
tests) on ``--big`` trials, the figure the target is about.

    .venv/bin/python benchmarks/bench_design.py [--replicates 10000] [--loop-n 1000]
        [--big 100000] [--seed 20231128]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from lifelines.statistics import logrank_test
from scipy.stats import fisher_exact, ttest_ind

from hepatrial.simulate import DesignScenario, SimulatedTrials, simulate_trials
from hepatrial.stats import fisher_exact_batched, log_rank_batched, welch_t_batched
from machine_info import machine

SCENARIO = DesignScenario(hazard_ratio=0.7, meld_difference=(-2.0, -2.0))
TESTS = ("log_rank", "fisher_1y", "meld_w24", "meld_w48")
HORIZON = 365.0


def vectorized(trials: SimulatedTrials) -> dict[str, np.ndarray[Any, Any]]:
    time_, event, group = trials.time, trials.event, trials.group
    died = event & (time_ <= HORIZON)
    known = died | (time_ >= HORIZON)
    other = group == 1
    table = np.empty((trials.replicates, 2, 2), dtype=np.int64)
    for row, in_arm in enumerate((other, ~other)):
        deaths = (died & in_arm).sum(axis=1)
        table[:, row, 0] = deaths
        table[:, row, 1] = (known & in_arm).sum(axis=1) - deaths
    return {
        "log_rank": log_rank_batched(time_, event, group).p_value,
        "fisher_1y": fisher_exact_batched(table),
        "meld_w24": welch_t_batched(trials.meld_change[..., 0], group).p_value,
        "meld_w48": welch_t_batched(trials.meld_change[..., 1], group).p_value,
    }


def loop(trials: SimulatedTrials, rows: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {test: [] for test in TESTS}
    for r in range(rows):
        t, e, other = trials.time[r], trials.event[r], trials.group[r] == 1
        if e.any():
            result = logrank_test(t[~other], t[other], e[~other], e[other])
            out["log_rank"].append(float(result.p_value))
        else:
            out["log_rank"].append(float("nan"))
        died = e & (t <= HORIZON)
        known = died | (t >= HORIZON)
        table = [
            [int((died & arm).sum()), int((known & arm & ~died).sum())] for arm in (other, ~other)
        ]
        out["fisher_1y"].append(float(fisher_exact(table).pvalue))
        for week, name in enumerate(("meld_w24", "meld_w48")):
            values = trials.meld_change[r, :, week]
            a = values[~other & ~np.isnan(values)]
            b = values[other & ~np.isnan(values)]
            if min(a.size, b.size) < 2:
                out[name].append(float("nan"))
            else:
                out[name].append(float(ttest_ind(b, a, equal_var=False).pvalue))
    return out


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=10_000)
    parser.add_argument("--loop-n", type=int, default=1_000, help="trials for the loop")
    parser.add_argument("--big", type=int, default=100_000, help="trials for the full pipeline")
    parser.add_argument("--seed", type=int, default=20231128)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    replicates = args.replicates
    loop_n = min(args.loop_n, replicates)

    trials = simulate_trials(SCENARIO, replicates, np.random.default_rng(args.seed))
    vectorized(simulate_trials(SCENARIO, 100, np.random.default_rng(0)))  # warm-up
    runs = [timed(lambda: vectorized(trials)) for _ in range(args.repeat)]
    vector_s = min(t for t, _ in runs)
    p_vector = runs[0][1]
    loop_s, p_loop = timed(lambda: loop(trials, loop_n))
    loop_full_s = loop_s * replicates / loop_n

    worst = {}
    for test in TESTS:
        a = p_vector[test][:loop_n]
        b = np.array(p_loop[test])
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            worst[test] = float("inf")
            continue
        both = ~np.isnan(a)
        worst[test] = float(np.max(np.abs(a[both] - b[both]), initial=0.0))

    def pipeline() -> dict[str, np.ndarray[Any, Any]]:
        big = simulate_trials(SCENARIO, args.big, np.random.default_rng(args.seed + 1))
        return vectorized(big)

    big_runs = [timed(pipeline) for _ in range(args.repeat)]
    big_s = min(t for t, _ in big_runs)

    print(f"machine: {machine()}")
    print(f"command: {' '.join([os.path.relpath(sys.executable), *sys.argv])}")
    print(
        f"scenario: n={SCENARIO.n} (1:1), 1-year mortality {SCENARIO.control_mortality_1y:g}, "
        f"HR {SCENARIO.hazard_ratio:g}, MELD difference {SCENARIO.meld_difference[0]:g}; "
        f"seed {args.seed}"
    )
    print("tests: log-rank + Fisher (1-year mortality) + Welch MELD change W24 and W48")
    print(f"vectorized, {replicates:,} trials: {vector_s:.3f} s (best of {args.repeat})")
    if loop_n == replicates:
        print(f"loop (lifelines + scipy), {replicates:,} trials: {loop_s:.1f} s")
    else:
        print(
            f"loop (lifelines + scipy): {loop_s:.1f} s over the first {loop_n:,} trials; "
            f"EXTRAPOLATED to {replicates:,}: {loop_full_s:.1f} s"
        )
    print(f"ratio (loop / vectorized): {loop_full_s / vector_s:,.0f}x")
    for test in TESTS:
        print(f"max |p vectorized - p loop| over {loop_n:,} trials, {test}: {worst[test]:.2e}")
    print(
        f"full pipeline (simulate + 4 tests), {args.big:,} trials: {big_s:.3f} s "
        f"(best of {args.repeat}); loop EXTRAPOLATED to {args.big:,}: "
        f"{loop_s * args.big / loop_n:.0f} s"
    )
    return 0 if max(worst.values()) <= 1e-9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
