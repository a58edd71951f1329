"""A joint project funded by three jurisdictions, walked through the programme pages in a real browser
(Playwright + Debian chromium): the office creates the programme and its call, the lead organisation applies and
submits, an owner starts the review (the conflict rule refuses an affiliated expert), the expert scores on their
own page, each funder signs off its share, the office signs the contract; a refused transition shows its reason
and changes nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import BROWSER_PASSWORD

pytestmark = pytest.mark.browser
PASSWORD = "programme-browser-1"


def sign_in(browser: Any, live_server: str, username: str, password: str = BROWSER_PASSWORD) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # (a refused step answers 403/409 on purpose: the browser logs that status, which is not a script error)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    page.errors = errors
    page.goto(live_server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_load_state()
    assert page.locator("#account-link").inner_text() == username
    return page


def api(page: Any, live_server: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A JSON API call with the page's own session (the office sets up people and organisations)."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(live_server + path, data=body, headers={"X-CSRF-Token": token})
    assert response.ok, (path, response.status, response.text())
    result: dict[str, Any] = response.json()
    return result


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("YRDHUB_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_joint_project_through_the_pages(live_server: str, browser: Any, tmp_path: Path) -> None:
    out = shots(tmp_path)
    office = sign_in(browser, live_server, "office")
    office.goto(live_server + "/programmes")
    lead = api(office, live_server, "/api/v1/organisations", {"name": "浏览器测试量子大学", "type": "university",
                                                              "region": "合肥"})
    sh = api(office, live_server, "/api/v1/organisations", {"name": "浏览器测试上海研究院", "type": "institute",
                                                            "region": "上海"})
    js = api(office, live_server, "/api/v1/organisations", {"name": "浏览器测试苏州企业", "type": "enterprise",
                                                            "region": "苏州"})
    for username, role, scope in (("pb_applicant", "member", f"org:{lead['id']}"), ("pb_sh", "jurisdiction_admin",
                                  "310000"), ("pb_expert", "expert", ""), ("pb_conflicted", "expert", "")):
        api(office, live_server, "/api/v1/users", {"username": username, "password": PASSWORD})
        api(office, live_server, f"/api/v1/users/{username}/grants", {"role": role, "scope": scope})
    api(office, live_server, "/api/v1/users/pb_conflicted/grants", {"role": "member", "scope": f"org:{js['id']}"})

    # the office: a joint programme of 上海, 江苏 and 安徽, and a call
    office.goto(live_server + "/programmes")
    office.click("#new-programme summary")
    office.fill("#programme-form input[name=code]", "PB-JOINT-2026")
    office.fill("#programme-form input[name=name]", "浏览器联合攻关计划")
    for code in ("310000", "320000", "340000"):
        office.check(f"#programme-form input[name=owners][value='{code}']")
    office.click("#programme-form button[type=submit]")
    office.wait_for_url("**/programmes/*?done=created")
    assert "联合" in office.locator("#owners").inner_text()
    office.click("#new-call summary")
    office.fill("#call-form input[name=code]", "PB-CALL-2026")
    office.fill("#call-form input[name=title]", "量子精密测量联合攻关指南")
    office.fill("#call-form input[name=max_budget_wan]", "3000")
    office.screenshot(path=str(out / "programme-call-form.png"), full_page=True)
    office.click("#call-form button[type=submit]")
    office.wait_for_url("**/calls/*?done=created")
    call_url = office.url.split("?")[0]
    assert office.locator("#call-state").inner_text() == "申报中"
    assert office.locator("#apply-form").count() == 0  # the office applies for no organisation

    # the applicant: a draft with two partners and three funders' yearly shares, then submit
    applicant = sign_in(browser, live_server, "pb_applicant", PASSWORD)
    applicant.goto(call_url)
    form = applicant.locator("#apply-form")
    form.locator("input[name=code]").fill("PB-P-001")
    form.locator("input[name=title]").fill("量子精密测量仪器联合攻关")
    form.locator("textarea[name=summary]").fill("研制面向长三角产业的量子精密测量仪器。")
    form.locator("textarea[name=partners]").fill(f"{sh['name']}\n{js['name']}")
    year = form.locator("#funder-grid thead th").nth(1).inner_text()
    for code, amount in (("310000", "300"), ("320000", "400"), ("340000", "500")):
        form.locator(f"input[name=fund__{code}__{year}]").fill(amount)
    applicant.screenshot(path=str(out / "programme-apply.png"), full_page=True)
    form.locator("#apply-submit").click()
    applicant.wait_for_url("**/projects/*?done=created")
    project_url = applicant.url.split("?")[0]
    assert applicant.locator("#project-status").inner_text() == "草稿"
    assert applicant.locator("#funders tbody tr[id^=funder-]").count() == 3
    # the saved draft is edited before submission: a new title, Jiangsu's share raised, a keyword added
    applicant.click("#edit summary")
    edit = applicant.locator("#edit-form")
    assert edit.locator("input[name=title]").input_value() == "量子精密测量仪器联合攻关"
    edit.locator("input[name=title]").fill("量子精密测量仪器与传感器联合攻关")
    edit.locator(f"input[name=fund__320000__{year}]").fill("450")
    edit.locator("input[name=keywords]").fill("量子 传感")
    applicant.screenshot(path=str(out / "programme-edit-draft.png"), full_page=True)
    edit.locator("#edit-submit").click()
    applicant.wait_for_url("**/projects/*?done=edited")
    assert "量子精密测量仪器与传感器联合攻关" in applicant.locator("h1").inner_text()
    assert "450" in applicant.locator("#funder-320000").inner_text()
    applicant.click("#do-submit")
    applicant.wait_for_load_state()
    assert applicant.locator("#project-status").inner_text() == "已申报"
    assert applicant.locator("#edit-form").count() == 0  # submitted: no longer editable
    assert applicant.locator("#do-start-review").count() == 0  # not the applicant's step

    # 江苏 (an owner) starts the review; the conflict rule refuses the expert affiliated with a partner
    js_admin = sign_in(browser, live_server, "browser")
    js_admin.goto(project_url)
    js_admin.click("#do-start-review")
    js_admin.wait_for_load_state()
    assert js_admin.locator("#project-status").inner_text() == "评审中"
    js_admin.select_option("#assign-form select[name=username]", "pb_conflicted")
    js_admin.click("#assign-form button[type=submit]")
    js_admin.wait_for_load_state()
    refusal = js_admin.locator("#refused").inner_text()
    assert "pb_conflicted" in refusal and "隶属于参与单位" in refusal  # the refusal's code, in the page's language
    assert js_admin.locator("#review-table tbody").inner_text().strip() == "暂无数据"  # nothing assigned
    # no sign-off is offered before the review is in
    assert js_admin.locator("form[id^=signoff-]").count() == 0
    js_admin.screenshot(path=str(out / "programme-conflict-refused.png"), full_page=True)
    js_admin.select_option("#assign-form select[name=username]", "pb_expert")
    js_admin.click("#assign-form button[type=submit]")
    js_admin.wait_for_url("**?done=assigned")

    # the expert, on their own page
    expert = sign_in(browser, live_server, "pb_expert", PASSWORD)
    expert.goto(live_server + "/programmes")
    expert.click("#my-reviews a")
    expert.wait_for_url("**/review")
    expert.fill("#review-form input[name=score]", "88")
    expert.fill("#review-form textarea[name=comment]", "技术路线清晰，跨区域分工合理。")
    expert.screenshot(path=str(out / "programme-review.png"), full_page=True)
    expert.click("#review-form button[type=submit]")
    expert.wait_for_load_state()
    assert "评审意见已提交" in expert.locator("#done").inner_text()

    # each funding jurisdiction signs its own share (and sees no form for the others')
    sh_admin = sign_in(browser, live_server, "pb_sh", PASSWORD)
    ah_admin = sign_in(browser, live_server, "ah_admin")
    for page, code in ((sh_admin, "310000"), (js_admin, "320000"), (ah_admin, "340000")):
        page.goto(project_url)
        assert page.locator("form[id^=signoff-]").count() == 1
        page.fill(f"#signoff-{code} input[name=reason]", "同意资助")
        page.click(f"#signoff-{code} button[value=approve]")
        page.wait_for_url("**?done=signed")
        assert "同意" in page.locator(f"#funder-{code}").inner_text()
    assert ah_admin.locator("#project-status").inner_text() == "已立项"

    # the office signs the contract; a termination without a reason is refused with the rule's reason
    office.goto(project_url)
    office.fill("#move-contract input[name=reason]", "任务书已签订")
    office.click("#move-contract button")
    office.wait_for_url("**?done=contract")
    assert office.locator("#project-status").inner_text() == "已签约"
    office.click("#move-terminate button")
    office.wait_for_load_state()
    refusal = office.locator("#refused").inner_text()
    assert "终止项目" in refusal and "须说明理由" in refusal
    assert office.locator("#project-status").inner_text() == "已签约"  # nothing changed
    office.screenshot(path=str(out / "programme-refused-transition.png"), full_page=True)
    office.goto(project_url)
    assert office.locator("#project-status").inner_text() == "已签约"
    assert "已签约" in office.locator("#transitions").inner_text()

    # the jurisdiction view shows the project with 安徽's share and the cross-region count, and draws its charts
    office.goto(live_server + "/programmes/jurisdictions/340000")
    assert "量子精密测量仪器与传感器联合攻关" in office.locator("#funded-table").inner_text()
    assert int(office.locator("#count-cross").inner_text()) >= 1
    office.locator("#budget-chart[data-drawn]").wait_for(timeout=20_000)
    office.locator("#partner-chart[data-drawn='3']").wait_for(timeout=20_000)
    office.screenshot(path=str(out / "programme-jurisdiction.png"), full_page=True)
    # English through the existing switch
    office.goto(project_url)
    office.click("#lang-switch")
    office.wait_for_load_state()
    assert office.locator("#project-status").inner_text() == "Contracted"
    assert "Funders and sign-offs" in office.locator("body").inner_text()
    office.screenshot(path=str(out / "programme-project-en.png"), full_page=True)
    for page in (office, applicant, js_admin, expert, sh_admin, ah_admin):
        assert not page.errors, page.errors
