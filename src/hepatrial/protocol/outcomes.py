"""Outcomes and the planned analysis of each, as structured fields the analysis package runs.

Each outcome names its variable (time to an event, repeated measures, or events with a competing
risk), its time frame, the analysis population, alpha and sidedness, and the methods in the order
they are reported. Exactly one method per outcome has the ``primary`` role: the one whose p-value
or estimate answers the outcome's question; the others describe, support or test sensitivity.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self, TypeAlias

from pydantic import Field, model_validator

from hepatrial.protocol._base import (
    Code,
    Flag,
    Frozen,
    Number,
    PositiveInt,
    Problem,
    Text,
    duplicate_problems,
    problem,
    raise_problems,
)

__all__ = [
    "Analysis",
    "AnalysisMethod",
    "CompetingRisksOutcome",
    "CoxPH",
    "CumulativeIncidence",
    "FisherExact",
    "GrayTest",
    "KaplanMeier",
    "LogRank",
    "Mmrm",
    "Outcome",
    "Outcomes",
    "PermutationLogRank",
    "Population",
    "RegisteredText",
    "RepeatedMeasuresOutcome",
    "Rmst",
    "SurvivalDifference",
    "TimeToEventOutcome",
    "VisitSummary",
    "Wilcoxon",
]

MethodRole = Literal["primary", "descriptive", "supportive", "sensitivity"]
Covariance = Literal[
    "unstructured",
    "heterogeneous_toeplitz",
    "toeplitz",
    "heterogeneous_ar1",
    "ar1",
    "compound_symmetry",
]
Origin = Literal["randomization", "first_infusion"]


class KaplanMeier(Frozen):
    """Kaplan–Meier estimate of the survival function in each arm."""

    method: Literal["kaplan_meier"]
    role: MethodRole


class LogRank(Frozen):
    """Log-rank test of equal hazards between the arms (asymptotic chi-square)."""

    method: Literal["logrank"]
    role: MethodRole


class PermutationLogRank(Frozen):
    """Log-rank statistic referred to its permutation distribution over re-randomizations.

    ``exact``: enumerate every allocation (feasible for 22 participants) instead of sampling.
    """

    method: Literal["permutation_logrank"]
    role: MethodRole
    exact: Flag


class CoxPH(Frozen):
    """Cox proportional-hazards hazard ratio between the arms.

    ``firth``: use Firth's penalized likelihood never, always, or when an arm has fewer than
    ``sparse_below_events`` events (where the ordinary estimate may not exist).
    """

    method: Literal["cox"]
    role: MethodRole
    firth: Literal["never", "always", "when_sparse"]
    sparse_below_events: PositiveInt | None = None

    @model_validator(mode="after")
    def _sparse_threshold_given_when_used(self) -> Self:
        if self.firth == "when_sparse" and self.sparse_below_events is None:
            raise_problems(
                "CoxPH",
                [
                    problem(
                        ("sparse_below_events",), "an event count when firth is when_sparse", None
                    )
                ],
            )
        return self


class SurvivalDifference(Frozen):
    """Difference between the arms in Kaplan–Meier survival at ``at_day``."""

    method: Literal["survival_difference"]
    role: MethodRole
    at_day: PositiveInt


class FisherExact(Frozen):
    """Fisher's exact test on the proportion with the event by ``at_day``."""

    method: Literal["fisher_exact"]
    role: MethodRole
    at_day: PositiveInt


class Rmst(Frozen):
    """Difference between the arms in restricted mean survival time up to ``tau_days``."""

    method: Literal["rmst"]
    role: MethodRole
    tau_days: PositiveInt


class Mmrm(Frozen):
    """Mixed model for repeated measures on the change from baseline.

    ``fixed_effects`` name the model terms (``visit:arm`` is the interaction); ``covariance`` is
    tried first, then each of ``covariance_fallback`` in order if the fit does not converge.
    """

    method: Literal["mmrm"]
    role: MethodRole
    response: Literal["change_from_baseline"]
    fixed_effects: tuple[
        Literal["baseline", "visit", "arm", "visit:arm", "baseline:visit"], ...
    ] = Field(min_length=1)
    covariance: Covariance
    covariance_fallback: tuple[Covariance, ...] = ()
    df_method: Literal["satterthwaite", "kenward_roger", "residual"]


class VisitSummary(Frozen):
    """Summary statistics of each measure by visit and arm."""

    method: Literal["by_visit_summary"]
    role: MethodRole
    statistics: tuple[Literal["n", "mean", "sd", "median", "q1", "q3", "min", "max"], ...] = Field(
        min_length=1
    )


class Wilcoxon(Frozen):
    """Wilcoxon rank-sum test between the arms at each visit."""

    method: Literal["wilcoxon_rank_sum"]
    role: MethodRole
    response: Literal["change_from_baseline", "value"]


class CumulativeIncidence(Frozen):
    """Cumulative incidence function per arm, treating the competing event as competing."""

    method: Literal["cumulative_incidence"]
    role: MethodRole


class GrayTest(Frozen):
    """Gray's test of equal cumulative incidence between the arms."""

    method: Literal["gray_test"]
    role: MethodRole


