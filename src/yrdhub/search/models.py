"""Search tables, shared by both backends.

`search_document` holds the original text (for snippets), the segmented token strings the database indexes
(title, body, search-mode sub-words, and meta tokens for kind, facets and grants); `search_match` the vector
that only PostgreSQL fills (a trigger computes it; GIN-indexed). On SQLite the FTS5 table `search_fts` (external
content = this table) is created by the migration. `search_grant` keeps every grant with its visible_from;
`search_term` / `search_key` a document's kind, grants and facet values as integer codes in one narrow row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, literal_column
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from yrdhub.db import Base, utcnow

# Suggestions look titles up by their first 16 characters (a short key keeps the index small: each new document
# is a random write into it) and check a longer prefix against the title itself.
TITLE_KEY_LENGTH = 16


class TsVector(TypeDecorator[str]):
    """tsvector on PostgreSQL; a plain (unused, NULL) text column elsewhere."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())


class TokenArray(TypeDecorator[list[str]]):
    """text[] on PostgreSQL; a plain (unused, NULL) text column elsewhere."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Text()))
        return dialect.type_descriptor(Text())


class SearchDocumentRow(Base):
    __tablename__ = "search_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(String(100))  # first TITLE_KEY_LENGTH characters, for suggestions
    body: Mapped[str] = mapped_column(Text)
    title_tokens: Mapped[str] = mapped_column(Text)
    body_tokens: Mapped[str] = mapped_column(Text)
    extra_tokens: Mapped[str] = mapped_column(Text)
    meta_tokens: Mapped[str] = mapped_column(Text)  # kind, facet values and grant tokens (yrdhub.search.meta)
    facets: Mapped[dict[str, Any]]
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "ref"),
        Index("ix_search_document_title_key", "title_key"),
    )


class SearchMatch(Base):
    """PostgreSQL (empty on SQLite, which has FTS5): a document's full-text vector — title (A), body (B), meta
    tokens, word pairs and triples, id ranges (C), search-mode sub-words (D) — and its access tokens, computed by a
    trigger on `search_document`; the vector is GIN-indexed. A narrow row of its own, so that visiting the rows of
    the matches (for their ids and access) reads small pages; the vector itself lies out of line in TOAST."""

    __tablename__ = "search_match"

    id: Mapped[int] = mapped_column(ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True,
                                    autoincrement=False)
    tsv: Mapped[str | None] = mapped_column(TsVector())
    # The document's access meta tokens (meta.access, meta.timed_access): checked on the row, not in GIN.
    access: Mapped[list[str] | None] = mapped_column(TokenArray())

    __table_args__ = (
        # A literal column: PostgreSQL only (SQLite has FTS5 instead, and autogenerate skips it there).
        Index("ix_search_match_tsv", literal_column("tsv"), postgresql_using="gin"),
    )


class SearchGrant(Base):
    __tablename__ = "search_grant"

    doc_id: Mapped[int] = mapped_column(ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    visible_from: Mapped[datetime | None]


class SearchTerm(Base):
    """A number for each meta item: "k:<kind>", "a:<token>" (grant in force from the start), "t:<token>" (grant
    with a visible_from), "f:<name>=<value>"."""

    __tablename__ = "search_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(300), unique=True)


class SearchKey(Base):
    """A document's meta items as codes, space-delimited with a space at both ends (" 3 17 256 "): the narrow row
    that the access and filter check of a matching document reads, and that facet counting reads."""

    __tablename__ = "search_key"

    doc_id: Mapped[int] = mapped_column(ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True,
                                        autoincrement=False)
    codes: Mapped[str] = mapped_column(Text)


class SearchPhrase(Base):
    """PostgreSQL (empty on SQLite, whose FTS5 checks phrases itself): a document's title (A) and body (B) words
    with their positions, filled by a trigger with `search_match`. Phrase checks read this narrow row, kept in the
    table, instead of the document's whole tsvector, which lies out of line in TOAST."""

    __tablename__ = "search_phrase"

    doc_id: Mapped[int] = mapped_column(ForeignKey("search_document.id", ondelete="CASCADE"), primary_key=True,
                                        autoincrement=False)
    words: Mapped[str | None] = mapped_column(TsVector())
