"""Charges from a cumulative tariff, exact to the fen and additive under splitting.

A rate is a list of steps `[[from, fen per unit], …]` (quantities in the rate's unit: hours, days or samples; the
first step from 0, each later one from a larger quantity): the price per unit falls (or rises) as the payer's use
of the instrument in the month grows. `cumulative(steps, unit, q)` is what a quantity q (in minutes for time units,
in samples otherwise) costs from the start of the month, rounded down to the fen. A use's charge is
`cumulative(after) − cumulative(before)`: charges telescope, so splitting a use into parts (or merging parts)
never changes the month's total, and rounding happens once per point, never piles up.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from math import floor

MINUTES = {"hour": 60, "day": 1440, "sample": 1}  # the metered quantity per unit of the rate


def valid(steps: Sequence[Sequence[int]]) -> bool:
    """The steps start at 0, rise strictly, and no price is negative."""
    if not steps or any(len(s) != 2 for s in steps) or steps[0][0] != 0:
        return False
    starts = [s[0] for s in steps]
    return all(a < b for a, b in itertools.pairwise(starts)) and all(s[1] >= 0 for s in steps)


def cumulative(steps: Sequence[Sequence[int]], unit: str, quantity: int) -> int:
    """The fen owed for `quantity` metered from the start of the period (rounded down once, at this point)."""
    per_unit = MINUTES[unit]
    total = Fraction(0)
    for (start, price), following in zip(steps, [*steps[1:], None], strict=True):
        lower = start * per_unit
        upper = following[0] * per_unit if following is not None else None
        if quantity <= lower:
            break
        used = (quantity if upper is None else min(quantity, upper)) - lower
        total += Fraction(used * price, per_unit)
    return floor(total)


def charge(steps: Sequence[Sequence[int]], unit: str, before: int, quantity: int) -> int:
    """The fen a use of `quantity` costs when the payer had used `before` earlier in the period."""
    return cumulative(steps, unit, before + quantity) - cumulative(steps, unit, before)
