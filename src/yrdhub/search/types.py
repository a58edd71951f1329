"""Value objects of the search API: what is indexed, what is asked, what comes back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

FacetValue = str | int | Sequence[str | int] | None


@dataclass(frozen=True)
class AccessGrant:
    """One reader token that may see a document, valid from `visible_from` (None: at once)."""

    token: str
    visible_from: datetime | None = None


@dataclass(frozen=True)
class SearchDocument:
    """A record another module indexes; (kind, ref) identifies it, indexing it again replaces it.

    A document without grants is visible to nobody: access fails closed.
    """

    kind: str
    ref: str
    title: str
    body: str = ""
    grants: Sequence[AccessGrant | str] = ()
    facets: Mapping[str, FacetValue] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchQuery:
    """Free text ("…" or “…” marks a phrase; blank text lists every visible document), filters and facets.

    `filters` maps a facet name to accepted values (any of them); different names must all hold.
    `facets` names the facets to count ("kind" is built in). `cursor` is the previous page's `next_cursor`.
    """

    text: str = ""
    kinds: Sequence[str] = ()
    filters: Mapping[str, Sequence[str | int]] = field(default_factory=dict)
    facets: Sequence[str] = ()
    limit: int = 20
    cursor: str | None = None
    facet_limit: int = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    ref: str
    title: str
    title_html: str  # escaped title with <mark>…</mark> around matches
    snippet_html: str  # escaped excerpt of the body with <mark>…</mark> around matches
    score: float
    facets: dict[str, list[str]]


@dataclass(frozen=True)
class SearchResult:
    """`total` and the facet counts are exact when `total_is_exact`; otherwise more than `total` documents
    match (show "10,000+") and the facets count the `total` newest of them (see docs/search.md)."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    next_cursor: str | None
    total_is_exact: bool = True
