"""Programme tables: programmes and their owner jurisdictions, calls, projects with participants, funders' shares
(by year) and sign-offs, reviews, milestones, change requests and the project's transition history.

Money is exact: amounts are `Numeric(18, 6)` in 万元 (to the yuan cent), `Decimal` in Python. The project row
carries `row_version` (SQLAlchemy's version counter): every write to the project or to one of its child rows
updates the project row (`lifecycle.touch`), so of two simultaneous writes exactly one commits.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yrdhub.accounts import models as _accounts  # noqa: F401  (tables our foreign keys point to)
from yrdhub.db import Base, utcnow
from yrdhub.programmes.lifecycle import CHANGE, FUNDING, LIFECYCLE
from yrdhub.regions.models import Organisation

MONEY = Numeric(18, 6)  # 万元, to 0.000001 万元 = 0.01 yuan
IMPORT_CALL_SUFFIX = "-IMPORT"  # the placeholder call of a programme's recorded (imported) projects


class Programme(Base):
    __tablename__ = "prog_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(default=False)  # generated demonstration data (示例)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_rows: Mapped[list[ProgrammeOwner]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeOwner.province_code",
        lazy="selectin")
    calls: Mapped[list[Call]] = relationship(back_populates="programme", order_by="Call.id")

    @property
    def owners(self) -> list[str]:
        """The owner jurisdictions' province codes (several: a joint programme)."""
        return [o.province_code for o in self.owner_rows]


class ProgrammeOwner(Base):
    """One owner jurisdiction of a programme (its admins manage the programme and read its applications)."""

    __tablename__ = "prog_owner"

    programme_id: Mapped[int] = mapped_column(ForeignKey("prog_programme.id", ondelete="CASCADE"), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)

    programme: Mapped[Programme] = relationship(back_populates="owner_rows")


class Call(Base):
    __tablename__ = "prog_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("prog_programme.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    deadline: Mapped[datetime]
    eligible_provinces: Mapped[list[Any]] = mapped_column(default=list)  # empty: the four
    eligible_org_types: Mapped[list[Any]] = mapped_column(default=list)  # empty: any
    max_budget_wan: Mapped[Decimal | None] = mapped_column(MONEY)
    is_sample: Mapped[bool] = mapped_column(default=False)

    programme: Mapped[Programme] = relationship(back_populates="calls")

    @property
    def is_import(self) -> bool:
        """The placeholder call that holds a programme's recorded (imported) projects."""
        return self.code.endswith(IMPORT_CALL_SUFFIX)


class Project(Base):
    __tablename__ = "prog_project"
    __table_args__ = (LIFECYCLE.constraint(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("prog_call.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    discipline: Mapped[str] = mapped_column(String(100), default="")
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    requested_budget_wan: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]
    recorded: Mapped[bool] = mapped_column(default=False)  # decided outside the platform, recorded by import
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)
    is_sample: Mapped[bool] = mapped_column(default=False)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy's declarative attribute)

    call: Mapped[Call] = relationship()
    lead: Mapped[Organisation] = relationship()
    participants: Mapped[list[Participant]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                           order_by="Participant.id")
    funders: Mapped[list[Funding]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                  order_by="Funding.province_code")
    reviews: Mapped[list[Review]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                 order_by="Review.id")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                       order_by="Milestone.due")
    changes: Mapped[list[ChangeRequest]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                        order_by="ChangeRequest.id")
    transitions: Mapped[list[Transition]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                         order_by="Transition.id")


class Participant(Base):
    __tablename__ = "prog_participant"
    __table_args__ = (UniqueConstraint("project_id", "org_id"),
                      CheckConstraint("role IN ('lead', 'partner')", name="role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # lead | partner
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)

    project: Mapped[Project] = relationship(back_populates="participants")


class Funding(Base):
    """One funding jurisdiction's share of a project (by year) and its own sign-off."""

    __tablename__ = "prog_funding"
    __table_args__ = (UniqueConstraint("project_id", "province_code"), FUNDING.constraint("decision"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    amount_wan: Mapped[Decimal] = mapped_column(MONEY)
    decision: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | rejected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="funders")
    years: Mapped[list[FundingYear]] = relationship(back_populates="funding", cascade="all, delete-orphan",
                                                    order_by="FundingYear.year", lazy="selectin")

    @property
    def yearly(self) -> dict[str, Decimal]:
        return {str(y.year): y.amount_wan for y in self.years}


class FundingYear(Base):
    """A funder's share in one year (万元)."""

    __tablename__ = "prog_funding_year"
    __table_args__ = (UniqueConstraint("funding_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    funding_id: Mapped[int] = mapped_column(ForeignKey("prog_funding.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    amount_wan: Mapped[Decimal] = mapped_column(MONEY)

    funding: Mapped[Funding] = relationship(back_populates="years")


class Review(Base):
    __tablename__ = "prog_review"
    __table_args__ = (UniqueConstraint("project_id", "expert_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    expert_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    conflict_declared: Mapped[bool] = mapped_column(default=False)
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]

    project: Mapped[Project] = relationship(back_populates="reviews")


class Milestone(Base):
    __tablename__ = "prog_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due: Mapped[date]
    done_on: Mapped[date | None]
    evidence: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="milestones")


class ChangeRequest(Base):
    __tablename__ = "prog_change"
    __table_args__ = (CHANGE.constraint(),
                      CheckConstraint("kind IN ('budget', 'schedule', 'participants', 'content')", name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # budget | schedule | participants | content
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | rejected
    requested_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="changes")


class Transition(Base):
    """The project's lifecycle history: each move with who, when and why — the reason a person typed (`reason`)
    and, for what the system notes itself (every funder approved, recorded by import), a code with its params
    (`note`, `note_params`; labels in `programmes/labels.py`), shown translated."""

    __tablename__ = "prog_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    move: Mapped[str] = mapped_column(String(20), default="")
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(40), default="")
    note_params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="transitions")
