"""Every refusal of the programmes module, as a code with its English message (the catalogue msgid)."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    # programmes and calls
    "programme.owner_unknown": N_("An owner must be one of the four jurisdictions: {province}."),
    "programme.code_taken": N_("The programme code {code} is already in use; nothing was written."),
    "call.code_taken": N_("The call code {code} is already in use; nothing was written."),
    "call.province_unknown": N_("Not one of the four jurisdictions: {value}."),
    "call.org_type_unknown": N_("Not an organisation type: {value}."),
    "call.deadline_before_opening": N_("The deadline must come after the opening."),
    # applications: values
    "project.code_taken": N_("The project code {code} is already in use; nothing was written."),
    "project.funder_unknown": N_("A funder must be one of the four jurisdictions: {province}."),
    "project.funder_year": N_("Not a year: {year}."),
    "project.funder_amount": N_(
        "Not a share between 0 and 10,000,000 (10,000 yuan, at most six decimals): {amount}."),
    "project.end_before_start": N_("The end date precedes the start date."),
    "project.budget_mismatch": N_("The budget {budget} differs from the funders' sum {sum}."),
    "project.no_such_org": N_("No such organisation: {org} (register it first)."),
    # applications: submission
    "project.outside_window": N_("Outside the call's submission window ({opens} to {deadline})."),
    "project.lead_province_ineligible": N_("The lead organisation's jurisdiction may not apply to this call."),
    "project.lead_type_ineligible": N_("Organisations of this type ({type}) may not lead projects of this call."),
    "project.no_funders": N_("Name at least one funding jurisdiction."),
    "project.funder_not_owner": N_("{province} is not an owner of this programme, so it cannot fund it."),
    "project.over_budget": N_("The budget {budget} exceeds the call's maximum of {maximum} (10,000 yuan)."),
    # the lifecycle
    "project.not_draft": N_("Only a draft can be edited; the project is {status}. After submission, request a "
                            "change."),
    "project.funders_pending": N_("Not every funder has approved yet."),
    "project.no_refusal": N_("No funder has refused."),
    "project.open_milestones": N_("{count} milestones are still open."),
    "project.not_under_review": N_("The project is not under review; it is {status}."),
    "project.reviews_pending": N_("Every assigned review must be in first ({done} of {assigned})."),
    "project.not_a_funder": N_("{province} does not fund this project."),
    # imports naming an existing project
    "project.lead_fixed": N_("The lead organisation of a project does not change."),
    "project.status_via_lifecycle": N_("The project is {status}; its status changes only through its steps."),
    "project.share_decided": N_("{province}'s share is already decided ({decision}); it does not change by "
                                "import. After approval, request a change."),
    "project.change_request_needed": N_("The project is {status}; a change now goes through a change request."),
    "project.other_call": N_("The project belongs to another call or programme."),
    # review
    "review.conflict_of_interest": N_("{expert} belongs to a participating organisation and cannot review this "
                                      "project."),
    "review.not_expert": N_("{expert} does not hold the expert role."),
    "review.already_assigned": N_("{expert} is already assigned."),
    "review.no_such_expert": N_("No such user: {username}."),
    "review.closed": N_("The review is closed or already submitted."),
    # milestones and changes
    "milestone.future": N_("A milestone cannot be done on a future date ({day})."),
    "milestone.not_running": N_("Milestones are completed while the project runs; it is {status}."),
    "milestone.closed": N_("The project is {status}; no milestone can be added."),
    "milestone.done": N_("This milestone was done on {day}."),
    "change.not_running": N_("Changes are requested for approved projects; this one is {status}."),
    # import files
    "project_import.no_programme": N_("Give a programme code or a call code (a column, or the import's default)."),
    "project_import.no_such_programme": N_("No such programme: {code}."),
    "project_import.no_such_call": N_("No such call: {code}."),
    "project_import.funders_format": N_(
        "Funders are written as “Shanghai: 2026=300, 2027=200; Jiangsu: 100”, not: {value}."),
    "project_import.funder_year_missing": N_("Give the year of each amount (2026=300) or a start date."),
})
