"""search: three-word runs as tokens, so that PostgreSQL finds a three-word phrase in its GIN index alone

A phrase of three common words ("集成技术研究") used to be looked up by its two word pairs, which tens of thousands
of documents hold at a million documents, and every such candidate was checked by position in `search_phrase`
(~250 ms). The meta tokens of every document now also hold the triples of its title and body words
(yrdhub.search.meta.triple): a three-word phrase is one posting list, a longer one is narrowed by all its
triples before the position check. On SQLite (FTS5 checks phrases itself) nothing changes.

The upgrade rewrites each document's meta tokens with the trigger off, then recomputes every vector in one
statement with the GIN index dropped and rebuilt after it: far faster than the trigger row by row.

Revision ID: 20261202_0015
Revises: 20261202_0014
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from yrdhub.search import meta
from yrdhub.search.segment import words

revision: str = "20261202_0015"
down_revision: str | None = "20261202_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_PREFIXES = (meta.PREFIX + "x", meta.PREFIX + "y")  # pairs, triples
_VECTOR = """setweight(to_tsvector('simple', d.title_tokens), 'A')
             || setweight(to_tsvector('simple', d.body_tokens), 'B')
             || setweight(to_tsvector('simple', d.meta_tokens), 'C')
             || setweight(to_tsvector('simple', d.extra_tokens), 'D')"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rewrite(add_triples=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rewrite(add_triples=False)


def _rewrite(add_triples: bool) -> None:
    """Each document's meta tokens as indexing writes them: its kind, grant and facet tokens, then per field the
    pairs and (upgrade) the triples of its words; then every vector again, as the trigger computes it
    (search_phrase holds only words: unchanged)."""
    bind = op.get_bind()
    op.execute("ALTER TABLE search_document DISABLE TRIGGER search_document_index")
    last = 0
    while rows := bind.execute(sa.text(
            "SELECT id, title_tokens, body_tokens, meta_tokens FROM search_document WHERE id > :last "
            "ORDER BY id LIMIT 5000"), {"last": last}).all():
        updates = []
        for doc_id, title_tokens, body_tokens, meta_tokens in rows:
            tokens = [t for t in meta_tokens.split() if not t.startswith(RUN_PREFIXES)]
            for field, text in (("t", title_tokens), ("b", body_tokens)):  # in the order indexing writes them
                tokens += meta.pairs(field, words(text)) + (meta.triples(field, words(text)) if add_triples else [])
            updates.append({"id": doc_id, "meta": " ".join(tokens)})
        bind.execute(sa.text("UPDATE search_document SET meta_tokens = :meta WHERE id = :id"), updates)
        last = rows[-1][0]
    op.execute("DROP INDEX ix_search_match_tsv")
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")  # for the GIN build (64 MB by default)
    op.execute(f"UPDATE search_match m SET tsv = {_VECTOR} FROM search_document d WHERE d.id = m.id")
    op.execute("CREATE INDEX ix_search_match_tsv ON search_match USING gin (tsv)")
    op.execute("ALTER TABLE search_document ENABLE TRIGGER search_document_index")
