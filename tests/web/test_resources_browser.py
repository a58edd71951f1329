"""A real browser: the registry's map draws the facilities with its legend in the page's language, and a member of
an organisation books an instrument through the form on its page (the booking appears in "my bookings")."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from yrdhub.i18n import BEIJING

pytestmark = pytest.mark.browser

LEGEND = """() => {
  const option = echarts.getInstanceByDom(document.getElementById("facility-map")).getOption();
  return {legend: option.legend[0].data, series: option.series.map((s) => s.name),
          points: option.series.reduce((n, s) => n + s.data.length, 0)};
}"""


@pytest.mark.parametrize(("lang", "kind", "title"), [
    ("zh", "重大科技基础设施", "设施与基地分布图"),
    ("en", "Major S&T infrastructure", "Facilities and bases on the map"),
])
def test_the_registry_map_draws_in_the_pages_language(live_server: str, browser, lang: str, kind: str,  # type: ignore[no-untyped-def]
                                                       title: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server}/resources?lang={lang}")
    page.locator("#facility-map[data-points]").wait_for(state="attached", timeout=20_000)
    assert page.locator("#facility-map canvas").count() >= 1
    drawn = page.evaluate(LEGEND)
    placed = json.loads(page.locator("#facility-data").text_content() or "{}")["points"]
    assert drawn["points"] == len(placed) > 10  # every facility with a sourced city is a point
    assert kind in drawn["legend"] and drawn["legend"] == drawn["series"]
    assert json.loads(page.locator("#facility-map").get_attribute("data-legend") or "[]") == drawn["legend"]
    assert title in page.locator("#facility-map").get_attribute("aria-label")
    rows = page.locator("#facility-table tbody tr").count()
    assert rows >= len(placed)
    page.screenshot(path=str(tmp_path / f"resources-{lang}.png"))
    assert not errors, errors


def _login(page: Any, live_server: str, username: str, password: str = "browser-password-1") -> None:
    page.goto(live_server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_load_state()


def _api(page: Any, live_server: str, path: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(live_server + path, data=body, headers={"X-CSRF-Token": token})
    assert response.status == status, response.text()
    result: dict[str, Any] = response.json()
    return result


def test_a_member_books_an_instrument_through_its_form(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    suffix = secrets.token_hex(3)
    office = browser.new_context().new_page()
    _login(office, live_server, "office")
    host = _api(office, live_server, "/api/v1/organisations",
                {"name": f"浏览器测试研究院{suffix}", "type": "institute", "region": "杭州"})
    org = _api(office, live_server, "/api/v1/organisations",
               {"name": f"浏览器预约测试公司{suffix}", "type": "enterprise", "region": "宁波"})
    instrument = _api(office, live_server, "/api/v1/resources/instruments", {
        "code": f"BR-INS-{suffix}", "name": f"浏览器测试质谱仪{suffix}", "category": "分析仪器",
        "value_yuan": "1200000", "org_id": host["id"],
        "rates": [{"price_group": "same_jurisdiction", "unit": "hour", "steps": [[0, "180"]]}]})
    username = f"booker_{suffix}"
    _api(office, live_server, "/api/v1/users", {"username": username, "password": "browser-password-1"})
    _api(office, live_server, f"/api/v1/users/{username}/grants", {"role": "member", "scope": f"org:{org['id']}"},
         status=200)

    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server, username)
    page.goto(f"{live_server}/resources/instruments/{instrument['id']}")
    start = (datetime.now(BEIJING) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    page.fill("#b-start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#b-end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#b-purpose", "浏览器预约")
    page.click("#b-submit")
    page.locator("#done").wait_for(timeout=20_000)
    row = page.locator("#booking-table tbody tr").first
    assert instrument["name"] in row.inner_text() and "已确认" in row.inner_text()
    assert "省内价" in row.inner_text()  # 宁波 books 杭州's instrument: both in 浙江
    assert start.strftime("%Y-%m-%d 09:00") in row.inner_text()  # shown in Beijing time
    # the held time is on the instrument's calendar for anyone, without who
    page.goto(f"{live_server}/resources/instruments/{instrument['id']}?week={start.date().isoformat()}")
    assert page.locator(".slot.booked").count() == 1
    assert not errors, errors
