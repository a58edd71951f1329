"""Every field rule of the programme writes, one schema per write: the page forms, the JSON API and the import
files all build these and call the same service, so a bad value gets the same code whichever way it came in.

Money is exact: `Decimal` 万元 in, `Decimal` stored (Numeric), and in JSON a plain decimal string ("1234.5").
Times without a zone are Beijing time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from yrdhub.i18n import BEIJING
from yrdhub.programmes.labels import PROVINCES
from yrdhub.regions.models import ORG_TYPES

MAX_ID = 2**31 - 1
MAX_WAN = Decimal(10_000_000)  # 1,000 亿元 in 万元: far above any project, far below a typo's overflow


def plain_decimal(value: Decimal) -> str:
    """A Decimal as a plain string without exponent or trailing zeros: 1E+2 → "100", 0.300000 → "0.3"."""
    return format(value.normalize(), "f") if value == value else "NaN"


Money = Annotated[Decimal, PlainSerializer(plain_decimal, return_type=str, when_used="json")]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Keyword = Annotated[str, StringConstraints(max_length=50)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
Amount = Annotated[Decimal, Field(ge=0, le=MAX_WAN, decimal_places=6, allow_inf_nan=False)]


def _refuse(code: str, message: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(code, message, params)  # the code is registered in programmes/errors.py


def _items(value: Any) -> Any:
    """A list of words as entered: stripped, blanks and repeats dropped (order kept); None is an empty list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
    return value


def _unique_ids(value: Any) -> Any:
    return [] if value is None else list(dict.fromkeys(value)) if isinstance(value, (list, tuple)) else value


Keywords = Annotated[list[Keyword], BeforeValidator(_items), Field(max_length=20)]
PartnerIds = Annotated[list[RowId], BeforeValidator(_unique_ids), Field(max_length=50)]


def clean_funders(value: dict[str, dict[str, Decimal]] | None) -> dict[str, dict[str, Decimal]]:
    """{province: {year: 万元}}: each a jurisdiction of the four, each year 1949-2100, each amount 0 to 10,000,000
    万元 with at most six decimals; zero amounts (and funders left with none) are dropped."""
    out: dict[str, dict[str, Decimal]] = {}
    for province, yearly in sorted((value or {}).items()):
        if province not in PROVINCES:
            raise _refuse("project.funder_unknown", "A funder must be one of the four jurisdictions: {province}.",
                          province=province)
        amounts: dict[str, Decimal] = {}
        for year, amount in sorted(yearly.items()):
            if not str(year).strip().isdigit() or not 1949 <= int(year) <= 2100:
                raise _refuse("project.funder_year", "Not a year: {year}.", year=str(year))
            exponent = amount.as_tuple().exponent
            if (not amount.is_finite() or not 0 <= amount <= MAX_WAN
                    or (isinstance(exponent, int) and exponent < -6 and amount != amount.quantize(Decimal("1e-6")))):
                raise _refuse("project.funder_amount", "Not a share between 0 and 10,000,000 (10,000 yuan, at most "
                              "six decimals): {amount}.", amount=plain_decimal(amount))
            if amount:
                amounts[str(int(year))] = amounts.get(str(int(year)), Decimal(0)) + amount
        if amounts:
            out[province] = amounts
    return out


def total(funders: dict[str, dict[str, Decimal]]) -> Decimal:
    return sum((a for yearly in funders.values() for a in yearly.values()), Decimal(0))


def _end_after_start(value: date | None, info: ValidationInfo) -> date | None:
    start = info.data.get("start_on")
    if value is not None and start is not None and value < start:
        raise _refuse("project.end_before_start", "The end date precedes the start date.")
    return value


def _not_null(value: Any) -> Any:
    if value is None:
        raise _refuse("validation.required", "This field is required.")
    return value


# --- programmes and calls ------------------------------------------------------------------------------------

def _owners(value: list[str] | None) -> list[str]:
    for code in value or ():
        if code not in PROVINCES:
            raise _refuse("programme.owner_unknown", "An owner must be one of the four jurisdictions: {province}.",
                          province=code)
    return sorted(set(value or ()))


class ProgrammeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Title
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] = ""
    owners: list[str] = Field(min_length=1, max_length=4)
    is_sample: bool = False

    _owners = field_validator("owners")(_owners)


