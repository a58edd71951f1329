"""What the resources pages show by name (msgids): kinds and states of facilities, instruments' states, price
groups, units, service types, value bands, booking states and moves, calendar slots."""

from yrdhub.i18n import N_, NP_
from yrdhub.resources.lifecycle import LABELS, LIFECYCLE

FACILITY_KIND = {
    "national_science_centre": N_("Comprehensive national science centre"),
    "major_facility": N_("Major S&T infrastructure"),
    "national_lab": N_("National laboratory"),
    "yrd_lab": N_("YRD laboratory"),
    "provincial_lab": N_("Provincial laboratory"),
    "tech_innovation_centre": N_("Technology innovation centre"),
    "industry_innovation_centre": N_("Industrial innovation centre"),
    "manufacturing_innovation_centre": N_("Manufacturing innovation centre"),
    "clinical_research_centre": N_("Clinical medical research centre"),
    "computing_centre": N_("Computing centre"),
    "data_centre": N_("Science data centre"),
}
FACILITY_STATUS = {"planned": NP_("facility status", "Planned"),
                   "under_construction": NP_("facility status", "Under construction"),
                   "operating": NP_("facility status", "Operating")}
INSTRUMENT_STATUS = {"in_service": NP_("instrument status", "In service"),
                     "maintenance": NP_("instrument status", "Under maintenance"),
                     "retired": NP_("instrument status", "Retired")}
PRICE_GROUP = {"internal": N_("Internal price"), "same_jurisdiction": N_("In-province price"),
               "cross_jurisdiction": N_("Cross-province price")}
RATE_UNIT = {"hour": N_("per hour"), "day": N_("per day"), "sample": N_("per sample")}
SERVICE_TYPE = {"self_operated": N_("Self-operated use"), "staff_operated": N_("Operated by the host's staff"),
                "sample_testing": N_("Sample testing on commission")}
VALUE_BAND = {"lt50w": N_("under 500,000 yuan"), "50w-200w": N_("500,000 to 2 million yuan"),
              "200w-500w": N_("2 to 5 million yuan"), "ge500w": N_("5 million yuan and more")}
BOOKING_STATUS = {str(state): label for state, label in LABELS.items()}
BOOKING_MOVE = {move.name: move.label for move in LIFECYCLE.moves}
SLOT_KIND = {"booked": N_("Booked"), "outage": N_("Out of service")}  # as the calendar feeds say it
