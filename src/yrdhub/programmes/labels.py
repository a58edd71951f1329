"""What the programme pages show by name: states, decisions, roles, change kinds, steps, the notes the system writes
in a project's history, and the four jurisdictions (msgids, translated where shown)."""

from __future__ import annotations

from yrdhub.i18n import N_, NP_, Msg
from yrdhub.regions.labels import ORG_TYPE

PROVINCES = ("310000", "320000", "330000", "340000")  # 上海, 江苏, 浙江, 安徽 (三省一市)
PROVINCE = {"310000": N_("Shanghai"), "320000": N_("Jiangsu"), "330000": N_("Zhejiang"), "340000": N_("Anhui")}

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
    "approve": N_("Approve (every funder signed)"), "reject": N_("Reject (a funder refused)"),
    "approve_share": N_("Approve our share"), "refuse_share": N_("Refuse funding"),
    "contract": N_("Sign the contract"), "midterm": N_("Pass the mid-term check"),
    "accept": N_("Accept as completed"), "terminate": N_("Terminate"), "add_milestone": N_("Add milestone"),
    "complete": N_("Complete"), "request_change": N_("Request a change"),
    "approve_change": NP_("change request", "Approve"), "refuse_change": NP_("change request", "Refuse"),
    "save_edit": N_("Save changes"), "record": N_("Recorded"),
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
# What the system notes in a project's history (Transition.note), with the params it stores (note_params)
TRANSITION_NOTE = {
    "all_approved": N_("Every funder approved."),
    "funder_refused": N_("Refused by {province}."),
    "imported": N_("Recorded by bulk import (decided outside the platform)."),
}
CALL_KIND = {"import": N_("Recorded projects (bulk import)")}
FIELD = {  # the fields of the programme forms, as a refusal names them
    "code": NP_("programme", "Code"), "name": N_("Name"), "name_en": N_("English name"),
    "description": N_("Description"), "owners": N_("Owners"), "title": N_("Project title"),
    "opens_at": N_("Opens"), "deadline": N_("Deadline"), "max_budget_wan": N_("Maximum budget (10,000 yuan)"),
    "eligible_provinces": N_("Lead's jurisdiction"), "eligible_org_types": N_("Lead's organisation type"),
    "lead_org_id": N_("Lead organisation"), "partner_org_ids": N_("Partners"), "funders": N_("Funders"),
    "summary": N_("Summary"), "keywords": N_("Keywords"), "discipline": N_("Discipline"), "start_on": N_("Start"),
    "end_on": N_("End"), "call": N_("Call"), "budget": N_("Budget"), "status": N_("Status"),
    "score": N_("Score"), "comment": N_("Review comments"), "reason": N_("Reason"), "username": N_("Reviewer"),
    "due": N_("Due"), "done_on": N_("Done on"), "evidence": N_("Evidence"), "kind": N_("Type"),
    "province": N_("Province"), "request": N_("Request"),
}


def province(code: str | None) -> Msg | str:
    """A jurisdiction by name (a msgid, translated where shown); any other code as it is."""
    return PROVINCE.get(code or "", code or "—")


def org_type(kind: str) -> Msg | str:
    return ORG_TYPE.get(kind, kind)
