"""MMRM against R's nlme::gls on Orthodont (tests/reference/mmrm/make_reference.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats import MmrmResult, mmrm
from hepatrial.stats._mmrm_covariance import STRUCTURES as COVARIANCE_STRUCTURES
from hepatrial.stats._mmrm_covariance import covariance_matrix

REFERENCE = Path(__file__).parents[1] / "reference" / "mmrm"
ITERATIVE = 1e-4
STRUCTURES = ("unstructured", "toeplitz", "ar1", "cs")
CONFIGS = ("full", "baseline", "missing")


def _orthodont() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "orthodont.csv")


def _config_data(config: str) -> tuple[pd.DataFrame, str | None]:
    if config == "missing":
        return pd.read_csv(REFERENCE / "orthodont_missing.csv"), "baseline"
    data = _orthodont()
    if config == "full":
        return data, None
    # The R script takes distance at age 8 as the baseline and ages 10-14 as the visits.
    baseline = data.loc[data.age == 8, ["subject", "distance"]]
    post = data[data.age > 8].merge(baseline.rename(columns={"distance": "baseline"}))
    return post, "baseline"


def _fit(config: str, structure: str, df: str = "residual") -> MmrmResult:
    # nlme::gls tests on the residual N - p degrees of freedom
    data, baseline = _config_data(config)
    return mmrm(
        data,
        response="distance",
        subject="subject",
        visit="age",
        arm="sex",
        baseline=baseline,
        covariance=structure,  # type: ignore[arg-type]
        df=df,  # type: ignore[arg-type]
    )


def _reference(name: str, config: str, structure: str) -> pd.DataFrame:
    table = pd.read_csv(REFERENCE / name)
    return table[(table.config == config) & (table.structure == structure)]


CASES = [(c, s) for c in CONFIGS for s in STRUCTURES]


@pytest.mark.parametrize(("config", "structure"), CASES)
def test_fixed_effects_and_standard_errors_match_nlme_gls(config: str, structure: str) -> None:
    result = _fit(config, structure)
    ref = _reference("gls_coef.csv", config, structure)
    table = result.fixed_effects()
    assert result.covariance == structure
    assert len(table) == len(ref)
    np.testing.assert_allclose(table.estimate, ref.estimate, rtol=ITERATIVE)
    np.testing.assert_allclose(table.std_error, ref.std_error, rtol=ITERATIVE)
    np.testing.assert_allclose(table.p_value, ref.p_value, rtol=ITERATIVE)


@pytest.mark.parametrize(("config", "structure"), CASES)
def test_reml_loglik_and_residual_covariance_match_nlme_gls(config: str, structure: str) -> None:
    result = _fit(config, structure)
    fit = _reference("gls_fit.csv", config, structure).iloc[0]
    cells = _reference("gls_residual_covariance.csv", config, structure)
    expected = np.zeros_like(result.residual_covariance)
    expected[cells.i - 1, cells.j - 1] = cells.value
    assert result.loglik == pytest.approx(fit.loglik, rel=ITERATIVE)
    assert result.df_residual == fit.df_residual
    assert result.n_obs == fit.n_obs
    np.testing.assert_allclose(result.residual_covariance, expected, rtol=ITERATIVE)


@pytest.mark.parametrize(("config", "structure"), CASES)
def test_arm_difference_per_visit_is_the_gls_contrast_with_its_t_interval(
    config: str, structure: str
) -> None:
    table = _fit(config, structure).to_frame()
    ref = _reference("gls_coef.csv", config, structure)
    ref = ref[ref.term.str.contains(":arm")]
    assert list(table.arm) == ["Male"] * len(ref)
    assert list(table.reference) == ["Female"] * len(ref)
    for column in ("estimate", "std_error", "p_value"):
        np.testing.assert_allclose(table[column], ref[column], rtol=ITERATIVE)
    # A limit can sit near zero, where a relative tolerance is meaningless: scale by the SE.
    for column in ("lower", "upper"):
        np.testing.assert_allclose(
            table[column], ref[column], rtol=ITERATIVE, atol=ITERATIVE * ref.std_error.max()
        )
    assert list(table.df) == list(ref.df)


def test_missing_visits_use_each_participants_observed_visits() -> None:
    result = _fit("missing", "unstructured")
    assert result.n_subjects == 27
    assert result.n_obs == 27 * 3 - 9


def test_degrees_of_freedom_method_is_stated_in_the_notes() -> None:
    residual = _fit("full", "cs")
    assert residual.df_method == "residual"
    assert any("N - p" in note and "Kenward-Roger" in note for note in residual.notes)
    default = mmrm(_orthodont(), response="distance", subject="subject", visit="age", arm="sex")
    assert default.df_method == "satterthwaite"
    assert any("Satterthwaite's approximation" in note for note in default.notes)


def test_unidentifiable_unstructured_covariance_falls_back_in_the_prespecified_order() -> None:
    data = _orthodont()
    # Each participant misses age 10 or age 12, so their covariance is never observed.
    codes = data.subject.map({s: i for i, s in enumerate(sorted(data.subject.unique()))})
    data = data[data.age != np.where(codes % 2 == 0, 12, 10)]
    result = mmrm(data, response="distance", subject="subject", visit="age", arm="sex")
    assert result.converged
    assert result.covariance_requested == "unstructured"
    assert result.covariance == "toeplitz"
    assert any("fitted with toeplitz" in note for note in result.notes)
    assert any(note.startswith("unstructured covariance did not converge") for note in result.notes)


def test_single_participant_gives_a_note_not_a_crash() -> None:
    data = _orthodont()
    result = mmrm(
        data[data.subject == "M01"], response="distance", subject="subject", visit="age", arm="sex"
    )
    assert not result.converged
    assert result.covariance is None
    assert any("only one arm" in note for note in result.notes)
    assert any("too few to estimate" in note for note in result.notes)
    assert result.to_frame().empty


def test_visit_with_one_arm_only_reports_that_difference_as_not_estimable() -> None:
    data = _orthodont()
    data = data[~((data.age == 14) & (data.sex == "Female"))]
    result = mmrm(data, response="distance", subject="subject", visit="age", arm="sex")
    estimate = dict(zip(result.to_frame().visit, result.to_frame().estimate, strict=True))
    assert result.converged
    assert np.isnan(estimate["14"])
    assert all(np.isfinite(estimate[visit]) for visit in ("8", "10", "12"))
    assert any(note.startswith("visit 14:") and "not estimable" in note for note in result.notes)


def test_rows_with_missing_response_are_left_out_with_a_note() -> None:
    data = _orthodont().astype({"distance": float})
    data.loc[0, "distance"] = np.nan
    result = mmrm(data, response="distance", subject="subject", visit="age", arm="sex")
    assert result.n_obs == len(data) - 1
    assert any("1 rows without a finite response" in note for note in result.notes)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"covariance": "banded"}, "covariance"),
        ({"fallback": ("ar2",)}, "fallback"),
        ({"arm": "group"}, "arm"),
        ({"conf_level": 1.5}, "conf_level"),
        ({"df": "kenward_roger"}, "df"),
    ],
)
def test_bad_arguments_raise_an_error_naming_the_argument(
    change: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "response": "distance",
        "subject": "subject",
        "visit": "age",
        "arm": "sex",
    }
    arguments.update(change)
    with pytest.raises(InputError) as error:
        mmrm(_orthodont(), **arguments)  # type: ignore[arg-type]
    assert error.value.field == field


def test_two_rows_for_one_participant_and_visit_are_rejected() -> None:
    data = _orthodont()
    data = pd.concat([data, data.iloc[[0]]])
    with pytest.raises(InputError, match="one row per participant and visit"):
        mmrm(data, response="distance", subject="subject", visit="age", arm="sex")


@settings(max_examples=10, deadline=None)
@given(shift=st.floats(min_value=-50.0, max_value=50.0, allow_nan=False))
def test_adding_a_constant_to_one_arm_shifts_every_visit_difference_by_it(shift: float) -> None:
    data = _orthodont().astype({"distance": float})
    before = mmrm(
        data, response="distance", subject="subject", visit="age", arm="sex", covariance="cs"
    ).to_frame()
    data.loc[data.sex == "Male", "distance"] += shift
    after = mmrm(
        data, response="distance", subject="subject", visit="age", arm="sex", covariance="cs"
    ).to_frame()
    np.testing.assert_allclose(after.estimate, before.estimate + shift, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(after.std_error, before.std_error, rtol=1e-4)


@settings(max_examples=50, deadline=None)
@given(
    structure=st.sampled_from(COVARIANCE_STRUCTURES),
    n_visits=st.integers(min_value=1, max_value=6),
    values=st.lists(st.floats(min_value=-3.0, max_value=3.0), min_size=21, max_size=21),
)
def test_every_unconstrained_parameter_gives_a_positive_definite_covariance(
    structure: str, n_visits: int, values: list[float]
) -> None:
    size = {"unstructured": n_visits * (n_visits + 1) // 2, "toeplitz": n_visits}.get(
        structure, min(n_visits, 2)
    )
    sigma = covariance_matrix(structure, np.array(values[:size]), n_visits)  # type: ignore[arg-type]
    np.testing.assert_allclose(sigma, sigma.T)
    assert np.linalg.eigvalsh(sigma)[0] > 0
