"""outputs: S&T reports with openness and embargo, achievements, de-duplicated usage

Revision ID: 20261125_0008
Revises: 20261125_0007
Create Date: 2026-11-25 17:18:58.197903
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_0008"
down_revision: str | None = "20261125_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "out_achievement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("identifier", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("applicants", sa.JSON(), nullable=False),
        sa.Column("trl", sa.Integer(), nullable=True),
        sa.Column("transfer_status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["prog_project.id"], name=op.f("fk_out_achievement_project_id_prog_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_out_achievement")),
    )
    with op.batch_alter_table("out_achievement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_out_achievement_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_out_achievement_project_id"), ["project_id"], unique=False)

    op.create_table(
        "out_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("full_text", sa.Text(), nullable=False),
        sa.Column("openness", sa.String(length=12), nullable=False),
        sa.Column("embargo_until", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_out_report_org_id_organisation")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["prog_project.id"], name=op.f("fk_out_report_project_id_prog_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_out_report")),
        sa.UniqueConstraint("number", name=op.f("uq_out_report_number")),
    )
    with op.batch_alter_table("out_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_out_report_openness"), ["openness"], unique=False)
        batch_op.create_index(batch_op.f("ix_out_report_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_out_report_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_out_report_province_code"), ["province_code"], unique=False)

    op.create_table(
        "out_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("reader", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["out_report.id"], name=op.f("fk_out_usage_report_id_out_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_out_usage")),
        sa.UniqueConstraint("report_id", "reader", "day", "kind", name=op.f("uq_out_usage_report_id_reader_day_kind")),
    )
    with op.batch_alter_table("out_usage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_out_usage_report_id"), ["report_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("out_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_out_usage_report_id"))

    op.drop_table("out_usage")
    with op.batch_alter_table("out_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_out_report_province_code"))
        batch_op.drop_index(batch_op.f("ix_out_report_project_id"))
        batch_op.drop_index(batch_op.f("ix_out_report_org_id"))
        batch_op.drop_index(batch_op.f("ix_out_report_openness"))

    op.drop_table("out_report")
    with op.batch_alter_table("out_achievement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_out_achievement_project_id"))
        batch_op.drop_index(batch_op.f("ix_out_achievement_kind"))

    op.drop_table("out_achievement")
