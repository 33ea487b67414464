"""Scenario files: every parameter sourced, every problem named by its path."""

from __future__ import annotations

import pytest

from hepatrial.simulate import ScenarioError, default_scenario, load_scenario, parse_scenario
from hepatrial.simulate.scenario import DEFAULT_SCENARIO_FILE

DEFAULT_TEXT = (
    __import__("importlib.resources").resources.files("hepatrial.simulate")
    / "scenarios"
    / DEFAULT_SCENARIO_FILE
).read_text(encoding="utf-8")


def test_every_parameter_of_the_default_scenario_has_a_source_and_assumptions_a_reason() -> None:
    scenario = default_scenario()
    assert scenario.sources
    for path, origin in scenario.sources.items():
        assert origin.source.strip(), path
        assert not origin.assumption or (origin.reason or "").strip(), path


def test_a_bad_value_is_named_by_its_path() -> None:
    text = DEFAULT_TEXT.replace("{mean: 55, sd: 11,", "{mean: 55, sd: -11,")
    with pytest.raises(ScenarioError, match=r"parameters\.baseline\.age\.value\.sd: expected"):
        parse_scenario(text)


def test_every_problem_is_reported_at_once() -> None:
    text = DEFAULT_TEXT.replace("value: 0.27", "value: 1.7").replace("value: 1.46", "value: x")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    problems = caught.value.problems
    assert any(
        p.startswith("parameters.screening.screen_failure_probability.value") for p in problems
    )
    assert any(
        p.startswith("parameters.course.death_hr_after_decompensation.value") for p in problems
    )


def test_a_distribution_not_summing_to_one_and_a_missing_reason_are_refused() -> None:
    text = DEFAULT_TEXT.replace("HBV: 0.343", "HBV: 0.443").replace(
        '      reason: "A compromise of the three Chinese cohorts."\n', "", 1
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    assert any(
        "baseline.etiology.value: expected probabilities summing to 1" in p
        for p in caught.value.problems
    )
    assert any(
        p.endswith(".reason: expected the reason for the assumption, got None")
        for p in caught.value.problems
    )


def test_an_unknown_parameter_is_refused() -> None:
    text = DEFAULT_TEXT.replace("  safety:\n", "  safety:\n    fever_rate: {value: 1}\n")
    with pytest.raises(ScenarioError, match=r"parameters\.safety\.fever_rate"):
        parse_scenario(text)


def test_a_missing_file_is_a_scenario_error_naming_it(tmp_path: object) -> None:
    with pytest.raises(ScenarioError, match=r"nowhere\.yaml"):
        load_scenario(f"{tmp_path}/nowhere.yaml")


def test_changed_values_are_checked_like_a_file() -> None:
    with pytest.raises(ScenarioError, match=r"treatment\.death_hr\.LOW"):
        default_scenario().with_values(treatment={"death_hr": {"LOW": -1, "MIDHIGH": 1}})
    changed = default_scenario().with_values(treatment={"death_hr": {"LOW": 1, "MIDHIGH": 0.5}})
    assert changed.value("treatment", "death_hr")["MIDHIGH"] == 0.5
