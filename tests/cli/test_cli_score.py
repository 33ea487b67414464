"""``hepatrial score``: one panel from options, or a whole CSV file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

MELD_NA_EXAMPLE = (
    "score",
    "meld-na",
    "--bilirubin",
    "64",
    "--bilirubin-unit",
    "umol/L",
    "--creatinine",
    "1.1",
    "--creatinine-unit",
    "mg/dL",
    "--inr",
    "1.4",
    "--sodium",
    "131",
)


def test_meld_na_from_mixed_units_prints_the_score_and_the_inputs_used(hepatrial: Any) -> None:
    run = hepatrial(*MELD_NA_EXAMPLE)
    assert run.code == 0
    assert "MELD-Na (OPTN 2016): 21" in run.out
    # 64 umol/L bilirubin is shown as used by the formula, in mg/dL.
    assert "3.743" in run.out
    assert "mg/dL" in run.out


def test_json_output_carries_score_inputs_and_reasons(hepatrial: Any) -> None:
    run = hepatrial(
        "score", "meld", "--bilirubin", "10", "--creatinine", "50", "--inr", "0.9", "--json"
    )
    assert run.code == 0
    payload = json.loads(run.out)
    assert payload["score"] == 6
    used = {item["field"]: item for item in payload["inputs"]}
    assert used["inr"]["used"] == 1.0
    assert used["inr"]["reason"] == "INR below 1.0 floored to 1.0"
    assert payload["warnings"] == []


def test_dialysis_sets_creatinine_to_four_and_says_so(hepatrial: Any) -> None:
    run = hepatrial(
        "score", "meld", "--bilirubin", "34.2", "--creatinine", "80", "--inr", "1.5",
        "--dialysis", "--json",
    )  # fmt: skip
    creatinine = next(i for i in json.loads(run.out)["inputs"] if i["field"] == "creatinine")
    assert creatinine["used"] == 4.0
    assert "dialysis" in creatinine["reason"]


def test_meld_3_child_pugh_and_albi_are_scored_from_the_command_line(hepatrial: Any) -> None:
    meld_3 = hepatrial(
        "score", "meld-3", "--bilirubin", "2.5", "--bilirubin-unit", "mg/dL",
        "--creatinine", "1.2", "--creatinine-unit", "mg/dL", "--inr", "1.0", "--sodium", "131",
        "--albumin", "3.8", "--albumin-unit", "g/dL", "--sex", "female", "--json",
    )  # fmt: skip
    assert json.loads(meld_3.out)["score"] == 17  # Kim 2021 Table 4, row 2
    child_pugh = hepatrial(
        "score", "child-pugh", "--bilirubin", "3.5", "--bilirubin-unit", "mg/dL",
        "--albumin", "2.5", "--albumin-unit", "g/dL", "--inr", "1.8",
        "--ascites", "moderate-severe", "--encephalopathy", "grade 1-2", "--json",
    )  # fmt: skip
    payload = json.loads(child_pugh.out)
    assert (payload["points"], payload["class"]) == (13, "C")
    albi = hepatrial("score", "albi", "--bilirubin", "10", "--albumin", "45", "--json")
    assert json.loads(albi.out)["grade"] == 1


def test_soft_limit_is_a_warning_not_a_rejection(hepatrial: Any) -> None:
    run = hepatrial("score", "albi", "--bilirubin", "700", "--albumin", "30")
    assert run.code == 0
    assert "warning" in run.out
    assert "700" in run.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--bilirubin", "-3", "--creatinine", "80", "--inr", "1.2"),
            "BILI: expected a non-negative number in umol/L, got -3.0",
        ),
        (
            ("--bilirubin", "nan", "--creatinine", "80", "--inr", "1.2"),
            "BILI: expected a non-negative number in umol/L, got NaN",
        ),
        (
            ("--bilirubin", "30", "--bilirubin-unit", "mmol/L", "--creatinine", "80", "--inr", "1"),
            "BILI unit: expected one of [umol/L, mg/dL], got 'mmol/L'",
        ),
        (
            ("--bilirubin", "30", "--creatinine", "1.1", "--inr", "1.2"),
            "CREAT: expected a value ≥ 10 and ≤ 3500 umol/L, got 1.1 umol/L",
        ),
    ],
)
def test_bad_values_exit_non_zero_naming_field_expected_and_received(
    hepatrial: Any, args: tuple[str, ...], message: str
) -> None:
    run = hepatrial("score", "meld", *args)
    assert run.code == 2
    assert message in " ".join(run.err.split())
    assert run.out == ""


def test_missing_required_option_is_a_usage_error(hepatrial: Any) -> None:
    run = hepatrial("score", "meld", "--bilirubin", "30")
    assert run.code == 2
    assert "--creatinine" in run.err


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


PANEL = {
    "id": "P01",
    "bilirubin": "64",
    "bilirubin_unit": "umol/L",
    "creatinine": "1.1",
    "creatinine_unit": "mg/dL",
    "inr": "1.4",
    "sodium": "131",
    "albumin": "29",
    "sex": "M",
    "ascites": "mild",
    "encephalopathy": "none",
}


def test_a_csv_file_is_scored_row_by_row_and_bad_rows_say_why(
    hepatrial: Any, tmp_path: Path
) -> None:
    rows = [
        PANEL,
        {**PANEL, "id": "P02", "bilirubin": "abc"},
        {**PANEL, "id": "P03", "albumin": "", "creatinine_unit": "mmol/L"},
    ]
    source, target = tmp_path / "panels.csv", tmp_path / "scored.csv"
    _write_csv(source, rows)
    run = hepatrial("score", "--input", str(source), "--output", str(target))
    assert run.code == 0
    assert "3 rows" in run.err
    assert "2 rows with errors" in run.err
    good, bad_bilirubin, bad_unit = _read_csv(target)
    assert good["id"] == "P01"
    assert good["meld_na"] == "21"
    assert (good["child_pugh"], good["child_pugh_class"]) == ("9", "B")
    assert good["error"] == ""
    assert bad_bilirubin["meld_na"] == ""
    assert bad_bilirubin["error"] == "bilirubin: expected a positive number, got 'abc'"
    assert "creatinine_unit: expected one of [umol/L, mg/dL], got 'mmol/L'" in bad_unit["error"]
    assert "albumin: expected a positive number, got nothing" in bad_unit["error"]


def test_scoring_a_missing_file_fails_without_writing_output(
    hepatrial: Any, tmp_path: Path
) -> None:
    target = tmp_path / "scored.csv"
    run = hepatrial("score", "--input", str(tmp_path / "nope.csv"), "--output", str(target))
    assert run.code == 2
    assert "--input: expected a readable CSV file" in run.err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_file_with_no_scorable_columns_is_rejected(hepatrial: Any, tmp_path: Path) -> None:
    source = tmp_path / "panels.csv"
    source.write_text("id,weight\nP01,64\n")
    run = hepatrial("score", "--input", str(source), "--output", str(tmp_path / "out.csv"))
    assert run.code == 2
    assert "columns: expected the columns of at least one score" in run.err
    assert not (tmp_path / "out.csv").exists()
