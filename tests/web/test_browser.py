"""A real browser (Playwright driving Debian's /usr/bin/chromium) against a live server."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
def test_home_map_language_login_and_token(live_server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(live_server + "/")
    assert page.locator("h1").first.inner_text() == "长三角科技创新共同体"
    page.locator("#yrd-map[data-drawn-regions='41']").wait_for(timeout=20_000)
    assert page.locator("#yrd-map").get_attribute("data-coloured") == "41"
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / "home.png"))

    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "Yangtze River Delta S&T Innovation Community"
    assert page.locator("#login-link").inner_text() == "Sign in"

    page.click("#login-link")
    page.fill("input[name=username]", "browser")
    page.fill("input[name=password]", "browser-password-1")
    page.click("#login-submit")
    page.wait_for_load_state()
    assert page.locator("#account-link").inner_text() == "browser"

    page.click("#account-link")
    page.fill("#token-form input[name=name]", "notebook")
    page.click("#token-form button[type=submit]")
    page.wait_for_load_state()
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("yrd_")
    assert "notebook" in page.locator("#token-table").inner_text()
    assert not errors, errors

    # The token works against the API (a separate client, as a script would use it).
    import httpx

    me = httpx.get(live_server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "browser"


CHART_WORDS = """() => {
  const option = (id) => echarts.getInstanceByDom(document.getElementById(id)).getOption();
  return {unit: option("rd-chart").yAxis[0].name, scale: option("yrd-map").visualMap[0].text,
          legend: option("rd-chart").legend[0].data || option("rd-chart").series.map((s) => s.name)};
}"""


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", {"unit": "亿元", "scale": ["高", "低"], "legend": ["上海", "江苏", "浙江", "安徽"]}),
    ("en", {"unit": "100 million yuan", "scale": ["high", "low"],
            "legend": ["Shanghai", "Jiangsu", "Zhejiang", "Anhui"]}),
])
def test_the_charts_speak_the_pages_language(  # type: ignore[no-untyped-def]
    live_server: str, browser, lang: str, words: dict[str, object]
) -> None:
    """A chart's words come from the page's catalogue (scripts hold no text)."""
    page = browser.new_page()
    page.goto(f"{live_server}/?lang={lang}")
    page.locator("#yrd-map[data-drawn-regions='41']").wait_for(timeout=20_000)
    assert page.evaluate(CHART_WORDS) == words


def test_region_and_organisation_pages_render(live_server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(live_server + "/regions/320000")
    page.locator("#rd-chart canvas").first.wait_for(timeout=20_000)
    assert "江苏省" in page.locator("h1").inner_text()
    page.goto(live_server + "/regions?level=city")
    assert page.locator("#region-table tbody tr").count() == 41
