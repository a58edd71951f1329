"""Pydantic schemas for regions and organisations (the API's contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from yrdhub.errors import schema_error
from yrdhub.regions import uscc
from yrdhub.regions.labels import ORG_TYPE
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
    source_en: str = ""


# Types accepted in forms and files: the code, or its Chinese or English label.
TYPE_INPUT = {"university": ("高校", "大学", "University"), "institute": ("科研院所", "研究院所", "Research institute",
                                                                   "Institute"),
              "enterprise": ("企业", "Enterprise", "Company"), "lab": ("实验室", "Laboratory", "Lab"),
              "hospital": ("医院", "Hospital"), "government": ("政府机构", "Government body", "Government"),
              "other": ("其他", "Other")}
TYPE_BY_INPUT = {label.lower(): code for code, labels in TYPE_INPUT.items() for label in (code, *labels)}


class OrgCreate(BaseModel):
    """An organisation as entered — the one schema of the form, the API and the import (every field rule here)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    type: str = Field(description=f"one of {', '.join(ORG_TYPES)} (or the Chinese label)")
    uscc: str | None = Field(None, description="统一社会信用代码 (GB 32100-2015), validated with its check character")
    region: str | None = Field(None, max_length=100,
                               description="region code or name; derived from the address when absent")
    address: str = Field("", max_length=500)
    name_en: str = Field("", max_length=300)
    aliases: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=50)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: object) -> str:
        code = TYPE_BY_INPUT.get(str(value or "").strip().lower())
        if code is None:
            raise schema_error("org.type", value=str(value), accepted=[ORG_TYPE[t] for t in ORG_TYPES])
        return code

    @field_validator("uscc", mode="before")
    @classmethod
    def _uscc(cls, value: object) -> str | None:
        code = uscc.normalise(str(value)) if value is not None else ""
        if not code:
            return None
        refusal = uscc.problem(code)
        if refusal is not None:
            raise schema_error(refusal[0], **refusal[1])
        return code

    @field_validator("region", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        return sorted({a.strip() for a in value if a.strip()})

    @model_validator(mode="after")
    def _not_own_alias(self) -> OrgCreate:
        self.aliases = [a for a in self.aliases if a != self.name]
        return self


class OrgUpdate(OrgCreate):
    """The whole record as it should be (PUT-like: absent fields take their defaults)."""


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
