"""search: documents, access grants, facets; FTS5 (SQLite) or tsvector + GIN (PostgreSQL)

Revision ID: 20261125_0007
Revises: 20261125_0006
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261125_0007"
down_revision: str | None = "20261125_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "title_tokens, body_tokens, extra_tokens, meta_tokens"
_NEW = "new.title_tokens, new.body_tokens, new.extra_tokens, new.meta_tokens"
_OLD = "old.title_tokens, old.body_tokens, old.extra_tokens, old.meta_tokens"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_key", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_tokens", sa.Text(), nullable=False),
        sa.Column("body_tokens", sa.Text(), nullable=False),
        sa.Column("extra_tokens", sa.Text(), nullable=False),
        sa.Column("meta_tokens", sa.Text(), nullable=False),
        sa.Column("facets", sa.JSON(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR() if postgres else sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_search_document_kind_ref")),
    )
    op.create_index("ix_search_document_title_key", "search_document", ["title_key"])
    op.create_table(
        "search_grant",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("visible_from", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["search_document.id"], ondelete="CASCADE", name=op.f("fk_search_grant_doc_id_search_document")
        ),
        sa.PrimaryKeyConstraint("doc_id", "token", name=op.f("pk_search_grant")),
    )
    op.create_table(
        "search_facet",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["search_document.id"], ondelete="CASCADE", name=op.f("fk_search_facet_doc_id_search_document")
        ),
        sa.PrimaryKeyConstraint("doc_id", "name", "value", name=op.f("pk_search_facet")),
    )
    if postgres:
        _postgresql_index()
    else:
        _sqlite_index()


def _postgresql_index() -> None:
    op.execute("""
        CREATE FUNCTION search_document_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.tsv := setweight(to_tsvector('simple', NEW.title_tokens), 'A')
                  || setweight(to_tsvector('simple', NEW.body_tokens), 'B')
                  || setweight(to_tsvector('simple', NEW.meta_tokens), 'C')
                  || setweight(to_tsvector('simple', NEW.extra_tokens), 'D');
          RETURN NEW;
        END $$""")
    op.execute("""CREATE TRIGGER search_document_tsv BEFORE INSERT OR UPDATE ON search_document
                  FOR EACH ROW EXECUTE FUNCTION search_document_tsv()""")
    op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)")


def _sqlite_index() -> None:
    # New rows reach search_fts from yrdhub.search.indexing in one INSERT … SELECT per batch, not from an
    # AFTER INSERT trigger: FTS5 flushes its pending terms at every trigger's statement savepoint, which made
    # bulk indexing three times slower. Deletes and updates (rare) are kept in sync by triggers.
    op.execute(f"""CREATE VIRTUAL TABLE search_fts USING fts5({_COLUMNS}, content='search_document',
                   content_rowid='id', tokenize='unicode61')""")
    op.execute(f"""CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
                     INSERT INTO search_fts(search_fts, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
                   END""")
    op.execute(f"""CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_document BEGIN
                     INSERT INTO search_fts(search_fts, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
                     INSERT INTO search_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
                   END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_document_tsv ON search_document")
        op.execute("DROP FUNCTION IF EXISTS search_document_tsv()")
    else:
        for name in ("delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_document_fts_{name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_facet")
    op.drop_table("search_grant")
    op.drop_table("search_document")
