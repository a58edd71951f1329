"""Pydantic schemas for the programmes API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1
Province = Field(pattern=r"^3[1-4]0000$")


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    description: str = Field("", max_length=10_000)
    owners: list[str] = Field(min_length=1, max_length=4)


class ProgrammeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    description: str
    owners: list[str]
    is_sample: bool


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=10_000)
    opens_at: datetime
    deadline: datetime
    eligible_provinces: list[str] = Field(default_factory=list, max_length=4)
    eligible_org_types: list[str] = Field(default_factory=list, max_length=10)
    max_budget_wan: float | None = Field(None, ge=0, le=1e7)


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
    max_budget_wan: float | None
    is_sample: bool


class ProjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    lead_org_id: int = Field(ge=1, le=MAX_ID)
    partner_org_ids: list[int] = Field(default_factory=list, max_length=50)
    funders: dict[str, dict[str, float]] = Field(default_factory=dict, description="{province: {year: 万元}}")
    summary: str = Field("", max_length=20_000)
    keywords: list[str] = Field(default_factory=list, max_length=20)
    discipline: str = Field("", max_length=100)
    start_on: date | None = None
    end_on: date | None = None


class ProjectUpdate(BaseModel):
    """A draft's edit: only the fields sent change (PATCH); the code and the lead organisation stay."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    partner_org_ids: list[int] | None = Field(None, max_length=50)
    funders: dict[str, dict[str, float]] | None = Field(None, description="{province: {year: 万元}}; replaces all")
    summary: str | None = Field(None, max_length=20_000)
    keywords: list[str] | None = Field(None, max_length=20)
    discipline: str | None = Field(None, max_length=100)
    start_on: date | None = None
    end_on: date | None = None


class ParticipantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    org_id: int
    role: str
    province_code: str | None


class FundingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    province_code: str
    amount_wan: float
    yearly: dict[str, Any]
    decision: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str


class TransitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str
    to_status: str
    actor: str
    reason: str
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


class ProjectRead(BaseModel):
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
    requested_budget_wan: float
    start_on: date | None
    end_on: date | None
    is_sample: bool
    participants: list[ParticipantRead]
    funders: list[FundingRead]
    milestones: list[MilestoneRead] = []
    changes: list[ChangeRead] = []
    transitions: list[TransitionRead] = []


class ReviewerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0, le=100)
    comment: str = Field(min_length=1, max_length=10_000)


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str = Field("", max_length=4000)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(pattern="^(contract|midterm|accept|terminate)$")
    reason: str = Field("", max_length=4000)


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    due: date


class MilestoneDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evidence: str = Field(min_length=1, max_length=4000)
    done_on: date | None = None


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern="^(budget|schedule|participants|content)$")
    description: str = Field(min_length=1, max_length=10_000)
