"""search: the full-text vector and its GIN index move to a narrow table of their own (PostgreSQL)

Every match that GIN finds is then visited in its heap row: for the newest-first reads and the capped count that
was a 1.3 KB `search_document` row (six to a page) per match. `search_match` holds only the id and the vector
(which lies out of line in TOAST), 50 bytes a row: at a million documents its heap is 50 MB against 1.3 GB, and
the reads and counts of matches were 1.3–4.5× faster (docs/search.md). One AFTER INSERT OR UPDATE trigger on
`search_document` now computes the vector and writes it to `search_match`, and the title and body words to
`search_phrase` (the two triggers of revisions 20261125_0007 and 20261202_0013 are replaced). On SQLite the table
exists and stays empty, and the unused `tsv` column is dropped there too (one schema for both).

Revision ID: 20261202_0014
Revises: 20261202_0013
Create Date: 2026-12-02 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "20261202_0014"
down_revision: str | None = "20261202_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# yrdhub.search.models.TsVector as stored: tsvector on PostgreSQL, a plain (unused) text column elsewhere.
TS_VECTOR = sa.Text().with_variant(TSVECTOR(), "postgresql")

_VECTOR = """setweight(to_tsvector('simple', NEW.title_tokens), 'A')
                || setweight(to_tsvector('simple', NEW.body_tokens), 'B')
                || setweight(to_tsvector('simple', NEW.meta_tokens), 'C')
                || setweight(to_tsvector('simple', NEW.extra_tokens), 'D')"""


def upgrade() -> None:
    op.create_table(
        "search_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tsv", TS_VECTOR, nullable=True),
        sa.ForeignKeyConstraint(
            ["id"], ["search_document.id"], name=op.f("fk_search_match_id_search_document"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_match")),
    )
    if op.get_bind().dialect.name != "postgresql":
        # SQLite ≥ 3.35 drops a column in place (a batch copy of the table would lose its FTS5 triggers)
        op.execute("ALTER TABLE search_document DROP COLUMN tsv")
        return
    op.execute("DROP TRIGGER search_phrase_sync ON search_document")
    op.execute("DROP FUNCTION search_phrase_sync()")
    op.execute("DROP TRIGGER search_document_tsv ON search_document")
    op.execute("DROP FUNCTION search_document_tsv()")
    op.execute("INSERT INTO search_match (id, tsv) SELECT id, tsv FROM search_document")
    op.execute("DROP INDEX ix_search_document_tsv")
    op.drop_column("search_document", "tsv")
    op.execute("CREATE INDEX ix_search_match_tsv ON search_match USING gin (tsv)")
    op.execute(f"""
        CREATE FUNCTION search_document_index() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          vector tsvector := {_VECTOR};
        BEGIN
          INSERT INTO search_match (id, tsv) VALUES (NEW.id, vector)
          ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv;
          INSERT INTO search_phrase (doc_id, words) VALUES (NEW.id, ts_filter(vector, '{{a,b}}'))
          ON CONFLICT (doc_id) DO UPDATE SET words = EXCLUDED.words;
          RETURN NULL;
        END $$""")
    op.execute("""CREATE TRIGGER search_document_index AFTER INSERT OR UPDATE ON search_document
                  FOR EACH ROW EXECUTE FUNCTION search_document_index()""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("ALTER TABLE search_document ADD COLUMN tsv TEXT")
        op.drop_table("search_match")
        return
    op.execute("DROP TRIGGER search_document_index ON search_document")
    op.execute("DROP FUNCTION search_document_index()")
    op.add_column("search_document", sa.Column("tsv", TSVECTOR(), nullable=True))
    op.execute("UPDATE search_document d SET tsv = m.tsv FROM search_match m WHERE m.id = d.id")
    op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)")
    op.execute(f"""
        CREATE FUNCTION search_document_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.tsv := {_VECTOR};
          RETURN NEW;
        END $$""")
    op.execute("""CREATE TRIGGER search_document_tsv BEFORE INSERT OR UPDATE ON search_document
                  FOR EACH ROW EXECUTE FUNCTION search_document_tsv()""")
    op.execute("""
        CREATE FUNCTION search_phrase_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO search_phrase (doc_id, words) VALUES (NEW.id, ts_filter(NEW.tsv, '{a,b}'))
          ON CONFLICT (doc_id) DO UPDATE SET words = EXCLUDED.words;
          RETURN NULL;
        END $$""")
    op.execute("""CREATE TRIGGER search_phrase_sync AFTER INSERT OR UPDATE ON search_document
                  FOR EACH ROW EXECUTE FUNCTION search_phrase_sync()""")
    op.drop_table("search_match")
