"""Child-Pugh and ALBI: reference examples and every cut-off (liver-scores.md §4 and §5)."""

from __future__ import annotations

import numpy as np
import pytest

from hepatrial.clinical.catalogue import ALBUMIN_G_L_PER_G_DL, BILIRUBIN_UMOL_PER_MG_DL
from hepatrial.clinical.scores import (
    ASCITES,
    ENCEPHALOPATHY,
    ChildPughResult,
    albi,
    child_pugh,
    compute_child_pugh,
)


def bili(mg_dl: float) -> float:
    return mg_dl * BILIRUBIN_UMOL_PER_MG_DL


def alb(g_dl: float) -> float:
    return g_dl * ALBUMIN_G_L_PER_G_DL


def _score(**overrides: object) -> ChildPughResult:
    """Child-Pugh of a panel scoring 1 everywhere unless overridden (bilirubin 20 µmol/L,
    albumin 40 g/L, INR 1.1, no ascites, no encephalopathy)."""
    panel: dict[str, object] = {
        "bilirubin": 20.0,
        "albumin": 40.0,
        "inr": 1.1,
        "ascites": "none",
        "encephalopathy": "none",
    }
    panel.update(overrides)
    return child_pugh(**panel)


# bilirubin mg/dL, albumin g/dL, INR, ascites points, encephalopathy points → points, class.
REFERENCE = [
    (1.0, 4.0, 1.1, 1, 1, 5, "A"),
    (2.0, 3.5, 1.7, 1, 1, 8, "B"),
    (3.1, 2.7, 2.31, 1, 1, 11, "C"),
    (1.9, 3.6, 1.69, 2, 1, 6, "A"),
    (3.5, 2.5, 1.8, 3, 2, 13, "C"),
    (5.0, 3.2, 1.5, 1, 1, 8, "B"),
]


@pytest.mark.parametrize(("bi", "al", "inr", "asc", "enc", "points", "cls"), REFERENCE)
def test_child_pugh_matches_reference_examples(
    bi: float, al: float, inr: float, asc: int, enc: int, points: int, cls: str
) -> None:
    result = child_pugh(
        bilirubin=bili(bi),
        albumin=alb(al),
        inr=inr,
        ascites=ASCITES[asc - 1],
        encephalopathy=ENCEPHALOPATHY[enc - 1],
    )
    assert (result.points, result.cls) == (points, cls)


def test_pbc_flag_uses_the_cholestatic_bilirubin_bands() -> None:
    panel = {"bilirubin": bili(5), "albumin": alb(3.2), "inr": 1.5}
    standard = _score(**panel)
    cholestatic = _score(**panel, cholestatic=True)
    assert (standard.points, standard.bilirubin_points) == (8, 3)
    assert (cholestatic.points, cholestatic.bilirubin_points) == (7, 2)
    assert "PBC/PSC" in cholestatic.table
    assert "68.4" in cholestatic.table
    assert "171" in cholestatic.table
    assert "34.2" in standard.table


@pytest.mark.parametrize(
    ("umol_l", "points"),
    [(34.1, 1), (34.14, 1), (34.15, 2), (34.2, 2), (51.3, 2), (51.34, 2), (51.35, 3), (51.4, 3)],
)
def test_bilirubin_bands_at_34_2_and_51_3_umol_l_closed_in_the_middle(
    umol_l: float, points: int
) -> None:
    assert _score(bilirubin=umol_l).bilirubin_points == points


@pytest.mark.parametrize(("mg_dl", "points"), [(1.99, 1), (2.0, 2), (3.0, 2), (3.01, 3)])
def test_bilirubin_converted_from_mg_dl_scores_as_the_mg_dl_table(
    mg_dl: float, points: int
) -> None:
    assert _score(bilirubin=bili(mg_dl)).bilirubin_points == points


def test_3_mg_dl_converted_still_scores_2_despite_floating_point() -> None:
    converted = bili(3.0)
    assert converted > 51.3  # 51.300000000000004 in binary
    result = _score(bilirubin=converted)
    assert result.bilirubin_points == 2
    assert result.inputs[0].used == 51.3
    assert result.inputs[0].reason == (
        "bilirubin rounded half up to 1 decimal place, the lab's precision"
    )


@pytest.mark.parametrize(
    ("umol_l", "points"),
    [(68.3, 1), (68.4, 2), (171.0, 2), (171.1, 3), (bili(4), 2), (bili(10), 2)],
)
def test_cholestatic_bands_at_68_4_and_171_umol_l(umol_l: float, points: int) -> None:
    assert _score(bilirubin=umol_l, cholestatic=True).bilirubin_points == points


@pytest.mark.parametrize(
    ("g_l", "points"), [(35.1, 1), (35.0, 2), (alb(3.5), 2), (28.0, 2), (alb(2.8), 2), (27.9, 3)]
)
def test_albumin_bands_at_35_and_28_g_l(g_l: float, points: int) -> None:
    assert _score(albumin=g_l).albumin_points == points


@pytest.mark.parametrize(
    ("inr", "points"),
    [(1.69, 1), (1.694, 1), (1.695, 2), (1.7, 2), (2.3, 2), (2.304, 2), (2.31, 3)],
)
def test_inr_bands_at_1_7_and_2_3_compared_at_two_decimals(inr: float, points: int) -> None:
    result = _score(inr=inr)
    assert result.coagulation == "INR"
    assert result.coagulation_points == points
    if inr in (1.694, 1.695, 2.304):
        assert (
            result.inputs[2].reason
            == "INR rounded half up to 2 decimal places, the lab's precision"
        )


