"""Programme services: programmes, calls, applications and the project lifecycle with four funders' sign-offs.

Lifecycle (every move by policy, with a reason where it matters, audited and kept in the project's history):

  draft ─submit─▶ submitted ─start_review─▶ under_review ─(every funder approves)─▶ approved ─contract─▶
  contracted ─midterm─▶ midterm_passed ─accept─▶ accepted (验收通过)
  under_review ─(any funder rejects)─▶ rejected;  any active state ─terminate (reason)─▶ terminated
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.models import User
from yrdhub.accounts.policy import Target, authorize, can
from yrdhub.db import utcnow
from yrdhub.programmes import indexing
from yrdhub.programmes.models import (
    Call,
    ChangeRequest,
    Funding,
    Milestone,
    Participant,
    Programme,
    Project,
    Review,
    Transition,
)
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation
from yrdhub.regions.service import YRD_PROVINCES

PROVINCES = YRD_PROVINCES
ACTIVE = ("submitted", "under_review", "approved", "contracted", "midterm_passed")
PUBLIC = ("approved", "contracted", "midterm_passed", "accepted", "terminated")  # visible to everyone
MOVES = {  # action -> (allowed from, to)
    "contract": (("approved",), "contracted"),
    "midterm": (("contracted",), "midterm_passed"),
    "accept": (("midterm_passed",), "accepted"),
    "terminate": (ACTIVE, "terminated"),
}


class ProgrammeError(ValueError):
    """A request the programme rules refuse, with the reason in Chinese and English."""


# --- programmes and calls ------------------------------------------------------------------------------


def _owners_target(programme: Programme) -> Target:
    return Target(provinces=tuple(programme.owners))


def create_programme(session: Session, *, actor: Actor, code: str, name: str, owners: Sequence[str],
                     name_en: str = "", description: str = "", is_sample: bool = False) -> Programme:
    owners = sorted(set(owners))
    if not owners or set(owners) - set(PROVINCES):
        raise ProgrammeError("主管方须为三省一市中的一个或多个 / owners must be among the four jurisdictions")
    authorize(actor, "programme.create", Target(provinces=tuple(owners)))
    programme = Programme(code=code.strip(), name=name.strip(), name_en=name_en, description=description,
                          owners=owners, is_sample=is_sample)
    session.add(programme)
    session.flush()
    audit.record(session, actor, "programme.create", "programme", programme.id,
                 after={"code": programme.code, "name": programme.name, "owners": owners})
    return programme


def create_call(session: Session, *, actor: Actor, programme: Programme, code: str, title: str, opens_at: datetime,
                deadline: datetime, eligible_provinces: Sequence[str] = (), eligible_org_types: Sequence[str] = (),
                max_budget_wan: float | None = None, description: str = "", is_sample: bool = False) -> Call:
    authorize(actor, "programme.manage", _owners_target(programme))
    if deadline <= opens_at:
        raise ProgrammeError("截止时间须晚于开始时间 / the deadline must follow the opening")
    call = Call(programme_id=programme.id, code=code.strip(), title=title.strip(), opens_at=opens_at,
                deadline=deadline, eligible_provinces=sorted(set(eligible_provinces)),
                eligible_org_types=sorted(set(eligible_org_types)), max_budget_wan=max_budget_wan,
                description=description, is_sample=is_sample)
    session.add(call)
    session.flush()
    audit.record(session, actor, "programme.call", "call", call.id,
                 after={"code": call.code, "deadline": deadline.isoformat(), "programme": programme.code})
    return call


# --- applications ----------------------------------------------------------------------------------------


def _applicant_target(session: Session, project: Project) -> Target:
    lead = orgs.get(session, project.lead_org_id)
    assert lead is not None
    return Target(org_ids=orgs.ancestors(session, lead), province=lead.province_code)


def _programme_of(session: Session, project: Project) -> Programme:
    call = session.get(Call, project.call_id)
    assert call is not None
    programme = session.get(Programme, call.programme_id)
    assert programme is not None
    return programme


def create_project(session: Session, *, actor: Actor, call: Call, code: str, title: str, lead_org_id: int,
                   partner_org_ids: Sequence[int] = (), funders: dict[str, dict[str, float]] | None = None,
                   summary: str = "", keywords: Sequence[str] = (), discipline: str = "",
                   start_on: date | None = None, end_on: date | None = None, is_sample: bool = False) -> Project:
    """A draft application by the lead organisation. `funders`: {province: {year: amount in 万元}}."""
    lead = orgs.get(session, lead_org_id)
    if lead is None or lead.merged_into_id is not None:
        raise ProgrammeError(f"牵头单位不存在 / no such lead organisation: {lead_org_id}")
    authorize(actor, "project.apply", Target(org_ids=orgs.ancestors(session, lead), province=lead.province_code))
    project = Project(call_id=call.id, code=code.strip(), title=title.strip(), summary=summary,
                      keywords=list(keywords), discipline=discipline, lead_org_id=lead.id, start_on=start_on,
                      end_on=end_on, created_by=actor.username, is_sample=is_sample)
    project.participants.append(Participant(org_id=lead.id, role="lead", province_code=lead.province_code))
    for org_id in dict.fromkeys(partner_org_ids):
        org = orgs.get(session, org_id)
        if org is None or org.merged_into_id is not None:
            raise ProgrammeError(f"参与单位不存在 / no such partner organisation: {org_id}")
        if org.id != lead.id:
            project.participants.append(Participant(org_id=org.id, role="partner", province_code=org.province_code))
    for province, yearly in (funders or {}).items():
        amounts = {str(y): float(v) for y, v in yearly.items()}
        project.funders.append(Funding(province_code=province, amount_wan=sum(amounts.values()), yearly=amounts))
    project.requested_budget_wan = sum(f.amount_wan for f in project.funders)
    session.add(project)
    session.flush()
    audit.record(session, actor, "project.create", "project", project.id, after=snapshot(project))
    _reindex(session, project)
    return project


def _reindex(session: Session, project: Project) -> None:
    """Keep the project's search document (its text, facets and who may find it) in step with the project, at
    once (the indexing module's commit hook catches writers that bypass these functions)."""
    indexing.index_project(session, project)


def snapshot(project: Project) -> dict[str, Any]:
    return {"code": project.code, "title": project.title, "status": project.status,
            "lead_org_id": project.lead_org_id,
            "participants": [[p.org_id, p.role, p.province_code] for p in project.participants],
            "funders": {f.province_code: [f.amount_wan, f.decision] for f in project.funders}}


def _move(session: Session, actor: Actor, project: Project, to: str, reason: str = "") -> None:
    before = snapshot(project)
    project.transitions.append(Transition(from_status=project.status, to_status=to, actor=actor.username,
                                          reason=reason))
    project.status = to
    session.flush()
    audit.record(session, actor, f"project.{to}", "project", project.id, before=before, after=snapshot(project),
                 note=reason)
    _reindex(session, project)


def eligibility_problems(session: Session, project: Project, call: Call, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    problems = []
    if not call.opens_at <= now <= call.deadline:
        problems.append(f"不在申报期内（{call.opens_at:%Y-%m-%d}—{call.deadline:%Y-%m-%d %H:%M}）/ "
                        "outside the call's submission window")
    lead = orgs.get(session, project.lead_org_id)
    eligible = call.eligible_provinces or list(PROVINCES)
    if lead is None or lead.province_code not in eligible:
        problems.append("牵头单位所在地不符合申报条件 / the lead organisation's jurisdiction is not eligible")
    if call.eligible_org_types and lead is not None and lead.type not in call.eligible_org_types:
        problems.append(f"牵头单位类型 {lead.type} 不符合申报条件 / organisation type not eligible")
    programme = session.get(Programme, call.programme_id)
    assert programme is not None
    if not project.funders:
        problems.append("须列明出资方 / at least one funding jurisdiction is required")
    for funding in project.funders:
        if funding.province_code not in programme.owners:
            problems.append(f"{funding.province_code} 不是本计划的出资方 / not a funder of this programme")
    if call.max_budget_wan is not None and project.requested_budget_wan > call.max_budget_wan:
        problems.append(f"申请经费 {project.requested_budget_wan:g} 万元超过上限 {call.max_budget_wan:g} 万元 / "
                        "budget above the call's maximum")
    return problems


def submit(session: Session, *, actor: Actor, project: Project, now: datetime | None = None) -> Project:
    authorize(actor, "project.apply", _applicant_target(session, project))
    if project.status != "draft":
        raise ProgrammeError(f"只有草稿可以提交（当前 {project.status}）/ only a draft can be submitted")
    call = session.get(Call, project.call_id)
    assert call is not None
    problems = eligibility_problems(session, project, call, now)
    if problems:
        raise ProgrammeError("；".join(p.split(" / ")[0] for p in problems) + " / " +
                             "; ".join(p.split(" / ")[-1] for p in problems))
    _move(session, actor, project, "submitted")
    return project


EDITABLE = ("title", "summary", "keywords", "discipline", "start_on", "end_on", "partner_org_ids", "funders")


def draft_fields(project: Project) -> dict[str, Any]:
    """What an applicant may edit in a draft, as plain values (audited before and after each edit)."""
    return {"title": project.title, "summary": project.summary, "keywords": list(project.keywords),
            "discipline": project.discipline,
            "start_on": project.start_on.isoformat() if project.start_on else None,
            "end_on": project.end_on.isoformat() if project.end_on else None,
            "partner_org_ids": [p.org_id for p in project.participants if p.role == "partner"],
            "funders": {f.province_code: {str(y): float(v) for y, v in f.yearly.items()} for f in project.funders}}


def _clean_funders(funders: Any) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for province, yearly in dict(funders or {}).items():
        if province not in PROVINCES:
            raise ProgrammeError(f"出资方须为三省一市之一：{province} / a funder must be one of the four "
                                 f"jurisdictions: {province}")
        amounts = {}
        for year, amount in dict(yearly or {}).items():
            if not str(year).isdigit() or not 1949 <= int(year) <= 2100:
                raise ProgrammeError(f"年度无效：{year} / invalid year: {year}")
            try:
                value = float(amount)
            except (TypeError, ValueError):
                raise ProgrammeError(f"经费须为数字：{amount!r} / an amount must be a number") from None
            if not 0 <= value <= 1e7:
                raise ProgrammeError(f"经费超出范围（0 至 1,000 亿元）：{amount} / amount out of range "
                                     "(0 to 10,000,000 万元)")
            if value > 0:
                amounts[str(int(year))] = value
        if amounts:
            out[province] = amounts
    return out


def update_draft(session: Session, *, actor: Actor, project: Project, changes: dict[str, Any]) -> Project:
    """Edit a saved draft before it is submitted: only the fields given change (PATCH). By the lead
    organisation's members (policy `project.apply`, as creating and submitting); after submission a change goes
    through a change request. The lead organisation and the code stay. Audited (`project.update`, the changed
    fields before and after) and re-indexed; an edit that changes nothing writes nothing."""
    authorize(actor, "project.apply", _applicant_target(session, project))
    if project.status != "draft":
        raise ProgrammeError(f"只有草稿可以修改（当前：{project.status}），提交后请申请变更 / only a draft can be "
                             f"edited (now {project.status}); after submission, request a change")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ProgrammeError(f"不能修改的字段：{', '.join(unknown)} / fields that cannot be edited: "
                             f"{', '.join(unknown)}")
    before = draft_fields(project)
    values: dict[str, Any] = {}  # every change is checked before any is made: a refused edit changes nothing
    if "title" in changes:
        values["title"] = str(changes["title"] or "").strip()
        if not values["title"] or len(values["title"]) > 300:
            raise ProgrammeError("项目名称须为 1–300 个字 / the title needs 1-300 characters")
    for key, limit in (("summary", 20_000), ("discipline", 100)):
        if key in changes:
            values[key] = str(changes[key] or "").strip()
            if len(values[key]) > limit:
                raise ProgrammeError(f"{key} 过长（最多 {limit} 字） / {key} longer than {limit} characters")
    if "keywords" in changes:
        values["keywords"] = list(dict.fromkeys(str(k).strip() for k in changes["keywords"] or () if str(k).strip()))
        if len(values["keywords"]) > 20:
            raise ProgrammeError("关键词最多 20 个 / at most 20 keywords")
    for key in ("start_on", "end_on"):
        if key in changes:
            values[key] = changes[key]
    start_on, end_on = values.get("start_on", project.start_on), values.get("end_on", project.end_on)
    if start_on and end_on and end_on < start_on:
        raise ProgrammeError("结束日期早于开始日期 / the end date precedes the start")
    partners = _partners(session, project, changes["partner_org_ids"]) if "partner_org_ids" in changes else None
    funders = _clean_funders(changes["funders"]) if "funders" in changes else None
    for key, value in values.items():
        setattr(project, key, value)
    if partners is not None:
        _set_partners(project, partners)
    if funders is not None:
        _set_funders(project, funders)
    after = draft_fields(project)
    changed = [k for k in EDITABLE if before[k] != after[k]]
    if not changed:
        return project
    session.flush()
    audit.record(session, actor, "project.update", "project", project.id,
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    _reindex(session, project)
    return project


def _partners(session: Session, project: Project, org_ids: Any) -> list[Organisation]:
    wanted: list[Organisation] = []
    for org_id in dict.fromkeys(org_ids or ()):
        org = orgs.get(session, org_id) if isinstance(org_id, int) else None
        if org is None or org.merged_into_id is not None:
            raise ProgrammeError(f"参与单位不存在 / no such partner organisation: {org_id}")
        if org.id != project.lead_org_id and org.id not in {o.id for o in wanted}:
            wanted.append(org)
    return wanted


def _set_partners(project: Project, wanted: list[Organisation]) -> None:
    """The partners become `wanted` (kept rows stay: (project, org) is unique and a flush inserts first)."""
    keep = {o.id for o in wanted}
    for p in list(project.participants):
        if p.role == "partner" and p.org_id not in keep:
            project.participants.remove(p)
    present = {p.org_id for p in project.participants}
    for org in wanted:
        if org.id not in present:
            project.participants.append(Participant(org_id=org.id, role="partner", province_code=org.province_code))


def _set_funders(project: Project, funders: dict[str, dict[str, float]]) -> None:
    """A draft's funders (all still pending): shares updated in place, removed or added by jurisdiction."""
    by_province = {f.province_code: f for f in project.funders}
    for province, funding in by_province.items():
        if province not in funders:
            project.funders.remove(funding)
    for province, yearly in funders.items():
        share = by_province.get(province)
        if share is None:
            project.funders.append(Funding(province_code=province, amount_wan=sum(yearly.values()), yearly=yearly))
        elif share.yearly != yearly:
            share.yearly, share.amount_wan = yearly, sum(yearly.values())
    project.requested_budget_wan = sum(sum(y.values()) for y in funders.values())


# --- review -----------------------------------------------------------------------------------------------


def start_review(session: Session, *, actor: Actor, project: Project) -> Project:
    authorize(actor, "programme.manage", _owners_target(_programme_of(session, project)))
    if project.status != "submitted":
        raise ProgrammeError(f"只有已提交的项目可以进入评审 / not submitted ({project.status})")
    _move(session, actor, project, "under_review")
    return project


def conflict_of(session: Session, expert: User, project: Project) -> str | None:
    """A reason the expert may not review the project: an affiliation with a participant (or its parents)."""
    participant_orgs: set[int] = set()
    for p in project.participants:
        org = orgs.get(session, p.org_id)
        if org is not None:
            participant_orgs.update(orgs.ancestors(session, org))
    for grant in expert.grants:
        if grant.scope.startswith("org:") and int(grant.scope[4:]) in participant_orgs:
            return "评审专家隶属于参与单位 / the expert belongs to a participating organisation"
    return None


def assign_reviewer(session: Session, *, actor: Actor, project: Project, expert: User) -> Review:
    authorize(actor, "programme.manage", _owners_target(_programme_of(session, project)))
    if project.status != "under_review":
        raise ProgrammeError("项目不在评审阶段 / the project is not under review")
    if not any(g.role == "expert" for g in expert.grants):
        raise ProgrammeError(f"{expert.username} 不是评审专家 / {expert.username} has no expert role")
    conflict = conflict_of(session, expert, project)
    if conflict:
        raise ProgrammeError(conflict)
    if any(r.expert_user_id == expert.id for r in project.reviews):
        raise ProgrammeError("该专家已被指派 / already assigned")
    review = Review(expert_user_id=expert.id, assigned_by=actor.username)
    project.reviews.append(review)
    session.flush()
    audit.record(session, actor, "project.assign_reviewer", "project", project.id,
                 after={"expert": expert.username})
    _reindex(session, project)  # the reviewer may now find the project
    return review


def _own_review(project: Project, actor: Actor) -> Review:
    review = next((r for r in project.reviews if r.expert_user_id == actor.user_id), None)
    authorize(actor, "project.review", Target(owner_user_id=review.expert_user_id if review else None))
    assert review is not None
    if project.status != "under_review" or review.submitted_at is not None:
        raise ProgrammeError("评审已结束或已提交 / the review is closed or already submitted")
    return review


def submit_review(session: Session, *, actor: Actor, project: Project, score: float, comment: str) -> Review:
    review = _own_review(project, actor)
    if not 0 <= score <= 100:
        raise ProgrammeError("评分须在 0–100 之间 / score must be 0-100")
    if not comment.strip():
        raise ProgrammeError("须填写评审意见 / a comment is required")
    review.score, review.comment, review.submitted_at = float(score), comment.strip(), utcnow()
    session.flush()
    audit.record(session, actor, "project.review", "project", project.id, after={"score": score})
    return review


def declare_conflict(session: Session, *, actor: Actor, project: Project, reason: str) -> Review:
    review = _own_review(project, actor)
    if not reason.strip():
        raise ProgrammeError("须说明利益冲突 / describe the conflict")
    review.conflict_declared, review.conflict_reason, review.submitted_at = True, reason.strip(), utcnow()
    session.flush()
    audit.record(session, actor, "project.conflict", "project", project.id, note=reason)
    return review


def review_summary(project: Project) -> dict[str, Any]:
    scores = [r.score for r in project.reviews if r.score is not None and not r.conflict_declared]
    return {"assigned": len(project.reviews), "done": sum(r.submitted_at is not None for r in project.reviews),
            "conflicts": sum(r.conflict_declared for r in project.reviews),
            "mean": sum(scores) / len(scores) if scores else None}


# --- funders' sign-offs ------------------------------------------------------------------------------------


def decide_funding(session: Session, *, actor: Actor, project: Project, province: str, approve: bool,
                   reason: str = "") -> Funding:
    """One funder signs its own share. All approve: the project is approved; one refuses: it is rejected."""
    authorize(actor, "project.fund", Target(province=province))
    funding = next((f for f in project.funders if f.province_code == province), None)
    if funding is None:
        raise ProgrammeError(f"{province} 不是该项目的出资方 / not a funder of this project")
    if project.status != "under_review":
        raise ProgrammeError("项目不在评审阶段 / the project is not under review")
    if funding.decision != "pending":
        raise ProgrammeError("该出资方已作出决定 / this funder has already decided")
    summary = review_summary(project)
    if summary["done"] == 0 or summary["done"] < summary["assigned"]:
        raise ProgrammeError("须待评审全部完成 / all assigned reviews must be in first")
    if not approve and not reason.strip():
        raise ProgrammeError("不予资助须说明理由 / a refusal needs a reason")
    funding.decision = "approved" if approve else "rejected"
    funding.decided_by, funding.decided_at, funding.reason = actor.username, utcnow(), reason.strip()
    session.flush()
    audit.record(session, actor, "project.fund", "project", project.id,
                 after={"province": province, "decision": funding.decision}, note=reason)
    if funding.decision == "rejected":
        _move(session, actor, project, "rejected", f"{province}: {reason}")
    elif all(f.decision == "approved" for f in project.funders):
        _move(session, actor, project, "approved", "全部出资方同意 / every funder approved")
    return funding


def move(session: Session, *, actor: Actor, project: Project, action: str, reason: str = "") -> Project:
    """contract, midterm, accept, terminate — by the programme's owners, in order, with reasons."""
    if action not in MOVES:
        raise ProgrammeError(f"未知操作 / unknown action: {action}")
    authorize(actor, "programme.manage", _owners_target(_programme_of(session, project)))
    allowed, to = MOVES[action]
    if project.status not in allowed:
        raise ProgrammeError(f"状态 {project.status} 不能执行 {action} / "
                             f"{action} is not possible from {project.status}")
    if action == "terminate" and not reason.strip():
        raise ProgrammeError("终止须说明理由 / termination needs a reason")
    if action == "accept" and any(m.done_on is None for m in project.milestones):
        raise ProgrammeError("尚有未完成的里程碑 / milestones are still open")
    _move(session, actor, project, to, reason.strip())
    return project


# --- milestones and changes ----------------------------------------------------------------------------------


def add_milestone(session: Session, *, actor: Actor, project: Project, title: str, due: date) -> Milestone:
    authorize(actor, "project.apply", _applicant_target(session, project))
    milestone = Milestone(title=title.strip(), due=due)
    project.milestones.append(milestone)
    session.flush()
    audit.record(session, actor, "project.milestone", "project", project.id, after={"title": title, "due": due})
    return milestone


def complete_milestone(session: Session, *, actor: Actor, project: Project, milestone_id: int, evidence: str,
                       done_on: date | None = None) -> Milestone:
    authorize(actor, "project.apply", _applicant_target(session, project))
    milestone = next((m for m in project.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise ProgrammeError(f"里程碑不存在 / no such milestone: {milestone_id}")
    if not evidence.strip():
        raise ProgrammeError("须附完成证明 / evidence is required")
    milestone.done_on, milestone.evidence = done_on or date.today(), evidence.strip()
    session.flush()
    audit.record(session, actor, "project.milestone_done", "project", project.id, after={"milestone": milestone.id})
    return milestone


def request_change(session: Session, *, actor: Actor, project: Project, kind: str, description: str
                   ) -> ChangeRequest:
    authorize(actor, "project.apply", _applicant_target(session, project))
    if project.status not in ("approved", "contracted", "midterm_passed"):
        raise ProgrammeError("只有立项后的项目可以申请变更 / changes are for approved projects")
    change = ChangeRequest(kind=kind, description=description.strip(), requested_by=actor.username)
    project.changes.append(change)
    session.flush()
    audit.record(session, actor, "project.change_request", "project", project.id,
                 after={"kind": kind, "description": description})
    return change


def decide_change(session: Session, *, actor: Actor, project: Project, change_id: int, approve: bool,
                  reason: str) -> ChangeRequest:
    authorize(actor, "programme.manage", _owners_target(_programme_of(session, project)))
    change = next((c for c in project.changes if c.id == change_id), None)
    if change is None or change.status != "pending":
        raise ProgrammeError("变更申请不存在或已处理 / no pending change request")
    change.status, change.decided_by, change.reason = ("approved" if approve else "rejected"), actor.username, reason
    session.flush()
    audit.record(session, actor, "project.change_decision", "project", project.id,
                 after={"change": change.id, "status": change.status}, note=reason)
    return change


# --- reading -------------------------------------------------------------------------------------------------


def get_project(session: Session, project_id: int) -> Project | None:
    stmt = select(Project).where(Project.id == project_id).options(
        selectinload(Project.participants), selectinload(Project.funders), selectinload(Project.reviews),
        selectinload(Project.milestones), selectinload(Project.changes), selectinload(Project.transitions))
    return session.execute(stmt).scalar_one_or_none()


def can_read(session: Session, actor: Actor, project: Project) -> bool:
    if project.status in PUBLIC:
        return True
    programme = _programme_of(session, project)
    target = _applicant_target(session, project)
    reviewer = next((r.expert_user_id for r in project.reviews if r.expert_user_id == actor.user_id), None)
    return can(actor, "project.read_draft", Target(provinces=tuple(programme.owners), org_ids=target.org_ids,
                                                     owner_user_id=reviewer))


def list_projects(session: Session, *, actor: Actor, funder: str | None = None, participant_province: str | None = None,
                  status: str | None = None) -> list[Project]:
    """Projects the actor may see; by funding jurisdiction or by the jurisdiction of a participant."""
    stmt = select(Project).options(selectinload(Project.participants), selectinload(Project.funders),
                                   selectinload(Project.reviews)).order_by(Project.code)
    if status:
        stmt = stmt.where(Project.status == status)
    if funder:
        stmt = stmt.where(Project.id.in_(select(Funding.project_id).where(Funding.province_code == funder)))
    if participant_province:
        stmt = stmt.where(Project.id.in_(select(Participant.project_id)
                                         .where(Participant.province_code == participant_province)))
    return [p for p in session.execute(stmt).scalars() if can_read(session, actor, p)]


def collaboration_counts(session: Session) -> dict[int, dict[str, Any]]:
    """Cross-region collaboration in approved projects (for monitoring): projects with participants from
    several provinces, and province pairs, by start year."""
    running = ("approved", "contracted", "midterm_passed", "accepted")
    stmt = select(Project).where(Project.status.in_(running)).options(
        selectinload(Project.participants))
    by_year: dict[int, dict[str, Any]] = {}
    for project in session.execute(stmt).scalars():
        year = project.start_on.year if project.start_on else project.created_at.year
        provinces = sorted({p.province_code for p in project.participants if p.province_code})
        entry = by_year.setdefault(year, {"projects": 0, "cross_province": 0, "pairs": Counter()})
        entry["projects"] += 1
        if len(provinces) > 1:
            entry["cross_province"] += 1
            entry["pairs"].update("-".join(pair) for pair in combinations(provinces, 2))
    return {year: {**v, "pairs": dict(v["pairs"])} for year, v in sorted(by_year.items())}


# --- what the pages offer: asked of the policy, with the same targets the writes above use -------------------

RUNNING = ("approved", "contracted", "midterm_passed", "accepted")


def owners_allowed(actor: Actor) -> list[str]:
    """The jurisdictions the actor may name as owners of a new programme (any subset of them)."""
    return [p for p in PROVINCES if can(actor, "programme.create", Target(provinces=(p,)))]


def can_manage(actor: Actor, programme: Programme) -> bool:
    return can(actor, "programme.manage", _owners_target(programme))


def applicant_orgs(session: Session, actor: Actor) -> list[Any]:
    """Organisations the actor may apply for (those of the actor's scoped grants that the policy accepts)."""
    out = []
    for org_id in sorted({g.org_id for g in actor.grants if g.org_id is not None}):
        org = orgs.get(session, org_id)
        if org is not None and org.merged_into_id is None and can(
                actor, "project.apply", Target(org_ids=orgs.ancestors(session, org), province=org.province_code)):
            out.append(org)
    return out


def actions_for(session: Session, *, actor: Actor, project: Project) -> dict[str, Any]:
    """The steps the actor may take on the project now (the write functions check again)."""
    manage = can(actor, "programme.manage", _owners_target(_programme_of(session, project)))
    apply = can(actor, "project.apply", _applicant_target(session, project))
    status = project.status
    review = next((r for r in project.reviews if actor.user_id is not None and r.expert_user_id == actor.user_id),
                  None)
    reviewing = (review is not None and status == "under_review" and review.submitted_at is None
                 and can(actor, "project.review", Target(owner_user_id=review.expert_user_id)))
    running = status in ("approved", "contracted", "midterm_passed")
    return {
        "submit": apply and status == "draft",
        "edit": apply and status == "draft",
        "start_review": manage and status == "submitted",
        "assign": manage and status == "under_review",
        "review": reviewing,
        "fund": [f.province_code for f in project.funders if status == "under_review" and f.decision == "pending"
                 and can(actor, "project.fund", Target(province=f.province_code))],
        "moves": [a for a, (allowed, _) in MOVES.items() if manage and status in allowed],
        "milestone": apply and status not in ("accepted", "terminated", "rejected"),
        "complete_milestone": apply and running,
        "change": apply and running,
        "decide_change": manage,
    }


def expert_candidates(session: Session, project: Project) -> list[tuple[User, str | None]]:
    """Active experts not yet assigned, each with the conflict that would refuse them (None: none)."""
    from yrdhub.accounts.models import RoleGrant

    assigned = {r.expert_user_id for r in project.reviews}
    stmt = (select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == "expert", User.is_active).options(selectinload(User.grants))
            .order_by(User.username).distinct())
    return [(u, conflict_of(session, u, project)) for u in session.execute(stmt).scalars() if u.id not in assigned]


def my_reviews(session: Session, *, actor: Actor) -> list[Project]:
    """Projects under review where the actor has an assigned review still to write."""
    if actor.user_id is None:
        return []
    stmt = (select(Project).join(Review, Review.project_id == Project.id)
            .where(Review.expert_user_id == actor.user_id, Review.submitted_at.is_(None),
                   Project.status == "under_review").order_by(Project.code))
    return [p for p in session.execute(stmt).scalars()
            if can(actor, "project.review", Target(owner_user_id=actor.user_id))]


def jurisdiction_view(session: Session, *, actor: Actor, province: str) -> dict[str, Any]:
    """What a jurisdiction funds (its share and yearly budget) and where its organisations take part, with
    cross-region collaboration: running projects (approved and after, public) that its organisations share with
    organisations of each other jurisdiction."""
    funded = list_projects(session, actor=actor, funder=province)
    shares = {p.id: next(f for f in p.funders if f.province_code == province) for p in funded}
    by_year: dict[str, dict[str, float]] = {}
    for p in funded:
        bucket = "running" if p.status in RUNNING else ("applied" if p.status in ACTIVE else "other")
        for year, amount in shares[p.id].yearly.items():
            by_year.setdefault(str(year), {"running": 0.0, "applied": 0.0, "other": 0.0})[bucket] += float(amount)
    taking_part = list_projects(session, actor=actor, participant_province=province)
    partners: Counter[str] = Counter()
    cross = 0
    roles: dict[int, list[str]] = {}
    for p in taking_part:
        roles[p.id] = sorted({x.role for x in p.participants if x.province_code == province})
        others = {x.province_code for x in p.participants if x.province_code and x.province_code != province}
        if p.status in RUNNING and others:
            cross += 1
            partners.update(others)
    return {"funded": funded, "shares": shares, "by_year": dict(sorted(by_year.items())),
            "committed": sum(shares[p.id].amount_wan for p in funded if p.status in RUNNING),
            "taking_part": taking_part, "roles": roles, "cross_region": cross,
            "running": sum(p.status in RUNNING for p in taking_part),
            "partners": {code: partners.get(code, 0) for code in PROVINCES if code != province}}
