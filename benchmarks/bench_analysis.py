"""The analysis methods against an equivalent lifelines / statsmodels pipeline, in the same run.

Generates a seeded two-arm trial (exponential survival with censoring, a competing event, and a
change-from-baseline lab at six visits with within-participant correlation) at 22 participants
(the trial's size) and at 10,000, then times each step with hepatrial and with the baseline and
checks they agree:

    Kaplan–Meier        kaplan_meier                   lifelines KaplanMeierFitter (per arm)
    log-rank            log_rank                       lifelines.statistics.logrank_test
    Cox (Efron)         cox                            lifelines CoxPHFitter
    cumulative incid.   cumulative_incidence           lifelines AalenJohansenFitter (per arm)
    MMRM-like           mmrm, compound symmetry        statsmodels MixedLM, random intercept, REML

A random-intercept model is the compound-symmetry MMRM when the intercept variance is positive,
so the two last rows estimate the same thing. hepatrial's planned MMRM (unstructured, with
Satterthwaite df) is timed as an extra row with no baseline. ``run_plan`` end to end is timed when
``hepatrial.simulate`` can produce tabulations: on 22 participants always, on 10,000 with
``--plan-large`` (about 80 s, mostly outside the statistics; see docs/performance.md). BLAS runs
single-threaded for both pipelines (``--blas-threads``): the matrices are tiny and threads only
contend on a shared machine.

    .venv/bin/python benchmarks/bench_analysis.py [--quick] [--plan-large] [--seed 20231213]
        [--blas-threads 1]
"""

from __future__ import annotations

import os
import sys

import machine_info

# BLAS reads its thread count when numpy loads, so it is set before any import of numpy.
if __name__ == "__main__":
    _threads = "1"
    for _i, _arg in enumerate(sys.argv):
        if _arg == "--blas-threads" and _i + 1 < len(sys.argv):
            _threads = sys.argv[_i + 1]
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, _threads)

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hepatrial.stats import (
    cox,
    cumulative_incidence,
    kaplan_meier,
    log_rank,
    mmrm,
)

VISIT_WEEKS = (1, 4, 8, 12, 24, 48)
HORIZON = 365.0
GRID = (30.0, 90.0, 180.0, 270.0, 365.0)


@dataclass(frozen=True)
class Trial:
    """One synthetic trial: survival, competing-risk and longitudinal arrays."""

    time: np.ndarray[Any, Any]
    event: np.ndarray[Any, Any]
    cause: np.ndarray[Any, Any]
    cause_time: np.ndarray[Any, Any]
    arm: np.ndarray[Any, Any]
    age: np.ndarray[Any, Any]
    long: pd.DataFrame


def make_trial(n: int, rng: np.random.Generator) -> Trial:
    """Death ~ Exp (1-year mortality 40 % on LOW, HR 0.7 on MIDHIGH, older is worse);
    decompensation ~ Exp competing with death; censoring by staggered entry (follow-up uniform on
    180-730 days) and loss to follow-up; MELD change at six visits with a participant effect and
    AR(1) noise, 10 % of visits missing. Times are continuous, so no two coincide."""
    arm = np.arange(n) % 2
    rng.shuffle(arm)
    age = rng.uniform(18.0, 80.0, n)
    rate = -np.log(0.6) / 365.0 * np.exp(np.log(0.7) * arm + 0.02 * (age - 50.0))
    death = rng.exponential(1.0 / rate)
    decomp = rng.exponential(1.0 / (-np.log(0.7) / 365.0 * np.exp(np.log(0.8) * arm)), n)
    censor = np.minimum(rng.uniform(180.0, 730.0, n), rng.exponential(2000.0, n))
    time = np.minimum(death, censor)
    event = (death <= censor).astype(int)
    cause_time = np.minimum(np.minimum(decomp, death), censor)
    cause = np.select([decomp == cause_time, death == cause_time], [1, 2], 0)
    baseline = rng.normal(18.0, 4.0, n)
    effect = rng.normal(0.0, 2.0, n)
    noise = np.empty((n, len(VISIT_WEEKS)))
    previous = rng.normal(0.0, 1.5, n)
    for v in range(len(VISIT_WEEKS)):
        previous = 0.5 * previous + rng.normal(0.0, 1.3, n)
        noise[:, v] = previous
    trend = -0.15 * arm[:, None] * np.arange(1, len(VISIT_WEEKS) + 1)
    change = -0.1 * (baseline[:, None] - 18.0) + effect[:, None] + noise + trend
    seen = rng.random(change.shape) > 0.1
    long = pd.DataFrame(
        {
            "subject": np.repeat(np.arange(n), len(VISIT_WEEKS)),
            "visit": np.tile(np.arange(len(VISIT_WEEKS)), n),
            "arm": np.repeat(arm, len(VISIT_WEEKS)),
            "baseline": np.repeat(baseline, len(VISIT_WEEKS)),
            "change": change.ravel(),
        }
    )[seen.ravel()]
    return Trial(time, event, cause, cause_time, arm, age, long.reset_index(drop=True))


