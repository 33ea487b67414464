"""The descriptive results in the bundle (CONSORT, Table 1, safety, data quality) against hand
counts of ``report_cohort``: every expected number is counted from the cohort's definition."""

from __future__ import annotations

import json
import re
import statistics
from datetime import date

import pandas as pd
import pytest
from report_cohort import COHORT, CUTOFF, LABELS, SCREEN_FAILURES, build_tabulations, start_of

from hepatrial.analysis import Descriptives, ResultsBundle, run_plan
from hepatrial.errors import InputError
from hepatrial.protocol import Protocol


def _described(bundle: ResultsBundle) -> Descriptives:
    assert bundle.descriptives is not None
    return bundle.descriptives


def _ended_by_cut(index: int) -> bool:
    return start_of(index).toordinal() + COHORT[index].fate[1] <= CUTOFF.toordinal()


def test_consort_counts_match_the_cohort(unmasked_bundle: ResultsBundle) -> None:
    consort = _described(unmasked_bundle).consort
    assert consort.screened == len(COHORT) + len(SCREEN_FAILURES) == 26
    assert consort.randomized == len(COHORT)
    assert consort.excluded == len(SCREEN_FAILURES)
    # S01 and S03 failed EX05, S02 failed IN01 and EX09, S04 withdrew before randomization
    assert dict(consort.excluded_reasons) == {
        "EX05: Human immunodeficiency syndrome": 2,
        "IN01: 18-80 years old": 1,
        "EX09: Pregnant or breastfeeding subjects": 1,
        "Withdrawal by subject": 1,
    }
    for arm in consort.arms:
        mine = [i for i, p in enumerate(COHORT) if p.arm == arm.group]
        ended = [i for i in mine if _ended_by_cut(i)]
        fate = {k: sum(1 for i in ended if COHORT[i].fate[0] == k)
                for k in ("death", "lost", "withdrawn", "alive")}  # fmt: skip
        assert arm.allocated == arm.analysed == arm.infused == len(mine) == 11
        assert (arm.died, arm.lost, arm.withdrawn, arm.completed) == (
            fate["death"], fate["lost"], fate["withdrawn"], fate["alive"],
        )  # fmt: skip
        assert arm.in_follow_up == len(mine) - len(ended)
    low, high = consort.arms
    assert (low.died, low.withdrawn, low.completed, low.in_follow_up) == (2, 1, 8, 0)
    assert (high.died, high.lost, high.in_follow_up) == (3, 1, 6)


def test_table1_summarises_age_sex_weight_and_baseline_scores(
    unmasked_bundle: ResultsBundle,
) -> None:
    table = _described(unmasked_bundle).table1
    for arm in LABELS:
        ages = [p.age for p in COHORT if p.arm == arm]
        row = table[(table["variable"] == "AGE") & (table["group"] == arm)].iloc[0]
        assert row["n"] == 11
        assert row["mean"] == pytest.approx(statistics.mean(ages))
        assert row["sd"] == pytest.approx(statistics.stdev(ages))
        assert row["median"] == pytest.approx(statistics.median(ages))
        women = sum(1 for p in COHORT if p.arm == arm and p.sex == "F")
        sex = table[(table["variable"] == "SEX") & (table["group"] == arm)]
        female = sex[sex["level"] == "Female"].iloc[0]
        assert female["count"] == women
        assert female["percent"] == pytest.approx(100 * women / 11)
        weights = [60.0 + i for i, p in enumerate(COHORT) if p.arm == arm]
        weight = table[(table["variable"] == "WEIGHT") & (table["group"] == arm)].iloc[0]
        assert weight["mean"] == pytest.approx(statistics.mean(weights))
    overall = table[(table["variable"] == "AGE") & (table["group"] == "All")].iloc[0]
    assert overall["n"] == 22
    assert set(table["variable"]) >= {"MELD", "MELDNA", "CPSCORE", "BILI", "ALB", "INR",
                                      "CREAT", "SODIUM", "CPCLASBL", "BMI"}  # fmt: skip
    cp_class = table[(table["variable"] == "CPCLASBL") & (table["level"] == "B")]
    assert cp_class["count"].tolist() == [11, 11, 22]


