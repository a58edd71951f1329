"""search: cheaper bulk indexing — 16-character suggestion keys and a larger FTS5 pending-terms buffer

`title_key` (the prefix-suggestion key) now holds the first 16 characters of a title instead of 100: inserting
into that index is a random B-tree write per document, and a smaller index means fewer pages written per
batch (suggest checks longer prefixes against the title itself). On SQLite, FTS5's in-memory buffer of new
terms grows from 1 MiB to 32 MiB, so a bulk load writes fewer, larger segments that need less merging.

Revision ID: 20261201_0012
Revises: 20261201_0010
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261201_0012"
down_revision: str | None = "20261201_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 16
HASH_SIZE = 32 * 1024 * 1024


def upgrade() -> None:
    op.execute(f"UPDATE search_document SET title_key = substr(title, 1, {KEY_LENGTH}) "
               f"WHERE length(title_key) > {KEY_LENGTH}")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', {HASH_SIZE})")


def downgrade() -> None:
    op.execute("UPDATE search_document SET title_key = substr(title, 1, 100)")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 1048576)")  # FTS5's default
