"""search: bounded queries — every document's kind, grants and facet values as integer codes in one narrow row

`search_term` numbers each meta item ("k:report", "a:public", "t:org:5", "f:year=2020"); `search_key` holds a
document's codes (" 3 17 256 "), read by the access/filter check of every matching row and by facet counting.
`search_facet` (one row per facet value) is replaced by it. Existing documents are converted.

Revision ID: 20261201_0010
Revises: 20261201_0011
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_0010"
down_revision: str | None = "20261201_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_term")),
        sa.UniqueConstraint("term", name=op.f("uq_search_term_term")),
    )
    op.create_table(
        "search_key",
        sa.Column("doc_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"], ["search_document.id"], ondelete="CASCADE", name=op.f("fk_search_key_doc_id_search_document")
        ),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_search_key")),
    )
    _convert()
    op.drop_table("search_facet")


def _convert() -> None:
    """Codes for the documents already indexed, from their kind, grants and facet rows."""
    bind = op.get_bind()
    items: dict[int, list[str]] = {}
    for doc_id, kind in bind.execute(sa.text("SELECT id, kind FROM search_document")):
        items[doc_id] = [f"k:{kind}"]
    for doc_id, token, visible_from in bind.execute(sa.text("SELECT doc_id, token, visible_from FROM search_grant")):
        items[doc_id].append(("a:" if visible_from is None else "t:") + token)
    for doc_id, name, value in bind.execute(sa.text("SELECT doc_id, name, value FROM search_facet")):
        items[doc_id].append(f"f:{name}={value}")
    terms = sorted({term for values in items.values() for term in values})
    if not terms:
        return
    bind.execute(sa.text("INSERT INTO search_term (term) VALUES (:term)"), [{"term": t} for t in terms])
    ids = {term: term_id for term_id, term in bind.execute(sa.text("SELECT id, term FROM search_term"))}
    bind.execute(
        sa.text("INSERT INTO search_key (doc_id, codes) VALUES (:doc_id, :codes)"),
        [
            {"doc_id": doc_id, "codes": " " + " ".join(str(ids[t]) for t in values) + " "}
            for doc_id, values in items.items()
        ],
    )


def downgrade() -> None:
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
    bind = op.get_bind()
    terms = {term_id: term for term_id, term in bind.execute(sa.text("SELECT id, term FROM search_term"))}
    rows = []
    for doc_id, codes in bind.execute(sa.text("SELECT doc_id, codes FROM search_key")):
        for code in codes.split():
            term = terms[int(code)]
            if term.startswith("f:"):
                name, value = term[2:].split("=", 1)
                rows.append({"doc_id": doc_id, "name": name, "value": value})
    if rows:
        bind.execute(sa.text("INSERT INTO search_facet (doc_id, name, value) VALUES (:doc_id, :name, :value)"), rows)
    op.drop_table("search_key")
    op.drop_table("search_term")