# --- hepatrial ---------------------------------------------------------------------------------


def ours_km(t: Trial) -> np.ndarray[Any, Any]:
    km = kaplan_meier(t.time, t.event, group=t.arm)
    return np.array([[s.survival for s in km.survival_at(g)] for g in GRID]).T


def ours_logrank(t: Trial) -> float:
    return log_rank(t.time, t.event, t.arm).chi_square


def ours_cox(t: Trial) -> np.ndarray[Any, Any]:
    fit = cox(t.time, t.event, {"arm": t.arm.astype(float), "age": t.age}, ties="efron")
    return np.concatenate([fit.coef, fit.std_error])


def ours_cif(t: Trial) -> np.ndarray[Any, Any]:
    cif = cumulative_incidence(t.cause_time, t.cause, t.arm, times=list(GRID))
    frame = cif.to_frame()
    frame = frame[frame.cause == 1]
    return frame.sort_values(["group", "time"]).estimate.to_numpy()


def ours_mmrm(t: Trial, covariance: str = "cs") -> np.ndarray[Any, Any]:
    fit = mmrm(
        t.long,
        response="change",
        subject="subject",
        visit="visit",
        arm="arm",
        baseline="baseline",
        covariance=covariance,  # type: ignore[arg-type]
    )
    if not fit.converged:
        raise RuntimeError(f"hepatrial mmrm did not converge: {fit.notes}")
    return np.concatenate([fit.coef, fit.std_error])


# --- lifelines / statsmodels ---------------------------------------------------------------------


def base_km(t: Trial) -> np.ndarray[Any, Any]:
    from lifelines import KaplanMeierFitter

    rows = []
    for g in (0, 1):
        mask = t.arm == g
        fitter = KaplanMeierFitter().fit(t.time[mask], t.event[mask])
        rows.append(fitter.survival_function_at_times(list(GRID)).to_numpy())
    return np.array(rows)


def base_logrank(t: Trial) -> float:
    from lifelines.statistics import logrank_test

    a, b = t.arm == 0, t.arm == 1
    return float(logrank_test(t.time[a], t.time[b], t.event[a], t.event[b]).test_statistic)


def base_cox(t: Trial) -> np.ndarray[Any, Any]:
    from lifelines import CoxPHFitter

    frame = pd.DataFrame({"T": t.time, "E": t.event, "arm": t.arm.astype(float), "age": t.age})
    # lifelines' default stopping rule leaves ~1e-4 in the coefficients; this matches hepatrial's
    fit = CoxPHFitter().fit(frame, "T", "E", fit_options={"precision": 1e-10})
    return np.concatenate([fit.params_.to_numpy(), fit.standard_errors_.to_numpy()])


