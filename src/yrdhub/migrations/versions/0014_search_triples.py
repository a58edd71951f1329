"""search (PostgreSQL): three-word runs and id ranges as tokens

A phrase of three common words ("集成技术研究") used to be looked up by its two word pairs, which tens of thousands
of documents hold at a million documents, and every such candidate was checked by position in `search_phrase`
(~250 ms). The meta tokens of every document now also hold the triples of its title and body words
(yrdhub.search.meta.triple): a three-word phrase is one posting list, a longer one is narrowed by all its
triples before the position check.

The trigger also adds to each vector the tokens of the id ranges its document lies in (meta.id_ranges), so that
the newest matches of a query are read from a few recent ranges instead of from every match; and it copies the
document's access tokens into the new column `search_match.access`, checked on the row instead of inside GIN
(ANDing the token of public documents, 70 % of them, made GIN decode its whole posting list for every query).

The upgrade rewrites each document's meta tokens with the trigger off, then recomputes every vector in one
statement with the GIN index dropped and rebuilt after it: far faster than the trigger row by row. On SQLite
(FTS5 checks phrases and reads rowids newest first itself) nothing changes.

Revision ID: 20261202_0015
Revises: 20261202_0014
Create Date: 2026-12-02 14:00:00
"""

import hashlib
from collections.abc import Sequence
from itertools import pairwise

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "20261202_0015"
down_revision: str | None = "20261202_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen from yrdhub.search (meta.PREFIX, meta.pairs/triples, segment.words) as they were when this migration was
# written: a migration is history and must not change when the live code does.
META_PREFIX = "yrdmeta"


def _words(joined: str) -> list[str]:
    """The words of a stored token string, punctuation and spaces dropped."""
    return [t for t in joined.split(" ") if any(ch.isalnum() for ch in t)]


def _run(marker: str, field: str, words: tuple[str, ...]) -> str:
    """Consecutive words of one field ("t" title, "b" body) as one hashed token ("x" pairs, "y" triples)."""
    digest = hashlib.blake2b("\x1f".join(words).encode(), digest_size=8).hexdigest()
    return f"{META_PREFIX}{marker}{field}{digest}"


def _pairs(field: str, words: list[str]) -> list[str]:
    return [_run("x", field, (first, second)) for first, second in pairwise(words)]


def _triples(field: str, words: list[str]) -> list[str]:
    return [_run("y", field, (words[i], words[i + 1], words[i + 2])) for i in range(len(words) - 2)]


RUN_PREFIXES = (META_PREFIX + "x", META_PREFIX + "y")  # pairs, triples


def _vector(row: str, ranges: bool) -> str:
    """The document's vector, from its row (`NEW` in the trigger, `d` in the bulk update)."""
    vector = f"""setweight(to_tsvector('simple', {row}.title_tokens), 'A')
                 || setweight(to_tsvector('simple', {row}.body_tokens), 'B')
                 || setweight(to_tsvector('simple', {row}.meta_tokens), 'C')
                 || setweight(to_tsvector('simple', {row}.extra_tokens), 'D')"""
    if ranges:  # meta.FINE_SHIFT, meta.COARSE_SHIFT
        vector += f"""
                 || setweight(to_tsvector('simple', 'yrdmetaz' || ({row}.id >> 12) || ' yrdmetaw' || ({row}.id >> 16)),
                              'C')"""
    return vector


def _access(row: str) -> str:
    """The access tokens among the document's meta tokens: meta.access ("a:" → 613a) and meta.timed_access ("t:")."""
    return (
        f"ARRAY(SELECT t FROM unnest(string_to_array({row}.meta_tokens, ' ')) AS t "
        "WHERE left(t, 11) IN ('yrdmeta613a', 'yrdmeta743a'))"
    )


def _trigger(upgraded: bool) -> None:
    columns, values, update = "id, tsv", "NEW.id, vector", "tsv = EXCLUDED.tsv"
    if upgraded:
        columns, values, update = (
            columns + ", access",
            values + f", {_access('NEW')}",
            update + ", access = EXCLUDED.access",
        )
    op.execute(f"""
        CREATE OR REPLACE FUNCTION search_document_index() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          vector tsvector := {_vector("NEW", upgraded)};
        BEGIN
          INSERT INTO search_match ({columns}) VALUES ({values})
          ON CONFLICT (id) DO UPDATE SET {update};
          INSERT INTO search_phrase (doc_id, words) VALUES (NEW.id, ts_filter(vector, '{{a,b}}'))
          ON CONFLICT (doc_id) DO UPDATE SET words = EXCLUDED.words;
          RETURN NULL;
        END $$""")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.add_column("search_match", sa.Column("access", sa.Text(), nullable=True))  # one schema (unused here)
        return
    op.add_column("search_match", sa.Column("access", ARRAY(sa.Text()), nullable=True))
    _rewrite(add_triples=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("ALTER TABLE search_match DROP COLUMN access")  # in place, as in revision 20261202_0014
        return
    _rewrite(add_triples=False)
    op.drop_column("search_match", "access")


def _rewrite(add_triples: bool) -> None:
    """Each document's meta tokens as indexing writes them: its kind, grant and facet tokens, then per field the
    pairs and (upgrade) the triples of its words; then every vector again, as the trigger computes it (with the
    id range tokens and the access column on upgrade; search_phrase holds only words: unchanged)."""
    bind = op.get_bind()
    _trigger(upgraded=add_triples)
    op.execute("ALTER TABLE search_document DISABLE TRIGGER search_document_index")
    last = 0
    while rows := bind.execute(
        sa.text(
            "SELECT id, title_tokens, body_tokens, meta_tokens FROM search_document WHERE id > :last "
            "ORDER BY id LIMIT 5000"
        ),
        {"last": last},
    ).all():
        updates = []
        for doc_id, title_tokens, body_tokens, meta_tokens in rows:
            tokens = [t for t in meta_tokens.split() if not t.startswith(RUN_PREFIXES)]
            for field, text in (("t", title_tokens), ("b", body_tokens)):  # in the order indexing writes them
                tokens += _pairs(field, _words(text)) + (_triples(field, _words(text)) if add_triples else [])
            updates.append({"id": doc_id, "meta": " ".join(tokens)})
        bind.execute(sa.text("UPDATE search_document SET meta_tokens = :meta WHERE id = :id"), updates)
        last = rows[-1][0]
    op.execute("DROP INDEX ix_search_match_tsv")
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")  # for the GIN build (64 MB by default)
    access = f", access = {_access('d')}" if add_triples else ""
    op.execute(
        f"UPDATE search_match m SET tsv = {_vector('d', add_triples)}{access} FROM search_document d WHERE d.id = m.id"
    )
    op.execute("CREATE INDEX ix_search_match_tsv ON search_match USING gin (tsv)")
    op.execute("ALTER TABLE search_document ENABLE TRIGGER search_document_index")
