"""Access control lives inside the query: nothing about a document the reader may not see leaks out —
not a hit, a snippet, a suggestion, a facet count or a total — and an embargo ends by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from yrdhub.accounts import access as read_rules
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM, Actor, Grant
from yrdhub.db import utcnow
from yrdhub.search import (
    OFFICE,
    PUBLIC,
    REGISTERED,
    AccessGrant,
    SearchDocument,
    SearchQuery,
    index,
    index_many,
    org,
    reader_tokens,
    role,
    search,
    suggest,
    user,
)

MARKER = "zqxvmarker"  # appears only in the restricted documents


RELEASE = utcnow() + timedelta(days=30)
FACETS = ("jurisdiction", "secret", "kind", "year")


def test_reader_tokens_are_the_read_rules_tokens() -> None:
    assert reader_tokens is read_rules.reader_tokens
    assert reader_tokens(ANONYMOUS) == {PUBLIC}
    member = Actor(user_id=7, username="m", grants=(Grant("member", "org:12"), Grant("statistician", "320000")),
                   via="session")
    assert reader_tokens(member) == {PUBLIC, REGISTERED, user(7), user(7, "member"), user(7, "statistician"),
                                     org(12), role("statistician", "320000")}
    assert reader_tokens(member) >= {"user:7@member", "role:statistician@320000", "org:12"}
    admin = Actor(user_id=1, username="a", grants=(Grant("office_admin"),), via="session")
    assert OFFICE == "role:office_admin" and OFFICE in reader_tokens(admin)
    assert OFFICE in reader_tokens(SYSTEM)
    write_only = Actor(user_id=7, username="m", grants=(Grant("member", "org:12"),), via="token",
                       token_scopes=frozenset({"write"}))
    assert reader_tokens(write_only) == {PUBLIC}


def test_grants_in_the_new_vocabulary_are_indexed_and_found(session: Session) -> None:
    tokens = [user(7, "expert"), role("jurisdiction_admin", "320000"), OFFICE]
    index(session, SearchDocument("report", "x", "钒液流电池", grants=tokens))
    expert = Actor(user_id=7, username="e", grants=(Grant("expert"),), via="session")
    js = Actor(user_id=8, username="j", grants=(Grant("jurisdiction_admin", "320000"),), via="session")
    zj = Actor(user_id=9, username="z", grants=(Grant("jurisdiction_admin", "330000"),), via="session")
    for who, sees in ((expert, 1), (js, 1), (SYSTEM, 1), (zj, 0), (ANONYMOUS, 0)):
        assert search(session, SearchQuery(text="钒液流"), reader_tokens(who)).total == sees, who
    for bad in ("role:x@@y", "user:7@", "@public", "role:x@y@z"):
        with pytest.raises(ValueError):
            index(session, SearchDocument("report", "y", "t", grants=[bad]))


@pytest.fixture
def corpus(session: Session) -> Session:
    def doc(ref: str, title: str, body: str, grants: list[AccessGrant | str], **facets: object) -> SearchDocument:
        return SearchDocument("report", ref, title, body, grants, facets)  # type: ignore[arg-type]

    index_many(session, [
        doc("open1", "氢能产业发展报告", "长三角氢能走廊建设。", [PUBLIC], jurisdiction="310000", year=2020),
        doc("open2", "氢能储运技术", "高压储氢。", [PUBLIC, org(5)], jurisdiction="320000", year=2021),
        doc("org5", f"{MARKER}氢能机密项目", f"氢能 {MARKER} 内部评估。", [org(5)],
            jurisdiction="330000", year=2019, secret="org-only"),
        doc("embargoed", f"{MARKER}氢能延期公开报告", f"延期公开 {MARKER} 氢能。",
            [AccessGrant(PUBLIC, RELEASE), org(9)], jurisdiction="340000", year=2018, secret="embargo"),
        doc("office", f"{MARKER}办公室氢能文件", f"{MARKER} 氢能", [OFFICE], jurisdiction="340000",
            year=2018, secret="office"),
    ])
    session.flush()
    return session


def _everything(session: Session, text: str, tokens: set[str], **kwargs: object) -> tuple[list[str], int, str]:
    """All hits over all pages, the total, and every string the reader is shown."""
    shown: list[str] = []
    refs: list[str] = []
    cursor = None
    total = -1
    while True:
        result = search(session, SearchQuery(text=text, facets=FACETS, limit=2, cursor=cursor), tokens,
                        **kwargs)  # type: ignore[arg-type]
        total = result.total
        refs += [h.ref for h in result.hits]
        shown += [f"{h.ref} {h.title} {h.title_html} {h.snippet_html} {h.facets}" for h in result.hits]
        shown.append(repr(result.facets))
        cursor = result.next_cursor
        if cursor is None:
            return refs, total, "\n".join(shown)


@pytest.mark.parametrize("tokens", [set(), {PUBLIC}, {PUBLIC, REGISTERED, org(6), role("statistician", "330000")}])
def test_nothing_restricted_leaks(corpus: Session, tokens: set[str]) -> None:
    for text in [MARKER, "氢能", "", f'"{MARKER}"', "机密", "延期公开"]:
        refs, total, shown = _everything(corpus, text, tokens)
        assert MARKER not in shown
        assert not {"org-only", "embargo", "office", "330000", "2019", "2018"} & set(_facet_values(shown))
        assert set(refs) <= {"open1", "open2"}
        assert total == len(refs)
    assert suggest(corpus, MARKER, tokens) == []
    assert suggest(corpus, "zq", tokens) == []
    facets = search(corpus, SearchQuery(text="氢能", facets=FACETS), tokens).facets
    expected = {"jurisdiction": [("310000", 1), ("320000", 1)], "year": [("2020", 1), ("2021", 1)],
                "secret": [], "kind": [("report", 2)]}
    assert facets == (expected if tokens else {name: [] for name in FACETS})


def _facet_values(shown: str) -> list[str]:
    return [part.strip(" '()[]{},:") for part in shown.split("'")]


def test_grant_holders_see_their_documents(corpus: Session) -> None:
    refs, total, shown = _everything(corpus, MARKER, {PUBLIC, org(5)})
    assert refs == ["org5"] and total == 1 and MARKER in shown
    refs, total, _ = _everything(corpus, "氢能", {OFFICE})
    assert refs == ["office"] and total == 1
    result = search(corpus, SearchQuery(text="氢能", facets=("secret",)), {PUBLIC, org(5), org(9)})
    assert result.total == 4 and result.facets["secret"] == [("embargo", 1), ("org-only", 1)]
    assert suggest(corpus, MARKER, {org(5)}) == [f"{MARKER}氢能机密项目"]


def test_embargo_ends_by_itself(corpus: Session) -> None:
    before = RELEASE - timedelta(seconds=1)
    refs, total, shown = _everything(corpus, MARKER, {PUBLIC}, now=before)
    assert (refs, total) == ([], 0) and MARKER not in shown
    assert suggest(corpus, MARKER, {PUBLIC}, now=before) == []
    for moment in (RELEASE, RELEASE + timedelta(days=400)):
        refs, total, shown = _everything(corpus, MARKER, {PUBLIC}, now=moment)
        assert (refs, total) == (["embargoed"], 1) and MARKER in shown
        assert suggest(corpus, MARKER, {PUBLIC}, now=moment) == [f"{MARKER}氢能延期公开报告"]
        facets = search(corpus, SearchQuery(text="氢能", facets=("secret",)), {PUBLIC}, now=moment).facets
        assert facets["secret"] == [("embargo", 1)]


def test_earliest_grant_for_a_token_wins(session: Session) -> None:
    later, earlier = RELEASE + timedelta(days=1), RELEASE
    index_many(session, [SearchDocument("report", "x", "钒液流电池", "", [AccessGrant(PUBLIC, later),
                                                                      AccessGrant(PUBLIC, earlier)])])
    assert search(session, SearchQuery(text="钒液流"), {PUBLIC}, now=earlier).total == 1


def test_document_without_grants_is_visible_to_nobody(session: Session) -> None:
    index_many(session, [SearchDocument("report", "x", "钒液流电池")])
    everyone = {PUBLIC, REGISTERED, OFFICE, org(1), role("jurisdiction_admin", "310000")}
    assert search(session, SearchQuery(text="钒液流"), everyone).total == 0
    assert suggest(session, "钒", everyone) == []


def test_query_text_cannot_name_an_index_meta_token(corpus: Session) -> None:
    from yrdhub.search import meta

    for token in (meta.access(org(5)), meta.access(PUBLIC), meta.facet("secret", "org-only"), meta.kind("report")):
        for text in (token, f'"{token}"', f"氢能 {token}"):
            result = search(corpus, SearchQuery(text=text, facets=FACETS), {PUBLIC})
            assert {hit.ref for hit in result.hits} <= {"open1", "open2"}
            assert MARKER not in repr(result)


def test_filters_cannot_widen_access(corpus: Session) -> None:
    result = search(corpus, SearchQuery(text="", filters={"secret": ["org-only", "embargo", "office"]},
                                        facets=FACETS), {PUBLIC})
    assert result.total == 0 and result.hits == [] and MARKER not in repr(result)
    assert search(corpus, SearchQuery(text="氢能", filters={"year": []}), {PUBLIC, org(5)}).total == 0
