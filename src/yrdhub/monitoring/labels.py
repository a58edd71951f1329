"""What the monitoring pages show by name: submission and plan-task states (msgids)."""

from yrdhub.i18n import N_, NP_

SUBMISSION_STATUS = {
    "draft": N_("Draft"), "submitted": NP_("submission status", "Submitted"),
    "approved": N_("Approved by jurisdiction"), "accepted": NP_("submission status", "Accepted"),
    "returned": N_("Returned"), "none": N_("No data entered"),
}
TASK_STATUS = {"unreported": N_("Not reported"), "not_started": N_("Not started"), "in_progress": N_("In progress"),
               "completed": N_("Completed"), "delayed": N_("Behind schedule")}
