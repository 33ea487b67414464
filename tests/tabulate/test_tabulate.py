"""Tabulations: domain shape, ordering, sequence numbers, checks and a lossless CSV round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hepatrial.errors import InputError
from hepatrial.tabulate import DOMAINS, Tabulations, tabulation


def _labs() -> list[dict[str, object]]:
    return [
        {"USUBJID": "S-01-002", "LBTESTCD": "BILI", "LBTEST": "Bilirubin", "LBSTRESN": 40.0,
         "VISITNUM": 3.0, "LBDTC": "2024-03-08"},
        {"USUBJID": "S-01-001", "LBTESTCD": "INR", "LBTEST": "Prothrombin Intl. Normalized Ratio",
         "LBSTRESN": 1.4, "VISITNUM": 3.0, "LBDTC": "2024-03-01"},
        {"USUBJID": "S-01-001", "LBTESTCD": "BILI", "LBTEST": "Bilirubin", "LBSTRESN": 64.0,
         "VISITNUM": 3.0, "LBDTC": "2024-03-01"},
    ]  # fmt: skip


def test_every_domain_starts_with_the_sdtm_identifiers() -> None:
    for code, spec in DOMAINS.items():
        assert spec.names[:3] == ("STUDYID", "DOMAIN", "USUBJID"), code


def test_a_domain_has_its_variables_in_order_sorted_with_sequence_numbers() -> None:
    frame = tabulation("LB", _labs(), studyid="NCT06167473")
    assert list(frame.columns) == list(DOMAINS["LB"].names)
    assert list(frame["USUBJID"]) == ["S-01-001", "S-01-001", "S-01-002"]
    assert list(frame["LBTESTCD"]) == ["BILI", "INR", "BILI"]
    assert list(frame["LBSEQ"]) == [1, 2, 1]
    assert set(frame["DOMAIN"]) == {"LB"}
    assert frame["LBSTRESN"].dtype == "Float64"


def test_an_unknown_variable_is_rejected_naming_the_row() -> None:
    with pytest.raises(InputError, match=r"LB\[0\]: expected variables of LB, got \['ARM'\]"):
        tabulation("LB", [{**_labs()[0], "ARM": "LOW"}], studyid="X")


def test_a_missing_required_value_is_rejected() -> None:
    record = _labs()[0]
    del record["LBTEST"]
    with pytest.raises(InputError, match=r"LB\.LBTEST\[0\]: expected a value"):
        tabulation("LB", [record], studyid="X")


def test_tabulations_survive_a_csv_round_trip(tmp_path: Path) -> None:
    original = Tabulations("NCT06167473", {"LB": tabulation("LB", _labs(), studyid="NCT06167473")})
    original.write_csv(tmp_path)
    assert (tmp_path / "lb.csv").exists()
    back = Tabulations.read_csv(tmp_path)
    assert back.studyid == "NCT06167473"
    pd.testing.assert_frame_equal(back["LB"], original["LB"])


def test_a_csv_round_trip_keeps_every_digit_of_a_float(tmp_path: Path) -> None:
    # -1.8676797971382277 came back as -1.867679797138228 through pandas' fast float parser,
    # which changed the input hash of an analysis run from the CSV files
    labs = _labs()
    labs[0]["LBSTRESN"] = -1.8676797971382277
    original = Tabulations("NCT06167473", {"LB": tabulation("LB", labs, studyid="NCT06167473")})
    original.write_csv(tmp_path)
    back = Tabulations.read_csv(tmp_path)
    assert list(back["LB"]["LBSTRESN"]) == list(original["LB"]["LBSTRESN"])
    assert back["LB"].to_csv(index=False) == original["LB"].to_csv(index=False)
