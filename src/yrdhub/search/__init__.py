"""Chinese full-text search with access control inside the query.

Other modules index their records with `index` / `index_many` / `remove` and read with `search` / `suggest`,
passing the reader's tokens (`reader_tokens(actor)`, the tokens of every read rule); the grants of their documents
come from their read rules (`ReadRule.grants`). `facets.faceted` is the faceted search of the page and the API.
Backends: SQLite FTS5 and PostgreSQL tsvector + GIN. See docs/search.md.
"""

from yrdhub.search import errors as errors  # registers the codes
from yrdhub.search.access import OFFICE, PUBLIC, REGISTERED, org, reader_tokens, role, user
from yrdhub.search.indexing import index, index_many, optimize, remove
from yrdhub.search.query import search, suggest
from yrdhub.search.types import AccessGrant, Hit, SearchDocument, SearchQuery, SearchResult

__all__ = [
    "OFFICE", "PUBLIC", "REGISTERED", "AccessGrant", "Hit", "SearchDocument", "SearchQuery", "SearchResult",
    "index", "index_many", "optimize", "org", "reader_tokens", "remove", "role", "search", "suggest", "user",
]
