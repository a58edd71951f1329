"""Chinese segmentation (rjieba, jieba's dictionary) and the query syntax.

Documents are indexed as space-joined precise-mode tokens (so positions, hence phrases, are meaningful) plus
the extra sub-words of search mode (长三角 → 长三, 三角) for recall. Both backends tokenise those strings on
spaces and punctuation, so a token here is a token there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rjieba

from yrdhub.search.meta import PREFIX as META_PREFIX

_PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」')


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def precise_tokens(text: str) -> list[str]:
    """Precise-mode tokens in text order, lower-cased, punctuation and spaces dropped."""
    return [t.strip().lower() for t in rjieba.cut(text) if _is_word(t)]


def search_tokens(text: str) -> list[str]:
    """Search-mode tokens (precise tokens plus their dictionary sub-words)."""
    return [t.strip().lower() for t in rjieba.cut_for_search(text) if _is_word(t)]


def words(joined: str) -> list[str]:
    """The words of a stored token string (`IndexedText.title` / `.body`), punctuation and spaces dropped."""
    return [t for t in joined.split(" ") if _is_word(t)]


@dataclass(frozen=True)
class IndexedText:
    title: str
    body: str
    extra: str


def _joined(tokens: list[str]) -> str:
    # Punctuation and space tokens are kept: both backends' tokenizers drop them and do not count them as
    # positions, and leaving them in avoids a Python-level filter over every token (the bulk-indexing hot path).
    return " ".join(tokens).lower()


def index_text(title: str, body: str) -> IndexedText:
    title_tokens = rjieba.cut(title)
    body_tokens = rjieba.cut(body)
    precise = set(title_tokens)
    precise.update(body_tokens)
    # Search mode only adds dictionary 2- and 3-grams inside words longer than two characters: segmenting just
    # those words (once each) gives the same sub-words as segmenting the whole text, for much less work.
    sub_words = set(rjieba.cut_for_search(" ".join(t for t in precise if len(t) > 2)))
    sub_words.difference_update(precise, " ")
    return IndexedText(_joined(title_tokens), _joined(body_tokens), _joined(sorted(sub_words)))


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # each must occur (as a word or a search-mode sub-word), anywhere
    phrases: tuple[tuple[str, ...], ...]  # each must occur as consecutive words in the title or the body
    blank: bool  # no text at all: list everything visible

    @property
    def empty(self) -> bool:
        """Text was given but holds no word (only punctuation): nothing can match."""
        return not self.blank and not self.terms and not self.phrases


def parse_query(text: str) -> ParsedQuery:
    phrases: list[tuple[str, ...]] = []
    for match in _PHRASE.finditer(text):
        words = tuple(t for t in precise_tokens(next(g for g in match.groups() if g is not None))
                      if not t.startswith(META_PREFIX))
        if words:
            phrases.append(words)
    rest = _PHRASE.sub(" ", text).replace('"', " ")
    terms = tuple(t for t in dict.fromkeys(precise_tokens(rest)) if not t.startswith(META_PREFIX))
    return ParsedQuery(terms=terms, phrases=tuple(dict.fromkeys(phrases)), blank=not text.strip())
