"""monitoring: values measured from records (analytics) with the records behind them

Revision ID: 20261201_0011
Revises: 20261201_0009
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_0011"
down_revision: str | None = "20261201_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mon_measure_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("n_values", sa.Integer(), nullable=False),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_measure_batch")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_mon_measure_batch_content_hash")),
    )
    op.create_table(
        "mon_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("n_links", sa.Float(), nullable=True),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["mon_measure_batch.id"], name=op.f("fk_mon_measure_batch_id_mon_measure_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_measure")),
        sa.UniqueConstraint("batch_id", "indicator", "year", name=op.f("uq_mon_measure_batch_id_indicator_year")),
    )
    with op.batch_alter_table("mon_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_measure_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mon_measure_indicator"), ["indicator"], unique=False)
    op.create_table(
        "mon_measure_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measurement_id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.String(length=300), nullable=False),
        sa.Column("record_id", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measurement_id"], ["mon_measure.id"], name=op.f("fk_mon_measure_record_measurement_id_mon_measure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_measure_record")),
    )
    with op.batch_alter_table("mon_measure_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_measure_record_measurement_id"), ["measurement_id"], unique=False)


def downgrade() -> None:
    op.drop_table("mon_measure_record")
    op.drop_table("mon_measure")
    op.drop_table("mon_measure_batch")