class ProgrammeUpdate(BaseModel):
    """Only the fields given change; a change of owners needs the new owners' consent (programme.create)."""

    model_config = ConfigDict(extra="forbid")

    name: Title | None = None
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] | None = None
    owners: list[str] | None = Field(None, min_length=1, max_length=4)

    _owners = field_validator("owners")(_owners)
    _required = field_validator("name", "owners", mode="before")(_not_null)


def _beijing(value: datetime) -> datetime:
    return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value


def _subset(allowed: Iterable[str], code: str, message: str) -> Any:
    allowed = tuple(allowed)

    def check(value: list[str]) -> list[str]:
        for item in value:
            if item not in allowed:
                raise _refuse(code, message, value=item)
        return sorted(set(value))
    return check


class CallCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    title: Title
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] = ""
    opens_at: datetime
    deadline: datetime
    eligible_provinces: list[str] = Field(default_factory=list, max_length=4)
    eligible_org_types: list[str] = Field(default_factory=list, max_length=len(ORG_TYPES))
    max_budget_wan: Amount | None = None
    is_sample: bool = False

    _aware = field_validator("opens_at", "deadline")(_beijing)
    _provinces = field_validator("eligible_provinces")(
        _subset(PROVINCES, "call.province_unknown", "Not one of the four jurisdictions: {value}."))
    _types = field_validator("eligible_org_types")(
        _subset(ORG_TYPES, "call.org_type_unknown", "Not an organisation type: {value}."))

    @field_validator("deadline")
    @classmethod
    def _after_opening(cls, value: datetime, info: ValidationInfo) -> datetime:
        opens = info.data.get("opens_at")
        if opens is not None and value <= opens:
            raise _refuse("call.deadline_before_opening", "The deadline must come after the opening.")
        return value


# --- projects -----------------------------------------------------------------------------------------------

class ProjectCreate(BaseModel):
    """An application (a draft of the lead organisation). `funders`: {province: {year: 万元}}."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    title: Title
    lead_org_id: RowId
    partner_org_ids: PartnerIds = Field(default_factory=list)
    funders: dict[str, dict[str, Decimal]] = Field(default_factory=dict, description="{province: {year: 万元}}")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)] = ""
    keywords: Keywords = Field(default_factory=list)
    discipline: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    start_on: date | None = None
    end_on: date | None = None
    is_sample: bool = False

    _funders = field_validator("funders")(clean_funders)
    _end = field_validator("end_on")(_end_after_start)


class ProjectUpdate(BaseModel):
    """A draft's edit: only the fields sent change (PATCH); the code and the lead organisation stay. `null`
    clears a date, the partners, the keywords or the funders; `title` may not be null."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    partner_org_ids: PartnerIds | None = None
    funders: dict[str, dict[str, Decimal]] | None = Field(None, description="{province: {year: 万元}}; replaces all")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)] | None = None
    keywords: Keywords | None = None
    discipline: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    start_on: date | None = None
    end_on: date | None = None

    _funders = field_validator("funders", mode="before")(lambda v: {} if v is None else v)
    _clean = field_validator("funders")(clean_funders)
    _title = field_validator("title", mode="before")(_not_null)
    _end = field_validator("end_on")(_end_after_start)


RecordStatus = Literal["approved", "rejected", "contracted", "midterm_passed", "accepted", "terminated"]


class ProjectRecord(ProjectCreate):
    """A project decided outside the platform, recorded (by import) with its status and, when no funder is named,
    its total budget; the budget must equal the funders' shares when both are given."""

    status: RecordStatus = "contracted"
    budget: Amount | None = None

    @field_validator("budget")
    @classmethod
    def _budget_matches(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        funders = info.data.get("funders")
        if value is not None and funders and value != total(funders):
            raise _refuse("project.budget_mismatch", "The budget {budget} differs from the funders' sum {sum}.",
                          budget=plain_decimal(value), sum=plain_decimal(total(funders)))
        return value


class ReviewerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64)]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0, le=100, allow_inf_nan=False)
    comment: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = ""


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["start_review", "contract", "midterm", "accept", "terminate"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] = ""


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    due: date


class MilestoneDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evidence: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    done_on: date | None = None

    @field_validator("done_on")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        today = datetime.now(BEIJING).date()
        if value is not None and value > today:
            raise _refuse("milestone.future", "A milestone cannot be done on a future date ({day}).", day=value)
        return value


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["budget", "schedule", "participants", "content"]
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
