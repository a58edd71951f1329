"""monitoring evaluations: frozen inputs, method, results and their hashes

Revision ID: 20261125_0004
Revises: 20261125_0003
Create Date: 2026-11-25 16:22:44.763075
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_0004"
down_revision: str | None = "20261125_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "mon_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("results_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["mon_framework.id"], name=op.f("fk_mon_evaluation_framework_id_mon_framework")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_evaluation")),
    )
    with op.batch_alter_table("mon_evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_evaluation_framework_id"), ["framework_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("mon_evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mon_evaluation_framework_id"))

    op.drop_table("mon_evaluation")
