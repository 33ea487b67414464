"""Half-up rounding as the scores use it: ties go up (away from zero), decimals as written."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.clinical._rounding import half_up_units, round_half_up


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.5, 0, 3.0),  # Python's round gives 2
        (0.5, 0, 1.0),
        (-2.5, 0, -3.0),
        (0.25, 1, 0.3),  # exactly representable tie; half-to-even gives 0.2
        (2.675, 2, 2.68),  # stored just below the half
        (1.005, 2, 1.01),
        (51.300000000000004, 1, 51.3),
        (2.4999999, 0, 2.0),
        (27.92, 0, 28.0),
    ],
)
def test_round_half_up_rounds_ties_up_as_on_paper(
    value: float, decimals: int, expected: float
) -> None:
    assert round_half_up(value, decimals) == expected


def test_units_are_exact_integers_and_nan_passes_through() -> None:
    units = half_up_units(np.array([51.300000000000004, 34.15, np.nan]), 1)
    assert units[:2].tolist() == [513.0, 342.0]
    assert np.isnan(units[2])


def test_very_large_magnitudes_are_left_alone() -> None:
    assert round_half_up(1e15) == 1e15
    assert round_half_up(2.0**53) == 2.0**53


@given(
    st.decimals(
        min_value=Decimal("-100000"),
        max_value=Decimal("100000"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.integers(0, 3),
)
def test_round_half_up_matches_decimal_round_half_up_on_the_written_decimal(
    written: Decimal, decimals: int
) -> None:
    expected = float(written.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert round_half_up(float(written), decimals) == expected
