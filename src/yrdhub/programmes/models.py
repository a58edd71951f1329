"""Programme tables: programmes, calls, projects with participants, funders' shares and sign-offs, reviews,
milestones, change requests and the project's transition history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yrdhub.accounts import models as _accounts  # noqa: F401  (tables our foreign keys point to)
from yrdhub.db import Base, utcnow
from yrdhub.regions import models as _regions  # noqa: F401


class Programme(Base):
    __tablename__ = "prog_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    owners: Mapped[list[Any]] = mapped_column(default=list)  # province codes; several = a joint programme
    is_sample: Mapped[bool] = mapped_column(default=False)  # generated demonstration data (示例)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    calls: Mapped[list[Call]] = relationship(back_populates="programme", order_by="Call.id")


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
    max_budget_wan: Mapped[float | None] = mapped_column(Float)
    is_sample: Mapped[bool] = mapped_column(default=False)

    programme: Mapped[Programme] = relationship(back_populates="calls")


class Project(Base):
    __tablename__ = "prog_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("prog_call.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    discipline: Mapped[str] = mapped_column(String(100), default="")
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    requested_budget_wan: Mapped[float] = mapped_column(Float, default=0)
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_sample: Mapped[bool] = mapped_column(default=False)

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
    __table_args__ = (UniqueConstraint("project_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # lead | partner
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)

    project: Mapped[Project] = relationship(back_populates="participants")


class Funding(Base):
    """One funding jurisdiction's share of a project and its own sign-off."""

    __tablename__ = "prog_funding"
    __table_args__ = (UniqueConstraint("project_id", "province_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    amount_wan: Mapped[float] = mapped_column(Float)
    yearly: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"2026": 300.0, ...}
    decision: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | rejected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="funders")


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
    """The project's lifecycle history: each move with who, when and why."""

    __tablename__ = "prog_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("prog_project.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="transitions")
