"""The refusals of the resources module, as codes with their English messages (the catalogue msgids)."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    # the registry and the catalogue
    "facility.not_found": N_("No such facility: {id}."),
    "instrument.not_found": N_("No such instrument: {id}."),
    "instrument.code_taken": N_("The code {code} is already used by another instrument."),
    "instrument.no_org": N_("No such organisation: {org}."),
    "instrument.no_city": N_("No such city: {city}."),
    "instrument.rates": N_("The steps of a rate start at 0 and rise; each price is 0 or more."),
    "instrument.rate_twice": N_("The rate for {group} per {unit} is given twice."),
    # bookings
    "booking.not_found": N_("No such booking: {id}."),
    "booking.overlap": N_("The instrument is already booked for part of this time."),
    "booking.outage": N_("The instrument is out of service for part of this time."),
    "booking.not_open": N_("This instrument cannot be booked now ({status})."),
    "booking.order": N_("A booking ends after it starts."),
    "booking.too_short": N_("A booking of this instrument lasts at least {minutes} minutes."),
    "booking.too_long": N_("A booking of this instrument lasts at most {minutes} minutes."),
    "booking.too_late": N_("This instrument is booked at most {days} days ahead."),
    "booking.too_soon": N_("This instrument is booked at least {hours} hours ahead."),
    "booking.in_past": N_("A booking cannot start in the past."),
    "booking.untrained": N_("This instrument is booked only after your training on it has been recorded."),
    "booking.no_org": N_("Book on behalf of an organisation you belong to."),
    "booking.use_order": N_("The use ends after it starts."),
    "booking.use_samples": N_("Give the number of samples measured."),
    "outage.order": N_("An outage ends after it starts."),
})

register({
    # vouchers
    "voucher.scheme_taken": N_("The scheme code {code} is already used."),
    "voucher.scheme_not_found": N_("No such voucher scheme: {id}."),
    "voucher.not_found": N_("No such voucher: {id}."),
    "voucher.budget": N_("The scheme's budget does not cover this voucher."),
    "voucher.holder_cap": N_("This voucher would take the holder beyond the scheme's cap."),
    "voucher.holder_type": N_("The scheme's vouchers are not for organisations of this type ({type})."),
    "voucher.insufficient": N_("The voucher's balance does not cover this."),
    "voucher.not_valid": N_("The voucher is not valid on {day}."),
    "voucher.not_holder": N_("The voucher is held by another organisation than the booking's payer."),
    "voucher.service": N_("The scheme does not pay for this service ({service})."),
    "voucher.booking_paid": N_("This booking already has a voucher."),
    "voucher.booking_state": N_("A voucher pays only for a confirmed booking."),
    "voucher.key_reused": N_("This idempotency key was used for another request."),
})
