"""Pydantic schemas for regions and organisations (the API's contract)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from yrdhub.regions.models import ORG_TYPES

MAX_ID = 2**31 - 1  # INTEGER primary keys (32-bit on PostgreSQL)


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    short_name: str
    name_en: str
    level: str
    parent_code: str | None
    lon: float | None
    lat: float | None
    source: str


class RegionPage(BaseModel):
    items: list[RegionRead]
    next_cursor: str | None


class RegionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=64)
    short_name: str | None = Field(None, min_length=1, max_length=64)
    name_en: str | None = Field(None, min_length=1, max_length=128)
    lon: float | None = Field(None, ge=73, le=136)
    lat: float | None = Field(None, ge=3, le=54)


class StatisticRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    region_code: str
    indicator: str
    year: int
    value: float
    unit: str
    source: str


class OrgBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    type: str = Field(description=f"one of {', '.join(ORG_TYPES)} (or the Chinese label)")
    uscc: str | None = Field(None, description="统一社会信用代码 (GB 32100-2015), validated with its check character")
    region: str | None = Field(None, description="region code or name; derived from the address when absent")
    address: str = Field("", max_length=500)
    name_en: str = Field("", max_length=300)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)


class OrgCreate(OrgBase):
    pass


class OrgUpdate(OrgBase):
    pass


class OrgRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    name_en: str
    type: str
    uscc: str | None
    region_code: str | None
    province_code: str | None
    address: str
    parent_id: int | None
    merged_into_id: int | None
    aliases: list[str]
    created_at: datetime
    updated_at: datetime
    resolved_from: int | None = Field(None, description="the id asked for, when it was merged into this record")


class OrgPage(BaseModel):
    items: list[OrgRead]
    next_cursor: str | None


class OrgMergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: int = Field(ge=1, le=MAX_ID, description="id of the organisation that absorbs this one")


class ImportRowError(BaseModel):
    line: int
    field: str | None
    message: str
    message_en: str


class ImportResult(BaseModel):
    filename: str
    format: str
    rows: int
    created: int
    updated: int
    unchanged: int
