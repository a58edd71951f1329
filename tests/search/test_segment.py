"""Segmentation and query syntax (jieba's dictionary through rjieba)."""

from __future__ import annotations

from yrdhub.search.segment import index_text, parse_query, precise_tokens, search_tokens


def test_precise_mode_splits_chinese_into_dictionary_words() -> None:
    assert precise_tokens("长三角科技创新共同体") == ["长三角", "科技", "创新", "共同体"]
    assert precise_tokens("人工智能芯片") == ["人工智能", "芯片"]


def test_punctuation_and_spaces_are_dropped_and_latin_is_lower_cased() -> None:
    assert precise_tokens("5G芯片，“量子”  通信！") == ["5g", "芯片", "量子", "通信"]


def test_search_mode_adds_sub_words_for_recall() -> None:
    tokens = search_tokens("长三角科技创新共同体")
    assert {"三角", "共同", "长三角", "共同体"} <= set(tokens)


def test_indexed_text_keeps_precise_order_and_only_new_sub_words() -> None:
    text = index_text("长三角科技创新共同体", "建设发展规划")
    assert text.title == "长三角 科技 创新 共同体"
    assert text.body == "建设 发展 规划"
    extra = text.extra.split()
    assert "三角" in extra and "共同" in extra
    assert not set(extra) & set(text.title.split() + text.body.split())


def test_query_terms_and_phrases() -> None:
    parsed = parse_query('量子通信 "科技创新" “人工智能芯片” 量子')
    assert parsed.terms == ("量子", "通信")
    assert parsed.phrases == (("科技", "创新"), ("人工智能", "芯片"))
    assert not parsed.blank and not parsed.empty


def test_blank_and_punctuation_only_queries() -> None:
    assert parse_query("  ").blank
    assert parse_query("，。！").empty
    assert parse_query('""').empty


def test_unbalanced_quote_is_plain_text() -> None:
    parsed = parse_query('"科技创新')
    assert parsed.terms == ("科技", "创新") and parsed.phrases == ()
