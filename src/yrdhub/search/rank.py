"""Relevance score of a hit, computed in Python from the document's own token strings, identically on both
backends.

BM25's term-frequency saturation and length normalisation per field (title 5, body 1, search-mode sub-words
0.5), summed over the query's terms and phrases. There is no inverse document frequency on purpose: the score
of a document depends only on that document and the query, never on corpus statistics, which would include
documents the reader may not see (and would cost a pass over every posting of every query word).
"""

from __future__ import annotations

from yrdhub.search.segment import ParsedQuery

K1 = 1.2
B = 0.75
# Fixed typical field lengths (tokens), so that the score stays a property of the document alone.
_FIELDS = ((5.0, 12.0), (1.0, 60.0), (0.5, 8.0))  # (weight, typical length): title, body, sub-words


def score(parsed: ParsedQuery, title_tokens: str, body_tokens: str, extra_tokens: str) -> float:
    """0.0 for a blank query; otherwise larger is better. Token strings are space-joined tokens; a term or a
    phrase is counted as a run of whole tokens (str.count on space-padded text: no per-token Python work)."""
    if parsed.blank:
        return 0.0
    # Tokens are separated by two spaces in the padded text, so that adjacent occurrences do not share one.
    terms = [f" {term} " for term in parsed.terms]
    needles = terms + [" " + "  ".join(words) + " " for words in parsed.phrases]  # phrases: title and body only
    fields = ((_FIELDS[0], title_tokens, needles), (_FIELDS[1], body_tokens, needles),
              (_FIELDS[2], extra_tokens, terms))
    total = 0.0
    for (weight, typical), text, field_needles in fields:
        if not text:
            continue
        padded = " " + text.replace(" ", "  ") + " "
        norm = K1 * (1.0 - B + B * (text.count(" ") + 1) / typical)
        for needle in field_needles:
            tf = padded.count(needle)
            if tf:
                total += weight * tf * (K1 + 1.0) / (tf + norm)
    return round(total, 9)
