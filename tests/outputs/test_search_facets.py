"""The search page's facets are filters: a facet value links to the same search with that filter added (values
of one facet are alternatives, facets must all hold), active filters are removable chips, the state is in the
URL and survives pagination — and no facet link or count ever reveals a document the reader may not see (a
restricted or embargoed report's year, type or openness, a draft project's discipline)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub import search
from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.db import utcnow
from yrdhub.programmes import writes
from yrdhub.programmes.schemas import CallCreate, ProgrammeCreate, ProjectCreate
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory

WORD = "分面测试"
SECRET_YEARS = ("1987", "1988")  # the restricted and the embargoed report's years: no other document has them
SECRET_DISCIPLINE = "分面保密学科"  # a draft project's discipline


@pytest.fixture
def world(session: Session, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    owner = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="分面测试研究院", type="institute", region="上海"))
    other = orgs.create(session, actor=SYSTEM,
                        data=OrgCreate(name="分面测试其他单位", type="enterprise", region="南京"))
    author = Actor(username="facet-author", grants=(Grant("member", f"org:{owner.id}"),), via="system")
    common: dict[str, Any] = dict(actor=author, org_id=owner.id, authors=["李四"], keywords=["氢能"])
    factory.report(session, number="FC-2025-0001", title=f"{WORD}公开报告甲", type="final", year=2025,
                   openness="public", abstract="公开", **common)
    factory.report(session, number="FC-2024-0002", title=f"{WORD}公开报告乙", type="annual", year=2024,
                   openness="public", abstract="公开", **common)
    factory.report(session, number="FC-1987-0003", title=f"{WORD}限制报告", type="topical", year=1987,
                   openness="restricted", abstract="限制", **common)
    factory.report(session, number="FC-1988-0004", title=f"{WORD}延期报告", type="topical", year=1988,
                   openness="delayed", embargo_until=date.today() + timedelta(days=365), abstract="延期", **common)
    office = make_user("office_admin", username="facet_office")[1]
    programme = writes.create_programme(session, actor=office, data=ProgrammeCreate(
        code="FC-PROG", name="分面测试计划", owners=["310000"]))
    call = writes.create_call(session, actor=office, programme=programme, data=CallCreate(
        code="FC-CALL", title="分面测试指南", opens_at=utcnow() - timedelta(days=1),
        deadline=utcnow() + timedelta(days=30)))
    applicant = Actor(username="facet-applicant", via="system", grants=(Grant("member", f"org:{owner.id}"),))
    writes.create_project(session, actor=applicant, call=call, data=ProjectCreate(
        code="FC-P-1", title=f"{WORD}草稿项目", lead_org_id=owner.id, discipline=SECRET_DISCIPLINE,
        funders={"310000": {"2026": Decimal(10)}}))
    make_user("member", f"org:{other.id}", username="facet_other")
    make_user("jurisdiction_admin", "320000", username="facet_js")
    make_user("member", f"org:{owner.id}", username="facet_insider")
    return {"owner": owner}


def facet_links(page: str) -> dict[str, dict[str, tuple[int, dict[str, list[str]]]]]:
    """{facet: {value: (count, the link's query)}} of the page's facet list."""
    found: dict[str, dict[str, tuple[int, dict[str, list[str]]]]] = {}
    nav = page.split('id="facets"', 1)[-1]
    for block in re.findall(r'<p class="facet" data-facet="([^"]+)">(.*?)</p>', nav, re.S):
        name, body = block
        for href, value, count in re.findall(r'href="([^"]+)" data-value="([^"]+)"[^>]*>[^<]*· (\d+)</a>', body):
            query: dict[str, list[str]] = {}
            for k, v in parse_qsl(urlsplit(html_lib.unescape(href)).query):
                query.setdefault(k, []).append(v)
            found.setdefault(name, {})[html_lib.unescape(value)] = (int(count), query)
    return found


def total(page: str) -> int:
    match = re.search(r'id="search-total">([\d,]+) ', page)
    assert match, "no total on the page"
    return int(match.group(1).replace(",", ""))


def chips(page: str) -> list[tuple[str, str, str]]:
    return [(f, html_lib.unescape(v), html_lib.unescape(h)) for h, f, v in re.findall(
        r'<a class="chip" href="([^"]+)" data-facet="([^"]+)" data-value="([^"]+)"', page)]


def test_a_facet_link_adds_its_filter_and_the_chip_removes_it(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/search", params={"q": WORD}).text
    assert total(page) == 2  # the two public reports
    links = facet_links(page)
    count, query = links["type"]["annual"]
    assert count == 1 and query == {"q": [WORD], "type": ["annual"]}
    narrowed = client.get("/search", params=query).text
    assert total(narrowed) == 1 and "公开报告乙" in narrowed and "公开报告甲" not in narrowed
    [(facet, value, remove)] = chips(narrowed)
    assert (facet, value) == ("type", "annual") and "年度报告" in narrowed.split('id="active-filters"')[1][:600]
    # values of one facet are alternatives: the other type is still offered, counted without the type filter
    count, both = facet_links(narrowed)["type"]["final"]
    assert count == 1 and both["type"] == ["annual", "final"]
    assert total(client.get("/search", params=both).text) == 2
    # different facets must all hold
    assert total(client.get("/search", params={"q": WORD, "type": ["annual", "final"], "year": "2025"}).text) == 1
    assert total(client.get("/search", params={"q": WORD, "type": "annual", "year": "2025"}).text) == 0
    # the chip's link is the search without that filter; an active value's facet link removes it too
    assert dict(parse_qsl(urlsplit(remove).query)) == {"q": WORD}
    assert facet_links(narrowed)["type"]["annual"][1] == {"q": [WORD]}
    # a blank query with a filter lists every visible document under it
    assert total(client.get("/search", params={"type": "annual"}).text) == 1


def test_the_filter_state_survives_paging(client: TestClient, session: Session) -> None:
    for i in range(27):
        search.index(session, search.SearchDocument("report", f"page{i}", f"翻页分面报告{i}", "翻页分面",
                                                    [search.PUBLIC], facets={"type": "final" if i < 23 else "annual",
                                                                             "year": "2025"}))
    first = client.get("/search", params={"q": "翻页分面", "type": "final"}).text
    assert total(first) == 23 and first.count('class="hit ') == 20
    match = re.search(r'<a href="([^"]+)" id="next-page">', first)
    assert match
    query = dict(parse_qsl(urlsplit(html_lib.unescape(match.group(1))).query))
    assert query["type"] == "final" and query["q"] == "翻页分面" and query["cursor"]
    second = client.get(html_lib.unescape(match.group(1))).text
    assert second.count('class="hit ') == 3 and 'id="next-page"' not in second
    assert [c[:2] for c in chips(second)] == [("type", "final")]
    seen = set(re.findall(r'href="/outputs/reports/page(\d+)"', first + second))
    assert seen == {str(i) for i in range(23)}  # every final report once, no annual one


@pytest.mark.parametrize("who", ["anonymous", "facet_other", "facet_js"])
def test_facet_links_never_reveal_what_the_reader_may_not_see(who: str, client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    if who != "anonymous":
        login(client, who)
    probes: list[dict[str, Any]] = [
        {"q": WORD}, {"q": WORD, "year": "2025"}, {"q": WORD, "type": "final"}, {"q": WORD, "openness": "public"},
        {"q": WORD, "kind": "report"}, {"q": WORD, "kind": ["report", "project"]}, {"kind": "project"},
        {"q": WORD, "year": list(SECRET_YEARS)}, {"q": WORD, "openness": ["restricted", "delayed"]},
        {"q": WORD, "type": "topical"}, {"discipline": SECRET_DISCIPLINE}, {"q": WORD, "status": "draft"},
        {"q": WORD, "type": "final", "year": ["2025", *SECRET_YEARS], "openness": ["public", "restricted"]},
    ]
    for params in probes:
        page = client.get("/search", params=params).text
        links = facet_links(page)
        offered = {(name, v) for name, values in links.items() for v in values}
        assert not offered & {("year", y) for y in SECRET_YEARS}, params
        assert not offered & {("openness", "restricted"), ("openness", "delayed"), ("type", "topical"),
                              ("discipline", SECRET_DISCIPLINE), ("kind", "project"), ("status", "draft")}, params
        for name, values in links.items():  # every count is what its link then finds (hits the reader sees)
            if name in params:
                continue  # an active facet's counts are its alternatives'
            for value, (count, query) in values.items():
                assert total(client.get("/search", params=query).text) == count, (params, name, value)
        for secret in ("限制报告", "延期报告", "草稿项目"):
            assert secret not in page, (params, secret)
    # filtering on a hidden value finds nothing (and says so), even though the value is echoed in its chip
    page = client.get("/search", params={"q": WORD, "year": "1987"}).text
    assert total(page) == 0 and ("year", "1987") in [c[:2] for c in chips(page)]


def test_an_insider_is_offered_what_it_may_see(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    """The control: the same checks would see the values if they were offered."""
    login(client, "facet_insider")
    links = facet_links(client.get("/search", params={"q": WORD}).text)
    # (a report is two documents, its record and its full text)
    assert links["year"]["1987"][0] == 2 and links["openness"]["restricted"][0] == 2
    assert links["discipline"][SECRET_DISCIPLINE][0] == 1 and links["kind"]["project"][0] == 1
    narrowed = client.get("/search", params=links["openness"]["restricted"][1]).text
    assert total(narrowed) == 2 and "限制报告" in narrowed


def test_the_filters_speak_both_languages(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    zh = client.get("/search", params={"q": WORD, "type": "annual", "province": "310000"}).text
    assert "已选条件" in zh and "清除全部条件" in zh and "类型: 年度报告" in zh and "地区: 上海" in zh
    en = client.get("/search", params={"q": WORD, "type": "annual", "province": "310000", "lang": "en"}).text
    assert "Filters" in en and "Clear all filters" in en and "Type: Annual report" in en
    assert "Jurisdiction: Shanghai" in en and 'aria-label="Remove this filter: Type Annual report"' in en
