"""The trial report: every section, self-contained, accessible, masked for masked readers.

Expected numbers are counted by hand from ``report_cohort.COHORT``, never read from the code.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
from report_cohort import COHORT, CUTOFF, DOSES, LABELS, followed_days
from report_parse import Document

from hepatrial.analysis import ResultsBundle
from hepatrial.report import render_report, write_report

SECTIONS = (
    "1. Participant flow (CONSORT)",
    "2. Baseline characteristics",
    "3. Primary outcome: survival at 1 year",
    "4. Secondary outcomes",
    "5. Safety",
    "6. Data quality",
    "7. Provenance",
)


@pytest.fixture(scope="module")
def unmasked(unmasked_bundle: ResultsBundle) -> str:
    return render_report(unmasked_bundle)


@pytest.fixture(scope="module")
def masked(masked_bundle: ResultsBundle) -> str:
    return render_report(masked_bundle)


def _deaths(arm: str) -> int:
    return sum(
        1
        for i, p in enumerate(COHORT)
        if p.arm == arm and p.fate[0] == "death" and p.fate[1] <= followed_days(p, i)
    )


@pytest.mark.parametrize("version", ["masked", "unmasked"])
def test_the_report_has_every_section_in_order(version: str, masked: str, unmasked: str) -> None:
    text = masked if version == "masked" else unmasked
    headings = [t for t in Document(text).text_parts if re.match(r"^\d\. ", t)]
    assert headings == list(SECTIONS)
    assert bool(re.search(r"\bMASKED REPORT", text)) is (version == "masked")
    assert ("UNMASKED REPORT FOR THE DSMB" in text) is (version == "unmasked")


def test_the_report_names_the_trial_and_the_data_cut(masked: str) -> None:
    header = masked[masked.index("<header>") : masked.index("</header>")]
    assert "NCT06167473" in header
    assert CUTOFF.isoformat() in header


def test_the_consort_diagram_counts_randomized_and_allocated_per_arm(masked: str) -> None:
    document = Document(masked)
    consort = masked[masked.index('id="consort"') : masked.index('id="baseline"')]
    assert "<svg" in consort
    per_arm = {arm: sum(1 for p in COHORT if p.arm == arm) for arm in LABELS}
    assert f"n = {len(COHORT)}" in consort  # randomized
    assert f"n = {len(COHORT) + 4}" in consort  # consented: 22 randomized and 4 excluded
    for group, arm in (("Group A", "LOW"), ("Group B", "MIDHIGH")):
        assert f"Allocated to {group}" in consort
        assert f"Died: {_deaths(arm)}" in consort
        assert per_arm[arm] == 11
    assert f"{len(COHORT) + 4} consented, {len(COHORT)} randomized." in document.text


def test_the_deaths_listing_holds_each_randomized_death(unmasked: str) -> None:
    deaths = Document(unmasked).table("Table 7. Deaths").rows
    by_arm = {arm: sum(1 for row in deaths if row[1] == LABELS[arm]) for arm in LABELS}
    assert (
        by_arm
        == {"LOW": _deaths("LOW"), "MIDHIGH": _deaths("MIDHIGH")}
        == {
            "LOW": 2,
            "MIDHIGH": 3,
        }
    )
    fatal = [row for row in deaths if row[0].endswith("-001")]
    assert fatal[0][2:] == ["100", "Hepatic failure"]


def test_one_year_survival_of_the_arm_without_censoring_before_its_deaths(masked: str) -> None:
    # Group A (LOW): 11 at risk; a death on day 100 (10/11), a withdrawal on day 150, a death on
    # day 200 with 9 at risk (8/9): S(365) = 10/11 * 8/9 = 0.808 by hand (product-limit).
    rows = Document(masked).table("Table 2. Primary outcome").rows
    survival = [r for r in rows if r[0] == "Survival at day 365, Group A"]
    assert survival[0][1] == f"{10 / 11 * 8 / 9:.3f}"
    assert {r[0].split(",")[0] for r in rows} >= {
        "Hazard ratio (Cox)",
        "Log-rank test",
        "Permutation log-rank test (primary)",
        "Difference in survival at day 365 (Group B − Group A)",
    }


def test_the_kaplan_meier_figure_has_the_number_at_risk_beneath(masked: str) -> None:
    primary = masked[masked.index('id="primary"') : masked.index('id="secondary"')]
    assert "Number at risk" in primary
    # everybody is at risk on day 0: 11 per arm, printed once per arm under the curves
    assert len(re.findall(r">11</text>", primary)) >= 2


def test_secondary_outcomes_show_each_lab_and_score_with_its_mmrm_table(masked: str) -> None:
    document = Document(masked)
    captions = [t.caption for t in document.tables]
    mmrm = [c for c in captions if c.startswith("MMRM")]
    # the plan's measures get an MMRM table; MELD-Na and creatinine are in ADLB and only drawn
    planned = ("Alanine Aminotransferase", "Aspartate Aminotransferase", "Alkaline Phosphatase",
               "Bilirubin", "Albumin", "Prothrombin Time", "Prothrombin Intl. Normalized Ratio",
               "MELD Score", "Child-Pugh Score")  # fmt: skip
    for lab in planned:
        assert any(lab in c for c in mmrm), lab
    assert len(mmrm) == len(planned)
    for described in ("MELD-Na Score", "Creatinine (umol/L)", "Sodium (mmol/L)"):
        assert f"{described}: values by visit and arm" in masked
    # each planned MMRM shows its covariance structure, or says it could not be fitted (and why)
    fitted = masked.count("Covariance used:")
    assert fitted + masked.count("The MMRM could not be fitted.") == len(planned)
    assert fitted >= len(planned) - 1
    assert "Table 3. Hepatic decompensation within 1 year" in captions
    incidence = document.table("Table 3.").rows
    assert [r[0] for r in incidence] == ["Any decompensation", "Gastrointestinal bleeding",
                                         "Ascites", "Hepatic encephalopathy"]  # fmt: skip


def test_the_table1_age_is_the_mean_and_sd_of_the_cohort(unmasked: str) -> None:
    rows = Document(unmasked).table("Table 1.").rows
    age = next(r for r in rows if r[0].startswith("Age (years)"))
    low = [p.age for p in COHORT if p.arm == "LOW"]
    expected = f"{statistics.mean(low):.2f} ({statistics.stdev(low):.2f}); n=11"
    assert age[1] == expected


def test_the_report_is_self_contained(unmasked: str) -> None:
    document = Document(unmasked)
    for tag, attrs in document.tags:
        for name in ("src", "href", "xlink:href"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
        assert tag not in ("img", "iframe", "object", "embed"), tag
        assert not (tag == "script" and "src" in attrs)
        assert not (tag == "link" and (attrs.get("rel") or "").lower() == "stylesheet")
    assert "@import" not in unmasked
    assert "@font-face" not in unmasked
    assert "@media print" in unmasked
    figures = unmasked.split("<figure>")[1:]
    assert len(figures) >= 4
    assert all("<svg" in part.split("</figure>")[0] for part in figures)


def test_figures_and_tables_are_accessible(masked: str) -> None:
    document = Document(masked)
    svgs = [attrs for tag, attrs in document.tags if tag == "svg"]
    assert svgs
    assert all(a.get("role") == "img" and a.get("aria-labelledby") for a in svgs)
    assert masked.count("<figcaption>") == masked.count("<figure>")
    headers = [attrs for tag, attrs in document.tags if tag == "th"]
    assert headers
    assert all(a.get("scope") in ("col", "row") for a in headers)
    assert masked.count("<title") >= len(svgs) + 1


def _secrets() -> list[str]:
    doses = [f"{d:g}" for d in DOSES.values()] + [str(int(d)) for d in DOSES.values()]
    return [*LABELS.values(), "cells/kg", "EXDOSE", "EXDOSU", *doses]


def test_the_masked_report_reveals_no_arm(masked: str) -> None:
    assert not re.search(r"\b(LOW|MIDHIGH)\b", masked)
    for secret in _secrets():
        assert secret not in masked, secret
    assert not re.search(r"volume", masked, re.IGNORECASE)
    assert "Group A" in masked
    assert "Group B" in masked


def test_the_unmasked_report_names_the_arms_so_the_scan_can_find_them(unmasked: str) -> None:
    assert all(label in unmasked for label in LABELS.values())
    assert "cells/kg" in unmasked


@pytest.mark.parametrize("version", ["masked", "unmasked"])
def test_the_report_never_prints_nan_or_infinity(version: str, masked: str, unmasked: str) -> None:
    text = masked if version == "masked" else unmasked
    assert not re.search(r"\bnan\b|\binf\b|\binfinity\b", text, re.IGNORECASE)


def test_the_same_bundle_gives_the_same_bytes(masked_bundle: ResultsBundle, masked: str) -> None:
    assert render_report(masked_bundle) == masked


def test_write_report_replaces_the_file_atomically(
    masked_bundle: ResultsBundle, masked: str, tmp_path: Path
) -> None:
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    path = write_report(masked_bundle, tmp_path)
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == masked
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
