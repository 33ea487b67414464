"""Data a small trial meets: an arm without events, nobody with an event, a single participant.
Each gives a report with a clear note, "not estimable" where a number cannot be had, and never
"nan" or "inf"."""

from __future__ import annotations

import re

import pytest
from report_cohort import CUTOFF, Person, build_tabulations
from report_parse import Document

from hepatrial.analysis import run_plan
from hepatrial.protocol import Protocol
from hepatrial.report import render_report

ALIVE = ("alive", 366)
CASES = {
    "an arm without events": (
        Person("001", "LOW", ("death", 100)), Person("002", "LOW", ALIVE),
        Person("003", "LOW", ALIVE), Person("004", "MIDHIGH", ALIVE),
        Person("005", "MIDHIGH", ALIVE), Person("006", "MIDHIGH", ALIVE),
    ),
    "nobody with an event": tuple(
        Person(f"00{i}", "LOW" if i % 2 else "MIDHIGH", ALIVE) for i in range(1, 7)
    ),
    "a single participant": (Person("001", "LOW", ALIVE),),
}  # fmt: skip
NOTES = {
    "an arm without events": "no events in group Group B",
    "nobody with an event": "no events in any group: the log-rank test is not defined",
    "a single participant": "only one group (Group A): the log-rank test is not defined",
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request: pytest.FixtureRequest, protocol: Protocol) -> tuple[str, str]:
    people = CASES[request.param]
    tabulations = build_tabulations(people, screen_failures=False)
    bundle = run_plan(tabulations, protocol=protocol, cutoff=CUTOFF, masked=True)
    return request.param, render_report(bundle)


def test_the_report_explains_what_could_not_be_estimated(case: tuple[str, str]) -> None:
    name, text = case
    document = Document(text)
    assert NOTES[name] in document.text
    assert "not estimable" in document.text
    assert "7. Provenance" in document.text


def test_the_report_prints_no_nan_or_infinity(case: tuple[str, str]) -> None:
    _, text = case
    assert not re.search(r"\bnan\b|\binf\b|\binfinity\b", text, re.IGNORECASE)


def test_the_primary_table_keeps_every_row_with_a_note(case: tuple[str, str]) -> None:
    _, text = case
    rows = Document(text).table("Table 2. Primary outcome").rows
    cox = next(r for r in rows if r[0].startswith("Hazard ratio (Cox)"))
    if cox[1] == "not estimable":
        assert cox[4], "a hazard ratio that is not estimable must say why"
    logrank = next(r for r in rows if r[0] == "Log-rank test")
    assert logrank[3] != ""
    assert "nan" not in logrank[3].lower()
