"""A protocol may choose Pocock-Simon minimization over the factors it declares as strata."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hepatrial.protocol import Minimization, Protocol

Raw = dict[str, Any]
Problems = Callable[[Raw], list[str]]

FACTORS = [
    {"code": "MELD", "label": "MELD at screening", "levels": ["<20", ">=20"]},
    {"code": "SEX", "label": "Sex", "levels": ["F", "M"]},
]


@pytest.fixture
def minimized(seed_raw: Raw) -> Raw:
    seed_raw["design"]["randomization"] = {
        "scheme": "minimization",
        "strata": FACTORS,
        "minimization": {"p_preferred": 0.75, "measure": "variance", "factor_weights": {"MELD": 2}},
    }
    return seed_raw


def test_minimization_with_its_settings_loads(
    minimized: Raw, load_raw: Callable[[Raw], Protocol]
) -> None:
    randomization = load_raw(minimized).design.randomization
    assert randomization.scheme == "minimization"
    assert randomization.block_sizes == ()
    assert [s.code for s in randomization.strata] == ["MELD", "SEX"]
    assert randomization.minimization == Minimization(
        p_preferred=0.75, measure="variance", factor_weights={"MELD": 2.0}
    )


def test_an_empty_minimization_block_takes_the_usual_defaults(
    minimized: Raw, load_raw: Callable[[Raw], Protocol]
) -> None:
    minimized["design"]["randomization"]["minimization"] = {}
    settings = load_raw(minimized).design.randomization.minimization
    assert settings == Minimization(p_preferred=0.8, measure="range", factor_weights={})


def test_the_seed_trial_stays_on_permuted_blocks(seed_raw: Raw, load_raw: Any) -> None:
    randomization = load_raw(seed_raw).design.randomization
    assert randomization.scheme == "permuted_blocks"
    assert randomization.minimization is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"strata": []},
            "design.randomization.strata: expected at least one factor to balance under "
            "minimization, got []",
        ),
        (
            {"minimization": None},
            "design.randomization.minimization: expected the minimization settings (p_preferred, "
            "measure, factor_weights; {} for the defaults), got nothing",
        ),
        (
            {"block_sizes": [2, 4]},
            "design.randomization.block_sizes: expected no block sizes for minimization "
            "randomization, got [2, 4]",
        ),
        (
            {"minimization": {"p_preferred": 0.4}},
            "design.randomization.minimization.p_preferred: expected a number ≥ 0.5, got 0.4",
        ),
        (
            {"minimization": {"p_preferred": 1.2}},
            "design.randomization.minimization.p_preferred: expected a number ≤ 1, got 1.2",
        ),
        (
            {"minimization": {"measure": "entropy"}},
            "design.randomization.minimization.measure: expected one of 'range' or 'variance', "
            "got 'entropy'",
        ),
        (
            {"minimization": {"factor_weights": {"AGE": 1}}},
            "design.randomization.minimization.factor_weights.AGE: expected a factor of strata "
            "(MELD, SEX), got 'AGE'",
        ),
        (
            {"minimization": {"factor_weights": {"MELD": 0}}},
            "design.randomization.minimization.factor_weights.MELD: expected a number > 0, got 0",
        ),
    ],
)
def test_bad_minimization_settings_are_reported_by_path(
    minimized: Raw, problems_of: Problems, change: Raw, expected: str
) -> None:
    minimized["design"]["randomization"].update(change)
    assert problems_of(minimized) == [expected]


def test_minimization_settings_need_the_minimization_scheme(
    seed_raw: Raw, problems_of: Problems
) -> None:
    seed_raw["design"]["randomization"]["minimization"] = {"p_preferred": 0.9}
    (found,) = problems_of(seed_raw)
    assert found.startswith(
        "design.randomization.minimization: expected no minimization settings unless the scheme "
        "is 'minimization', got "
    )
