"""Who may read what in resources, stated once per model (lists and gets filter with these rules in SQL).

- The registry of facilities and the instrument catalogue are public (a retired instrument too: its record stays).
- A booking (who booked, for whom, why) is read by the booker, the admins of the paying organisation, the
  admins of the host organisation (its instrument managers) and the joint office. When an instrument is taken
  is public, but not by whom: the calendar's slots are a second aspect of bookings, readable by everyone.
- A use and its charge: as the booking it meters.
- Voucher schemes are public. A voucher (and its redemptions) is read by the holder's members, the issuing
  jurisdiction's admins and the joint office; a redemption also by the admins of the host it paid.
- The ledger (and the settlements summed from it): the joint office, and a jurisdiction's admins for the entries
  their jurisdiction issued or provided.
"""

from __future__ import annotations

from sqlalchemy import select

from yrdhub.accounts import policy
from yrdhub.accounts.access import Everyone, Members, ReadRule, Role, Users
from yrdhub.accounts.models import User
from yrdhub.regions.models import Organisation
from yrdhub.resources.models import (
    Booking,
    Facility,
    Instrument,
    LedgerEntry,
    Redemption,
    Usage,
    Voucher,
    VoucherScheme,
)

SLOTS = "booking.slots"

FACILITY = policy.read_rule(ReadRule(Facility, Everyone()))
INSTRUMENT = policy.read_rule(ReadRule(Instrument, Everyone()))

_HOST_OF_BOOKING = select(Instrument.org_id).where(Instrument.id == Booking.instrument_id).scalar_subquery()
BOOKING = policy.read_rule(ReadRule(
    Booking, Role("office_admin"), Users(select(User.id).where(User.id == Booking.user_id)),
    Members(Booking.org_id, parent=Organisation.parent_id, roles=("org_admin",)),
    Members(_HOST_OF_BOOKING, parent=Organisation.parent_id, roles=("org_admin",), name="hosting_orgs")))
BOOKING_SLOTS = policy.read_rule(ReadRule(Booking, Everyone()), name=SLOTS)

_HOST_OF_USAGE = select(Instrument.org_id).where(Instrument.id == Usage.instrument_id).scalar_subquery()
_BOOKER_OF_USAGE = select(Booking.user_id).where(Booking.id == Usage.booking_id)
USAGE = policy.read_rule(ReadRule(
    Usage, Role("office_admin"), Users(_BOOKER_OF_USAGE),
    Members(Usage.org_id, parent=Organisation.parent_id, roles=("org_admin",)),
    Members(_HOST_OF_USAGE, parent=Organisation.parent_id, roles=("org_admin",), name="hosting_orgs")))

SCHEME = policy.read_rule(ReadRule(VoucherScheme, Everyone()))
_ISSUER_OF_VOUCHER = select(VoucherScheme.province_code).where(VoucherScheme.id == Voucher.scheme_id).scalar_subquery()
VOUCHER = policy.read_rule(ReadRule(
    Voucher, Role("office_admin"), Role("jurisdiction_admin", provinces=_ISSUER_OF_VOUCHER),
    Members(Voucher.holder_org_id, parent=Organisation.parent_id)))
_VOUCHER_OF = select(Voucher.holder_org_id).where(Voucher.id == Redemption.voucher_id).scalar_subquery()
_ISSUER_OF_REDEMPTION = (select(VoucherScheme.province_code).join(Voucher, Voucher.scheme_id == VoucherScheme.id)
                         .where(Voucher.id == Redemption.voucher_id).scalar_subquery())
_HOST_OF_REDEMPTION = (select(Instrument.org_id).join(Booking, Booking.instrument_id == Instrument.id)
                       .where(Booking.id == Redemption.booking_id).scalar_subquery())
REDEMPTION = policy.read_rule(ReadRule(
    Redemption, Role("office_admin"), Role("jurisdiction_admin", provinces=_ISSUER_OF_REDEMPTION),
    Members(_VOUCHER_OF, parent=Organisation.parent_id),
    Members(_HOST_OF_REDEMPTION, parent=Organisation.parent_id, roles=("org_admin",), name="hosting_orgs")))
LEDGER = policy.read_rule(ReadRule(
    LedgerEntry, Role("office_admin"), Role("jurisdiction_admin", provinces=LedgerEntry.issuer.expression),
    Role("jurisdiction_admin", provinces=LedgerEntry.provider.expression)))
