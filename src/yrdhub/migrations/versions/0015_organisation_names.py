"""regions: one current organisation per name among those without a credit code

Revision ID: 0015
Revises: 20261202_0015
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "20261202_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = "uscc IS NULL AND merged_into_id IS NULL"


def upgrade() -> None:
    # Earlier duplicates (same name, no credit code) are merged into the oldest record, as `orgs.merge` would:
    # the later ones keep resolving to it.
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, name FROM organisation WHERE {WHERE} ORDER BY name, id")).all()
    keep: dict[str, int] = {}
    for org_id, name in rows:
        if name not in keep:
            keep[name] = org_id
            continue
        bind.execute(
            sa.text("UPDATE organisation SET parent_id = :keep WHERE parent_id = :gone"),
            {"keep": keep[name], "gone": org_id},
        )
        bind.execute(
            sa.text("UPDATE organisation SET merged_into_id = :keep WHERE id = :gone"),
            {"keep": keep[name], "gone": org_id},
        )
    op.create_index(
        "uq_organisation_name_uncoded",
        "organisation",
        ["name"],
        unique=True,
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )


def downgrade() -> None:
    op.drop_index("uq_organisation_name_uncoded", table_name="organisation")
