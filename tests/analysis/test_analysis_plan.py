"""The analysis plan runs every registered method on a data cut, masked or not, never crashing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_cohort import COHORT, CUTOFF, LABELS, Person, build_tabulations

import hepatrial
from hepatrial.analysis import ResultsBundle, input_hash, run_plan
from hepatrial.datasets import derive_adlb, derive_adsl, derive_adtte
from hepatrial.protocol import Protocol
from hepatrial.protocol.outcomes import RepeatedMeasuresOutcome
from hepatrial.stats import (
    cox,
    gray_test,
    kaplan_meier,
    log_rank,
    log_rank_exact,
    mmrm,
    rmst,
    survival_difference_1y,
)
from hepatrial.tabulate import Tabulations

MEASURES = ("MELD", "CPSCORE", "BILI", "ALB", "INR")


@pytest.fixture(scope="module")
def unmasked(tabulations: Tabulations, protocol: Protocol) -> ResultsBundle:
    return run_plan(tabulations, protocol=protocol, cutoff=CUTOFF, masked=False)


@pytest.fixture(scope="module")
def masked(tabulations: Tabulations, protocol: Protocol) -> ResultsBundle:
    return run_plan(tabulations, protocol=protocol, cutoff=CUTOFF, masked=True)


def test_bundle_holds_every_method_the_protocol_plans(
    unmasked: ResultsBundle, protocol: Protocol
) -> None:
    primary = protocol.outcomes.primary[0]
    for method in primary.analysis.methods:
        assert unmasked.find(primary.code, method.method, "OS").result is not None
    for param in ("TTDECOMP", "TTGIB", "TTASC", "TTHE"):
        for name in ("cumulative_incidence", "gray_test", "fisher_exact"):
            assert unmasked.find("DECOMPENSATION_1Y", name, param).result is not None
    for param in MEASURES:
        assert unmasked.find("LIVER_FUNCTION", "mmrm", param).result is not None
        assert unmasked.find("LIVER_FUNCTION", "by_visit_summary", param).result is not None
    registered = protocol.outcomes.secondary[0]
    assert isinstance(registered, RepeatedMeasuresOutcome)
    for method in registered.analysis.methods:
        ran = [r for r in unmasked.results if r.method == method.method]
        assert len(ran) >= len(registered.measures)


def test_a_measure_without_data_is_reported_with_a_note(unmasked: ResultsBundle) -> None:
    item = unmasked.find("LIVER_FUNCTION", "mmrm", "ALT")
    assert item.result is None
    assert "no analysis values" in item.notes[0]


def test_by_visit_summary_counts_each_arm_at_baseline(unmasked: ResultsBundle) -> None:
    summary = unmasked.find("LIVER_FUNCTION", "by_visit_summary", "MELD").result
    rows = summary.rows
    baseline = {r.arm: r.n for r in rows if r.visit == 0 and r.variable == "value"}
    assert baseline == {"LOW": 6, "MIDHIGH": 6}


def test_mmrm_names_the_covariance_it_fell_back_to(unmasked: ResultsBundle) -> None:
    item = unmasked.find("LIVER_FUNCTION", "mmrm", "MELD")
    used = item.result.covariance
    assert used in ("unstructured", "toeplitz", "ar1", "cs")
    if used != "unstructured":
        assert any(f"fitted with {used}" in note for note in item.notes)


def _os(tabulations: Tabulations, protocol: Protocol) -> pd.DataFrame:
    adsl = derive_adsl(tabulations, protocol=protocol, cutoff=CUTOFF)
    adtte = derive_adtte(adsl, tabulations, cutoff=CUTOFF)
    return adtte[adtte["PARAMCD"] == "OS"]


def test_survival_numbers_equal_the_stats_functions_on_the_derived_datasets(
    unmasked: ResultsBundle, tabulations: Tabulations, protocol: Protocol
) -> None:
    os_ = _os(tabulations, protocol)
    time = os_["AVAL"].to_numpy(dtype=float)
    event = (os_["CNSR"] == 0).to_numpy(dtype=int)
    group = os_["ARMCD"].to_numpy(dtype=str)
    km = unmasked.find("OS_1Y", "kaplan_meier").result
    assert isinstance(km, dict)
    expected = kaplan_meier(time, event, group=group).survival_at(365.0)
    assert [s.survival for s in km["survival_at_365"]] == [s.survival for s in expected]
    assert [s.lower for s in km["survival_at_365"]] == [s.lower for s in expected]
    assert unmasked.find("OS_1Y", "logrank").result.p_value == pytest.approx(
        log_rank(time, event, group).p_value, rel=1e-12
    )
    exact = log_rank_exact(time, event, group, rng=np.random.default_rng(0))
    found = unmasked.find("OS_1Y", "permutation_logrank").result
    assert found.p_value == exact.p_value
    assert found.method == "enumeration"
    # The cohort has fewer than 5 deaths per arm, so the plan calls for Firth's penalty.
    assert min(event[group == arm].sum() for arm in ("LOW", "MIDHIGH")) < 5
    hr = cox(time, event, {"arm": (group == "MIDHIGH").astype(float)}, penalty="firth")
    planned = unmasked.find("OS_1Y", "cox")
    assert planned.result.coef == pytest.approx(hr.coef)
    assert planned.result.hr_upper == pytest.approx(hr.hr_upper)
    assert any("Firth's penalized Cox is reported" in note for note in planned.notes)
    diff = survival_difference_1y(time, event, group, horizon=365.0)
    assert unmasked.find("OS_1Y", "survival_difference").result.difference == (
        pytest.approx(diff.difference)
    )
    assert (
        unmasked.find("OS_1Y", "rmst").result.difference
        == rmst(time, event, group, tau=365.0).difference
    )


def test_decompensation_and_mmrm_equal_the_stats_functions(
    unmasked: ResultsBundle, tabulations: Tabulations, protocol: Protocol
) -> None:
    adsl = derive_adsl(tabulations, protocol=protocol, cutoff=CUTOFF)
    adtte = derive_adtte(adsl, tabulations, cutoff=CUTOFF)
    rows = adtte[adtte["PARAMCD"] == "TTDECOMP"]
    gray = gray_test(
        rows["AVAL"].to_numpy(dtype=float),
        rows["EVNTTYPE"].to_numpy(dtype=int),
        rows["ARMCD"].to_numpy(dtype=str),
    )
    found = unmasked.find("DECOMPENSATION_1Y", "gray_test", "TTDECOMP").result
    assert found.p_value == pytest.approx(gray.p_value, rel=1e-12)
    adlb = derive_adlb(adsl, tabulations, protocol=protocol)
    meld = adlb[
        (adlb["PARAMCD"] == "MELD") & (adlb["ANL01FL"] == "Y") & (adlb["AVISITN"] > 0).fillna(False)
    ].copy()
    order = meld.sort_values("AVISITN")["AVISIT"].astype(str).unique().tolist()
    meld["AVISIT"] = pd.Categorical(meld["AVISIT"].astype(str), categories=order, ordered=True)
    meld = meld.astype({"CHG": float, "BASE": float, "ARMCD": str})
    direct = mmrm(meld, response="CHG", subject="USUBJID", visit="AVISIT", arm="ARMCD",
                  baseline="BASE")  # fmt: skip
    fit = unmasked.find("LIVER_FUNCTION", "mmrm", "MELD").result
    assert [d.estimate for d in fit.differences] == pytest.approx(
        [d.estimate for d in direct.differences]
    )


def test_masked_output_names_no_arm(masked: ResultsBundle, unmasked: ResultsBundle) -> None:
    text = masked.to_json()
    for secret in (*LABELS, *LABELS.values(), "cells/kg", "1×10^6", "3×10^6"):
        assert secret not in text
    assert "Group A" in text
    assert "Group B" in text
    assert json.loads(text)["groups"] is None
    assert json.loads(unmasked.to_json())["groups"] == {"LOW": "LOW", "MIDHIGH": "MIDHIGH"}


def test_masking_changes_labels_not_numbers(masked: ResultsBundle, unmasked: ResultsBundle) -> None:
    a = masked.find("OS_1Y", "logrank").result.chi_square
    b = unmasked.find("OS_1Y", "logrank").result.chi_square
    assert a == b


def test_provenance_names_the_cut_protocol_software_and_seed(unmasked: ResultsBundle) -> None:
    prov = json.loads(unmasked.to_json())["provenance"]
    assert prov["cutoff"] == CUTOFF.isoformat()
    assert prov["registry_id"] == "NCT06167473"
    assert prov["protocol_version"]
    assert prov["software_version"] == hepatrial.__version__
    assert isinstance(prov["seed"], int)
    assert set(prov["domain_sha256"]) == {"AE", "CE", "DM", "DS", "EX", "LB", "RS", "SV"}


def test_input_hash_changes_when_one_value_changes(tabulations: Tabulations) -> None:
    lb = tabulations["LB"].copy()
    lb.loc[3, "LBSTRESN"] = lb.loc[3, "LBSTRESN"] + 0.01
    changed = replace(tabulations, domains={**tabulations.domains, "LB": lb})
    before, each_before = input_hash(tabulations)
    after, each_after = input_hash(changed)
    assert before != after
    assert {k for k in each_before if each_before[k] != each_after[k]} == {"LB"}


def test_input_hash_is_the_same_after_a_round_trip_through_csv(
    tabulations: Tabulations, tmp_path: Path
) -> None:
    tabulations.write_csv(tmp_path)
    assert input_hash(Tabulations.read_csv(tmp_path)) == input_hash(tabulations)


def test_json_is_stable_and_written_atomically(unmasked: ResultsBundle, tmp_path: Path) -> None:
    path = unmasked.write(tmp_path)
    assert path.read_text(encoding="utf-8") == unmasked.to_json()
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
    assert unmasked.to_json() == unmasked.to_json()


def _no_deaths(person: Person) -> Person:
    if person.fate[0] == "death":
        return replace(person, fate=("withdrawn", person.fate[1]))
    return person


DEGENERATE = {
    "all censored": [replace(_no_deaths(p), decompensations=()) for p in COHORT],
    "one arm without events": [p if p.arm == "LOW" else _no_deaths(p) for p in COHORT],
    "a single participant": [COHORT[0]],
}


@pytest.mark.parametrize("case", sorted(DEGENERATE))
def test_degenerate_data_gives_notes_not_a_crash(case: str, protocol: Protocol) -> None:
    bundle = run_plan(
        build_tabulations(DEGENERATE[case]), protocol=protocol, cutoff=CUTOFF, masked=True
    )
    document = json.loads(bundle.to_json())
    primary = [r for r in document["results"] if r["outcome"] == "OS_1Y"]
    assert len(primary) == len(protocol.outcomes.primary[0].analysis.methods)
    for name in ("cox", "logrank", "permutation_logrank"):
        item = next(r for r in primary if r["method"] == name)
        assert item["notes"], f"{name} on {case} has no note"


def test_a_null_in_the_json_is_explained_by_a_note(protocol: Protocol) -> None:
    bundle = run_plan(
        build_tabulations(DEGENERATE["all censored"]), protocol=protocol, cutoff=CUTOFF, masked=True
    )
    for item in json.loads(bundle.to_json())["results"]:
        if item["result"] is None or "null" in json.dumps(item["result"]):
            assert item["notes"]


def test_same_data_and_seed_give_identical_json(
    tabulations: Tabulations, protocol: Protocol
) -> None:
    first = run_plan(tabulations, protocol=protocol, cutoff=CUTOFF, masked=True, seed=7)
    again = run_plan(tabulations, protocol=protocol, cutoff=CUTOFF, masked=True, seed=7)
    assert first.to_json() == again.to_json()
    assert first.provenance.seed == 7
