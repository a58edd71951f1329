"""A real browser: an insider uploads a report's PDF on the report page and downloads it; an anonymous visitor of
the embargoed report sees no page, no download link, and the download URL answers 404."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from outputs.documents import chinese_pdf

pytestmark = pytest.mark.browser
MARKER = "浏览器上传标记" + secrets.token_hex(3).upper()


def _login(page: Any, live_server: str, username: str, password: str = "browser-password-1") -> None:
    page.goto(live_server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_load_state()


def _api(page: Any, live_server: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A write through the API with the page's session cookie and its CSRF token (as the HTMX pages do)."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(live_server + path, data=body, headers={"X-CSRF-Token": token})
    assert response.status == 201, response.text()
    result: dict[str, Any] = response.json()
    return result


def test_an_insider_uploads_a_pdf_and_the_public_cannot_reach_it(live_server: str, browser,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    office = browser.new_context()
    page = office.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server, "office")
    org = _api(page, live_server, "/api/v1/organisations",
               {"name": f"浏览器测试研究院{secrets.token_hex(2)}", "type": "institute", "region": "上海"})
    report = _api(page, live_server, "/api/v1/outputs/reports", {
        "number": f"BR-2026-{secrets.token_hex(2).upper()}", "title": "浏览器延期公开报告", "type": "final",
        "org_id": org["id"], "openness": "delayed", "embargo_until": str(date.today() + timedelta(days=365)),
        "year": 2026, "abstract": "延期公开的摘要"})
    url = f"{live_server}/outputs/reports/{report['id']}"

    pdf = tmp_path / "集成电路报告.pdf"
    pdf.write_bytes(chinese_pdf(f"长三角集成电路协同创新研究报告 {MARKER}", pages=2))
    page.goto(url)
    assert page.locator("#download-link").count() == 0
    page.set_input_files("#upload-file", str(pdf))
    page.click("#upload-submit")
    page.locator("#upload-done").wait_for(timeout=20_000)
    assert MARKER in page.locator("#full-text").inner_text()
    assert "集成电路报告.pdf" in page.content()
    with page.expect_download() as info:
        page.click("#download-link")
    saved = tmp_path / "downloaded.pdf"
    info.value.save_as(str(saved))
    assert saved.read_bytes() == pdf.read_bytes()
    assert not errors, errors

    public = browser.new_context()
    visitor = public.new_page()
    response = visitor.goto(url)
    assert response is not None and response.status == 404
    assert MARKER not in visitor.content() and visitor.locator("#download-link").count() == 0
    download = visitor.request.get(url + "/download")
    assert download.status == 404 and MARKER.encode() not in download.body()
    api = visitor.request.get(f"{live_server}/api/v1/outputs/reports/{report['id']}/file")
    assert api.status == 404
    office.close()
    public.close()