@pytest.mark.parametrize(
    ("seconds", "points"), [(-1.0, 1), (0.0, 1), (3.9, 1), (4.0, 2), (6.0, 2), (6.04, 2), (6.1, 3)]
)
def test_pt_prolongation_bands_at_4_and_6_seconds(seconds: float, points: int) -> None:
    result = _score(inr=None, pt_prolongation=seconds)
    assert result.coagulation == "PT"
    assert result.coagulation_points == points


def test_inr_is_preferred_when_pt_is_also_given_and_the_result_says_so() -> None:
    result = _score(inr=1.1, pt_prolongation=8.0)
    assert result.coagulation == "INR"
    assert result.coagulation_points == 1
    assert result.notes == ("INR scored; the PT prolongation also given was not used",)
    assert _score(inr=1.1).notes == ()


@pytest.mark.parametrize(
    ("ascites", "encephalopathy", "points", "cls"),
    [
        ("none", "none", 5, "A"),
        ("mild", "none", 6, "A"),
        ("mild", "grade 1-2", 7, "B"),
        ("moderate-severe", "grade 3-4", 9, "B"),
    ],
)
def test_class_boundaries_a_to_b_at_7(
    ascites: str, encephalopathy: str, points: int, cls: str
) -> None:
    result = _score(ascites=ascites, encephalopathy=encephalopathy)
    assert (result.points, result.cls) == (points, cls)
    assert result.ascites_points == ASCITES.index(ascites) + 1
    assert result.encephalopathy_points == ENCEPHALOPATHY.index(encephalopathy) + 1


def test_class_boundary_b_to_c_at_10_and_maximum_15() -> None:
    ten = _score(inr=1.8, ascites="moderate-severe", encephalopathy="grade 3-4")
    assert (ten.points, ten.cls) == (10, "C")
    worst = _score(
        bilirubin=200, albumin=20, inr=3, ascites="moderate-severe", encephalopathy="grade 3-4"
    )
    assert (worst.points, worst.cls) == (15, "C")


def test_child_pugh_result_describes_itself() -> None:
    result = _score(bilirubin=bili(2.0), albumin=35, inr=1.7, pt_prolongation=5.0)
    assert str(result).startswith("Child-Pugh B (8) [Child-Pugh (Pugh 1973")
    data = result.to_dict()
    assert data["class"] == "B"
    assert data["components"] == {
        "bilirubin": 2,
        "albumin": 2,
        "coagulation": 2,
        "ascites": 1,
        "encephalopathy": 1,
    }
    assert data["coagulation"] == "INR"


def test_vector_child_pugh_scores_pt_where_inr_is_missing() -> None:
    result = compute_child_pugh(
        bilirubin=[20.0, 20.0, 20.0],
        albumin=[40.0, 40.0, 40.0],
        inr=[1.1, np.nan, None],
        pt_prolongation=[8.0, 5.0, 8.0],
        ascites="none",
        encephalopathy=["none", "grade 1-2", "grade 3-4"],
    )
    assert result.coagulation_points.tolist() == [1, 2, 3]
    assert result.encephalopathy_points.tolist() == [1, 2, 3]
    assert result.points.tolist() == [5, 7, 9]
    assert result.cls.tolist() == ["A", "B", "B"]


def test_vector_child_pugh_accepts_points_as_small_int_codes() -> None:
    as_text = compute_child_pugh(
        bilirubin=[20.0, 60.0],
        albumin=[40.0, 25.0],
        inr=[1.1, 2.5],
        ascites=["none", "moderate-severe"],
        encephalopathy=["grade 1-2", "grade 3-4"],
    )
    as_codes = compute_child_pugh(
        bilirubin=[20.0, 60.0],
        albumin=[40.0, 25.0],
        inr=[1.1, 2.5],
        ascites=np.array([1, 3], dtype=np.int8),
        encephalopathy=[2.0, 3.0],
    )
    assert as_text.points.tolist() == as_codes.points.tolist() == [6, 15]


# ALBI ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bilirubin", "albumin", "score", "grade"),
    [(17.1, 40, -2.586, 2), (10, 45, -3.165, 1), (51.3, 28, -1.251, 3)],
)
def test_albi_matches_reference_examples(
    bilirubin: float, albumin: float, score: float, grade: int
) -> None:
    result = albi(bilirubin=bilirubin, albumin=albumin)
    assert result.score == pytest.approx(score, abs=5e-4)
    assert result.grade == grade


def test_albi_grade_1_includes_minus_2_60() -> None:
    # These inputs give exactly -2.6 in binary floating point.
    at_cut = albi(bilirubin=10.0, albumin=38.35294117647059)
    assert at_cut.score == -2.60
    assert at_cut.grade == 1
    assert albi(bilirubin=10.0, albumin=38.3529).grade == 2
    assert albi(bilirubin=10.0, albumin=38.3530).grade == 1


def test_albi_grade_2_includes_minus_1_39() -> None:
    at_cut = albi(bilirubin=100.0, albumin=31.882352941176467)
    assert at_cut.score == -1.39
    assert at_cut.grade == 2
    assert albi(bilirubin=100.0, albumin=31.8823).grade == 3
    assert albi(bilirubin=100.0, albumin=31.8824).grade == 2


def test_albi_result_describes_itself() -> None:
    result = albi(bilirubin=17.1, albumin=40)
    assert str(result) == "ALBI (Johnson 2015): -2.586, grade 2"
    assert result.to_dict()["grade"] == 2
