"""What the programme pages show by name: states, decisions, roles, change kinds, steps (msgids)."""

from yrdhub.i18n import N_, NP_

PROJECT_STATUS = {
    "draft": N_("Draft"), "submitted": NP_("project status", "Submitted"), "under_review": N_("Under review"),
    "approved": NP_("project status", "Approved"), "rejected": N_("Rejected"), "contracted": N_("Contracted"),
    "midterm_passed": N_("Mid-term passed"), "accepted": NP_("project status", "Accepted"),
    "terminated": N_("Terminated"),
}
DECISION = {"pending": N_("Pending"), "approved": NP_("decision", "Approved"), "rejected": N_("Refused")}
PARTICIPANT_ROLE = {"lead": N_("Lead"), "partner": N_("Partner")}
CHANGE_KIND = {"budget": N_("Budget change"), "schedule": N_("Schedule"),
               "participants": N_("Change of participants"), "content": N_("Content")}
PROJECT_ACTION = {
    "submit": N_("Submit"), "start_review": N_("Start review"), "review": N_("Write my review"),
    "assign": N_("Assign"), "submit_review": N_("Submit review"), "declare_conflict": N_("Declare conflict"),
    "approve_share": N_("Approve our share"), "refuse_share": N_("Refuse funding"),
    "contract": N_("Sign the contract"), "midterm": N_("Pass the mid-term check"),
    "accept": N_("Accept as completed"), "terminate": N_("Terminate"), "add_milestone": N_("Add milestone"),
    "complete": N_("Complete"), "request_change": N_("Request a change"),
    "approve_change": NP_("change request", "Approve"), "refuse_change": NP_("change request", "Refuse"),
    "save_edit": N_("Save changes"),
}
PROJECT_DONE = {
    "created": N_("Created"), "saved": N_("Saved"), "submitted": N_("Application submitted"),
    "review_started": N_("Review started"), "assigned": N_("Reviewer assigned"),
    "reviewed": N_("Review submitted"), "conflict": N_("Conflict declared"), "signed": N_("Sign-off recorded"),
    "contract": N_("Contract signed"), "midterm": N_("Mid-term check passed"),
    "accept": NP_("project status", "Accepted"), "terminate": N_("The project was terminated"),
    "milestone": N_("Milestone added"), "milestone_done": N_("Milestone completed"),
    "change": N_("Change requested"), "change_decided": N_("Change request decided"),
    "edited": N_("Draft updated"),
}
