"""By-visit summaries and the rank-sum test against R (quantile type 7, wilcox.test).

Reference values: tests/reference/by_visit (nlme::Orthodont, survival::aml, survival::ovarian).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats.by_visit import (
    SENSITIVITY_NOTE,
    _rank_sum_counts,
    visit_summary,
    wilcoxon_by_visit,
    wilcoxon_rank_sum,
)

REF = Path(__file__).resolve().parents[1] / "reference" / "by_visit"
RTOL = 1e-6
ORTHODONT = pd.read_csv(REF / "orthodont.csv")
SUMMARY = pd.read_csv(REF / "orthodont_summary.csv")
WILCOX = pd.read_csv(REF / "wilcox.csv")
HODGES_LEHMANN = pd.read_csv(REF / "hodges_lehmann.csv")
STATS = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")


def _samples(case: str) -> tuple[pd.Series, pd.Series]:
    if case == "aml_time":
        aml = pd.read_csv(REF / "aml.csv")
        return aml.time[aml.x == "Maintained"], aml.time[aml.x == "Nonmaintained"]
    if case == "ovarian_futime":
        ovarian = pd.read_csv(REF / "ovarian.csv")
        return ovarian.futime[ovarian.rx == 1], ovarian.futime[ovarian.rx == 2]
    _, variable, age = case.split("_")
    at_age = ORTHODONT[ORTHODONT.age == int(age.removeprefix("age"))]
    return at_age[variable][at_age.Sex == "Male"], at_age[variable][at_age.Sex == "Female"]


def test_orthodont_summaries_match_r_per_age_and_sex() -> None:
    result = visit_summary(ORTHODONT, value="distance", visit="age", arm="Sex", change="change")
    ours = result.to_frame()
    ours["variable"] = ours["variable"].map({"value": "distance", "change": "change"})
    merged = SUMMARY.merge(
        ours, left_on=["variable", "age", "Sex"], right_on=["variable", "visit", "arm"]
    )
    assert len(merged) == len(SUMMARY) == len(ours) == 16
    for stat in STATS:
        np.testing.assert_allclose(merged[f"{stat}_y"], merged[f"{stat}_x"], rtol=RTOL, atol=1e-12)
    assert result.notes == ()


@pytest.mark.parametrize(
    "row",
    list(WILCOX.itertuples()),
    ids=lambda r: f"{r.case}-{r.alternative}-exact{r.exact}-correct{r.correct}",
)
def test_rank_sum_w_and_p_match_wilcox_test(row: pd.Series) -> None:
    x, y = _samples(row.case)
    exact = None if pd.isna(row.exact) else bool(row.exact)
    result = wilcoxon_rank_sum(
        x, y, alternative=row.alternative.replace(".", "-"), exact=exact, correct=bool(row.correct)
    )
    assert result.statistic == pytest.approx(row.W, rel=RTOL)
    assert result.p_value == pytest.approx(row.p_value, rel=RTOL)
    assert result.method == row.method


@pytest.mark.parametrize(
    "row",
    list(HODGES_LEHMANN.itertuples()),
    ids=lambda r: f"{r.case}-{r.alternative}-{r.conf_level}",
)
def test_hodges_lehmann_shift_and_exact_interval_match_wilcox_test_conf_int(
    row: pd.Series,
) -> None:
    if row.case == "tiny":
        x, y = pd.Series([1.5, 2.25]), pd.Series([3.1, 4.7, 0.2])
    else:
        x, y = _samples(row.case)
    result = wilcoxon_rank_sum(
        x, y, alternative=row.alternative.replace(".", "-"), conf_level=row.conf_level
    )
    assert result.shift == pytest.approx(row.estimate, rel=RTOL)
    assert result.conf_low == pytest.approx(row.conf_low, rel=RTOL)
    assert result.conf_high == pytest.approx(row.conf_high, rel=RTOL)
    unreachable = [n for n in result.notes if "too small" in n]
    if row.achieved_level == row.conf_level:
        assert unreachable == []
    else:
        assert unreachable == [
            f"samples too small for a {row.conf_level:g} interval of the shift: "
            f"the interval given has level {row.achieved_level:g}"
        ]


def test_normal_approximation_gives_no_shift_interval_and_says_so() -> None:
    x, y = _samples("aml_time")
    result = wilcoxon_rank_sum(x, y)
    assert result.conf_low is None
    assert result.conf_high is None
    assert any("no interval for the Hodges-Lehmann shift" in n for n in result.notes)
    assert math.isnan(result.to_frame().conf_low.iloc[0])


def test_normal_approximation_shift_is_the_median_difference_close_to_r_root_search() -> None:
    ref = pd.read_csv(REF / "hodges_lehmann_normal.csv").iloc[0]
    result = wilcoxon_rank_sum(*_samples("aml_time"))
    assert result.shift == pytest.approx(ref.median_pairwise_difference, rel=RTOL)
    assert result.shift == pytest.approx(ref.estimate, rel=1e-4)


def test_tied_samples_fall_back_to_the_normal_approximation_with_a_note() -> None:
    x, y = _samples("aml_time")
    result = wilcoxon_rank_sum(x, y)
    assert not result.exact
    assert any("ties" in note for note in result.notes)


def test_by_visit_tests_match_wilcox_test_per_age_and_carry_the_sensitivity_note() -> None:
    result = wilcoxon_by_visit(
        ORTHODONT, value="distance", visit="age", arm="Sex", arms=("Male", "Female")
    )
    frame = result.to_frame()
    for age, p_value, w in zip(frame.visit, frame.p_value, frame.W, strict=True):
        ref = WILCOX[WILCOX.case == f"orthodont_distance_age{age}"].iloc[0]
        assert w == pytest.approx(ref.W, rel=RTOL)
        assert p_value == pytest.approx(ref.p_value, rel=RTOL)
    assert SENSITIVITY_NOTE in result.notes


def test_default_arm_order_is_alphabetical_so_w_is_for_the_first_name() -> None:
    result = wilcoxon_by_visit(ORTHODONT, value="distance", visit="age", arm="Sex")
    assert result.arms == ("Female", "Male")
    ref = WILCOX[WILCOX.case == "orthodont_distance_age8"].iloc[0]
    first = result.visits[0].test
    assert first is not None
    assert first.statistic == pytest.approx(first.n_x * first.n_y - ref.W)


def _trial_like() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "visit": ["W0", "W0", "W0", "W4", "W4", "W4", "W12"],
            "arm": ["A", "B", "B", "A", "A", "B", "A"],
            "value": [1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 7.0],
        }
    )


def test_a_visit_with_an_empty_arm_is_kept_with_n_zero_and_a_note() -> None:
    data = _trial_like()
    frame = visit_summary(data, value="value", visit="visit", arm="arm").to_frame()
    empty = frame[(frame.visit == "W12") & (frame.arm == "B")].iloc[0]
    assert empty.n == 0
    assert math.isnan(empty["mean"])
    notes = visit_summary(data, value="value", visit="visit", arm="arm").notes
    assert "value at visit W12: arm B has no values; statistics are NaN" in notes


def test_a_single_value_has_nan_sd_with_a_note_and_its_value_as_every_location() -> None:
    result = visit_summary(_trial_like(), value="value", visit="visit", arm="arm")
    cell = next(r for r in result.rows if r.visit == "W0" and r.arm == "A")
    assert cell.n == 1
    assert math.isnan(cell.sd)
    assert cell.mean == cell.median == cell.q1 == cell.q3 == cell.min == cell.max == 1.0
    assert "value at visit W0: arm A has one value; the SD is NaN" in result.notes


def test_by_visit_test_skips_a_visit_with_an_empty_arm_with_a_note() -> None:
    result = wilcoxon_by_visit(_trial_like(), value="value", visit="visit", arm="arm")
    skipped = next(v for v in result.visits if v.visit == "W12")
    assert skipped.test is None
    assert "visit W12: arm B has no values of value; not tested" in result.notes
    frame = result.to_frame()
    row = frame[frame.visit == "W12"].iloc[0]
    assert math.isnan(row.p_value)
    assert row.method == "not tested: an arm has no values"


def test_missing_values_are_left_out_of_n() -> None:
    data = _trial_like()
    data.loc[1, "value"] = np.nan
    cell = next(
        r
        for r in visit_summary(data, value="value", visit="visit", arm="arm").rows
        if r.visit == "W0" and r.arm == "B"
    )
    assert (cell.n, cell.mean) == (1, 4.0)


def test_summaries_do_not_change_their_input() -> None:
    data = _trial_like()
    before = data.copy()
    visit_summary(data, value="value", visit="visit", arm="arm")
    wilcoxon_by_visit(data, value="value", visit="visit", arm="arm")
    pd.testing.assert_frame_equal(data, before)


def test_unknown_column_is_rejected_naming_the_columns_available() -> None:
    with pytest.raises(InputError, match="expected one of"):
        visit_summary(_trial_like(), value="ALT", visit="visit", arm="arm")


def test_bad_alternative_and_empty_sample_are_rejected() -> None:
    with pytest.raises(InputError, match="alternative"):
        wilcoxon_rank_sum([1.0], [2.0], alternative="two.sided")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="conf_level"):
        wilcoxon_rank_sum([1.0], [2.0], conf_level=95)
    with pytest.raises(InputError, match="y: expected at least one non-missing value"):
        wilcoxon_rank_sum([1.0, 2.0], [np.nan])


def test_more_than_two_arms_need_an_explicit_pair() -> None:
    data = _trial_like()
    data.loc[0, "arm"] = "C"
    with pytest.raises(InputError, match="exactly two arms"):
        wilcoxon_by_visit(data, value="value", visit="visit", arm="arm")


def test_all_equal_values_give_p_one_with_a_note() -> None:
    result = wilcoxon_rank_sum([3.0, 3.0], [3.0, 3.0, 3.0])
    assert result.p_value == 1.0
    assert any("no variance" in note for note in result.notes)


@pytest.mark.parametrize(("n_x", "n_y"), [(1, 1), (2, 3), (3, 3), (4, 2)])
def test_exact_null_counts_equal_brute_force_enumeration(n_x: int, n_y: int) -> None:
    counts = [0] * (n_x * n_y + 1)
    for chosen in itertools.combinations(range(1, n_x + n_y + 1), n_x):
        counts[sum(chosen) - n_x * (n_x + 1) // 2] += 1
    assert _rank_sum_counts(n_x, n_y) == counts


@settings(max_examples=50, deadline=None)
@given(n_x=st.integers(1, 30), n_y=st.integers(1, 30))
def test_exact_null_distribution_is_complete_and_symmetric(n_x: int, n_y: int) -> None:
    counts = _rank_sum_counts(n_x, n_y)
    assert sum(counts) == math.comb(n_x + n_y, n_x)
    assert counts == counts[::-1]


@settings(max_examples=50, deadline=None)
@given(
    x=st.lists(st.integers(0, 20), min_size=1, max_size=15),
    y=st.lists(st.integers(0, 20), min_size=1, max_size=15),
)
def test_swapping_samples_mirrors_w_and_keeps_the_two_sided_p(x: list[int], y: list[int]) -> None:
    forward = wilcoxon_rank_sum(x, y)
    backward = wilcoxon_rank_sum(y, x)
    assert forward.statistic + backward.statistic == pytest.approx(len(x) * len(y))
    assert forward.p_value == pytest.approx(backward.p_value, rel=1e-9)
    assert 0.0 <= forward.p_value <= 1.0
