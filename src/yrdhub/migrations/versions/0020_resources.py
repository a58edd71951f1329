"""resources: the registry of facilities, instruments with their rates, training records, outages, bookings and
metered use — and the database's guard against double booking

A holding booking (confirmed or used) of an instrument may not overlap another: on PostgreSQL an exclusion
constraint over the time range (`btree_gist` for the instrument's equality), on SQLite a trigger on insert and on
update that aborts with `booking.overlap`. States are frozen here (resources.lifecycle.HOLDING).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:31:13
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (  # resources.models.FACILITY_KINDS, frozen here
    "national_science_centre",
    "major_facility",
    "national_lab",
    "yrd_lab",
    "provincial_lab",
    "tech_innovation_centre",
    "industry_innovation_centre",
    "manufacturing_innovation_centre",
    "clinical_research_centre",
    "computing_centre",
    "data_centre",
)
HOLDING = "('confirmed', 'used')"
OVERLAP = (
    "EXISTS (SELECT 1 FROM res_booking b WHERE b.instrument_id = NEW.instrument_id AND b.id IS NOT NEW.id"
    f" AND b.status IN {HOLDING} AND b.starts_at < NEW.ends_at AND b.ends_at > NEW.starts_at)"
)


def upgrade() -> None:
    op.create_table(
        "res_facility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("city_code", sa.String(length=6), nullable=True),
        sa.Column("hosts", sa.JSON(), nullable=False),
        sa.Column("co_builders", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_as_of", sa.String(length=10), nullable=False),
        sa.Column("plan_wording", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")",
            name=op.f("ck_res_facility_kind"),
        ),
        sa.CheckConstraint(
            "status IS NULL OR status IN ('planned', 'under_construction', 'operating')",
            name=op.f("ck_res_facility_status"),
        ),
        sa.ForeignKeyConstraint(["city_code"], ["region.code"], name=op.f("fk_res_facility_city_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_facility")),
        sa.UniqueConstraint("key", name=op.f("uq_res_facility_key")),
    )
    with op.batch_alter_table("res_facility", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_facility_city_code"), ["city_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_facility_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_facility_status"), ["status"], unique=False)

    op.create_table(
        "res_instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("maker", sa.String(length=200), nullable=False),
        sa.Column("maker_country", sa.String(length=60), nullable=False),
        sa.Column("original_value_fen", sa.BigInteger(), nullable=False),
        sa.Column("purchase_year", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("lab", sa.String(length=200), nullable=False),
        sa.Column("city_code", sa.String(length=6), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column("facility_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("specs", sa.Text(), nullable=False),
        sa.Column("functions", sa.Text(), nullable=False),
        sa.Column("service_types", sa.JSON(), nullable=False),
        sa.Column("needs_training", sa.Boolean(), nullable=False),
        sa.Column("min_minutes", sa.Integer(), nullable=False),
        sa.Column("max_minutes", sa.Integer(), nullable=False),
        sa.Column("book_days_ahead", sa.Integer(), nullable=False),
        sa.Column("book_hours_before", sa.Integer(), nullable=False),
        sa.Column("cancel_hours_before", sa.Integer(), nullable=False),
        sa.Column("cancel_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('in_service', 'maintenance', 'retired')", name=op.f("ck_res_instrument_status")),
        sa.CheckConstraint("min_minutes > 0 AND max_minutes >= min_minutes", name=op.f("ck_res_instrument_lengths")),
        sa.CheckConstraint("original_value_fen >= 0", name=op.f("ck_res_instrument_value")),
        sa.ForeignKeyConstraint(["city_code"], ["region.code"], name=op.f("fk_res_instrument_city_code_region")),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["res_facility.id"], name=op.f("fk_res_instrument_facility_id_res_facility")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_res_instrument_org_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_instrument")),
        sa.UniqueConstraint("code", name=op.f("uq_res_instrument_code")),
    )
    with op.batch_alter_table("res_instrument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_instrument_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_instrument_city_code"), ["city_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_instrument_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_instrument_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_instrument_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_instrument_province_code"), ["province_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_instrument_status"), ["status"], unique=False)

    op.create_table(
        "res_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("price_group", sa.String(length=24), nullable=False),
        sa.Column("service_type", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("cancel_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "price_group IN ('internal', 'same_jurisdiction', 'cross_jurisdiction')",
            name=op.f("ck_res_booking_price_group"),
        ),
        sa.CheckConstraint(
            "service_type IN ('self_operated', 'staff_operated', 'sample_testing')",
            name=op.f("ck_res_booking_service_type"),
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'confirmed', 'cancelled', 'used', 'missed')", name=op.f("ck_res_booking_status")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_res_booking_order")),
        sa.ForeignKeyConstraint(
            ["instrument_id"], ["res_instrument.id"], name=op.f("fk_res_booking_instrument_id_res_instrument")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_res_booking_org_id_organisation")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_res_booking_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_booking")),
    )
    with op.batch_alter_table("res_booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_booking_instrument_id"), ["instrument_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_booking_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_booking_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_booking_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_booking_user_id"), ["user_id"], unique=False)

    op.create_table(
        "res_outage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_res_outage_order")),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["res_instrument.id"],
            name=op.f("fk_res_outage_instrument_id_res_instrument"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_outage")),
    )
    with op.batch_alter_table("res_outage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_outage_instrument_id"), ["instrument_id"], unique=False)

    op.create_table(
        "res_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("price_group", sa.String(length=24), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "price_group IN ('internal', 'same_jurisdiction', 'cross_jurisdiction')",
            name=op.f("ck_res_rate_price_group"),
        ),
        sa.CheckConstraint("unit IN ('hour', 'day', 'sample')", name=op.f("ck_res_rate_unit")),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["res_instrument.id"],
            name=op.f("fk_res_rate_instrument_id_res_instrument"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_rate")),
        sa.UniqueConstraint(
            "instrument_id", "price_group", "unit", name=op.f("uq_res_rate_instrument_id_price_group_unit")
        ),
    )
    with op.batch_alter_table("res_rate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_rate_instrument_id"), ["instrument_id"], unique=False)

    op.create_table(
        "res_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["res_instrument.id"],
            name=op.f("fk_res_training_instrument_id_res_instrument"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_res_training_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_training")),
        sa.UniqueConstraint("instrument_id", "user_id", name=op.f("uq_res_training_instrument_id_user_id")),
    )
    with op.batch_alter_table("res_training", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_training_instrument_id"), ["instrument_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_training_user_id"), ["user_id"], unique=False)

    op.create_table(
        "res_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("price_group", sa.String(length=24), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("before_quantity", sa.Integer(), nullable=False),
        sa.Column("charge_fen", sa.BigInteger(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("charge_fen >= 0", name=op.f("ck_res_usage_charge")),
        sa.CheckConstraint("ended_at > started_at", name=op.f("ck_res_usage_order")),
        sa.CheckConstraint("quantity > 0 AND before_quantity >= 0", name=op.f("ck_res_usage_quantity")),
        sa.ForeignKeyConstraint(["booking_id"], ["res_booking.id"], name=op.f("fk_res_usage_booking_id_res_booking")),
        sa.ForeignKeyConstraint(
            ["instrument_id"], ["res_instrument.id"], name=op.f("fk_res_usage_instrument_id_res_instrument")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_res_usage_org_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_usage")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_res_usage_booking_id")),
        sa.UniqueConstraint("instrument_id", "org_id", "price_group", "unit", "month", "before_quantity", name="chain"),
    )
    with op.batch_alter_table("res_usage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_usage_instrument_id"), ["instrument_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_usage_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_usage_org_id"), ["org_id"], unique=False)

    _slot_guard()


def _slot_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE res_booking ADD CONSTRAINT ex_res_booking_slot EXCLUDE USING gist "
            f"(instrument_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status IN {HOLDING})"
        )
        return
    for event in ("INSERT", "UPDATE OF instrument_id, starts_at, ends_at, status"):
        name = "res_booking_slot_" + event.split()[0].lower()
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON res_booking WHEN NEW.status IN {HOLDING} AND {OVERLAP} "
            "BEGIN SELECT RAISE(ABORT, 'booking.overlap'); END"
        )


def downgrade() -> None:
    with op.batch_alter_table("res_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_usage_org_id"))
        batch_op.drop_index(batch_op.f("ix_res_usage_month"))
        batch_op.drop_index(batch_op.f("ix_res_usage_instrument_id"))

    op.drop_table("res_usage")
    with op.batch_alter_table("res_training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_training_user_id"))
        batch_op.drop_index(batch_op.f("ix_res_training_instrument_id"))

    op.drop_table("res_training")
    with op.batch_alter_table("res_rate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_rate_instrument_id"))

    op.drop_table("res_rate")
    with op.batch_alter_table("res_outage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_outage_instrument_id"))

    op.drop_table("res_outage")
    with op.batch_alter_table("res_booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_booking_user_id"))
        batch_op.drop_index(batch_op.f("ix_res_booking_status"))
        batch_op.drop_index(batch_op.f("ix_res_booking_starts_at"))
        batch_op.drop_index(batch_op.f("ix_res_booking_org_id"))
        batch_op.drop_index(batch_op.f("ix_res_booking_instrument_id"))

    op.drop_table("res_booking")
    with op.batch_alter_table("res_instrument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_instrument_status"))
        batch_op.drop_index(batch_op.f("ix_res_instrument_province_code"))
        batch_op.drop_index(batch_op.f("ix_res_instrument_org_id"))
        batch_op.drop_index(batch_op.f("ix_res_instrument_name"))
        batch_op.drop_index(batch_op.f("ix_res_instrument_facility_id"))
        batch_op.drop_index(batch_op.f("ix_res_instrument_city_code"))
        batch_op.drop_index(batch_op.f("ix_res_instrument_category"))

    op.drop_table("res_instrument")
    with op.batch_alter_table("res_facility", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_facility_status"))
        batch_op.drop_index(batch_op.f("ix_res_facility_kind"))
        batch_op.drop_index(batch_op.f("ix_res_facility_city_code"))

    op.drop_table("res_facility")
