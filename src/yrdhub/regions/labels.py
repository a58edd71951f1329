"""What the regions module shows by name: region levels and organisation types (msgids; shown translated)."""

from yrdhub.i18n import N_, NP_

REGION_LEVEL = {"province": NP_("region level", "Province"), "city": N_("City"), "county": N_("County")}
ORG_TYPE = {"university": N_("University"), "institute": N_("Research institute"), "enterprise": N_("Enterprise"),
            "lab": N_("Laboratory"), "hospital": N_("Hospital"), "government": N_("Government body"),
            "other": N_("Other")}
ORG_HISTORY = {"org.create": N_("Registered"), "org.update": N_("Changed"), "org.merge": N_("Merged"),
               "org.import": N_("Imported")}
