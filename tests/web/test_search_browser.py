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
        "org_id": org.json()["id"], "openness": "public", "year": 2025,
        "abstract": "本报告总结了钙钛矿叠层电池在湿热环境下的衰减机理与封装方案，组件效率达到百分之二十六。"})
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
