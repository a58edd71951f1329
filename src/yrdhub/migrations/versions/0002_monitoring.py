"""monitoring: framework versions, submissions and their values

Revision ID: 20261125_0003
Revises: a34f888927ec
Create Date: 2026-11-25 16:14:01.351281
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_0003"
down_revision: str | None = "a34f888927ec"  # foundation
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "mon_framework",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("spec_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_framework")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_mon_framework_code_version")),
    )
    op.create_table(
        "mon_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["mon_framework.id"], name=op.f("fk_mon_submission_framework_id_mon_framework")
        ),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_mon_submission_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_submission")),
        sa.UniqueConstraint(
            "framework_id",
            "region_code",
            "period",
            "version",
            name=op.f("uq_mon_submission_framework_id_region_code_period_version"),
        ),
    )
    with op.batch_alter_table("mon_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_submission_framework_id"), ["framework_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mon_submission_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_mon_submission_status"), ["status"], unique=False)

    op.create_table(
        "mon_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("element", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["mon_submission.id"],
            name=op.f("fk_mon_value_submission_id_mon_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_value")),
        sa.UniqueConstraint("submission_id", "element", name=op.f("uq_mon_value_submission_id_element")),
    )
    with op.batch_alter_table("mon_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_value_element"), ["element"], unique=False)
        batch_op.create_index(batch_op.f("ix_mon_value_submission_id"), ["submission_id"], unique=False)


def downgrade() -> None:

    op.drop_table("mon_value")
    with op.batch_alter_table("mon_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mon_submission_status"))
        batch_op.drop_index(batch_op.f("ix_mon_submission_region_code"))
        batch_op.drop_index(batch_op.f("ix_mon_submission_framework_id"))

    op.drop_table("mon_submission")
    op.drop_table("mon_framework")
