"""Every field rule of a report's and an achievement's write, in one place: the API, the page forms and the
importers build these schemas and call the same service functions (`outputs.service`, `outputs.achievements`).

A rule refuses with a registered code (`PydanticCustomError(code, ...)`), so that a form, the API and an import
give the same code for the same mistake. What only the database can tell (does the organisation exist, is the
number taken, may this actor write it, does the report's state allow it) is the service's.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from yrdhub.errors import message_of

ReportType = Literal["final", "annual", "topical"]
Openness = Literal["public", "delayed", "restricted"]
ImportStatus = Literal["draft", "submitted", "accepted"]  # what a new (or imported) report may start as
AchievementKind = Literal["paper", "patent", "standard", "software", "product", "variety"]
TransferStatus = Literal["none", "licensed", "transferred"]
NUMBER = re.compile(r"[A-Z0-9][A-Z0-9\-/]{3,59}")
MAX_FULL_TEXT = 5_000_000  # characters; the same limit for a typed text and a file's extracted text


def _refuse(code: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(code, message_of(code) or code, params)


def _number(value: str) -> str:
    """Report numbers are compared and stored in capitals ("js-2026-0001" is JS-2026-0001)."""
    number = value.strip().upper()
    if not NUMBER.fullmatch(number):
        raise _refuse("report.number")
    return number


def _items(value: Any) -> Any:
    """A list given as text (a form's field) is split at new lines, ; ； and 、."""
    if isinstance(value, str):
        return [part for part in re.split(r"[;；、\n]", value) if part.strip()]
    return value


def _no_blank(values: list[str]) -> list[str]:
    if any(not v for v in values):
        raise _refuse("output.blank_item")
    return list(dict.fromkeys(values))  # duplicates dropped, order kept


Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Number = Annotated[str, Field(max_length=80), AfterValidator(_number)]
Title = Annotated[str, Field(min_length=1, max_length=500)]
Year = Annotated[int, Field(ge=1949, le=2100)]
Abstract = Annotated[str, Field(max_length=20_000)]
FullText = Annotated[str, Field(max_length=MAX_FULL_TEXT)]
Name = Annotated[str, Field(max_length=100)]
Authors = Annotated[list[Name], BeforeValidator(_items), Field(max_length=100), AfterValidator(_no_blank)]
Keywords = Annotated[list[Annotated[str, Field(max_length=50)]], BeforeValidator(_items), Field(max_length=30),
                     AfterValidator(_no_blank)]
Identifier = Annotated[str, Field(max_length=120)]
Trl = Annotated[int, Field(ge=1, le=9)]
Applicants = Annotated[list[Id], Field(min_length=1, max_length=50), AfterValidator(lambda v: list(dict.fromkeys(v)))]

_WRITE = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- reports ----------------------------------------------------------------------------------------------------


class ReportFields(BaseModel):
    """A report's record as it must be whole: the rules of every field, and of the openness with its embargo."""

    model_config = _WRITE

    title: Title
    type: ReportType
    org_id: Id
    openness: Openness
    year: Year
    abstract: Abstract = ""
    full_text: FullText = ""
    authors: Authors = Field(default_factory=list)
    keywords: Keywords = Field(default_factory=list)
    embargo_until: date | None = Field(None, validate_default=True)
    project_id: Id | None = None

    @field_validator("embargo_until")
    @classmethod
    def _embargo(cls, value: date | None, info: ValidationInfo) -> date | None:
        """延期公开: a release date, and only then (a refused openness is reported on its own)."""
        openness = info.data.get("openness")
        if openness == "delayed" and value is None:
            raise _refuse("report.embargo_required")
        if openness is not None and openness != "delayed" and value is not None:
            raise _refuse("report.embargo_only_delayed")
        return value


class ReportCreate(ReportFields):
    number: Number
    status: ImportStatus = "draft"  # submitted / accepted: the moves are made at once, each authorised


class ReportKey(BaseModel):
    """A report's number alone (an import row finds its report by it)."""

    model_config = _WRITE

    number: Number


class ReportUpdate(BaseModel):
    """Some fields of a draft (the number and the state stay). The merged record is checked as `ReportFields`."""

    model_config = _WRITE

    title: Title | None = None
    type: ReportType | None = None
    org_id: Id | None = None
    openness: Openness | None = None
    year: Year | None = None
    abstract: Abstract | None = None
    full_text: FullText | None = None
    authors: Authors | None = None
    keywords: Keywords | None = None
    embargo_until: date | None = None
    project_id: Id | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ReportMove(BaseModel):
    model_config = _WRITE

    move: Literal["submit", "recall", "accept", "return", "withdraw", "reinstate"]
    reason: str = Field("", max_length=4000)
    row_version: int | None = Field(None, ge=1)  # the version the client saw: a later change is a conflict


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
    status: str
    status_reason: str
    accepted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    row_version: int
    is_sample: bool


class ReportPage(BaseModel):
    items: list[ReportRead]
    next_cursor: str | None


class ReportText(BaseModel):
    id: int
    number: str
    title: str
    full_text: str


# --- achievements -----------------------------------------------------------------------------------------------


class AchievementFields(BaseModel):
    model_config = _WRITE

    title: Title
    year: Year
    applicant_org_ids: Applicants
    identifier: Identifier = ""
    trl: Trl | None = None
    transfer_status: TransferStatus = "none"
    project_id: Id | None = None


class AchievementCreate(AchievementFields):
    kind: AchievementKind


class AchievementUpdate(BaseModel):
    """Some fields (the kind is part of the achievement's identity and stays)."""

    model_config = _WRITE

    title: Title | None = None
    year: Year | None = None
    applicant_org_ids: Applicants | None = None
    identifier: Identifier | None = None
    trl: Trl | None = None
    transfer_status: TransferStatus | None = None
    project_id: Id | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


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


class AchievementPage(BaseModel):
    items: list[AchievementRead]
    next_cursor: str | None


# --- files and usage ------------------------------------------------------------------------------------------


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
