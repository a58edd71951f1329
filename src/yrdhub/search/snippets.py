"""Highlighted, HTML-safe excerpts: document text is escaped, the only markup added is <mark>…</mark>.

Built in Python from the original text of the visible hits on the page only, the same way on both backends.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left

from yrdhub.search.segment import ParsedQuery

SNIPPET_WIDTH = 120
_LEAD = 24  # characters shown before the first highlighted match


def match_pattern(parsed: ParsedQuery) -> re.Pattern[str] | None:
    """One alternation of every term and phrase; the longest first so a phrase wins over its words."""
    alternatives = [re.escape(term) for term in parsed.terms]
    # Words of a phrase are consecutive tokens: punctuation or spaces may separate them in the text.
    alternatives += [r"\W*".join(re.escape(word) for word in phrase) for phrase in parsed.phrases]
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None) -> str:
    spans: list[list[int]] = []
    for match in pattern.finditer(text) if pattern is not None else ():
        if match.end() == match.start():
            continue
        if spans and spans[-1][1] == match.start():  # adjacent words read as one mark: 科技创新, not 科技|创新
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    out: list[str] = []
    position = 0
    for start, end in spans:
        out.append(html.escape(text[position:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_WIDTH) -> str:
    """The window of `width` characters holding the most matches, highlighted; … marks cut ends."""
    if len(text) <= width:
        return highlight(text, pattern)
    start = _best_start(text, pattern, width)
    end = min(len(text), start + width)
    start = max(0, end - width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + highlight(text[start:end], pattern) + suffix


def _best_start(text: str, pattern: re.Pattern[str] | None, width: int) -> int:
    if pattern is None:
        return 0
    starts = [m.start() for _, m in zip(range(500), pattern.finditer(text), strict=False)]
    if not starts:
        return 0
    best, best_count = starts[0], 0
    for position in starts:
        window_start = max(0, position - _LEAD)
        count = bisect_left(starts, window_start + width) - bisect_left(starts, window_start)
        if count > best_count:
            best, best_count = position, count
    return max(0, best - _LEAD)
