"""The lifecycle of a booking: booked (confirmed at once, the slot is held) or waiting for a held slot to free;
cancelled by the booker or the provider; used (the provider records the metered use) or missed (no-show).

Who decides each move is a policy action (`accounts/policy.py`): `booking.cancel` (the booker, the host's
instrument managers, the joint office), `booking.record_use` (the host's instrument managers, the joint office).
A waiting booking is confirmed by the platform when its slot frees (`bookings.cancel` does it; `booking.confirm`:
the joint office, which the platform acts as).
"""

from __future__ import annotations

from enum import StrEnum

from yrdhub.i18n import N_, NP_
from yrdhub.lifecycle import Lifecycle, Move


class BookingStatus(StrEnum):
    WAITING = "waiting"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    USED = "used"
    MISSED = "missed"


LABELS = {
    BookingStatus.WAITING: N_("On the waiting list"),
    BookingStatus.CONFIRMED: NP_("booking status", "Confirmed"),
    BookingStatus.CANCELLED: NP_("booking status", "Cancelled"),
    BookingStatus.USED: NP_("booking status", "Used"),
    BookingStatus.MISSED: NP_("booking status", "Missed"),
}
HOLDING = frozenset({BookingStatus.CONFIRMED, BookingStatus.USED})  # the states that hold their time slot

S = BookingStatus
LIFECYCLE: Lifecycle[BookingStatus] = Lifecycle(S, [
    Move("confirm", frozenset({S.WAITING}), S.CONFIRMED, action="booking.confirm",
         label=N_("Confirm from the waiting list")),
    Move("cancel", frozenset({S.WAITING, S.CONFIRMED}), S.CANCELLED, action="booking.cancel",
         label=N_("Cancel the booking")),
    Move("record_use", frozenset({S.CONFIRMED}), S.USED, action="booking.record_use", label=N_("Record the use")),
    Move("miss", frozenset({S.CONFIRMED}), S.MISSED, action="booking.record_use", label=N_("Record a no-show")),
], labels=LABELS)
