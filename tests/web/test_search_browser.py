"""Search in Chinese in a real browser (Playwright + Debian chromium): the results show a <mark>-highlighted
snippet, and a result opens its record's page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import BROWSER_PASSWORD

pytestmark = pytest.mark.browser


def test_search_in_chinese_highlight_and_open(live_server: str, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # the office registers a public report (through the API, with its session)
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", BROWSER_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    org = page.request.post(live_server + "/api/v1/organisations", headers={"X-CSRF-Token": csrf}, data={
        "name": "搜索浏览器测试光伏研究所", "type": "institute", "region": "南京"})
    assert org.ok, org.text()
    report = page.request.post(live_server + "/api/v1/outputs/reports", headers={"X-CSRF-Token": csrf}, data={
        "number": "SB-2025-0001", "title": "钙钛矿叠层太阳电池稳定性研究最终报告", "type": "final",
        "org_id": org.json()["id"], "openness": "public", "year": 2025, "status": "accepted",
        "abstract": "本报告总结了钙钛矿叠层电池在湿热环境下的衰减机理与封装方案，组件效率达到百分之二十六。",
        "full_text": "钙钛矿叠层太阳电池稳定性研究全文。"})
    assert report.ok, report.text()
    report_id = report.json()["id"]
    context.clear_cookies()  # search as the public

    page.goto(live_server + "/")
    page.click("#nav-search")
    page.wait_for_url("**/search")
    page.fill("#search-form input[name=q]", "衰减机理")
    page.click("#search-form button")
    page.wait_for_url("**/search?**")
    hit = page.locator(".hit", has_text="钙钛矿叠层太阳电池").first
    marks = hit.locator("p mark")
    assert marks.count() >= 1
    assert "衰减" in " ".join(marks.all_inner_texts())
    assert "条结果" in page.locator("#search-total").inner_text()
    folder = Path(os.environ.get("YRDHUB_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "search.png"), full_page=True)

    hit.locator("a").first.click()
    page.wait_for_url(f"**/outputs/reports/{report_id}")
    assert "钙钛矿叠层太阳电池稳定性研究最终报告" in page.locator("h1").inner_text()
    assert not errors, errors


def test_facets_are_filters_shown_as_removable_chips(live_server: str, browser: Any, tmp_path: Path) -> None:
    """Click a facet value: the results narrow to it and the count follows; the filter is a chip in the URL;
    removing the chip restores the wider search."""
    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", BROWSER_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    org = page.request.post(live_server + "/api/v1/organisations", headers={"X-CSRF-Token": csrf}, data={
        "name": "分面浏览器测试氢能研究所", "type": "institute", "region": "合肥"})
    assert org.ok, org.text()
    for number, type_, year in (("SF-2025-0001", "final", 2025), ("SF-2024-0002", "annual", 2024),
                                ("SF-2024-0003", "final", 2024)):
        report = page.request.post(live_server + "/api/v1/outputs/reports", headers={"X-CSRF-Token": csrf}, data={
            "number": number, "title": f"质子交换膜氢燃料电池{year}年{type_}报告", "type": type_,
            "org_id": org.json()["id"], "openness": "public", "year": year, "status": "accepted",
            "abstract": "氢燃料电池电堆的耐久性与低铂催化剂。", "full_text": "质子交换膜氢燃料电池全文。"})
        assert report.ok, report.text()
    context.clear_cookies()  # search as the public

    page.goto(live_server + "/search")
    page.fill("#search-form input[name=q]", "氢燃料电池")
    page.click("#search-form button")
    page.wait_for_url("**/search?**")
    assert page.locator("#search-total").inner_text().startswith("3")
    assert page.locator(".hit").count() == 3
    annual = page.locator('#facets .facet[data-facet="type"] a[data-value="annual"]')
    assert "1" in annual.inner_text()
    annual.click()
    page.wait_for_url("**type=annual**")
    assert page.locator("#search-total").inner_text().startswith("1")
    assert page.locator(".hit").count() == 1 and "2024年annual" in page.locator(".hit a").first.inner_text()
    chip = page.locator('#active-filters a.chip[data-facet="type"][data-value="annual"]')
    assert chip.count() == 1 and "年度报告" in chip.inner_text()
    # a second facet must also hold; the other type stays offered as an alternative (with its own count)
    page.locator('#facets .facet[data-facet="year"] a[data-value="2024"]').click()
    page.wait_for_url("**year=2024**")
    assert page.locator("#search-total").inner_text().startswith("1")
    final = page.locator('#facets .facet[data-facet="type"] a[data-value="final"]')
    assert "· 1" in final.inner_text()  # final reports of 2024: one
    final.click()  # type = annual OR final, year = 2024
    page.wait_for_url("**type=final**")
    assert page.locator("#search-total").inner_text().startswith("2")
    assert page.locator("#active-filters a.chip").count() == 3
    folder = Path(os.environ.get("YRDHUB_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "search-facets.png"), full_page=True)
    shared = page.url  # the state is in the URL: opening it again gives the same search
    page.goto(shared)
    assert page.locator("#search-total").inner_text().startswith("2")

    page.locator('#active-filters a.chip[data-facet="year"]').click()
    page.wait_for_url(lambda url: "year=" not in url)
    assert page.locator("#search-total").inner_text().startswith("3")
    page.click("#clear-filters")
    page.wait_for_url(lambda url: "type=" not in url)
    assert page.locator("#active-filters").count() == 0
    assert page.locator("#search-total").inner_text().startswith("3")
    assert not errors, errors
