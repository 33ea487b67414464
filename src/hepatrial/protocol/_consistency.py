"""Checks that span sections of a protocol: references between sections must resolve and agree.

Each check declares the top-level sections it reads. The root model runs them all once every
section is valid; the loader, when some section is not, still runs every check whose sections are,
so that one broken visit does not hide an unknown fact in a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple, TypeVar

from hepatrial.protocol._base import Coded, Loc, Problem, duplicate_problems, one_of, problem
from hepatrial.protocol.eligibility import ScreeningFact, eligibility_problems
from hepatrial.protocol.measures import Measures
from hepatrial.protocol.outcomes import (
    CompetingRisksOutcome,
    Outcomes,
    Population,
    RepeatedMeasuresOutcome,
)
from hepatrial.protocol.study import Arm, Assumption, Design, Infusion
from hepatrial.protocol.visits import Procedure, Visit, visits_problems

__all__ = ["consistency_problems"]


_Item = TypeVar("_Item", bound=Coded)


def _by_code(items: Sequence[_Item]) -> dict[str, _Item]:
    """Items by code; with a duplicate code (reported elsewhere) the first one wins."""
    found: dict[str, _Item] = {}
    for item in items:
        found.setdefault(item.code, item)
    return found


def _collected(visit: Visit, procedures: Mapping[str, Procedure]) -> set[str]:
    """Measure and score codes collected or derived at ``visit``."""
    codes: set[str] = set()
    for code in visit.procedures:
        if code in procedures:
            codes.update(procedures[code].measures, procedures[code].scores)
    return codes


def _visits_with(
    kind: str, visits: Sequence[Visit], procedures: Mapping[str, Procedure]
) -> list[tuple[int, Visit]]:
    return [
        (index, visit)
        for index, visit in enumerate(visits)
        if any(code in procedures and procedures[code].kind == kind for code in visit.procedures)
    ]


def _arms(arms: Sequence[Arm], design: Design) -> Iterator[Problem]:
    yield from duplicate_problems(arms, ("arms",))
    if len(design.allocation_ratio) != len(arms):
        codes = one_of(a.code for a in arms)
        yield problem(
            ("design", "allocation_ratio"),
            f"one weight per arm, in the order of arms ({len(arms)}: {codes})",
            list(design.allocation_ratio),
        )


def _facts(screening_facts: Sequence[ScreeningFact]) -> Iterator[Problem]:
    return duplicate_problems(screening_facts, ("screening_facts",))


class _Collects(NamedTuple):
    """What a kind of procedure lists: in which field, from which codes, called what."""

    field: str
    codes: tuple[str, ...]
    noun: str


def _procedures(procedures: Sequence[Procedure], measures: Measures) -> Iterator[Problem]:
    yield from duplicate_problems(procedures, ("procedures",))
    collects = {
        "labs": _Collects("measures", tuple(m.code for m in measures.labs), "lab"),
        "clinical_assessment": _Collects(
            "measures", tuple(m.code for m in measures.clinical), "clinical"
        ),
        "scores": _Collects("scores", tuple(s.code for s in measures.scores), "score"),
    }
    for index, procedure in enumerate(procedures):
        wanted = collects.get(procedure.kind)
        for field in ("measures", "scores"):
            codes: tuple[str, ...] = getattr(procedure, field)
            loc: Loc = ("procedures", index, field)
            if wanted is None or wanted.field != field:
                if codes:
                    yield problem(loc, f"no {field} for a {procedure.kind} procedure", list(codes))
                continue
            if not codes:
                yield problem(
                    loc, f"at least one {wanted.noun} code for a {procedure.kind} procedure", None
                )
            for position, code in enumerate(codes):
                if code not in wanted.codes:
                    yield problem(
                        (*loc, position),
                        f"a declared {wanted.noun} code (one of {one_of(wanted.codes)})",
                        code,
                    )


def _schedule(visits: Sequence[Visit], procedures: Sequence[Procedure]) -> Iterator[Problem]:
    yield from visits_problems(visits)
    by_code = _by_code(procedures)
    scheduled: set[str] = set()
    for index, visit in enumerate(visits):
        for position, code in enumerate(visit.procedures):
            scheduled.add(code)
            if code not in by_code:
                yield problem(
                    ("visits", index, "procedures", position),
                    f"a declared procedure (one of {one_of(by_code)})",
                    code,
                )
    for index, procedure in enumerate(procedures):
        if procedure.code not in scheduled:
            yield problem(("procedures", index), "a procedure done at some visit", procedure.code)
    for kind in ("consent", "randomization"):
        at = _visits_with(kind, visits, by_code)
        if len(at) > 1 or (not at and any(p.kind == kind for p in procedures)):
            yield problem(("visits",), f"{kind} at exactly one visit", [v.code for _, v in at])


def _scores(
    visits: Sequence[Visit], procedures: Sequence[Procedure], measures: Measures
) -> Iterator[Problem]:
    by_code = _by_code(procedures)
    inputs = {s.code: s.inputs for s in measures.scores}
    for index, visit in enumerate(visits):
        collected = _collected(visit, by_code)
        lacking = []
        for code in visit.procedures:
            for score in by_code[code].scores if code in by_code else ():
                missing = [i for i in inputs.get(score, ()) if i not in collected]
                if missing:
                    lacking.append(f"{score} lacks {', '.join(missing)}")
        if lacking:
            yield problem(
                ("visits", index, "procedures"),
                f"the inputs of every score derived at {visit.code} ({'; '.join(lacking)})",
                list(visit.procedures),
            )


def _infusion(
    infusion: Infusion,
    visits: Sequence[Visit],
    procedures: Sequence[Procedure],
    measures: Measures,
) -> Iterator[Problem]:
    by_code = _by_code(procedures)
    at = _visits_with("infusion", visits, by_code)
    days = [v.day for _, v in at]
    if len(at) != infusion.count:
        yield problem(
            ("infusion", "count"),
            f"as many infusions as visits with an infusion procedure ({len(at)})",
            infusion.count,
        )
    elif days and days[0] != 0:
        index, visit = at[0]
        yield problem(
            ("visits", index, "day"), f"day 0 for the first infusion ({visit.code})", visit.day
        )
    elif infusion.interval_days is not None:
        for (index, visit), previous in zip(at[1:], days, strict=False):
            if visit.day - previous != infusion.interval_days:
                yield problem(
                    ("visits", index, "day"),
                    f"day {previous + infusion.interval_days}, {infusion.interval_days} days "
                    f"after the previous infusion",
                    visit.day,
                )
    randomized = _visits_with("randomization", visits, by_code)
    if randomized and days and randomized[0][1].day > days[0]:
        index, visit = randomized[0]
        yield problem(
            ("visits", index, "day"), "randomization on or before the first infusion", visit.day
        )
    weight = infusion.dose_weight
    quantities = [m.code for m in measures.clinical if m.type == "quantity"]
    if weight.measure not in quantities:
        yield problem(
            ("infusion", "dose_weight", "measure"),
            f"a clinical quantity (one of {one_of(quantities)})",
            weight.measure,
        )
    visit_codes = [v.code for v in visits]
    if weight.visit not in visit_codes:
        yield problem(
            ("infusion", "dose_weight", "visit"),
            f"a declared visit (one of {one_of(visit_codes)})",
            weight.visit,
        )
    else:
        weighed = visits[visit_codes.index(weight.visit)]
        if weight.measure not in _collected(weighed, by_code):
            yield problem(
                ("infusion", "dose_weight", "visit"),
                f"a visit that collects {weight.measure}",
                weight.visit,
            )
        elif days and weighed.day > days[0]:
            yield problem(
                ("infusion", "dose_weight", "visit"),
                f"a visit on or before the first infusion (day {days[0]})",
                weight.visit,
            )


def _outcomes(
    outcomes: Outcomes,
    populations: Sequence[Population],
    measures: Measures,
    visits: Sequence[Visit],
    procedures: Sequence[Procedure],
) -> Iterator[Problem]:
    yield from duplicate_problems(populations, ("populations",))
    population_codes = [p.code for p in populations]
    by_visit = _by_code(visits)
    by_code = _by_code(procedures)
    event_codes = [e.code for e in measures.events]
    for section, items in (("primary", outcomes.primary), ("secondary", outcomes.secondary)):
        for index, outcome in enumerate(items):
            loc: Loc = ("outcomes", section, index)
            if outcome.analysis.population not in population_codes:
                yield problem(
                    (*loc, "analysis", "population"),
                    f"a declared population (one of {one_of(population_codes)})",
                    outcome.analysis.population,
                )
            if isinstance(outcome, RepeatedMeasuresOutcome):
                yield from _repeated(outcome, loc, measures, by_visit, by_code)
            elif isinstance(outcome, CompetingRisksOutcome):
                yield from (
                    problem(
                        (*loc, "events", i), f"a declared event (one of {one_of(event_codes)})", e
                    )
                    for i, e in enumerate(outcome.events)
                    if e not in event_codes
                )


def _repeated(
    outcome: RepeatedMeasuresOutcome,
    loc: Loc,
    measures: Measures,
    by_visit: Mapping[str, Visit],
    by_code: Mapping[str, Procedure],
) -> Iterator[Problem]:
    declared = measures.codes
    for i, code in enumerate(outcome.measures):
        if code not in declared:
            yield problem(
                (*loc, "measures", i), f"a declared measure (one of {one_of(declared)})", code
            )
    for i, code in enumerate(outcome.visits):
        visit = by_visit.get(code)
        if visit is None:
            yield problem(
                (*loc, "visits", i), f"a declared visit (one of {one_of(by_visit)})", code
            )
        elif visit.day <= 0:
            yield problem((*loc, "visits", i), "a visit after the first infusion (day > 0)", code)
        else:
            missing = [m for m in outcome.measures if m in declared]
            missing = [m for m in missing if m not in _collected(visit, by_code)]
            if missing:
                yield problem(
                    (*loc, "visits", i),
                    f"a visit that collects every measure (missing: {', '.join(missing)})",
                    code,
                )
        if visit is not None and visit.day > outcome.time_frame_days:
            yield problem(
                (*loc, "visits", i),
                f"a visit within the time frame (day ≤ {outcome.time_frame_days})",
                code,
            )


def _assumptions(assumptions: Sequence[Assumption]) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, assumption in enumerate(assumptions):
        if assumption.id in first:
            yield problem(
                ("assumptions", index, "id"),
                f"a unique id (already used at index {first[assumption.id]})",
                assumption.id,
            )
        first.setdefault(assumption.id, index)


_Check = tuple[tuple[str, ...], Callable[..., Iterable[Problem]]]

_CHECKS: tuple[_Check, ...] = (
    (("arms", "design"), _arms),
    (("screening_facts",), _facts),
    (("screening_facts", "eligibility"), eligibility_problems),
    (("procedures", "measures"), _procedures),
    (("visits", "procedures"), _schedule),
    (("visits", "procedures", "measures"), _scores),
    (("infusion", "visits", "procedures", "measures"), _infusion),
    (("outcomes", "populations", "measures", "visits", "procedures"), _outcomes),
    (("assumptions",), _assumptions),
)


def consistency_problems(sections: Mapping[str, object]) -> list[Problem]:
    """Run every check whose sections are all present in ``sections`` (validated section values)."""
    problems: list[Problem] = []
    for names, check in _CHECKS:
        if all(name in sections for name in names):
            problems.extend(check(*(sections[name] for name in names)))
    return problems
