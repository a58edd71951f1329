"""Pydantic schemas for the outputs API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=4, max_length=60)
    title: str = Field(min_length=1, max_length=500)
    type: str = Field(pattern="^(final|annual|topical)$")
    org_id: int = Field(ge=1, le=2**31 - 1)
    openness: str = Field(pattern="^(public|delayed|restricted)$")
    year: int = Field(ge=1949, le=2100)
    abstract: str = Field("", max_length=20_000)
    full_text: str = Field("", max_length=5_000_000)
    authors: list[str] = Field(default_factory=list, max_length=100)
    keywords: list[str] = Field(default_factory=list, max_length=30)
    embargo_until: date | None = None
    project_id: int | None = Field(None, ge=1, le=2**31 - 1)


class ReportRead(BaseModel):
    """The record and abstract — never the full text (see /text)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    title: str
    type: str
    authors: list[str]
    org_id: int
    province_code: str | None
    project_id: int | None
    keywords: list[str]
    abstract: str
    openness: str
    embargo_until: date | None
    year: int
    created_at: datetime
    is_sample: bool


class AchievementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern="^(paper|patent|standard|software|product|variety)$")
    title: str = Field(min_length=1, max_length=500)
    year: int = Field(ge=1949, le=2100)
    applicant_org_ids: list[int] = Field(min_length=1, max_length=50)
    identifier: str = Field("", max_length=120)
    trl: int | None = Field(None, ge=1, le=9)
    transfer_status: str = Field("none", pattern="^(none|licensed|transferred)$")
    project_id: int | None = Field(None, ge=1, le=2**31 - 1)


class AchievementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    identifier: str
    year: int
    project_id: int | None
    applicants: list[dict[str, Any]]
    trl: int | None
    transfer_status: str
    is_sample: bool


class ReportFileRead(BaseModel):
    """An uploaded original file (its text is the report's full text, behind /text)."""

    model_config = ConfigDict(from_attributes=True)

    report_id: int
    filename: str
    kind: str
    media_type: str
    encoding: str
    pages: int | None
    size: int
    sha256: str
    text_chars: int
    uploaded_at: datetime
