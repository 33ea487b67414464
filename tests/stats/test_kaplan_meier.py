"""Kaplan–Meier curves against R's survfit (tests/reference/survival/survival_reference.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats import kaplan_meier

REFERENCE = Path(__file__).parents[1] / "reference" / "survival"
CLOSED_FORM = 1e-6
CONF_TYPES = ["log", "log-log", "plain"]


def _data(dataset: str) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    if dataset == "aml":
        aml = pd.read_csv(REFERENCE / "data_aml.csv")
        return aml["time"], aml["status"], aml["x"]
    lung = pd.read_csv(REFERENCE / "data_lung.csv")
    return lung["time"], lung["event"], lung["sex"] if dataset == "lung_sex" else None


def _fit(dataset: str, conf_type: str):  # type: ignore[no-untyped-def]
    time, event, group = _data(dataset)
    return kaplan_meier(time, event, conf_type=conf_type, group=group)  # type: ignore[arg-type]


CASES = [(d, c) for d in ("aml", "lung", "lung_sex") for c in CONF_TYPES]


@pytest.mark.parametrize(("dataset", "conf_type"), CASES)
def test_survival_table_matches_r_survfit(dataset: str, conf_type: str) -> None:
    ref = pd.read_csv(REFERENCE / "ref_km_table.csv")
    ref = ref[(ref.dataset == dataset) & (ref.conf_type == conf_type)]
    table = _fit(dataset, conf_type).to_frame()
    assert list(table["group"]) == [str(g) for g in ref["group"]]
    for ours, theirs in [
        ("time", "time"),
        ("n_risk", "n_risk"),
        ("n_event", "n_event"),
        ("n_censor", "n_censor"),
        ("survival", "surv"),
        ("std_error", "std_err"),
        ("lower", "lower"),
        ("upper", "upper"),
    ]:
        np.testing.assert_allclose(
            table[ours].to_numpy(float), ref[theirs].to_numpy(float), rtol=CLOSED_FORM, err_msg=ours
        )


@pytest.mark.parametrize(("dataset", "conf_type"), CASES)
def test_median_and_its_interval_match_r_print(dataset: str, conf_type: str) -> None:
    ref = pd.read_csv(REFERENCE / "ref_km_median.csv")
    ref = ref[(ref.dataset == dataset) & (ref.conf_type == conf_type)]
    medians = _fit(dataset, conf_type).median_frame()
    assert list(medians["group"]) == [str(g) for g in ref["group"]]
    for column in ("median", "lower", "upper"):
        np.testing.assert_allclose(
            medians[column].to_numpy(float), ref[column].to_numpy(float), rtol=CLOSED_FORM
        )


@pytest.mark.parametrize(("dataset", "conf_type"), CASES)
def test_survival_at_a_time_matches_r_summary(dataset: str, conf_type: str) -> None:
    ref = pd.read_csv(REFERENCE / "ref_km_at.csv")
    ref = ref[(ref.dataset == dataset) & (ref.conf_type == conf_type)]
    result = _fit(dataset, conf_type)
    for row in ref.itertuples():
        at = result.curve(str(row.group)).survival_at(float(row.time))  # type: ignore[arg-type]
        assert at.n_risk == row.n_risk
        np.testing.assert_allclose(
            [at.survival, at.std_error, at.lower, at.upper],
            np.array([row.surv, row.std_err, row.lower, row.upper], dtype=float),
            rtol=CLOSED_FORM,
        )


def test_an_arm_with_no_events_is_noted_and_its_median_not_reached() -> None:
    result = kaplan_meier([5, 8, 9, 20, 30, 40], [1, 1, 0, 0, 0, 0], group=["a"] * 3 + ["b"] * 3)
    assert result.curve("b").median.median is None
    assert any("no events in group b" in note for note in result.notes)
    assert np.all(result.curve("b").survival == 1.0)


def test_an_all_censored_dataset_gives_a_note_not_nan_survival() -> None:
    result = kaplan_meier([3, 7, 11], [0, 0, 0])
    assert result.medians[0].median is None
    assert not np.isnan(result.curves[0].survival).any()
    assert any("no events" in note for note in result.notes)


def test_a_single_participant_gives_a_note() -> None:
    result = kaplan_meier([12.0], [1])
    assert any("only one participant" in note for note in result.notes)
    assert result.medians[0].median == 12.0


def test_undefined_limits_after_survival_reaches_zero_are_stated_in_a_note() -> None:
    result = kaplan_meier([1, 2, 3], [1, 1, 1])
    assert np.isnan(result.curves[0].lower[-1])
    assert any("reaches 0 at time 3" in note for note in result.notes)


def test_survival_before_the_first_time_is_one_with_everyone_at_risk() -> None:
    at = kaplan_meier([5, 6, 7], [1, 0, 1]).survival_at(2.0)[0]
    assert (at.survival, at.n_risk, at.lower, at.upper) == (1.0, 3, 1.0, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"time": [1, -2], "event": [1, 0]}, "time[1]"),
        ({"time": [1, 2], "event": [1, 2]}, "event[1]"),
        ({"time": [1, 2], "event": [1]}, "event"),
        ({"time": [1, 2], "event": [1, 0], "conf_type": "arcsin"}, "conf_type"),
        ({"time": [1, 2], "event": [1, 0], "conf_level": 1.5}, "conf_level"),
        ({"time": [1, 2], "event": [1, 0], "group": ["a", None]}, "group[1]"),
        ({"time": [], "event": []}, "time"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        kaplan_meier(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


survival_data = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 30), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@given(survival_data, st.sampled_from(CONF_TYPES))
def test_survival_never_rises_and_lies_within_its_limits(
    data: tuple[list[int], list[bool]], conf_type: str
) -> None:
    curve = kaplan_meier(data[0], data[1], conf_type=conf_type).curves[0]  # type: ignore[arg-type]
    assert np.all(np.diff(curve.survival) <= 0)
    defined = ~np.isnan(curve.lower)
    assert np.all(curve.lower[defined] <= curve.survival[defined] + 1e-12)
    assert np.all(curve.survival[defined] <= curve.upper[defined] + 1e-12)
    assert np.all((curve.lower[defined] >= 0) & (curve.upper[defined] <= 1))


@given(st.lists(st.integers(0, 50), min_size=1, max_size=40))
def test_without_censoring_the_median_is_the_sample_median(times: list[int]) -> None:
    result = kaplan_meier(times, [1] * len(times))
    assert result.medians[0].median == pytest.approx(float(np.median(times)))
