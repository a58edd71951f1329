from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yrdhub.resources import tariff

STEPS = [[0, 24_000], [10, 19_200]]  # 240 元 an hour, 192 元 from the tenth hour of the month


@st.composite
def rates(draw: st.DrawFn) -> list[list[int]]:
    starts = sorted(draw(st.sets(st.integers(1, 500), max_size=4)))
    return [[start, draw(st.integers(0, 10**6))] for start in [0, *starts]]


def test_hours_cost_their_price_and_the_step_applies_from_its_quantity() -> None:
    assert tariff.charge(STEPS, "hour", 0, 60) == 24_000
    assert tariff.charge(STEPS, "hour", 0, 90) == 36_000
    assert tariff.charge(STEPS, "hour", 9 * 60, 120) == 24_000 + 19_200  # one hour at each price
    assert tariff.charge([[0, 3550]], "sample", 0, 3) == 10_650
    assert tariff.charge([[0, 100]], "hour", 0, 1) == 1  # 1.67 fen rounded down once, at the point reached


@given(rates(), st.sampled_from(sorted(tariff.MINUTES)), st.lists(st.integers(1, 3000), min_size=1, max_size=12))
def test_splitting_a_use_never_changes_what_it_costs(steps: list[list[int]], unit: str, parts: list[int]) -> None:
    assert tariff.valid(steps)
    before, total = 0, 0
    for quantity in parts:
        total += tariff.charge(steps, unit, before, quantity)
        before += quantity
    assert total == tariff.charge(steps, unit, 0, sum(parts)) == tariff.cumulative(steps, unit, sum(parts))


@given(rates(), st.sampled_from(sorted(tariff.MINUTES)), st.integers(0, 10**5), st.integers(1, 10**4))
def test_a_charge_is_never_negative(steps: list[list[int]], unit: str, before: int, quantity: int) -> None:
    assert tariff.charge(steps, unit, before, quantity) >= 0


def test_invalid_steps_are_told() -> None:
    assert not tariff.valid([])
    assert not tariff.valid([[1, 100]])  # does not start at 0
    assert not tariff.valid([[0, 100], [5, 90], [5, 80]])  # does not rise
    assert not tariff.valid([[0, -1]])
