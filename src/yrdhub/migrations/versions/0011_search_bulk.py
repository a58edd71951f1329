"""search: cheaper bulk indexing (16-character suggestion keys, a larger FTS5 buffer) and word pairs for phrases

`title_key` (the prefix-suggestion key) now holds the first 16 characters of a title instead of 100: inserting
into that index is a random B-tree write per document, and a smaller index means fewer pages written per
batch (suggest checks longer prefixes against the title itself). On SQLite, FTS5's in-memory buffer of new
terms grows from 1 MiB to 32 MiB, so a bulk load writes fewer, larger segments that need less merging. On
PostgreSQL, the meta tokens of every document gain its word pairs (pairs of words hashed into one token), which phrase
queries look up in the GIN index.

Revision ID: 20261201_0012
Revises: 20261201_0010
Create Date: 2026-12-01 23:00:00
"""

import hashlib
from collections.abc import Sequence
from itertools import pairwise

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_0012"
down_revision: str | None = "20261201_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 16
HASH_SIZE = 32 * 1024 * 1024

# Frozen from yrdhub.search (meta.PREFIX, meta.pairs, segment.words) as they were when this migration was
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


def upgrade() -> None:
    op.execute(
        f"UPDATE search_document SET title_key = substr(title, 1, {KEY_LENGTH}) WHERE length(title_key) > {KEY_LENGTH}"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', {HASH_SIZE})")
    else:
        _rewrite_meta_tokens(add_pairs=True)


def downgrade() -> None:
    op.execute("UPDATE search_document SET title_key = substr(title, 1, 100)")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 1048576)")  # FTS5's default
    else:
        _rewrite_meta_tokens(add_pairs=False)


def _rewrite_meta_tokens(add_pairs: bool) -> None:
    """Each document's meta tokens without any word pair, plus (upgrade) the pairs of its title and body. The
    tsv trigger recomputes the vector from them."""
    bind = op.get_bind()
    pair_prefix = META_PREFIX + "x"
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
            tokens = [t for t in meta_tokens.split() if not t.startswith(pair_prefix)]
            if add_pairs:
                tokens += _pairs("t", _words(title_tokens)) + _pairs("b", _words(body_tokens))
            updates.append({"id": doc_id, "meta": " ".join(tokens)})
        bind.execute(sa.text("UPDATE search_document SET meta_tokens = :meta WHERE id = :id"), updates)
        last = rows[-1][0]