def base_cif(t: Trial) -> np.ndarray[Any, Any]:
    from lifelines import AalenJohansenFitter

    rows = []
    for g in (0, 1):
        mask = t.arm == g
        fitter = AalenJohansenFitter(calculate_variance=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitter.fit(t.cause_time[mask], t.cause[mask], event_of_interest=1)
        curve = fitter.cumulative_density_.iloc[:, 0]
        rows.append([float(curve[curve.index <= g_time].iloc[-1]) for g_time in GRID])
    return np.array(rows).ravel()


def base_mixedlm(t: Trial) -> np.ndarray[Any, Any]:
    import statsmodels.formula.api as smf

    frame = t.long.assign(visit=t.long.visit.astype(str))
    model = smf.mixedlm(
        "change ~ baseline + C(visit) + C(visit):arm", frame, groups=frame["subject"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(reml=True, method=["lbfgs"])
    # patsy puts baseline after the visit terms; hepatrial puts it second
    order = [0, 6, 1, 2, 3, 4, 5, *range(7, 13)]
    return np.concatenate([fit.fe_params.to_numpy()[order], fit.bse_fe.to_numpy()[order]])


# --- running -------------------------------------------------------------------------------------


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def machine() -> str:
    import lifelines
    import statsmodels

    return machine_info.machine(
        f"pandas {pd.__version__}, lifelines {lifelines.__version__}, "
        f"statsmodels {statsmodels.__version__}",
        f"BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}",
    )


def run_plan_step(n: int, seed: int, repeat: int) -> str:
    """Time run_plan on a cohort simulated by hepatrial.simulate (tabulations in, bundle out)."""
    from datetime import date

    import hepatrial.simulate as simulate
    from hepatrial.analysis import run_plan
    from hepatrial.protocol import load_seed_protocol

    producer = getattr(simulate, "simulate_tabulations", None)
    if producer is None:
        return "run_plan: skipped (hepatrial.simulate exposes no tabulations producer)"
    protocol = load_seed_protocol()
    cutoff = date(2026, 6, 1)
    start = time.perf_counter()
    tabulations = producer(
        n,
        scenario=simulate.default_scenario(),
        protocol=protocol,
        rng=np.random.default_rng(seed),
        start=date(2024, 1, 15),
        cutoff=cutoff,
    )
    simulated = time.perf_counter() - start
    seconds, _ = best_of(
        lambda: run_plan(tabulations, protocol=protocol, cutoff=cutoff, masked=False), repeat
    )
    return (
        f"run_plan end to end on {n} simulated participants: {seconds:.2f} s "
        f"(simulating the tabulations took {simulated:.2f} s, not included)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="22 and 1,000 participants")
    parser.add_argument("--seed", type=int, default=20_231_213)
    parser.add_argument("--blas-threads", default="1", help="BLAS threads (set before numpy)")
    parser.add_argument(
        "--plan-large",
        action="store_true",
        help="also time run_plan on 10,000 simulated participants (about 80 s)",
    )
    args = parser.parse_args(argv)
    sizes = (22, 1_000) if args.quick else (22, 10_000)

    print(f"machine: {machine()}")
    print(f"seed {args.seed}; times are the best of 5 runs at n = 22, of 2 above")
    header = f"{'step':<24}{'n':>7}{'hepatrial s':>13}{'baseline s':>13}{'ratio':>8}  max |diff|"
    steps: list[tuple[str, Callable[[Trial], Any], Callable[[Trial], Any] | None]] = [
        ("Kaplan-Meier", ours_km, base_km),
        ("log-rank", ours_logrank, base_logrank),
        ("Cox (Efron)", ours_cox, base_cox),
        ("cumulative incidence", ours_cif, base_cif),
        ("MMRM CS / MixedLM", ours_mmrm, base_mixedlm),
        ("MMRM unstructured", lambda t: ours_mmrm(t, "unstructured"), None),
    ]
    failed = False
    for n in sizes:
        trial = make_trial(n, np.random.default_rng(args.seed))
        repeat = 5 if n <= 100 else 2
        print()
        print(header)
        total_ours = total_base = 0.0
        for name, ours, base in steps:
            ours_s, ours_out = best_of(lambda ours=ours, trial=trial: ours(trial), repeat)
            if base is None:
                print(f"{name:<24}{n:>7}{ours_s:>13.4f}{'-':>13}{'-':>8}  (no baseline)")
                continue
            base_s, base_out = best_of(lambda base=base, trial=trial: base(trial), repeat)
            diff = float(np.max(np.abs(np.asarray(ours_out) - np.asarray(base_out))))
            total_ours, total_base = total_ours + ours_s, total_base + base_s
            ratio = base_s / ours_s
            print(f"{name:<24}{n:>7}{ours_s:>13.4f}{base_s:>13.4f}{ratio:>7.1f}x  {diff:.2e}")
            # MixedLM stops its optimizer earlier than hepatrial's REML: agree to 1e-4 only
            failed |= diff > (1e-4 if "MMRM" in name else 1e-6)
        print(
            f"{'total (with baseline)':<24}{n:>7}{total_ours:>13.4f}{total_base:>13.4f}"
            f"{total_base / total_ours:>7.1f}x"
        )
        if n <= 100 or args.plan_large:
            print(run_plan_step(n, args.seed, 1))
        else:
            print(f"run_plan end to end on {n} participants: not run (--plan-large runs it)")
    if failed:
        print("DISAGREEMENT: an estimate differs from the baseline beyond tolerance")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
