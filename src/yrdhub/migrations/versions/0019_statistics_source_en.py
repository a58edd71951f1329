"""regions: the source of each statistic in English (pages read in English show it; `yrdhub data load` fills it)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("region_statistic") as batch:
        batch.add_column(sa.Column("source_en", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("region_statistic") as batch:
        batch.drop_column("source_en")
