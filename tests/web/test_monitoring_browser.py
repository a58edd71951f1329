"""The monitoring cycle end to end in a real browser (Playwright + Debian chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import BROWSER_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(browser, live_server: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", BROWSER_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    return page


def test_anhui_submits_jiangsu_cannot_touch_office_accepts_and_evaluates(  # type: ignore[no-untyped-def]
        live_server: str, browser, tmp_path: Path) -> None:
    import httpx

    baseline = httpx.get(live_server + "/api/v1/monitoring/values", params={"region": "340000"}).json()
    last = {r["element"]: r["value"] for r in baseline if r["period"] == 2023}

    # 安徽's statistician opens 2024 and downloads the template
    stat = sign_in(browser, live_server, "ah_stat")
    stat.goto(live_server + "/monitoring/data")
    stat.select_option("#open-form select[name=region]", "340000")
    stat.select_option("#open-form select[name=period]", "2024")
    stat.click("#open-form button[type=submit]")
    stat.wait_for_url("**/monitoring/submissions/*")
    submission_url = stat.url
    with stat.expect_download() as download:
        stat.click("#template-xlsx")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # fill it with two bad rows
    book = load_workbook(template)
    sheet = book.active
    assert sheet is not None
    good = {code: value * 1.04 for code, value in last.items()}
    good["rd_intensity_published"] = good["rd_expenditure"] / good["gdp"] * 100
    lines = {}
    for row in sheet.iter_rows(min_row=2):
        code = str(row[0].value)
        lines[code] = row[0].row
        row[4].value = good.get(code)
    sheet.cell(row=lines["gdp"], column=5).value = "约十万"
    sheet.cell(row=lines["population"], column=5).value = -1
    bad_file = tmp_path / "bad.xlsx"
    book.save(bad_file)
    stat.set_input_files("#upload-form input[type=file]", str(bad_file))
    stat.click("#upload-form button[type=submit]")
    stat.wait_for_load_state()
    errors = stat.locator("#upload-errors").inner_text()
    assert "不是数字" in errors and str(lines["gdp"]) in errors
    assert httpx.get(live_server + "/api/v1/monitoring/values", params={"region": "340000"}).json() == baseline

    # fix the first, upload again: the second bad row is reported, still nothing saved
    sheet.cell(row=lines["gdp"], column=5).value = good["gdp"]
    book.save(bad_file)
    stat.set_input_files("#upload-form input[type=file]", str(bad_file))
    stat.click("#upload-form button[type=submit]")
    stat.wait_for_load_state()
    assert "下限" in stat.locator("#upload-errors").inner_text()

    sheet.cell(row=lines["population"], column=5).value = good["population"]
    book.save(bad_file)
    stat.set_input_files("#upload-form input[type=file]", str(bad_file))
    stat.click("#upload-form button[type=submit]")
    stat.wait_for_load_state()
    assert stat.locator("#saved").count() == 1
    stat.click("#do-submit")
    stat.wait_for_load_state()
    assert "已提交" in stat.locator("#status").inner_text()

    # 江苏 cannot see or touch 安徽's submission
    js = sign_in(browser, live_server, "js_stat")
    response = js.goto(submission_url)
    assert response is not None and response.status == 404

    # 安徽's admin approves, the office accepts and runs an evaluation
    admin = sign_in(browser, live_server, "ah_admin")
    admin.goto(submission_url)
    admin.click("#do-approve")
    admin.wait_for_load_state()
    office = sign_in(browser, live_server, "office")
    office.goto(submission_url)
    office.click("#do-accept")
    office.wait_for_load_state()
    assert "已接受" in office.locator("#status").inner_text()
    office.goto(live_server + "/monitoring/data")
    office.click("#run-evaluation")
    office.wait_for_url("**/monitoring?run=*")  # the office reviews the computed run, then publishes it
    assert httpx.get(live_server + office.url.split(live_server)[1].replace("/monitoring?run=",
                                                                             "/api/v1/monitoring/evaluations/")
                     ).status_code == 404  # not public before it is published
    office.click("#do-publish")
    office.wait_for_url("**/monitoring")
    # (attribute selectors, not wait_for_function: the pages' CSP forbids eval, even for the test driver)
    office.locator("#index-chart[data-units='5']").wait_for(timeout=20_000)
    office.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    run_link = office.locator("#report-pdf").get_attribute("href")
    assert run_link is not None and "/report.pdf" in run_link

    # the dashboard shows 安徽's 2024 values; the report is a real PDF of the new run
    data = office.evaluate("JSON.parse(document.getElementById('monitoring-data').textContent)")
    assert any(v[0] == "340000" and v[1] == 2024 for v in data["values"])
    pdf = httpx.get(live_server + run_link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    evaluation = httpx.get(live_server + "/api/v1/monitoring/evaluations/latest").json()
    assert evaluation["id"] == int(run_link.split("/")[-2])
    verified = httpx.get(live_server + f"/api/v1/monitoring/evaluations/{evaluation['id']}/verify").json()
    assert verified["ok"] is True
