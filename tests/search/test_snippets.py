"""Snippets are escaped document text with <mark> as the only markup."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from yrdhub.search.segment import parse_query
from yrdhub.search.snippets import highlight, match_pattern, snippet

MARK = re.compile(r"</?mark>")


def test_matches_are_marked_and_text_is_escaped() -> None:
    pattern = match_pattern(parse_query("芯片"))
    out = highlight("<b>芯片</b> & 芯片", pattern)
    assert out == "&lt;b&gt;<mark>芯片</mark>&lt;/b&gt; &amp; <mark>芯片</mark>"


def test_adjacent_words_form_one_mark_and_phrases_span_punctuation() -> None:
    assert highlight("长三角科技创新共同体", match_pattern(parse_query("科技 创新"))) == \
        "长三角<mark>科技创新</mark>共同体"
    assert highlight("科技，创新", match_pattern(parse_query('"科技创新"'))) == "<mark>科技，创新</mark>"


def test_latin_matches_ignore_case() -> None:
    assert highlight("新一代5G网络", match_pattern(parse_query("5g"))) == "新一代<mark>5G</mark>网络"


def test_long_text_is_cut_around_the_densest_matches() -> None:
    body = "无关内容。" * 60 + "量子通信网络与量子计算" + "其他内容。" * 60
    out = snippet(body, match_pattern(parse_query("量子")), width=60)
    assert out.startswith("…") and out.endswith("…")
    assert out.count("<mark>量子</mark>") == 2
    assert len(html.unescape(MARK.sub("", out))) <= 62


def test_no_match_gives_the_start_of_the_text() -> None:
    assert snippet("甲" * 300, match_pattern(parse_query("乙")), width=10) == "甲" * 10 + "…"


@given(st.text(max_size=300), st.text(max_size=20))
def test_snippet_is_safe_html_for_any_text_and_query(text: str, query: str) -> None:
    out = snippet(text, match_pattern(parse_query(query)), width=80)
    bare = MARK.sub("", out)
    assert "<" not in bare and ">" not in bare  # the only tags are <mark> and </mark>
    assert out.count("<mark>") == out.count("</mark>")
    assert html.unescape(bare).strip("…") in text
