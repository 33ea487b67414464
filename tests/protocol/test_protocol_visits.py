"""Visit validation accepts exactly the schedules whose windows are ordered and apart."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from hepatrial.protocol.visits import Visit, Window, visits_problems


@st.composite
def _visits(draw: st.DrawFn) -> list[Visit]:
    count = draw(st.integers(min_value=1, max_value=8))
    days = sorted(draw(st.sets(st.integers(-60, 400), min_size=count, max_size=count)))
    return [
        Visit(
            code=f"V{index}",
            label=f"Visit {index}",
            visitnum=index + 1,
            day=day,
            window=Window(before=draw(st.integers(0, 30)), after=draw(st.integers(0, 30))),
            epoch="follow_up",
            procedures=("SURVIVAL",),
        )
        for index, day in enumerate(days)
    ]


def _overlap(a: Visit, b: Visit) -> bool:
    return max(a.earliest_day, b.earliest_day) <= min(a.latest_day, b.latest_day)


@given(_visits())
def test_ordered_visits_are_accepted_exactly_when_no_two_windows_overlap(
    visits: list[Visit],
) -> None:
    overlapping = any(_overlap(a, b) for i, a in enumerate(visits) for b in visits[i + 1 :])
    assert bool(list(visits_problems(visits))) is overlapping


@given(_visits())
def test_visits_out_of_day_order_are_rejected(visits: list[Visit]) -> None:
    assume(len(visits) >= 2)
    swapped = [visits[1], visits[0], *visits[2:]]
    found = list(visits_problems(swapped))
    assert any(p.loc == ("visits", 1, "day") for p in found)