def test_safety_counts_serious_events_infusion_reactions_and_deaths(
    unmasked_bundle: ResultsBundle,
) -> None:
    described = _described(unmasked_bundle)
    overview = described.ae_overview.set_index(["category", "group"])
    # 001 (hepatic failure, fatal) and 004 (variceal haemorrhage) had serious events, both LOW
    assert overview.loc[("Serious adverse event", "LOW"), "participants"] == 2
    assert overview.loc[("Serious adverse event", "MIDHIGH"), "participants"] == 0
    assert overview.loc[("Any adverse event", "LOW"), "participants"] == 11
    assert overview.loc[("Adverse event resulting in death", "LOW"), "participants"] == 1
    reactions = described.infusion_reactions
    assert sorted(reactions["USUBJID"].str[-3:]) == ["005", "013"]
    deaths = described.deaths
    dead = [f"NCT06167473-{p.number}" for i, p in enumerate(COHORT)
            if p.fate[0] == "death" and _ended_by_cut(i)]  # fmt: skip
    assert sorted(deaths["USUBJID"]) == sorted(dead)
    by_subject = deaths.set_index("USUBJID")
    assert by_subject.loc["NCT06167473-012", "day"] == 60


def test_data_quality_finds_the_moved_missed_and_unmeasured(
    unmasked_bundle: ResultsBundle,
) -> None:
    described = _described(unmasked_bundle)
    visits = described.visits.set_index("visit")
    assert visits.loc["Week 4", "outside_window"] == 1  # 006 seen on day 40 (window 21-35)
    assert visits.loc["Week 8", "missed"] == 1  # 007 did not come
    assert visits.loc["Week 12", "outside_window"] == 1  # 020 seen on day 99 (window 77-91)
    assert visits.loc["Day 0 (infusion)", "in_window"] == 22
    assert int(described.visits["missed"].sum()) == 1
    labs = described.labs_missing
    missing = labs[labs["missing"] > 0]
    assert sorted(zip(missing["visit"], missing["test"], strict=True)) == [
        ("Week 4", "ALT"), ("Week 4", "AST"),
    ]  # fmt: skip
    assert described.queries is None
    assert "query status is not part of the tabulations" in described.notes


def test_open_queries_are_summarised_by_status(protocol: Protocol) -> None:
    people = COHORT[:6]
    queries = pd.DataFrame(
        {
            "USUBJID": ["NCT06167473-001"] * 3,
            "VISIT": ["Week 1", "Week 4", "Week 4"],
            "FIELD": ["ALT", "AST", "INR"],
            "STATUS": ["OPEN", "OPEN", "CLOSED"],
            "OPENED": [date(2026, 8, 1), date(2026, 8, 22), date(2026, 6, 1)],
        }
    )
    bundle = run_plan(build_tabulations(people), protocol=protocol, cutoff=CUTOFF,
                      masked=True, open_queries=queries)  # fmt: skip
    table = _described(bundle).queries
    assert table is not None
    rows = table.set_index("status")
    assert rows.loc["open", "n"] == 2
    assert rows.loc["open", "max_age_days"] == 31  # 2026-08-01 to the cut 2026-09-01
    assert rows.loc["open", "median_age_days"] == 20.5  # (31 + 10) / 2
    assert rows.loc["closed", "n"] == 1
    with pytest.raises(InputError, match="open_queries"):
        run_plan(build_tabulations(people), protocol=protocol, cutoff=CUTOFF, masked=True,
                 open_queries=queries.drop(columns="STATUS"))  # fmt: skip


def test_masked_descriptives_hold_group_labels_and_nothing_of_the_dose(
    masked_bundle: ResultsBundle,
) -> None:
    described = _described(masked_bundle)
    assert described.groups == ("Group A", "Group B")
    assert dict(described.group_names) == {"Group A": "Group A", "Group B": "Group B"}
    text = json.dumps(masked_bundle.to_dict()["descriptives"])
    for secret in (*LABELS, *LABELS.values(), "cells/kg", "EXDOSE", "3e+06", "1e+06"):
        assert secret not in text, secret
    assert not re.search(r"(?<![\d.])[13]000000(?:\.0)?(?!\d)", text)  # a dose per kg
    assert {arm.group for arm in described.consort.arms} == {"Group A", "Group B"}


def test_descriptives_are_written_to_results_json(masked_bundle: ResultsBundle) -> None:
    document = json.loads(masked_bundle.to_json())
    described = document["descriptives"]
    assert described["consort"]["randomized"] == 22
    assert described["notes"] == ["query status is not part of the tabulations"]
    assert len(described["deaths"]) == 5
