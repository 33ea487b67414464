"""Liver scores: the vector path against a per-row loop over the scalar functions.

Generates N realistic panels of adults with end-stage liver disease (seeded), scores MELD-Na,
MELD 3.0 and Child-Pugh with ``compute_*`` and with a Python loop over ``meld_na``, ``meld_3``
and ``child_pugh``, checks that both give identical results on the looped rows, and prints both
times, their ratio and the machine. With ``--loop-n`` smaller than ``--n`` the loop runs on the
first rows only and its time for N rows is extrapolated linearly (the output says so).

    .venv/bin/python benchmarks/bench_scores.py [--n 1000000] [--loop-n N] [--seed 20240301]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from hepatrial.clinical.scores import (
    ASCITES,
    ENCEPHALOPATHY,
    child_pugh,
    compute_child_pugh,
    compute_meld_3,
    compute_meld_na,
    meld_3,
    meld_na,
)
from machine_info import machine

Panels = dict[str, np.ndarray[Any, Any]]


def make_panels(n: int, rng: np.random.Generator) -> Panels:
    """Labs as a hospital reports them (catalogue precision), spread as in decompensated
    cirrhosis: median bilirubin ~45 µmol/L, creatinine ~85 µmol/L, INR ~1.5, sodium ~134."""
    return {
        "bilirubin": np.round(rng.lognormal(np.log(45.0), 0.9, n).clip(3.0, 900.0), 1),
        "creatinine": np.round(rng.lognormal(np.log(85.0), 0.5, n).clip(20.0, 1200.0), 1),
        "inr": np.round(rng.lognormal(np.log(1.5), 0.3, n).clip(0.8, 8.0), 2),
        "sodium": np.round(rng.normal(134.0, 5.0, n).clip(110.0, 160.0), 1),
        "albumin": np.round(rng.normal(30.0, 6.0, n).clip(12.0, 55.0), 1),
        "female": rng.random(n) < 0.35,
        "age": np.round(rng.uniform(18.0, 80.0, n), 1),
        "dialysis": rng.random(n) < 0.03,
        "ascites": np.array(ASCITES)[rng.choice(3, n, p=[0.4, 0.35, 0.25])],
        "encephalopathy": np.array(ENCEPHALOPATHY)[rng.choice(3, n, p=[0.6, 0.3, 0.1])],
    }


def score_vector(p: Panels) -> tuple[Any, Any, Any]:
    labs = {k: p[k] for k in ("bilirubin", "creatinine", "inr", "sodium", "dialysis")}
    na = compute_meld_na(**labs)
    m3 = compute_meld_3(**labs, albumin=p["albumin"], female=p["female"], age=p["age"])
    cp = compute_child_pugh(
        bilirubin=p["bilirubin"],
        albumin=p["albumin"],
        inr=p["inr"],
        ascites=p["ascites"],
        encephalopathy=p["encephalopathy"],
    )
    return na, m3, cp


def score_loop(p: Panels, rows: int) -> tuple[list[int], list[int], list[int], list[str]]:
    cols = {k: v[:rows].tolist() for k, v in p.items()}
    na, m3, points, classes = [], [], [], []
    for r in range(rows):
        b, c, i = cols["bilirubin"][r], cols["creatinine"][r], cols["inr"][r]
        s, d, alb = cols["sodium"][r], cols["dialysis"][r], cols["albumin"][r]
        na.append(meld_na(bilirubin=b, creatinine=c, inr=i, sodium=s, dialysis=d).score)
        m3.append(
            meld_3(
                bilirubin=b,
                creatinine=c,
                inr=i,
                sodium=s,
                albumin=alb,
                female=cols["female"][r],
                age=cols["age"][r],
                dialysis=d,
            ).score
        )
        result = child_pugh(
            bilirubin=b,
            albumin=alb,
            inr=i,
            ascites=cols["ascites"][r],
            encephalopathy=cols["encephalopathy"][r],
        )
        points.append(result.points)
        classes.append(result.cls)
    return na, m3, points, classes


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="panels (default 1,000,000)")
    parser.add_argument("--loop-n", type=int, default=None, help="rows for the loop (default N)")
    parser.add_argument("--seed", type=int, default=20240301)
    parser.add_argument("--repeat", type=int, default=3, help="vector runs; the best is kept")
    args = parser.parse_args(argv)
    n = args.n
    loop_n = n if args.loop_n is None else min(args.loop_n, n)

    panels = make_panels(n, np.random.default_rng(args.seed))
    score_vector({k: v[:1000] for k, v in panels.items()})  # warm up imports and caches

    runs = [timed(lambda: score_vector(panels)) for _ in range(args.repeat)]
    vector_s = min(t for t, _ in runs)
    na, m3, cp = runs[0][1]
    loop_s, (loop_na, loop_m3, loop_points, loop_classes) = timed(
        lambda: score_loop(panels, loop_n)
    )

    identical = (
        na[:loop_n].tolist() == loop_na
        and m3[:loop_n].tolist() == loop_m3
        and cp.points[:loop_n].tolist() == loop_points
        and cp.cls[:loop_n].tolist() == loop_classes
    )
    loop_full_s = loop_s * n / loop_n

    print(f"machine: {machine()}")
    print(f"command: {' '.join([os.path.relpath(sys.executable), *sys.argv])}")
    print(f"panels: {n:,} (seed {args.seed}); scores: MELD-Na + MELD 3.0 + Child-Pugh")
    print(f"vector path: {vector_s:.3f} s (best of {args.repeat})")
    if loop_n == n:
        print(f"scalar loop: {loop_s:.1f} s over all {n:,} rows")
    else:
        print(
            f"scalar loop: {loop_s:.1f} s over the first {loop_n:,} rows; "
            f"EXTRAPOLATED to {n:,} rows: {loop_full_s:.1f} s"
        )
    print(f"ratio (loop / vector): {loop_full_s / vector_s:,.0f}x")
    print(f"identical on the {loop_n:,} looped rows: {'yes' if identical else 'NO'}")
    print(
        f"MELD-Na median {np.median(na):.0f}, MELD 3.0 median {np.median(m3):.0f}, "
        f"Child-Pugh A/B/C {np.mean(cp.cls == 'A'):.0%}/{np.mean(cp.cls == 'B'):.0%}/"
        f"{np.mean(cp.cls == 'C'):.0%}"
    )
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
