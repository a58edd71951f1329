"""programmes: programmes, calls, projects, participants, funders' sign-offs, reviews, milestones, changes

Revision ID: 20261125_0006
Revises: 20261125_0005
Create Date: 2026-11-25 16:47:29.042539
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_0006"
down_revision: str | None = "20261125_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "prog_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_programme")),
        sa.UniqueConstraint("code", name=op.f("uq_prog_programme_code")),
    )
    op.create_table(
        "prog_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("eligible_provinces", sa.JSON(), nullable=False),
        sa.Column("eligible_org_types", sa.JSON(), nullable=False),
        sa.Column("max_budget_wan", sa.Float(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["prog_programme.id"], name=op.f("fk_prog_call_programme_id_prog_programme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_call")),
        sa.UniqueConstraint("code", name=op.f("uq_prog_call_code")),
    )
    with op.batch_alter_table("prog_call", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_call_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "prog_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("discipline", sa.String(length=100), nullable=False),
        sa.Column("lead_org_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_budget_wan", sa.Float(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["prog_call.id"], name=op.f("fk_prog_project_call_id_prog_call")),
        sa.ForeignKeyConstraint(
            ["lead_org_id"], ["organisation.id"], name=op.f("fk_prog_project_lead_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_project")),
        sa.UniqueConstraint("code", name=op.f("uq_prog_project_code")),
    )
    with op.batch_alter_table("prog_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_project_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prog_project_lead_org_id"), ["lead_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prog_project_status"), ["status"], unique=False)

    op.create_table(
        "prog_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["prog_project.id"], name=op.f("fk_prog_change_project_id_prog_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_change")),
    )
    with op.batch_alter_table("prog_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_change_project_id"), ["project_id"], unique=False)

    op.create_table(
        "prog_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("amount_wan", sa.Float(), nullable=False),
        sa.Column("yearly", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["prog_project.id"],
            name=op.f("fk_prog_funding_project_id_prog_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_funding")),
        sa.UniqueConstraint("project_id", "province_code", name=op.f("uq_prog_funding_project_id_province_code")),
    )
    with op.batch_alter_table("prog_funding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_funding_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prog_funding_province_code"), ["province_code"], unique=False)

    op.create_table(
        "prog_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["prog_project.id"],
            name=op.f("fk_prog_milestone_project_id_prog_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_milestone")),
    )
    with op.batch_alter_table("prog_milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_milestone_project_id"), ["project_id"], unique=False)

    op.create_table(
        "prog_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("fk_prog_participant_org_id_organisation")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["prog_project.id"],
            name=op.f("fk_prog_participant_project_id_prog_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_participant")),
        sa.UniqueConstraint("project_id", "org_id", name=op.f("uq_prog_participant_project_id_org_id")),
    )
    with op.batch_alter_table("prog_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_participant_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prog_participant_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prog_participant_province_code"), ["province_code"], unique=False)

    op.create_table(
        "prog_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("expert_user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("conflict_declared", sa.Boolean(), nullable=False),
        sa.Column("conflict_reason", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["expert_user_id"], ["user_account.id"], name=op.f("fk_prog_review_expert_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["prog_project.id"], name=op.f("fk_prog_review_project_id_prog_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_review")),
        sa.UniqueConstraint("project_id", "expert_user_id", name=op.f("uq_prog_review_project_id_expert_user_id")),
    )
    with op.batch_alter_table("prog_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_review_expert_user_id"), ["expert_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prog_review_project_id"), ["project_id"], unique=False)

    op.create_table(
        "prog_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["prog_project.id"],
            name=op.f("fk_prog_transition_project_id_prog_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_transition")),
    )
    with op.batch_alter_table("prog_transition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prog_transition_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("prog_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_transition_project_id"))

    op.drop_table("prog_transition")
    with op.batch_alter_table("prog_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_review_project_id"))
        batch_op.drop_index(batch_op.f("ix_prog_review_expert_user_id"))

    op.drop_table("prog_review")
    with op.batch_alter_table("prog_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_participant_province_code"))
        batch_op.drop_index(batch_op.f("ix_prog_participant_project_id"))
        batch_op.drop_index(batch_op.f("ix_prog_participant_org_id"))

    op.drop_table("prog_participant")
    with op.batch_alter_table("prog_milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_milestone_project_id"))

    op.drop_table("prog_milestone")
    with op.batch_alter_table("prog_funding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_funding_province_code"))
        batch_op.drop_index(batch_op.f("ix_prog_funding_project_id"))

    op.drop_table("prog_funding")
    with op.batch_alter_table("prog_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_change_project_id"))

    op.drop_table("prog_change")
    with op.batch_alter_table("prog_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_project_status"))
        batch_op.drop_index(batch_op.f("ix_prog_project_lead_org_id"))
        batch_op.drop_index(batch_op.f("ix_prog_project_call_id"))

    op.drop_table("prog_project")
    with op.batch_alter_table("prog_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prog_call_programme_id"))

    op.drop_table("prog_call")
    op.drop_table("prog_programme")
