"""Pocock-Simon minimization: imbalance scores, the random element, balance over a trial."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.design import ArmImbalance, minimization_assign
from hepatrial.errors import InputError

Allocated = tuple[Mapping[str, str], str]

# A hand-worked example. Randomized so far, as (sex, age group) -> arm:
#   A: (M, <60), (F, >=60), (M, >=60)      B: (M, <60), (F, <60)
# The new participant is (M, >=60). Marginal totals at the new participant's levels:
#   sex M:   A 2, B 1          age >=60:   A 2, B 0
# Give A: sex (3, 1), age (3, 0); give B: sex (2, 2), age (2, 1).
EXAMPLE: list[Allocated] = [
    ({"SEX": "M", "AGE": "<60"}, "A"),
    ({"SEX": "F", "AGE": ">=60"}, "A"),
    ({"SEX": "M", "AGE": ">=60"}, "A"),
    ({"SEX": "M", "AGE": "<60"}, "B"),
    ({"SEX": "F", "AGE": "<60"}, "B"),
]
NEW = {"SEX": "M", "AGE": ">=60"}


def assign(existing: Sequence[Allocated], levels: Mapping[str, str], **options: Any) -> Any:
    options.setdefault("arms", ("A", "B"))
    options.setdefault("rng", random.Random(0))
    return minimization_assign(existing, levels, **options)


def test_range_imbalance_matches_the_hand_worked_example() -> None:
    result = assign(EXAMPLE, NEW, p_preferred=1.0)
    # Ranges: give A -> sex 3-1 = 2, age 3-0 = 3, sum 5; give B -> sex 0, age 1, sum 1.
    assert result.imbalance == (
        ArmImbalance("A", (("SEX", Fraction(2)), ("AGE", Fraction(3))), Fraction(5)),
        ArmImbalance("B", (("SEX", Fraction(0)), ("AGE", Fraction(1))), Fraction(1)),
    )
    assert result.preferred == ("B",)
    assert result.arm == "B"
    assert result.followed_preference


def test_variance_imbalance_matches_the_hand_worked_example() -> None:
    result = assign(EXAMPLE, NEW, p_preferred=1.0, measure="variance")
    # Variances (divisor 2): give A -> (3,1): 1, (3,0): 9/4, sum 13/4; give B -> 0 + 1/4.
    assert [item.total for item in result.imbalance] == [Fraction(13, 4), Fraction(1, 4)]
    assert result.measure == "variance"
    assert result.arm == "B"


def test_an_unequal_ratio_balances_counts_in_proportion_to_it() -> None:
    existing: list[Allocated] = [({"SEX": "M"}, "A"), ({"SEX": "M"}, "A"), ({"SEX": "M"}, "B")]
    result = assign(existing, {"SEX": "M"}, ratio=(2, 1), p_preferred=1.0)
    # Counts over weights: give A -> (3/2, 1/1), range 1/2; give B -> (2/2, 2/1), range 1.
    assert [item.total for item in result.imbalance] == [Fraction(1, 2), Fraction(1)]
    assert result.arm == "A"


def test_over_a_trial_an_unequal_ratio_is_kept_on_every_level() -> None:
    rng, levels = random.Random(0), random.Random(99)
    existing: list[Allocated] = []
    for _ in range(300):
        new = {"SEX": levels.choice("MF")}
        existing.append((new, assign(existing, new, ratio=(2, 1), rng=rng).arm))
    for sex in "MF":
        counts = Counter(arm for lv, arm in existing if lv["SEX"] == sex)
        assert abs(counts["A"] - 2 * counts["B"]) <= 6


def test_factor_weights_decide_between_otherwise_equal_arms() -> None:
    existing: list[Allocated] = [
        ({"SEX": "M", "AGE": "young"}, "A"),
        ({"SEX": "F", "AGE": "old"}, "B"),
        ({"SEX": "F", "AGE": "old"}, "B"),
    ]
    new = {"SEX": "M", "AGE": "old"}
    # Unweighted: give A -> sex 2 + age 1; give B -> sex 0 + age 3; a tie at 3.
    assert assign(existing, new, p_preferred=1.0).preferred == ("A", "B")
    assert assign(existing, new, p_preferred=1.0, factor_weights={"SEX": 2}).arm == "B"
    assert assign(existing, new, p_preferred=1.0, factor_weights={"AGE": 2.0}).arm == "A"


def _range_totals(
    existing: Sequence[Allocated], new: Mapping[str, str], arms: Sequence[str]
) -> dict[str, int]:
    totals = {}
    for candidate in arms:
        total = 0
        for factor, level in new.items():
            counts = [
                sum(1 for lv, a in existing if lv[factor] == level and a == arm)
                + (arm == candidate)
                for arm in arms
            ]
            total += max(counts) - min(counts)
        totals[candidate] = total
    return totals


participant = st.fixed_dictionaries({"SEX": st.sampled_from("MF"), "AGE": st.sampled_from("yo")})


@given(
    existing=st.lists(st.tuples(participant, st.sampled_from("ABC")), max_size=40),
    new=participant,
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_with_p_preferred_1_the_arm_always_minimizes_the_imbalance(
    existing: list[Allocated], new: dict[str, str], seed: int
) -> None:
    arms = ("A", "B", "C")
    result = assign(existing, new, arms=arms, p_preferred=1.0, rng=random.Random(seed))
    totals = _range_totals(existing, new, arms)
    assert {item.arm: item.total for item in result.imbalance} == totals
    assert totals[result.arm] == min(totals.values())
    assert set(result.preferred) == {arm for arm in arms if totals[arm] == min(totals.values())}


@given(levels=st.lists(st.sampled_from(["a", "b", "c"]), max_size=60), seed=st.integers(0, 2**32))
def test_deterministic_minimization_on_one_factor_never_lets_a_level_drift_past_1(
    levels: list[str], seed: int
) -> None:
    rng = random.Random(seed)
    existing: list[Allocated] = []
    for level in levels:
        new = {"GROUP": level}
        existing.append((new, assign(existing, new, p_preferred=1.0, rng=rng).arm))
        counts = Counter(arm for lv, arm in existing if lv["GROUP"] == level)
        assert abs(counts["A"] - counts["B"]) <= 1


def test_ties_are_broken_at_random() -> None:
    rng = random.Random(3)
    results = [assign([], {"SEX": "F"}, rng=rng) for _ in range(400)]
    assert all(r.preferred == ("A", "B") for r in results)
    share_a = sum(r.arm == "A" for r in results) / 400
    assert 0.42 < share_a < 0.58


def test_the_preferred_arm_is_taken_with_probability_p_preferred() -> None:
    rng = random.Random(5)
    existing: list[Allocated] = [({"SEX": "M"}, "A")]
    results = [assign(existing, {"SEX": "M"}, rng=rng, p_preferred=0.8) for _ in range(4000)]
    assert all(r.preferred == ("B",) for r in results)
    followed = sum(r.followed_preference for r in results) / 4000
    assert 0.77 < followed < 0.83
    assert {r.arm for r in results if not r.followed_preference} == {"A"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_over_a_trial_minimization_keeps_every_marginal_imbalance_small(seed: int) -> None:
    """Simple randomization of 400 leaves some level 8 or more out of balance in most trials."""
    rng, levels = random.Random(seed), random.Random(10_000 + seed)
    existing: list[Allocated] = []
    running = Counter[tuple[str, str, str]]()
    worst = 0
    for _ in range(400):
        new = {
            "SEX": levels.choice("MF"),
            "AGE": levels.choice(["<40", "40-60", ">60"]),
            "SITE": levels.choice("ab"),
        }
        arm = assign(existing, new, rng=rng).arm
        existing.append((new, arm))
        for factor, level in new.items():
            running[factor, level, arm] += 1
            worst = max(worst, abs(running[factor, level, "A"] - running[factor, level, "B"]))
    final = max(abs(running[f, lv, "A"] - running[f, lv, "B"]) for f, lv, _ in running)
    assert worst <= 12
    assert final <= 7


def test_the_same_seed_replays_the_same_assignments() -> None:
    def run(seed: int) -> list[Any]:
        rng, levels = random.Random(seed), random.Random(1)
        existing: list[Allocated] = []
        results = []
        for _ in range(50):
            new = {"SEX": levels.choice("MF")}
            result = assign(existing, new, rng=rng)
            existing.append((new, result.arm))
            results.append(result)
        return results

    assert run(8) == run(8)
    assert [r.arm for r in run(8)] != [r.arm for r in run(9)]


@pytest.mark.parametrize(
    ("existing", "new", "options", "message"),
    [
        (
            [],
            NEW,
            {"p_preferred": 0.3},
            "p_preferred: expected a probability from 0.5 to 1, got 0.3",
        ),
        ([], NEW, {"p_preferred": True}, "p_preferred: expected a probability from 0.5 to 1"),
        ([], NEW, {"measure": "sd"}, "measure: expected 'range' or 'variance', got 'sd'"),
        ([], NEW, {"arms": ("A",)}, "arms: expected at least two arm codes"),
        ([], NEW, {"arms": ("A", "A")}, "arms[1]: expected each arm code once, got 'A'"),
        ([], NEW, {"ratio": (1,)}, "ratio: expected 2 weights, one per arm in the order of arms"),
        ([], NEW, {"ratio": (1, 0)}, "ratio[1]: expected a positive whole number, got 0"),
        ([], {}, {}, "new_levels: expected a level for at least one factor"),
        ([], {"SEX": 1}, {}, "new_levels.SEX: expected a level name, got 1"),
        (
            [({"SEX": "M", "AGE": "<60"}, "C")],
            NEW,
            {},
            "existing[0].arm: expected one of A, B, got 'C'",
        ),
        (
            [({"SEX": "M"}, "A")],
            NEW,
            {},
            "existing[0].levels.AGE: expected a level for every factor of the new participant",
        ),
        (
            [],
            NEW,
            {"factor_weights": {"SITE": 1}},
            "factor_weights: expected weights only for the factors SEX, AGE, got 'SITE'",
        ),
        (
            [],
            NEW,
            {"factor_weights": {"SEX": -1}},
            "factor_weights.SEX: expected a positive number, got -1",
        ),
    ],
)
def test_invalid_minimization_inputs_name_the_field_expected_and_received(
    existing: list[Allocated], new: dict[str, Any], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        assign(existing, new, **options)
    assert str(caught.value).startswith(message)
