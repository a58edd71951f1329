"""Chinese full-text search with access control inside the query.

Other modules index their records with `index` / `index_many` / `remove` and read with `search` / `suggest`,
passing the reader's tokens (`reader_tokens(actor)`). Backends: SQLite FTS5 and PostgreSQL tsvector + GIN.
See docs/search.md.
"""

from yrdhub.search.access import OFFICE, PUBLIC, REGISTERED, org, prov, reader_tokens, user
from yrdhub.search.indexing import index, index_many, optimize, remove
from yrdhub.search.query import search, suggest
from yrdhub.search.types import AccessGrant, Hit, SearchDocument, SearchQuery, SearchResult

__all__ = [
    "OFFICE", "PUBLIC", "REGISTERED", "AccessGrant", "Hit", "SearchDocument", "SearchQuery", "SearchResult",
    "index", "index_many", "optimize", "org", "prov", "reader_tokens", "remove", "search", "suggest", "user",
]
