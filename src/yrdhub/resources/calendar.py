"""iCalendar feeds (RFC 5545): an instrument's held time (busy and outage, never who) and a user's own bookings,
for any calendar program to subscribe to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from yrdhub.resources.models import Booking, Instrument

PRODID = "-//yrdhub//resources//ZH"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def instrument_feed(instrument: Instrument, slots: Iterable[tuple[datetime, datetime, str]], *, busy: str,
                    outage: str, host: str) -> bytes:
    """The held time of one instrument; `busy` and `outage` are the summaries in the reader's language."""
    cal = _calendar(instrument.name)
    for number, (start, end, kind) in enumerate(slots):
        event = Event()
        event.add("uid", f"instrument-{instrument.id}-{kind}-{start:%Y%m%dT%H%M}-{number}@{host}")
        event.add("summary", busy if kind == "booked" else outage)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()


def user_feed(name: str, bookings: Iterable[tuple[Booking, Instrument]], *, host: str) -> bytes:
    """A user's own bookings, with the instrument and its lab."""
    cal = _calendar(name)
    for booking, instrument in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.id}@{host}")
        event.add("summary", instrument.name)
        event.add("location", instrument.lab)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        event.add("status", "CANCELLED" if booking.status == "cancelled" else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
