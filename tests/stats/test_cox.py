"""Cox regression against R's coxph (tests/reference/survival/survival_reference.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hepatrial.errors import InputError
from hepatrial.stats import cox, log_rank

REFERENCE = Path(__file__).parents[1] / "reference" / "survival"
ITERATIVE = 1e-4


def _r_models() -> dict[str, tuple[pd.Series, pd.Series, pd.DataFrame]]:
    ova = pd.read_csv(REFERENCE / "data_ovarian.csv")
    vet = pd.read_csv(REFERENCE / "data_veteran.csv")
    # coxph drops incomplete rows (na.action = na.omit); the caller does so explicitly here
    lung = pd.read_csv(REFERENCE / "data_lung.csv").dropna(subset=["age", "sex", "ph_ecog"])
    return {
        "ovarian_rx_age": (ova.futime, ova.fustat, ova[["rx", "age"]]),
        "veteran": (vet.time, vet.status, vet[["trt", "karno", "diagtime", "age", "prior"]]),
        "lung": (lung.time, lung.event, lung[["age", "sex", "ph_ecog"]]),
    }


CASES = [(m, t) for m in ("ovarian_rx_age", "veteran", "lung") for t in ("efron", "breslow")]


@pytest.mark.parametrize(("model", "ties"), CASES)
def test_coefficients_and_hazard_ratios_match_r_coxph(model: str, ties: str) -> None:
    time, event, covariates = _r_models()[model]
    ref = pd.read_csv(REFERENCE / "ref_cox_coef.csv")
    ref = ref[(ref.analysis == model) & (ref.ties == ties)]
    table = cox(time, event, covariates, ties=ties).to_frame()  # type: ignore[arg-type]
    assert list(table.term) == list(ref.term)
    for ours, theirs in [
        ("coef", "coef"),
        ("std_error", "se"),
        ("hazard_ratio", "hr"),
        ("hr_lower", "hr_lower"),
        ("hr_upper", "hr_upper"),
        ("z", "z"),
        ("p_value", "p"),
    ]:
        np.testing.assert_allclose(table[ours], ref[theirs], rtol=ITERATIVE, err_msg=ours)


@pytest.mark.parametrize(("model", "ties"), CASES)
def test_likelihood_and_global_tests_match_r_coxph(model: str, ties: str) -> None:
    time, event, covariates = _r_models()[model]
    ref = pd.read_csv(REFERENCE / "ref_cox_tests.csv")
    row = ref[(ref.analysis == model) & (ref.ties == ties)].iloc[0]
    fit = cox(time, event, covariates, ties=ties)  # type: ignore[arg-type]
    assert (fit.n, fit.n_event, fit.converged, fit.notes) == (row.n, row.n_event, True, ())
    assert fit.loglik_null == pytest.approx(row.loglik_null, rel=ITERATIVE)
    assert fit.loglik == pytest.approx(row.loglik, rel=ITERATIVE)
    for test, stat, p in [
        (fit.likelihood_ratio, row.lr, row.lr_p),
        (fit.wald, row.wald, row.wald_p),
        (fit.score, row.score, row.score_p),
    ]:
        assert test.df == row.lr_df
        assert test.statistic == pytest.approx(stat, rel=ITERATIVE)
        assert test.p_value == pytest.approx(p, rel=ITERATIVE)
    assert list(fit.tests_frame().test) == ["likelihood ratio", "wald", "score"]


def test_without_tied_times_the_score_test_of_arm_is_the_log_rank_test() -> None:
    ova = pd.read_csv(REFERENCE / "data_ovarian.csv")
    fit = cox(ova.futime, ova.fustat, {"rx": ova.rx}, ties="breslow")
    assert fit.score.statistic == pytest.approx(log_rank(ova.futime, ova.fustat, ova.rx).chi_square)


def test_an_arm_with_no_events_is_flagged_as_not_estimable() -> None:
    time = [5, 8, 12, 20, 30, 40, 50, 60]
    fit = cox(time, [1, 1, 0, 1, 0, 0, 0, 0], {"arm": [1, 1, 1, 1, 0, 0, 0, 0]})
    assert any("arm = 0 had no events" in note for note in fit.notes)
    assert "not estimable" in fit.notes[0]


def test_all_censored_data_give_a_note_and_no_estimate() -> None:
    fit = cox([5, 8, 12], [0, 0, 0], {"arm": [0, 1, 1]})
    assert fit.notes == ("no events: the Cox model is not estimable",)
    assert np.isnan(fit.coef).all()


def test_a_single_participant_gives_a_note() -> None:
    fit = cox([5], [1], {"arm": [1]})
    assert fit.notes == ("covariate(s) arm do not vary: their effect is not estimable",)


def test_a_missing_covariate_value_is_refused_with_its_row() -> None:
    with pytest.raises(InputError) as caught:
        cox([5, 6, 7], [1, 0, 1], {"age": [50, float("nan"), 61]})
    assert caught.value.field == "covariates[age][1]"


def test_collinear_covariates_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        cox([5, 6, 7, 9], [1, 0, 1, 1], np.array([[1, 2], [2, 4], [3, 6], [5, 10.0]]))
    assert caught.value.field == "covariates"


def test_an_unknown_ties_method_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        cox([5, 6, 7], [1, 0, 1], [1, 0, 1], ties="exact")  # type: ignore[arg-type]
    assert caught.value.field == "ties"
