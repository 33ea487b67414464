"""The protocol as one frozen, typed value: :class:`Protocol` and every part it is built from.

The parts live in small modules (``study``, ``eligibility``, ``measures``, ``visits``,
``outcomes``) and are re-exported here. A second trial is a second file validated by the same model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Self, TypeVar

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from hepatrial.errors import InputError
from hepatrial.protocol._base import Coded, Frozen, Problem, one_of, raise_problems
from hepatrial.protocol._consistency import consistency_problems
from hepatrial.protocol.eligibility import (
    NEVER,
    AgeBetween,
    AllOf,
    AnyOf,
    Compare,
    Criterion,
    Eligibility,
    Equals,
    FactType,
    Not,
    Recorded,
    Rule,
    ScreeningFact,
    WithinDays,
    rule_facts,
)
from hepatrial.protocol.measures import (
    ClinicalEvent,
    ClinicalMeasure,
    Grade,
    LabMeasure,
    MeasureKind,
    Measures,
    Score,
)
from hepatrial.protocol.outcomes import (
    Analysis,
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
    Outcomes,
    PermutationLogRank,
    Population,
    RegisteredText,
    RepeatedMeasuresOutcome,
    Rmst,
    SurvivalDifference,
    TimeToEventOutcome,
    VisitSummary,
    Wilcoxon,
)
from hepatrial.protocol.study import (
    ROLES,
    Arm,
    Assumption,
    Design,
    DoseWeight,
    EnrollmentPeriod,
    Identity,
    Infusion,
    Investigator,
    Masking,
    Minimization,
    Product,
    Randomization,
    Registration,
    ReleaseCriteria,
    Role,
    Site,
    Sponsor,
    Stratum,
)
from hepatrial.protocol.visits import Epoch, Procedure, ProcedureKind, Visit, Window

__all__ = [
    "NEVER",
    "ROLES",
    "AgeBetween",
    "AllOf",
    "Analysis",
    "AnalysisMethod",
    "AnyOf",
    "Arm",
    "Assumption",
    "ClinicalEvent",
    "ClinicalMeasure",
    "Compare",
    "CompetingRisksOutcome",
    "CoxPH",
    "Criterion",
    "CumulativeIncidence",
    "Design",
    "DoseWeight",
    "Eligibility",
    "EnrollmentPeriod",
    "Epoch",
    "Equals",
    "FactType",
    "FisherExact",
    "Grade",
    "GrayTest",
    "Identity",
    "Infusion",
    "Investigator",
    "KaplanMeier",
    "LabMeasure",
    "LogRank",
    "Masking",
    "MeasureKind",
    "Measures",
    "Minimization",
    "Mmrm",
    "Not",
    "Outcome",
    "Outcomes",
    "PermutationLogRank",
    "Population",
    "Procedure",
    "ProcedureKind",
    "Product",
    "Protocol",
    "Randomization",
    "Recorded",
    "RegisteredText",
    "Registration",
    "ReleaseCriteria",
    "RepeatedMeasuresOutcome",
    "Rmst",
    "Role",
    "Rule",
    "Score",
    "ScreeningFact",
    "Site",
    "Sponsor",
    "Stratum",
    "SurvivalDifference",
    "TimeToEventOutcome",
    "Visit",
    "VisitSummary",
    "Wilcoxon",
    "Window",
    "WithinDays",
    "rule_facts",
    "section_problems",
]

_T = TypeVar("_T", bound=Coded)


def _find(items: Sequence[_T], code: str, what: str) -> _T:
    for item in items:
        if item.code == code:
            return item
    raise InputError(field=what, expected=f"one of {one_of(i.code for i in items)}", received=code)


class Protocol(Frozen):
    """A whole trial protocol: identity, design, arms, eligibility, schedule, measures, outcomes.

    Every cross-reference (rule facts, procedure measures, outcome visits, the infusion visits,
    the allocation ratio) is checked when the value is built, so code that holds a ``Protocol``
    can follow references without checking them again.
    """

    schema_version: Literal[1]
    identity: Identity
    design: Design
    arms: tuple[Arm, ...] = Field(min_length=1)
    product: Product
    infusion: Infusion
    screening_facts: tuple[ScreeningFact, ...] = ()
    eligibility: Eligibility
    measures: Measures
    procedures: tuple[Procedure, ...] = Field(min_length=1)
    visits: tuple[Visit, ...] = Field(min_length=1)
    populations: tuple[Population, ...] = Field(min_length=1)
    outcomes: Outcomes
    assumptions: tuple[Assumption, ...] = ()

    @model_validator(mode="after")
    def _sections_agree(self) -> Self:
        sections = {name: getattr(self, name) for name in type(self).model_fields}
        raise_problems("Protocol", consistency_problems(sections))
        return self

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every eligibility criterion, inclusion first."""
        return self.eligibility.criteria

    @property
    def allocation_weights(self) -> tuple[tuple[str, int], ...]:
        """(arm code, weight) pairs in the order of :attr:`arms`."""
        return tuple(zip((a.code for a in self.arms), self.design.allocation_ratio, strict=True))

    def arm(self, code: str) -> Arm:
        """The arm with ``code``; :class:`~hepatrial.errors.InputError` if there is none."""
        return _find(self.arms, code, "arm")

    def visit(self, code: str) -> Visit:
        """The visit with ``code``; :class:`~hepatrial.errors.InputError` if there is none."""
        return _find(self.visits, code, "visit")

    def fact(self, code: str) -> ScreeningFact:
        """The screening fact with ``code``; :class:`~hepatrial.errors.InputError` if none."""
        return _find(self.screening_facts, code, "screening fact")

    def criterion(self, code: str) -> Criterion:
        """The criterion with ``code``; :class:`~hepatrial.errors.InputError` if there is none."""
        return _find(self.criteria, code, "criterion")

    def procedure(self, code: str) -> Procedure:
        """The procedure with ``code``; :class:`~hepatrial.errors.InputError` if there is none."""
        return _find(self.procedures, code, "procedure")

    def site(self, code: str) -> Site:
        """The site with ``code``; :class:`~hepatrial.errors.InputError` if there is none."""
        return _find(self.identity.sites, code, "site")

    def outcome(self, code: str) -> Outcome:
        """The outcome with ``code``; :class:`~hepatrial.errors.InputError` if there is none."""
        return _find(self.outcomes.all, code, "outcome")

    def procedures_at(self, visit_code: str) -> tuple[Procedure, ...]:
        """The procedures done at visit ``visit_code``, in the visit's order."""
        return tuple(self.procedure(code) for code in self.visit(visit_code).procedures)

    def collected_at(self, visit_code: str) -> tuple[str, ...]:
        """Lab, clinical and score codes collected or derived at visit ``visit_code``."""
        codes: dict[str, None] = {}
        for procedure in self.procedures_at(visit_code):
            codes.update(dict.fromkeys((*procedure.measures, *procedure.scores)))
        return tuple(codes)

    def visits_with(self, kind: ProcedureKind) -> tuple[Visit, ...]:
        """The visits that include a procedure of ``kind`` (e.g. ``"infusion"``)."""
        kinds = {p.code: p.kind for p in self.procedures}
        return tuple(v for v in self.visits if any(kinds[c] == kind for c in v.procedures))


def section_problems(raw: Mapping[str, object]) -> list[Problem]:
    """Cross-section problems among the sections of ``raw`` that are valid on their own.

    For a file that failed validation: the root validator did not run, so this finds what it
    would have found among the sections that did validate.
    """
    sections: dict[str, object] = {}
    for name, info in Protocol.model_fields.items():
        if name not in raw:
            if not info.is_required():
                sections[name] = info.get_default(call_default_factory=True)
            continue
        try:
            sections[name] = TypeAdapter(info.rebuild_annotation()).validate_python(raw[name])
        except ValidationError:
            continue
    return consistency_problems(sections)
