"""Property: paging through a search returns exactly `total` distinct hits — exactly the documents that
contain the word and that the reader may see (including grants under embargo, before and after it ends)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from yrdhub.db import utcnow
from yrdhub.search import AccessGrant, SearchDocument, SearchQuery, index_many, search
from yrdhub.search import query as search_query

WORDS = ["科技", "创新", "芯片", "量子", "材料", "能源"]  # each is one jieba word, whatever its neighbours
TOKENS = ["public", "registered", "org:1", "org:2", "prov:310000"]
EMBARGOED = "org:3"  # granted only with a visible_from, a day before or after now
NOW = utcnow()

documents = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
              st.sets(st.sampled_from(TOKENS), max_size=2),
              st.sampled_from(["2020", "2021"]),
              st.sampled_from([None, -1, 1])),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents=documents, word=st.sampled_from(WORDS), reader=st.sets(st.sampled_from([*TOKENS, EMBARGOED])),
       limit=st.integers(1, 7), year=st.sampled_from([None, "2020"]))
def test_total_equals_the_hits_paged_through(session: Session,
                                             documents: list[tuple[list[str], set[str], str, int | None]],
                                             word: str, reader: set[str], limit: int, year: str | None) -> None:
    savepoint = session.begin_nested()
    try:
        index_many(session, [SearchDocument("report", str(i), f"文档{i}", "，".join(words),
                                            [*sorted(grants), *_embargo(days)], {"year": doc_year})
                             for i, (words, grants, doc_year, days) in enumerate(documents)])
        filters = {"year": [year]} if year else {}
        expected = {str(i) for i, (words, grants, doc_year, days) in enumerate(documents)
                    if word in words and (year is None or doc_year == year)
                    and (grants & reader or (days == -1 and EMBARGOED in reader))}
        seen: list[str] = []
        cursor = None
        while True:
            result = search(session, SearchQuery(text=word, filters=filters, limit=limit, cursor=cursor), reader,
                            now=NOW)
            assert result.total == len(expected)
            seen += [hit.ref for hit in result.hits]
            cursor = result.next_cursor
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == len(expected)
        assert set(seen) == expected
    finally:
        savepoint.rollback()


def _embargo(days: int | None) -> list[AccessGrant]:
    return [] if days is None else [AccessGrant(EMBARGOED, NOW + timedelta(days=days))]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents=documents, word=st.sampled_from(WORDS), reader=st.sets(st.sampled_from([*TOKENS, EMBARGOED])),
       limit=st.integers(1, 4), window=st.integers(1, 5), cap=st.integers(1, 8))
def test_ranking_windows_and_total_cap_keep_paging_exact(session: Session, monkeypatch: pytest.MonkeyPatch,
                                                         documents: list[tuple[list[str], set[str], str, int | None]],
                                                         word: str, reader: set[str], limit: int, window: int,
                                                         cap: int) -> None:
    """With windows and a cap far smaller than the result: every visible hit exactly once over the pages, the
    total capped (and flagged) only when more documents are visible than the cap, never counting others."""
    monkeypatch.setattr(search_query, "RANK_WINDOW", window)
    monkeypatch.setattr(search_query, "TOTAL_CAP", cap)
    savepoint = session.begin_nested()
    try:
        index_many(session, [SearchDocument("report", str(i), f"文档{i}", "，".join(words),
                                            [*sorted(grants), *_embargo(days)], {"year": doc_year})
                             for i, (words, grants, doc_year, days) in enumerate(documents)])
        expected = {str(i) for i, (words, grants, _, days) in enumerate(documents)
                    if word in words and (grants & reader or (days == -1 and EMBARGOED in reader))}
        seen: list[str] = []
        cursor = None
        while True:
            result = search(session, SearchQuery(text=word, limit=limit, cursor=cursor, facets=("year",)), reader,
                            now=NOW)
            assert result.total == min(len(expected), cap)
            assert result.total_is_exact == (len(expected) <= cap)
            assert sum(count for _, count in result.facets["year"]) == result.total
            seen += [hit.ref for hit in result.hits]
            cursor = result.next_cursor
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == len(expected)
        assert set(seen) == expected
    finally:
        savepoint.rollback()
