"""What the outputs pages show by name: openness classes and the kinds of search results (msgids)."""

from yrdhub.i18n import N_

OPENNESS = {"public": N_("Public"), "delayed": N_("Delayed release"), "restricted": N_("Restricted")}
RESULT_KIND = {"report": N_("Report"), "report_text": N_("Report full text"), "achievement": N_("Achievement"),
               "project": N_("Project")}