AnalysisMethod: TypeAlias = Annotated[
    KaplanMeier
    | LogRank
    | PermutationLogRank
    | CoxPH
    | SurvivalDifference
    | FisherExact
    | Rmst
    | Mmrm
    | VisitSummary
    | Wilcoxon
    | CumulativeIncidence
    | GrayTest,
    Field(discriminator="method"),
]

_METHODS_FOR: dict[str, frozenset[str]] = {
    "time_to_event": frozenset(
        {
            "kaplan_meier",
            "logrank",
            "permutation_logrank",
            "cox",
            "survival_difference",
            "fisher_exact",
            "rmst",
        }
    ),
    "repeated_measures": frozenset({"mmrm", "by_visit_summary", "wilcoxon_rank_sum"}),
    "competing_risks": frozenset({"cumulative_incidence", "gray_test", "fisher_exact"}),
}


class Population(Frozen):
    """An analysis population, e.g. intention to treat."""

    code: Code
    label: Text
    definition: Text


class Analysis(Frozen):
    """The planned analysis of one outcome."""

    population: Code
    alpha: Number = Field(gt=0.0, lt=1.0)
    alternative: Literal["two_sided", "less", "greater"]
    methods: tuple[AnalysisMethod, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_primary_method(self) -> Self:
        primary = [i for i, m in enumerate(self.methods) if m.role == "primary"]
        if len(primary) != 1:
            roles = [m.role for m in self.methods]
            raise_problems(
                "Analysis", [problem(("methods",), "exactly one method with role primary", roles)]
            )
        return self

    @property
    def primary_method(self) -> AnalysisMethod:
        """The method whose result answers the outcome's question."""
        return next(m for m in self.methods if m.role == "primary")


class RegisteredText(Frozen):
    """The outcome as worded in the registry, verbatim."""

    title: Text
    description: Text
    time_frame: Text


class _OutcomeBase(Frozen):
    """Fields every outcome has; ``registered`` is absent for an outcome the registry lacks."""

    code: Code
    title: Text
    registered: RegisteredText | None = None
    time_frame_days: PositiveInt
    analysis: Analysis

    def _method_problems(self, kind: str) -> list[Problem]:
        problems: list[Problem] = []
        for index, method in enumerate(self.analysis.methods):
            loc = ("analysis", "methods", index)
            if method.method not in _METHODS_FOR[kind]:
                allowed = ", ".join(sorted(_METHODS_FOR[kind]))
                problems.append(
                    problem(
                        (*loc, "method"),
                        f"a method for a {kind} outcome ({allowed})",
                        method.method,
                    )
                )
            for name in ("at_day", "tau_days"):
                day = getattr(method, name, None)
                if isinstance(day, int) and day > self.time_frame_days:
                    problems.append(
                        problem(
                            (*loc, name),
                            f"a day within the time frame (≤ {self.time_frame_days})",
                            day,
                        )
                    )
        return problems


class TimeToEventOutcome(_OutcomeBase):
    """Time from ``origin`` to ``event``, censored at the last contact or the time frame."""

    kind: Literal["time_to_event"]
    event: Literal["death"]
    origin: Origin

    @model_validator(mode="after")
    def _methods_fit(self) -> Self:
        raise_problems("TimeToEventOutcome", self._method_problems(self.kind))
        return self


class RepeatedMeasuresOutcome(_OutcomeBase):
    """``measures`` at each of ``visits``, compared with the baseline value."""

    kind: Literal["repeated_measures"]
    measures: tuple[Code, ...] = Field(min_length=1)
    visits: tuple[Code, ...] = Field(min_length=1)
    baseline: Literal["last_before_first_infusion"]

    @model_validator(mode="after")
    def _methods_fit(self) -> Self:
        raise_problems("RepeatedMeasuresOutcome", self._method_problems(self.kind))
        return self


class CompetingRisksOutcome(_OutcomeBase):
    """Time from ``origin`` to the first of ``events``, with ``competing`` as a competing risk.

    ``by_event``: also analyse the time to the first event of each kind on its own, with death
    still competing.
    """

    kind: Literal["competing_risks"]
    events: tuple[Code, ...] = Field(min_length=1)
    competing: Literal["death"]
    origin: Origin
    by_event: Flag

    @model_validator(mode="after")
    def _methods_fit(self) -> Self:
        raise_problems("CompetingRisksOutcome", self._method_problems(self.kind))
        return self


Outcome: TypeAlias = Annotated[
    TimeToEventOutcome | RepeatedMeasuresOutcome | CompetingRisksOutcome,
    Field(discriminator="kind"),
]


class Outcomes(Frozen):
    """The primary and secondary outcomes; codes are unique across both."""

    primary: tuple[Outcome, ...] = Field(min_length=1)
    secondary: tuple[Outcome, ...] = ()

    @model_validator(mode="after")
    def _codes_unique(self) -> Self:
        problems = list(duplicate_problems(self.primary, ("primary",)))
        problems += duplicate_problems(self.secondary, ("secondary",))
        primary_codes = {o.code for o in self.primary}
        problems += [
            problem(("secondary", i, "code"), "a code not used by a primary outcome", o.code)
            for i, o in enumerate(self.secondary)
            if o.code in primary_codes
        ]
        raise_problems("Outcomes", problems)
        return self

    @property
    def all(self) -> tuple[Outcome, ...]:
        """Every outcome, primary first."""
        return self.primary + self.secondary
