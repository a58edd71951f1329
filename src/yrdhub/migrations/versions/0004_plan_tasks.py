"""monitoring plan tasks (督促检查) and their status updates

Revision ID: 20261125_0005
Revises: 20261125_0004
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_0005"
down_revision: str | None = "20261125_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mon_plan_task",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("responsible", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_mon_plan_task")),
    )
    with op.batch_alter_table("mon_plan_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_plan_task_area"), ["area"], unique=False)
    op.create_table(
        "mon_task_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_code", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("milestone", sa.String(length=300), nullable=False),
        sa.Column("milestone_due", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_code"], ["mon_plan_task.code"], name=op.f("fk_mon_task_update_task_code_mon_plan_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_task_update")),
    )
    with op.batch_alter_table("mon_task_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_task_update_task_code"), ["task_code"], unique=False)


def downgrade() -> None:
    op.drop_table("mon_task_update")
    op.drop_table("mon_plan_task")
