"""What the outputs and search pages show by name (msgids): openness, kinds, states, moves, facets."""

from yrdhub.i18n import N_, NP_
from yrdhub.outputs.lifecycle import LABELS, MOVES

OPENNESS = {"public": N_("Public"), "delayed": N_("Delayed release"), "restricted": N_("Restricted")}
REPORT_TYPE = {"final": N_("Final report"), "annual": N_("Annual report"), "topical": N_("Topical report")}
ACHIEVEMENT_KIND = {"paper": N_("Paper"), "patent": N_("Patent"), "standard": NP_("achievement", "Standard"),
                    "software": N_("Software"), "product": N_("New product"), "variety": N_("New variety")}
TRANSFER_STATUS = {"none": N_("Not transferred"), "licensed": N_("Licensed"), "transferred": N_("Transferred")}
REPORT_STATUS = {str(state): label for state, label in LABELS.items()}
REPORT_MOVE = MOVES
RESULT_KIND = {"report": N_("Report"), "report_text": N_("Report full text"), "achievement": N_("Achievement"),
               "project": N_("Project")}
# How projects are funded (the search documents of `programmes` carry it as their "type").
FUNDING = {"joint": N_("Jointly funded"), "single": N_("Single funder")}
# The facets of the search page, by name.
SEARCH_FACET = {"kind": N_("Kind"), "type": N_("Type"), "year": N_("Year"), "province": N_("Jurisdiction"),
                "funder": N_("Funded by"), "status": N_("Project status"), "discipline": N_("Discipline"),
                "openness": N_("Openness")}
