"""Run the protocol's analysis plan on a data cut: tabulations in, one results bundle out.

Masking: arms are labelled by the protocol's arm order, the first arm "Group A", the second
"Group B" (and so on). The masked bundle withholds this key: it holds no arm code, label or dose.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Literal, cast

import numpy as np
import pandas as pd

import hepatrial
from hepatrial.analysis.bundle import MethodResult, Provenance, ResultsBundle
from hepatrial.analysis.describe import describe_cut
from hepatrial.datasets import (
    DECOMPENSATION_TYPES,
    derive_adae,
    derive_adce,
    derive_adlb,
    derive_adsl,
    derive_adtte,
)
from hepatrial.errors import HepatrialError, InputError
from hepatrial.protocol import Protocol
from hepatrial.protocol.outcomes import (
    AnalysisMethod,
    CompetingRisksOutcome,
    CoxPH,
    CumulativeIncidence,
    FisherExact,
    GrayTest,
    KaplanMeier,
    LogRank,
    Mmrm,
    Outcome,
    PermutationLogRank,
    RepeatedMeasuresOutcome,
    Rmst,
    SurvivalDifference,
    TimeToEventOutcome,
    VisitSummary,
    Wilcoxon,
)
from hepatrial.stats import (
    cox,
    cumulative_incidence,
    gray_test,
    kaplan_meier,
    log_rank,
    log_rank_exact,
    mmrm,
    mortality_1y,
    rmst,
    survival_difference_1y,
    visit_summary,
    wilcoxon_by_visit,
)
from hepatrial.tabulate import Tabulations

__all__ = [
    "DEFAULT_SEED",
    "AnalysisDatasets",
    "derive_datasets",
    "group_labels",
    "input_hash",
    "run_plan",
]

DEFAULT_SEED = 20_231_213
"""Seed of the generator for Monte Carlo p-values (the registration date, 2023-12-13)."""

MONTE_CARLO_RESAMPLES = 10_000
"""Random labellings for a permutation p-value where enumeration is not feasible: a standard
error of at most 0.005 (0.0022 at p = 0.05), at a cost that grows with the cohort, not 10× it."""

GROUP = "GROUP"
"""Column the analysis adds to each dataset: the arm as the results name it."""

_FAILURES = (HepatrialError, ValueError, ArithmeticError, np.linalg.LinAlgError, KeyError)
_POPULATION_FLAGS = {"ITT": "ITTFL", "SAFETY": "SAFFL", "PP": "PPFL"}
"""ADSL flag of each analysis population the protocol may name."""
_SCORE_PARAMS = {"CHILD_PUGH": "CPSCORE", "MELD_NA": "MELDNA"}
"""ADLB PARAMCD of a protocol score whose code differs from its SDTM RSTESTCD."""
_COVARIANCE: Mapping[str, Literal["unstructured", "toeplitz", "ar1", "cs"]] = {
    "unstructured": "unstructured",
    "toeplitz": "toeplitz",
    "ar1": "ar1",
    "compound_symmetry": "cs",
}


@dataclass(frozen=True, slots=True, eq=False)
class AnalysisDatasets:
    """The analysis datasets of one data cut, each with a ``GROUP`` column (the result label)."""

    adsl: pd.DataFrame
    adtte: pd.DataFrame
    adlb: pd.DataFrame
    adae: pd.DataFrame
    adce: pd.DataFrame


def group_labels(protocol: Protocol, *, masked: bool) -> dict[str, str]:
    """Arm code to result label: the code itself, or "Group A", "Group B"... in protocol order."""
    codes = [str(arm.code) for arm in protocol.arms]
    if not masked:
        return {code: code for code in codes}
    return {code: f"Group {chr(ord('A') + i)}" for i, code in enumerate(codes)}


def derive_datasets(
    tabulations: Tabulations, *, protocol: Protocol, cutoff: date, masked: bool, horizon_days: int
) -> AnalysisDatasets:
    """ADSL, ADTTE (follow-up to ``horizon_days``), ADLB, ADAE and ADCE, each with ``GROUP``."""
    adsl = derive_adsl(tabulations, protocol=protocol, cutoff=cutoff)
    label = _labeller(adsl, group_labels(protocol, masked=masked))
    return AnalysisDatasets(
        adsl=label(adsl),
        adtte=label(derive_adtte(adsl, tabulations, cutoff=cutoff, horizon_days=horizon_days)),
        adlb=label(derive_adlb(adsl, tabulations, protocol=protocol)),
        adae=label(derive_adae(adsl, tabulations)),
        adce=label(derive_adce(adsl, tabulations)),
    )


def _labeller(
    adsl: pd.DataFrame, labels: Mapping[str, str]
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    arm_of = adsl.set_index("USUBJID")["ARMCD"]

    def label(frame: pd.DataFrame) -> pd.DataFrame:
        labelled = frame.copy()
        labelled[GROUP] = labelled["USUBJID"].map(arm_of).map(labels).astype("string")
        return labelled

    return label


def input_hash(tabulations: Tabulations) -> tuple[str, dict[str, str]]:
    """SHA-256 of the tabulations: over each domain's code and canonical CSV, codes sorted.

    The canonical CSV is pandas' ``to_csv`` without the index, ``\\n`` line ends, UTF-8; the same
    tabulations give the same bytes whether built in memory or read back with ``read_csv``.
    """
    overall = hashlib.sha256()
    each: dict[str, str] = {}
    for code in sorted(tabulations.domains):
        data = tabulations.domains[code].to_csv(index=False, lineterminator="\n").encode("utf-8")
        each[code] = hashlib.sha256(data).hexdigest()
        overall.update(f"{code}\n{len(data)}\n".encode())
        overall.update(data)
    return overall.hexdigest(), each


def run_plan(
    tabulations: Tabulations,
    *,
    protocol: Protocol,
    cutoff: date,
    masked: bool,
    seed: int = DEFAULT_SEED,
    open_queries: pd.DataFrame | None = None,
) -> ResultsBundle:
    """Derive the analysis datasets and run every method of every outcome the protocol lists.

    A method that cannot be computed on these data (no events, one arm, too few observations)
    gives a :class:`MethodResult` with ``result=None`` and a note, never an exception. ``seed``
    seeds the generator of the Monte Carlo exact log-rank test (used only when enumeration is not
    feasible) and is recorded in the provenance. ``open_queries`` (columns USUBJID, VISIT, FIELD,
    STATUS, OPENED), when the EDC gives it, is summarised in the data-quality descriptives.
    """
    outcomes = (*protocol.outcomes.primary, *protocol.outcomes.secondary)
    data = derive_datasets(
        tabulations,
        protocol=protocol,
        cutoff=cutoff,
        masked=masked,
        horizon_days=max(o.time_frame_days for o in outcomes),
    )
    label = _labeller(data.adsl, group_labels(protocol, masked=masked))
    # each time-to-event outcome is followed to its own time frame, so ADTTE is derived per frame
    adtte = {
        days: label(derive_adtte(data.adsl, tabulations, cutoff=cutoff, horizon_days=days))
        for days in {
            o.time_frame_days for o in outcomes if not isinstance(o, RepeatedMeasuresOutcome)
        }
    }
    rng = np.random.default_rng(seed)
    results: list[MethodResult] = []
    for outcome in outcomes:
        results.extend(_run_outcome(outcome, data, adtte.get(outcome.time_frame_days), rng))
    total, each = input_hash(tabulations)
    provenance = Provenance(
        cutoff=cutoff,
        protocol_version=str(protocol.identity.version),
        registry_id=str(protocol.identity.registry_id),
        software_version=hepatrial.__version__,
        input_sha256=total,
        domain_sha256=each,
        seed=seed,
    )
    groups = {} if masked else group_labels(protocol, masked=False)
    descriptives = describe_cut(
        adsl=data.adsl,
        adlb=data.adlb,
        adae=data.adae,
        tabulations=tabulations,
        protocol=protocol,
        labels=group_labels(protocol, masked=masked),
        masked=masked,
        cutoff=cutoff,
        open_queries=open_queries,
    )
    return ResultsBundle(
        masked=masked,
        groups=groups,
        provenance=provenance,
        results=tuple(results),
        descriptives=descriptives,
    )


def _run_outcome(
    outcome: Outcome,
    data: AnalysisDatasets,
    adtte: pd.DataFrame | None,
    rng: np.random.Generator,
) -> list[MethodResult]:
    flag = _population_flag(outcome.analysis.population)
    out: list[MethodResult] = []
    for method in outcome.analysis.methods:
        run: list[tuple[str, Callable[[], _Run]]] = []
        if isinstance(outcome, TimeToEventOutcome) and adtte is not None:
            tte = _select(adtte[adtte["PARAMCD"] == "OS"], flag)
            run.append(("OS", partial(_survival, method, tte, rng, outcome.time_frame_days)))
        elif isinstance(outcome, CompetingRisksOutcome) and adtte is not None:
            params = ["TTDECOMP", *(DECOMPENSATION_TYPES.values() if outcome.by_event else ())]
            for param in params:
                rows = _select(adtte[adtte["PARAMCD"] == param], flag)
                run.append((param, partial(_competing, method, rows, outcome.time_frame_days)))
        elif isinstance(outcome, RepeatedMeasuresOutcome):
            lab = _select(data.adlb, flag)
            lab = lab[lab["ANL01FL"] == "Y"]
            for measure in outcome.measures:
                param = _SCORE_PARAMS.get(str(measure), str(measure))
                run.append((param, partial(_repeated, method, lab[lab["PARAMCD"] == param])))
        out.extend(_attempt(outcome.code, method, param, call) for param, call in run)
    return out


def _population_flag(code: str) -> str:
    flag = _POPULATION_FLAGS.get(code)
    if flag is None:
        raise InputError(
            field="analysis.population",
            expected=f"one of {', '.join(sorted(_POPULATION_FLAGS))}",
            received=code,
        )
    return flag


def _select(frame: pd.DataFrame, flag: str) -> pd.DataFrame:
    return frame[(frame[flag] == "Y") & frame[GROUP].notna()]


_Run = tuple[object, tuple[str, ...]]


def _attempt(
    outcome: str, method: AnalysisMethod, parameter: str, run: Callable[[], _Run]
) -> MethodResult:
    try:
        result, notes = run()
    except _FAILURES as error:
        result, notes = None, (f"{method.method} was not run on {parameter}: {error}",)
    return MethodResult(
        outcome=outcome,
        method=method.method,
        role=method.role,
        parameter=parameter,
        result=result,
        notes=notes,
    )


def _notes(*results: object) -> tuple[str, ...]:
    return tuple(n for r in results for n in cast(tuple[str, ...], getattr(r, "notes", ())))


def _survival(
    method: AnalysisMethod, tte: pd.DataFrame, rng: np.random.Generator, horizon: int
) -> _Run:
    time = tte["AVAL"].to_numpy(dtype=float)
    event = (tte["CNSR"] == 0).to_numpy(dtype=int)
    group = tte[GROUP].to_numpy(dtype=str)
    if isinstance(method, KaplanMeier):
        km = kaplan_meier(time, event, group=group)
        return {"curves": km, f"survival_at_{horizon}": km.survival_at(float(horizon))}, _notes(km)
    if isinstance(method, LogRank):
        lr = log_rank(time, event, group)
        return lr, _notes(lr)
    if isinstance(method, PermutationLogRank):
        # exact: false in the plan asks for Monte Carlo even where enumeration is feasible
        limit = 1_000_000 if method.exact else 1
        exact = log_rank_exact(
            time, event, group, max_enumeration=limit, n_resamples=MONTE_CARLO_RESAMPLES, rng=rng
        )
        return exact, _notes(exact)
    if isinstance(method, CoxPH):
        arms = sorted(set(group))
        if len(arms) != 2:
            raise ValueError(f"expected two arms, got {len(arms)}")
        events = [int(event[group == a].sum()) for a in arms]
        threshold = method.sparse_below_events
        sparse = threshold is not None and min(events) < threshold
        firth = method.firth == "always" or (method.firth == "when_sparse" and sparse)
        covariate = {f"{GROUP}[{arms[1]}]": (group == arms[1]).astype(float)}
        fit = cox(time, event, covariate, penalty="firth" if firth else "none")
        notes = _notes(fit)
        if firth:
            why = (
                f"events per arm {events}, fewer than {threshold} in an arm"
                if method.firth == "when_sparse"
                else "the plan asks for it"
            )
            notes += (
                f"{why}: Firth's penalized Cox is reported, with profile penalized-likelihood "
                "intervals and p-value",
            )
        return fit, notes
    if isinstance(method, SurvivalDifference):
        day = float(method.at_day)
        diff = survival_difference_1y(time, event, group, horizon=day)
        return diff, _notes(diff)
    if isinstance(method, FisherExact):
        day = float(method.at_day)
        mort = mortality_1y(time, event, group, horizon=day)
        return mort, _notes(mort)
    if isinstance(method, Rmst):
        tau = float(method.tau_days)
        res = rmst(time, event, group, tau=tau)
        return res, _notes(res)
    return None, (f"{method.method} is not a time-to-event method",)


def _competing(method: AnalysisMethod, rows: pd.DataFrame, horizon: int) -> _Run:
    time = rows["AVAL"].to_numpy(dtype=float)
    cause = rows["EVNTTYPE"].to_numpy(dtype=int)
    group = rows[GROUP].to_numpy(dtype=str)
    if isinstance(method, CumulativeIncidence):
        curves = cumulative_incidence(time, cause, group)
        at = cumulative_incidence(time, cause, group, times=[float(horizon)])
        return {"curves": curves, f"at_{horizon}": at}, _notes(curves, at)
    if isinstance(method, GrayTest):
        gray = gray_test(time, cause, group, cause=1)
        return gray, _notes(gray)
    if isinstance(method, FisherExact):
        day = float(method.at_day)
        # a competing event (death, transplant) rules the event out for good: status is known
        known = np.where(cause == 2, np.maximum(time, day), time)
        mort = mortality_1y(known, (cause == 1).astype(int), group, horizon=day)
        return mort, _notes(mort)
    return None, (f"{method.method} is not a competing-risks method",)


def _repeated(method: AnalysisMethod, rows: pd.DataFrame) -> _Run:
    if rows.empty:
        return None, ("no analysis values of this parameter in the population: not analysed",)
    post = rows[(rows["AVISITN"] > 0).fillna(False)]
    if isinstance(method, VisitSummary):
        table = rows.astype({"AVAL": float, "CHG": float, GROUP: str})
        summary = visit_summary(table, value="AVAL", visit="AVISITN", arm=GROUP, change="CHG")
        return summary, _notes(summary)
    if isinstance(method, Mmrm):
        model = post[post["CHG"].notna() & post["BASE"].notna()].copy()
        order = model.sort_values("AVISITN")["AVISIT"].astype(str).unique().tolist()
        model["AVISIT"] = pd.Categorical(
            model["AVISIT"].astype(str), categories=order, ordered=True
        )
        model["CHG"] = model["CHG"].astype(float)
        model["BASE"] = model["BASE"].astype(float)
        model[GROUP] = model[GROUP].astype(str)
        requested = str(method.covariance)
        fallback = [str(c) for c in method.covariance_fallback]
        unsupported = [c for c in (requested, *fallback) if c not in _COVARIANCE]
        structures = [_COVARIANCE[c] for c in (requested, *fallback) if c in _COVARIANCE]
        fit = mmrm(
            model,
            response="CHG",
            subject="USUBJID",
            visit="AVISIT",
            arm=GROUP,
            baseline="BASE",
            covariance=structures[0],
            fallback=structures[1:],
            df="residual" if method.df_method == "residual" else "satterthwaite",
        )
        notes = _notes(fit)
        if unsupported:
            notes += (f"covariance structures not available, skipped: {', '.join(unsupported)}",)
        if method.df_method == "kenward_roger":
            notes += ("the plan asks for Kenward-Roger df, not available: Satterthwaite df used",)
        return fit, notes
    if isinstance(method, Wilcoxon):
        column = "CHG" if method.response == "change_from_baseline" else "AVAL"
        table = post.astype({column: float, GROUP: str})
        tests = wilcoxon_by_visit(table, value=column, visit="AVISITN", arm=GROUP)
        return tests, _notes(tests)
    return None, (f"{method.method} is not a repeated-measures method",)
