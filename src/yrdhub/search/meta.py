"""Access grants, kind and facet values as tokens inside the full-text index itself.

Filtering by them is then an intersection of posting lists inside FTS5 / the GIN index, instead of a lookup
per matching row: that is what keeps queries fast when a word matches tens of thousands of documents.
A meta token is "yrdmeta" + the hex of "<a|k|f>:<value>", one token for both backends' tokenizers; query words
that look like one are dropped (segment.parse_query), so text can never match them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise

PREFIX = "yrdmeta"


@lru_cache(maxsize=1 << 16)  # the same grants, kinds and facet values recur across most documents
def encode(kind: str, value: str) -> str:
    return PREFIX + f"{kind}:{value}".encode().hex()


def access(token: str) -> str:
    """A grant in force from the start."""
    return encode("a", token)


def timed_access(token: str) -> str:
    """A grant with a visible_from: the index only narrows, search_grant decides (at query time)."""
    return encode("t", token)


def kind(name: str) -> str:
    return encode("k", name)


def facet(name: str, value: str) -> str:
    return encode("f", f"{name}={value}")


def document_tokens(doc_kind: str, grants: Iterable[tuple[str, bool]], facets: Mapping[str, Sequence[str]]) -> str:
    """`grants` as (token, timed) pairs."""
    tokens = [kind(doc_kind), *(timed_access(t) if timed else access(t) for t, timed in grants)]
    tokens += [facet(name, value) for name, values in facets.items() for value in values]
    return " ".join(tokens)


def pair(field: str, first: str, second: str) -> str:
    """Two consecutive words of one field ("t" title, "b" body) as one token: PostgreSQL's phrase index. GIN keeps
    no positions, so without it a phrase of two common words rechecks every document holding both words; with it,
    a two-word phrase is one posting list. Hashed to keep the token short; "x" is not a hex digit, so a pair never
    equals a token of `encode`."""
    return _run("x", field, (first, second))


def triple(field: str, first: str, second: str, third: str) -> str:
    """Three consecutive words of one field as one token ("y"): a three-word phrase is then one posting list too,
    where the two pairs alone left tens of thousands of candidates to check by position for common words."""
    return _run("y", field, (first, second, third))


def _run(marker: str, field: str, words: tuple[str, ...]) -> str:
    digest = hashlib.blake2b("\x1f".join(words).encode(), digest_size=8).hexdigest()
    return f"{PREFIX}{marker}{field}{digest}"


def pairs(field: str, words: Sequence[str]) -> list[str]:
    return [pair(field, first, second) for first, second in pairwise(words)]


def triples(field: str, words: Sequence[str]) -> list[str]:
    return [triple(field, *words[i:i + 3]) for i in range(len(words) - 2)]


def phrase_tokens(field: str, words: Sequence[str]) -> list[str]:
    """The pairs and triples of a field's words: what a document's meta tokens hold for phrase look-ups."""
    return pairs(field, words) + triples(field, words)


# Ranges of document ids as tokens: the trigger adds to each vector the token of the 4,096 ids (FINE) and of
# the 65,536 ids (COARSE) its id lies in (`yrdmetaz<id >> 12>`, `yrdmetaw<id >> 16>`; both are one word for
# PostgreSQL's parser, and "z", "w" are not hex digits). Reading the newest matches of a query then ANDs the tokens
# of a few recent ranges into the GIN condition: the bitmap holds only matches in those ranges, so PostgreSQL
# visits a few hundred heap rows instead of every match (or walks the primary key checking vectors).
FINE_SHIFT = 12
COARSE_SHIFT = 16
MAX_RANGE_TOKENS = 32


def id_ranges(low: int, high: int) -> tuple[list[str], int]:
    """Tokens of the fewest whole ranges covering the ids low…high (16 fine ranges at most, else coarse ones), and
    the first id they cover (≤ low); ([], 0) when that would take more than MAX_RANGE_TOKENS tokens."""
    first, last = low >> FINE_SHIFT, high >> FINE_SHIFT
    if last - first < 16:
        return [f"{PREFIX}z{i}" for i in range(first, last + 1)], first << FINE_SHIFT
    first, last = low >> COARSE_SHIFT, high >> COARSE_SHIFT
    if last - first < MAX_RANGE_TOKENS:
        return [f"{PREFIX}w{i}" for i in range(first, last + 1)], first << COARSE_SHIFT
    return [], 0


def any_of(tokens: Iterable[str]) -> list[str]:
    """A group of alternatives; a document must hold at least one token of every group."""
    return sorted(set(tokens))


# Meta items as plain terms, numbered in `search_term` (the codes of `search_key`): the same information as the
# tokens above, for the narrow per-document row instead of the full-text index.

def kind_term(name: str) -> str:
    return f"k:{name}"


def access_term(token: str) -> str:
    return f"a:{token}"


def timed_term(token: str) -> str:
    return f"t:{token}"


def facet_term(name: str, value: str) -> str:
    return f"f:{name}={value}"


def document_terms(doc_kind: str, grants: Iterable[tuple[str, bool]], facets: Mapping[str, Sequence[str]]) -> list[str]:
    """`grants` as (token, timed) pairs."""
    terms = [kind_term(doc_kind), *(timed_term(t) if timed else access_term(t) for t, timed in grants)]
    terms += [facet_term(name, value) for name, values in facets.items() for value in values]
    return terms
