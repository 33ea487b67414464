"""Log-rank tests against R's survdiff, and the permutation test against brute force."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats import log_rank, log_rank_exact

REFERENCE = Path(__file__).parents[1] / "reference" / "survival"
CLOSED_FORM = 1e-6


def _r_analyses() -> dict[str, tuple[pd.Series, pd.Series, pd.Series, pd.Series | None]]:
    aml = pd.read_csv(REFERENCE / "data_aml.csv")
    vet = pd.read_csv(REFERENCE / "data_veteran.csv")
    ova = pd.read_csv(REFERENCE / "data_ovarian.csv")
    return {
        "aml": (aml.time, aml.status, aml.x, None),
        "veteran_trt": (vet.time, vet.status, vet.trt, None),
        "veteran_trt_strata_celltype": (vet.time, vet.status, vet.trt, vet.celltype),
        "veteran_celltype": (vet.time, vet.status, vet.celltype, None),
        "ovarian_rx": (ova.futime, ova.fustat, ova.rx, None),
    }


@pytest.mark.parametrize("analysis", list(_r_analyses()))
def test_log_rank_matches_r_survdiff(analysis: str) -> None:
    time, event, group, strata = _r_analyses()[analysis]
    ref = pd.read_csv(REFERENCE / "ref_logrank.csv")
    ref = ref[ref.analysis == analysis]
    result = log_rank(time, event, group, strata=strata)
    assert list(result.groups) == [str(g) for g in ref.group]
    np.testing.assert_array_equal(result.n, ref.n)
    np.testing.assert_allclose(result.observed, ref.observed, rtol=CLOSED_FORM)
    np.testing.assert_allclose(result.expected, ref.expected, rtol=CLOSED_FORM)
    assert result.df == ref.df.iloc[0]
    assert result.chi_square == pytest.approx(ref.chisq.iloc[0], rel=CLOSED_FORM)
    assert result.p_value == pytest.approx(ref.p.iloc[0], rel=CLOSED_FORM)
    assert list(result.to_frame()["observed"]) == list(result.observed)


def test_stratified_result_lists_the_strata_it_summed_over() -> None:
    time, event, group, strata = _r_analyses()["veteran_trt_strata_celltype"]
    assert log_rank(time, event, group, strata=strata).strata == (
        "adeno",
        "large",
        "smallcell",
        "squamous",
    )


def test_an_arm_with_no_events_still_gets_a_test_and_a_note() -> None:
    result = log_rank([5, 8, 12, 20, 30, 40], [1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0])
    assert np.isfinite(result.p_value)
    assert any("group 0 had no events" in note for note in result.notes)


def test_all_censored_data_give_a_note_instead_of_a_silent_nan() -> None:
    result = log_rank([5, 8, 12], [0, 0, 0], ["a", "b", "a"])
    assert np.isnan(result.p_value)
    assert result.notes == ("no events in any group: the log-rank test is not defined",)


def test_a_single_participant_gives_a_note() -> None:
    result = log_rank([5], [1], ["low"])
    assert np.isnan(result.chi_square)
    assert any("only one group (low)" in note for note in result.notes)


def _brute_force_p(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> float:
    """Every relabelling with the observed group sizes, scored one at a time by log_rank."""
    observed = log_rank(time, event, group).chi_square
    n, n_first = time.size, int((group == group.min()).sum())
    hits = total = 0
    for members in itertools.combinations(range(n), n_first):
        labels = np.ones(n, dtype=int)
        labels[list(members)] = 0
        hits += log_rank(time, event, labels).chi_square >= observed * (1 - 1e-9)
        total += 1
    return hits / total


def test_exact_enumeration_equals_brute_force_on_a_subset_of_aml() -> None:
    aml = pd.read_csv(REFERENCE / "data_aml.csv").iloc[[0, 1, 2, 3, 5, 11, 12, 13, 14, 15, 20]]
    group = (aml.x == "Nonmaintained").to_numpy(int)
    result = log_rank_exact(aml.time, aml.status, group)
    assert result.method == "enumeration"
    assert result.n_labellings == 462
    assert result.p_value == _brute_force_p(aml.time.to_numpy(float), aml.status.to_numpy(), group)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 12), min_size=8, max_size=8),
    st.lists(st.booleans(), min_size=8, max_size=8),
    st.integers(2, 6),
)
def test_exact_enumeration_equals_brute_force_with_ties_and_censoring(
    times: list[int], events: list[bool], n_first: int
) -> None:
    group = np.array([0] * n_first + [1] * (8 - n_first))
    time, event = np.array(times, dtype=float), np.array(events)
    result = log_rank_exact(time, event, group)
    if not np.isfinite(log_rank(time, event, group).chi_square):
        # No events, or none with two people at risk: the statistic is undefined, so is p.
        assert np.isnan(result.p_value)
        assert result.notes
        return
    assert result.p_value == pytest.approx(_brute_force_p(time, event, group), abs=1e-12)
    assert result.chi_square == pytest.approx(log_rank(time, event, group).chi_square, rel=1e-9)


def test_monte_carlo_agrees_with_enumeration_when_there_are_too_many_labellings() -> None:
    aml = pd.read_csv(REFERENCE / "data_aml.csv").iloc[:16]
    exact = log_rank_exact(aml.time, aml.status, aml.x)
    sampled = log_rank_exact(
        aml.time,
        aml.status,
        aml.x,
        max_enumeration=100,
        n_resamples=20_000,
        rng=np.random.default_rng(20240501),
    )
    assert sampled.method == "monte carlo"
    assert abs(sampled.p_value - exact.p_value) < 4 * np.sqrt(exact.p_value / 20_000)
    assert any("Monte Carlo" in note for note in sampled.notes)


def test_monte_carlo_needs_a_random_generator_passed_in() -> None:
    aml = pd.read_csv(REFERENCE / "data_aml.csv")
    with pytest.raises(InputError) as caught:
        log_rank_exact(aml.time, aml.status, aml.x, max_enumeration=10)
    assert caught.value.field == "rng"


def test_exact_test_refuses_more_than_two_groups() -> None:
    with pytest.raises(InputError) as caught:
        log_rank_exact([1, 2, 3], [1, 1, 1], ["a", "b", "c"])
    assert caught.value.field == "group"


def test_exact_test_of_a_single_participant_gives_a_note() -> None:
    result = log_rank_exact([5], [1], ["low"])
    assert np.isnan(result.p_value)
    assert "the permutation test is not defined either" in result.notes


@given(st.lists(st.integers(1, 30), min_size=4, max_size=30))
def test_log_rank_does_not_depend_on_how_the_groups_are_named(times: list[int]) -> None:
    n = len(times)
    event = [i % 3 != 0 for i in range(n)]
    group = [i % 2 for i in range(n)]
    swapped = ["z" if g == 0 else "a" for g in group]
    first = log_rank(times, event, group)
    second = log_rank(times, event, swapped)
    assert second.chi_square == pytest.approx(first.chi_square, rel=1e-9, nan_ok=True)
