"""search: a narrow table of each document's title and body words with positions, for phrase checks (PostgreSQL)

A phrase of one or of three or more words is checked by position on every candidate the GIN index finds. The
document's tsvector holds much more than the words (meta tokens, word pairs, search-mode sub-words: 3.1 KB on
average at a million documents) and lies out of line in TOAST, so each check read it from there. `search_phrase`
keeps only the title (weight A) and body (B) lexemes with their positions (`ts_filter(tsv, '{a,b}')`), small
enough to stay in the row; a trigger keeps it in step with `search_document`. On SQLite the table exists (one
schema for both) and stays empty: FTS5 checks phrases itself.

Revision ID: 20261202_0013
Revises: 20261201_0012
Create Date: 2026-12-02 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "20261202_0013"
down_revision: str | None = "20261201_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# yrdhub.search.models.TsVector as stored: tsvector on PostgreSQL, a plain (unused) text column elsewhere.
TS_VECTOR = sa.Text().with_variant(TSVECTOR(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "search_phrase",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("words", TS_VECTOR, nullable=True),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["search_document.id"], name=op.f("fk_search_phrase_doc_id_search_document"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_search_phrase")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_phrase ALTER COLUMN words SET STORAGE MAIN")  # compressed in the row, not TOAST
    op.execute("""
        CREATE FUNCTION search_phrase_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO search_phrase (doc_id, words) VALUES (NEW.id, ts_filter(NEW.tsv, '{a,b}'))
          ON CONFLICT (doc_id) DO UPDATE SET words = EXCLUDED.words;
          RETURN NULL;
        END $$""")
    op.execute("""CREATE TRIGGER search_phrase_sync AFTER INSERT OR UPDATE ON search_document
                  FOR EACH ROW EXECUTE FUNCTION search_phrase_sync()""")
    op.execute("INSERT INTO search_phrase (doc_id, words) SELECT id, ts_filter(tsv, '{a,b}') FROM search_document")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_phrase_sync ON search_document")
        op.execute("DROP FUNCTION IF EXISTS search_phrase_sync()")
    op.drop_table("search_phrase")
