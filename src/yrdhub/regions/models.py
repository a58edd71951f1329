"""Region and organisation tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yrdhub.db import Base, utcnow

LEVELS = ("province", "city", "county")
ORG_TYPES = ("university", "institute", "enterprise", "lab", "hospital", "government", "other")


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    short_name: Mapped[str] = mapped_column(String(64), index=True)
    name_en: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")


class RegionStatistic(Base):
    """An official figure for a region and year, with the publication it comes from."""

    __tablename__ = "region_statistic"
    __table_args__ = (UniqueConstraint("region_code", "indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    indicator: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    source_en: Mapped[str] = mapped_column(Text, default="")  # the source in English, for pages read in English


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        # An organisation without a credit code is known by its name: one current record per name (imports and
        # look-ups match it so, also when two imports of one file run at once).
        Index("uq_organisation_name_uncoded", "name", unique=True,
              sqlite_where=text("uscc IS NULL AND merged_into_id IS NULL"),
              postgresql_where=text("uscc IS NULL AND merged_into_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str] = mapped_column(String(300), default="")
    type: Mapped[str] = mapped_column(String(32), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Set when this record was merged into another; the row stays so old identifiers still resolve.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[OrgAlias]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrgAlias.alias")


class OrgAlias(Base):
    __tablename__ = "org_alias"
    __table_args__ = (UniqueConstraint("organisation_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")
