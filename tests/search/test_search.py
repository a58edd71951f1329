"""Search behaviour, the same suite on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest
from sqlalchemy import event
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.search import (
    PUBLIC,
    SearchDocument,
    SearchQuery,
    index,
    index_many,
    indexing,
    optimize,
    remove,
    search,
    suggest,
)
from yrdhub.search import query as query_module
from yrdhub.search.backends import backend_for
from yrdhub.search.segment import parse_query

EVERYONE = {PUBLIC}


def doc(ref: str, title: str, body: str = "", kind: str = "report", **facets: object) -> SearchDocument:
    return SearchDocument(kind=kind, ref=ref, title=title, body=body, grants=[PUBLIC], facets=facets)  # type: ignore[arg-type]


def refs(session: Session, text: str, **kwargs: object) -> list[str]:
    result = search(session, SearchQuery(text=text, limit=50, **kwargs), EVERYONE)  # type: ignore[arg-type]
    return [hit.ref for hit in result.hits]


def test_title_match_ranks_above_a_passing_mention(session: Session) -> None:
    index_many(session, [
        doc("body", "年度工作总结", "本年度完成了多项任务，其中包括量子通信相关的少量工作，以及大量其他工作内容。" * 3),
        doc("title", "量子通信网络建设", "网络建设进展顺利。"),
        doc("none", "新能源汽车", "电池与电机。"),
    ])
    assert refs(session, "量子通信") == ["title", "body"]


def test_more_occurrences_rank_higher(session: Session) -> None:
    index_many(session, [
        doc("once", "报告甲", "石墨烯材料。其他内容，其他内容，其他内容。"),
        doc("thrice", "报告乙", "石墨烯材料，石墨烯器件，石墨烯传感。"),
    ])
    assert refs(session, "石墨烯") == ["thrice", "once"]


def test_phrase_needs_adjacent_words_plain_terms_do_not(session: Session) -> None:
    index_many(session, [
        doc("adjacent", "推动科技创新", "长三角地区。"),
        doc("apart", "创新驱动", "依靠科技进步。"),
        doc("reversed", "以创新科技推动发展", "园区建设。"),
    ])
    assert set(refs(session, "科技 创新")) == {"adjacent", "apart", "reversed"}
    assert refs(session, '"科技创新"') == ["adjacent"]
    assert refs(session, "“创新科技”") == ["reversed"]


def test_phrase_does_not_cross_from_title_into_body(session: Session) -> None:
    index(session, doc("edge", "绿色低碳科技", "创新平台建设"))
    assert refs(session, '"科技创新"') == []
    assert refs(session, "科技 创新") == ["edge"]


def test_search_mode_sub_words_give_recall(session: Session) -> None:
    index(session, doc("yrd", "长三角科技创新共同体建设发展规划"))
    assert refs(session, "三角") == ["yrd"]
    assert refs(session, "共同") == ["yrd"]
    assert refs(session, '"三角"') == []  # a phrase means the exact word


def test_all_terms_must_match(session: Session) -> None:
    index_many(session, [doc("a", "量子计算"), doc("b", "量子通信"), doc("c", "光子计算")])
    assert refs(session, "量子 计算") == ["a"]


def test_snippet_and_title_are_highlighted_and_escaped(session: Session) -> None:
    body = "前言。" * 50 + "本项目研究<script>alert('x')</script>钙钛矿太阳能电池的稳定性。" + "附录。" * 50
    index(session, doc("pv", "钙钛矿电池 & 组件", body))
    hit = search(session, SearchQuery(text="钙钛矿"), EVERYONE).hits[0]
    assert hit.title_html == "<mark>钙钛矿</mark>电池 &amp; 组件"
    assert "<mark>钙钛矿</mark>" in hit.snippet_html
    assert "&lt;/script&gt;" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "</script>" not in hit.snippet_html
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")


def test_latin_and_digits(session: Session) -> None:
    index_many(session, [doc("g", "5G通信模组", "支持NR标准"), doc("x", "4G模组")])
    assert refs(session, "5g") == ["g"]
    assert refs(session, "nr") == ["g"]


def test_facets_count_the_filtered_result(session: Session) -> None:
    index_many(session, [
        doc("1", "集成电路设计", jurisdiction="310000", year=2020, discipline=["电子", "计算机"]),
        doc("2", "集成电路制造", jurisdiction="320000", year=2020, discipline=["电子"]),
        doc("3", "集成电路封装", jurisdiction="320000", year=2021, kind="achievement"),
        doc("4", "生物医药", jurisdiction="330000", year=2021),
    ])
    result = search(session, SearchQuery(text="集成电路", facets=("jurisdiction", "year", "discipline", "kind")),
                    EVERYONE)
    assert result.total == 3
    assert result.facets["jurisdiction"] == [("320000", 2), ("310000", 1)]
    assert result.facets["year"] == [("2020", 2), ("2021", 1)]
    assert result.facets["discipline"] == [("电子", 2), ("计算机", 1)]
    assert result.facets["kind"] == [("report", 2), ("achievement", 1)]
    filtered = search(session, SearchQuery(text="集成电路", filters={"jurisdiction": ["320000"]},
                                           facets=("year",)), EVERYONE)
    assert filtered.total == 2 and filtered.facets["year"] == [("2020", 1), ("2021", 1)]


def test_filters_combine_and_kinds_restrict(session: Session) -> None:
    index_many(session, [
        doc("1", "氢能储运", jurisdiction="310000", year=2020),
        doc("2", "氢能燃料电池", jurisdiction="340000", year=2021),
        doc("3", "氢能制备", jurisdiction="340000", year=2020, kind="project"),
    ])
    assert sorted(refs(session, "氢能", filters={"jurisdiction": ["310000", "340000"], "year": [2020]})) == ["1", "3"]
    assert refs(session, "氢能", kinds=["project"]) == ["3"]
    assert sorted(refs(session, "", filters={"kind": ["report"]})) == ["1", "2"]
    assert refs(session, "氢能", filters={"year": ["1999"]}) == []


def test_hits_carry_their_facets(session: Session) -> None:
    index(session, doc("1", "类脑智能", jurisdiction="310000", year=2022, discipline=["脑科学", "人工智能"]))
    hit = search(session, SearchQuery(text="类脑"), EVERYONE).hits[0]
    assert hit.facets == {"jurisdiction": ["310000"], "year": ["2022"], "discipline": ["人工智能", "脑科学"]}


def test_keyset_pages_cover_every_hit_once_in_rank_order(session: Session) -> None:
    index_many(session, [doc(f"d{i}", f"新材料研究{i}", "新材料。" * (i % 5 + 1) + "其他。" * (i % 3))
                         for i in range(23)])
    seen: list[str] = []
    scores: list[float] = []
    cursor = None
    while True:
        result = search(session, SearchQuery(text="新材料", limit=4, cursor=cursor), EVERYONE)
        assert result.total == 23
        seen += [hit.ref for hit in result.hits]
        scores += [hit.score for hit in result.hits]
        cursor = result.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"d{i}" for i in range(23))
    assert scores == sorted(scores, reverse=True)


def test_blank_query_lists_everything_visible(session: Session) -> None:
    index_many(session, [doc(str(i), f"文档{i}") for i in range(5)])
    result = search(session, SearchQuery(text="", limit=2), EVERYONE)
    assert result.total == 5 and len(result.hits) == 2 and result.next_cursor


def test_punctuation_only_query_matches_nothing(session: Session) -> None:
    index(session, doc("1", "文档"))
    assert search(session, SearchQuery(text="，。“”"), EVERYONE).total == 0


def test_fts_syntax_in_user_text_is_literal(session: Session) -> None:
    index(session, doc("1", "科技 OR 创新 NEAR AND"))
    for text in ['科技 OR', '"科技" AND (', "NEAR(科技", "科技*", "-科技", "title_tokens:科技", "'科技'", "科技 & | !"]:
        search(session, SearchQuery(text=text), EVERYONE)  # no syntax error, whatever the text
    assert refs(session, "or") == ["1"]


def test_indexing_again_replaces_and_remove_deletes(session: Session) -> None:
    index(session, doc("r", "旧标题钠离子", jurisdiction="310000"))
    index(session, doc("r", "新标题锂电池", jurisdiction="320000"))
    assert refs(session, "钠离子") == []
    result = search(session, SearchQuery(text="锂电池", facets=("jurisdiction",)), EVERYONE)
    assert [h.ref for h in result.hits] == ["r"] and result.facets["jurisdiction"] == [("320000", 1)]
    assert remove(session, "report", "r") is True
    assert remove(session, "report", "r") is False
    assert refs(session, "锂电池") == []


def test_same_ref_in_different_kinds_are_different_documents(session: Session) -> None:
    index_many(session, [doc("7", "碳捕集", kind="project"), doc("7", "碳捕集报告", kind="report")])
    assert search(session, SearchQuery(text="碳捕集"), EVERYONE).total == 2


def test_suggest_completes_visible_titles(session: Session) -> None:
    index_many(session, [doc("1", "长三角科技创新共同体"), doc("2", "长三角一体化"), doc("3", "长江经济带"),
                         doc("4", "长三角一体化")])
    assert suggest(session, "长三角", EVERYONE) == ["长三角一体化", "长三角科技创新共同体"]
    assert suggest(session, "长", EVERYONE, limit=2) == ["长三角一体化", "长三角科技创新共同体"]
    assert suggest(session, "  ", EVERYONE) == []


def test_suggest_checks_prefixes_longer_than_the_key_against_the_title(session: Session) -> None:
    stem = "长三角科技创新共同体建设发展规划"  # 16 characters: the length of the suggestion key
    index_many(session, [doc("1", stem + "实施方案"), doc("2", stem + "年度报告"), doc("3", stem)])
    assert suggest(session, stem, EVERYONE) == [stem, stem + "实施方案", stem + "年度报告"]
    assert suggest(session, stem + "实施", EVERYONE) == [stem + "实施方案"]
    assert suggest(session, stem + "实施方案", EVERYONE) == [stem + "实施方案"]
    assert suggest(session, stem + "实施方案二", EVERYONE) == []


def test_several_batches_give_the_same_index_as_one(session: Session) -> None:
    docs = [doc(str(i), f"第{i}号钙钛矿电池报告", "稳定性研究", year=2020 + i % 3) for i in range(23)]
    assert index_many(session, docs, batch_size=5) == 23  # prepared in a worker process while batches are written
    result = search(session, SearchQuery(text="钙钛矿", limit=50, facets=("year",)), EVERYONE)
    assert sorted(hit.ref for hit in result.hits) == sorted(str(i) for i in range(23))
    assert dict(result.facets["year"]) == {"2020": 8, "2021": 8, "2022": 7}


def test_two_batches_are_prepared_in_a_thread_and_more_in_the_worker_process(session: Session) -> None:
    two = [doc(f"t{i}", "风电叶片报告") for i in range(4)]
    assert index_many(session, two, batch_size=2) == 4
    many = [doc(f"m{i}", "风电叶片报告", "海上风电") for i in range(9)]
    assert index_many(session, many, batch_size=2) == 9
    assert len(refs(session, "风电叶片")) == 13
    if (os.cpu_count() or 1) > 1:
        assert indexing._PROCESS is not None


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the worker process is only used with two cores or more")
def test_a_dead_worker_process_fails_the_call_and_the_next_call_starts_a_new_one(session: Session) -> None:
    docs = [doc(f"w{i}", "储能电站报告") for i in range(8)]
    assert index_many(session, docs, batch_size=2) == 8
    worker = indexing._PROCESS
    assert worker is not None
    for pid in list(worker._processes):
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        index_many(session, [doc(f"x{i}", "储能电站报告") for i in range(8)], batch_size=2)
    session.rollback()
    assert index_many(session, [doc(f"y{i}", "储能电站报告") for i in range(8)], batch_size=2) == 8
    assert indexing._PROCESS is not worker
    assert sorted(refs(session, "储能电站")) == sorted(f"y{i}" for i in range(8))


def test_a_bad_document_in_a_later_batch_is_refused(session: Session) -> None:
    docs = [doc(str(i), "氢能报告") for i in range(7)] + [doc("", "没有编号")]
    with pytest.raises(ValueError, match="ref"):
        index_many(session, docs, batch_size=3)


def test_bad_input_is_refused(session: Session) -> None:
    """A reader's mistakes are coded refusals; a module's malformed document is a programming error."""
    with pytest.raises(DomainError) as cursor:
        search(session, SearchQuery(text="x", cursor="not-a-cursor"), EVERYONE)
    assert cursor.value.code == "search.cursor"
    with pytest.raises(DomainError) as limit:
        search(session, SearchQuery(text="x", limit=0), EVERYONE)
    assert limit.value.code == "search.limit" and limit.value.params == {"limit": 200}
    with pytest.raises(ValueError):
        index(session, SearchDocument("report", "1", "t", grants=["no such token!"]))
    with pytest.raises(ValueError):
        index(session, SearchDocument("report", "1", "t", grants=[PUBLIC], facets={"kind": "x"}))
    with pytest.raises(ValueError):
        index(session, SearchDocument("", "1", "t", grants=[PUBLIC]))


def test_optimize_keeps_results(session: Session) -> None:
    index_many(session, [doc(str(i), f"海洋观测{i}", "海洋。" * (i % 4 + 1)) for i in range(12)])
    before = search(session, SearchQuery(text="海洋", limit=50), EVERYONE)
    optimize(session)
    after = search(session, SearchQuery(text="海洋", limit=50), EVERYONE)
    assert [h.ref for h in after.hits] == [h.ref for h in before.hits] and after.total == 12


def test_capped_total_and_facets_count_the_newest_visible_matches(session: Session,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from yrdhub.search import query as search_query

    monkeypatch.setattr(search_query, "TOTAL_CAP", 3)
    index_many(session, [doc(str(i), f"海洋观测{i}", year=2000 + i) for i in range(5)])
    result = search(session, SearchQuery(text="海洋", facets=("year",)), EVERYONE)
    assert (result.total, result.total_is_exact) == (3, False)
    assert result.facets["year"] == [("2002", 1), ("2003", 1), ("2004", 1)]  # the three indexed last
    assert len(result.hits) == 5  # hits are not capped
    exact = search(session, SearchQuery(text="海洋观测4", facets=("year",)), EVERYONE)
    assert (exact.total, exact.total_is_exact) == (1, True)


def test_large_results_are_ranked_within_windows_of_the_newest(session: Session,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from yrdhub.search import query as search_query

    monkeypatch.setattr(search_query, "RANK_WINDOW", 3)
    # Indexed in this order: ids ascend, so the newest window is d5, d4, d3 and the next d2, d1, d0.
    index_many(session, [doc("d0", "石墨烯"), doc("d1", "其他", "石墨烯"), doc("d2", "石墨烯器件"),
                         doc("d3", "其他", "石墨烯"), doc("d4", "石墨烯"), doc("d5", "其他", "石墨烯")])
    seen: list[str] = []
    cursor = None
    while True:
        result = search(session, SearchQuery(text="石墨烯", limit=2, cursor=cursor), EVERYONE)
        seen += [hit.ref for hit in result.hits]
        cursor = result.next_cursor
        if cursor is None:
            break
    assert seen == ["d4", "d3", "d5", "d0", "d2", "d1"]  # title matches first within each window


def test_score_depends_only_on_the_document(session: Session) -> None:
    index_many(session, [doc("a", "钙钛矿电池", "稳定性研究。")])
    before = search(session, SearchQuery(text="钙钛矿"), EVERYONE).hits[0].score
    index_many(session, [SearchDocument("report", f"x{i}", "钙钛矿", "钙钛矿", grants=["org:99"]) for i in range(20)])
    assert search(session, SearchQuery(text="钙钛矿"), EVERYONE).hits[0].score == before


@pytest.mark.parametrize("text", ['"100%的方法"', "100%", '"it\'s"', '"a:b 测试"', '"b 测试"', "'a:b'"])
def test_quotes_colons_and_percent_signs_in_phrases_are_text(session: Session, text: str) -> None:
    index_many(session, [doc("odd", "效率提升100%的方法", "it's a:b 测试 报告"),
                         doc("other", "效率提升的方法", "测试")])
    assert refs(session, text) == ["odd"]


def _settings(session: Session) -> dict[str, object]:
    if session.get_bind().dialect.name == "postgresql":
        names = ("enable_seqscan", "work_mem")
        return {name: session.execute(sql(f"SHOW {name}")).scalar_one() for name in names}
    return {name: session.execute(sql(f"PRAGMA {name}")).scalar_one() for name in ("cache_size", "mmap_size")}


def test_a_search_leaves_the_sessions_planner_settings_as_it_found_them(session: Session) -> None:
    # PostgreSQL's count sets enable_seqscan and work_mem for its one statement (backends._set_local)
    index_many(session, [doc(str(i), "燃料电池报告", "质子交换膜") for i in range(30)])
    before = _settings(session)
    result = search(session, SearchQuery(text="燃料电池", facets=("kind",)), EVERYONE)
    assert result.total == 30
    assert search(session, SearchQuery(text="质子交换膜"), EVERYONE).total == 30
    assert _settings(session) == before


def test_the_newest_matches_are_exact_when_read_range_by_range(session: Session) -> None:
    """PostgreSQL reads the newest matches from the most recent id ranges first (meta.id_ranges) and widens the
    ranges by the density it sees: whatever the layout of the ids, it returns exactly the newest matches. Here
    200 old matches and 10 recent ones, spread over 450,000 ids (the id sequence jumps between batches)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for batch in range(12):
        if postgres:
            session.execute(sql("SELECT setval(pg_get_serial_sequence('search_document', 'id'), :v)"),
                            {"v": batch * 40_000 + 1})
        index_many(session, [doc(f"r{batch}-{i}", "海洋观测" if batch < 2 or i == 0 else "森林防火")
                             for i in range(100)])
    if postgres:
        session.execute(sql("ANALYZE search_match"))  # as autovacuum would: the ranges follow the estimate
    session.commit()
    matching = list(session.scalars(sql("SELECT id FROM search_document WHERE title = '海洋观测' ORDER BY id DESC")))
    assert len(matching) == 210
    statements: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    parsed = parse_query("海洋")
    scope = query_module._scope(session, SearchQuery(text="海洋"), parsed, EVERYONE, utcnow())
    assert scope is not None
    for upper in (None, matching[5], matching[12], matching[150]):
        for limit in (1, 2, 5, 20, 50, 500):
            statements.clear()
            expected = [i for i in matching if upper is None or i <= upper][:limit]
            assert backend_for(session).reach(session, scope, upper, limit) == expected, (upper, limit)
    if postgres:  # the ranges were used, and widened at least once
        statements.clear()
        assert backend_for(session).reach(session, scope, None, 20) == matching[:20]
        ranged = [s for s in statements if "yrdmetaz" in s or "yrdmetaw" in s]
        assert len(ranged) >= 1 and len([s for s in statements if "search_match" in s and "ORDER BY" in s]) >= 2
