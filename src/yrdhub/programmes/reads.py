"""What the API returns (read models): money as plain decimal strings, a programme's owners as a list, lists of
projects as keyset pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from yrdhub.programmes.schemas import Money


class ProgrammeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    description: str
    owners: list[str]
    is_sample: bool


class CallRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    programme_id: int
    code: str
    title: str
    description: str
    opens_at: datetime
    deadline: datetime
    eligible_provinces: list[str]
    eligible_org_types: list[str]
    max_budget_wan: Money | None
    is_sample: bool


class ParticipantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    org_id: int
    role: str
    province_code: str | None


class FundingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    province_code: str
    amount_wan: Money
    yearly: dict[str, Money]
    decision: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str


class TransitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str
    to_status: str
    move: str
    actor: str
    reason: str
    note: str
    note_params: dict[str, Any]
    at: datetime


class MilestoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    due: date
    done_on: date | None
    evidence: str


class ChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    description: str
    status: str
    requested_by: str
    decided_by: str | None
    reason: str


class ProjectSummary(BaseModel):
    """A project in a list: without its reviews, milestones, changes and history."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    call_id: int
    code: str
    title: str
    summary: str
    keywords: list[str]
    discipline: str
    lead_org_id: int
    status: str
    requested_budget_wan: Money
    start_on: date | None
    end_on: date | None
    recorded: bool
    row_version: int
    is_sample: bool
    participants: list[ParticipantRead]
    funders: list[FundingRead]


class ProjectRead(ProjectSummary):
    milestones: list[MilestoneRead]
    changes: list[ChangeRead]
    transitions: list[TransitionRead]


class ProjectPage(BaseModel):
    items: list[ProjectSummary]
    next_cursor: str | None
