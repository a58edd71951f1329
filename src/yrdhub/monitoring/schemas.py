"""Pydantic schemas for the monitoring API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FrameworkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    version: int
    name: str
    name_en: str
    spec_hash: str


class FrameworkDetail(FrameworkRead):
    spec: dict[str, Any]


class ValueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    element: str
    value: float
    reason: str
    source: str


class SubmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    framework_id: int
    region_code: str
    period: int
    version: int
    status: str
    reason: str
    comments: list[dict[str, Any]]
    created_by: str
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    accepted_at: datetime | None
    values: list[ValueRead]


class SubmissionOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    framework: str = "yrd-monitoring"
    version: int | None = None
    region: str = Field(pattern=r"^3[1-4]0000$", description="province code of the submitting jurisdiction")
    period: int = Field(ge=2000, le=2100)
    reason: str = Field("", max_length=2000, description="required when correcting accepted data")


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float | None
    reason: str = Field("", max_length=2000)


class ValuesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, EntryIn]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field("", max_length=2000)


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class CompletenessRead(BaseModel):
    region_code: str
    period: int
    status: str | None
    version: int | None
    submitted_at: datetime | None
    accepted: bool
    due: date
    late: bool


class TaskUpdateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    region_code: str | None
    status: str
    progress: int
    note: str
    evidence: str
    milestone: str
    milestone_due: date | None
    created_by: str
    created_at: datetime


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    area: str
    title: str
    quote: str
    responsible: list[str]
    items: list[dict[str, Any]]
    due: date | None
    status: str
    progress: int
    overdue: bool = False
    updates: list[TaskUpdateRead] = []


class TaskReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(None, pattern=r"^3[1-4]0000$")
    status: str = Field(pattern="^(not_started|in_progress|completed|delayed)$")
    progress: int = Field(ge=0, le=100)
    note: str = Field(min_length=1, max_length=4000)
    evidence: str = Field("", max_length=4000)
    milestone: str = Field("", max_length=300)
    milestone_due: date | None = None
