from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate


def test_home_in_chinese_then_english(client: TestClient) -> None:
    zh = client.get("/")
    assert zh.status_code == 200 and "长三角科技创新共同体" in zh.text and 'lang="zh-CN"' in zh.text
    en = client.get("/?lang=en")
    assert "YRD S&amp;T Innovation Community Platform" in en.text and 'lang="en"' in en.text
    assert client.cookies.get("lang") == "en"
    assert "Regions" in client.get("/regions").text


def test_region_pages(client: TestClient) -> None:
    listing = client.get("/regions", params={"level": "city"})
    assert listing.text.count("/regions/3") >= 41
    page1 = client.get("/regions", params={"level": "county", "province": "320000"})
    cursor = re.search(r'id="next-page" href="[^"]*cursor=([^"&]+)', page1.text)
    assert cursor is not None
    page2 = client.get("/regions", params={"level": "county", "province": "320000", "cursor": cursor.group(1)})
    first = set(re.findall(r"<td>(3\d{5})</td>", page1.text))
    second = set(re.findall(r"<td>(3\d{5})</td>", page2.text))
    assert len(first) == 50 and second and not first & second and min(second) > max(first)
    stale = client.get("/regions", params={"level": "county", "cursor": "garbage"})
    assert stale.status_code == 200  # an edited cursor starts again from the first page
    detail = client.get("/regions/320000")
    assert "江苏省" in detail.text and "region-data" in detail.text and "南京市" in detail.text
    assert client.get("/regions/999999").status_code == 404


def test_organisation_pages(client: TestClient, session: Session) -> None:
    parent = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="页面大学", type="university", region="杭州"))
    child = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="页面大学附属医院", type="hospital",
                                                             region="杭州", parent_id=parent.id))
    listing = client.get("/organisations", params={"q": "页面", "province": "330000"})
    assert "页面大学附属医院" in listing.text
    detail = client.get(f"/organisations/{parent.id}")
    assert "页面大学附属医院" in detail.text and "<td>登记</td>" in detail.text
    orgs.merge(session, actor=SYSTEM, source=child, target=parent)
    moved = client.get(f"/organisations/{child.id}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"].startswith(f"/organisations/{parent.id}")


def test_import_page_reports_rows(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("office_admin", username="importer")
    token = login(client, "importer")
    bad = client.post("/organisations/import", data={"csrf_token": token},
                      files={"file": ("o.csv", io.BytesIO("名称,类型\n甲,火箭\n".encode()), "text/csv")})
    assert bad.status_code == 422 and "机构类型无效：火箭" in bad.text
    good = client.post("/organisations/import", data={"csrf_token": token},
                       files={"file": ("o.csv", io.BytesIO("名称,类型,地区\n甲企业,企业,上海\n".encode()), "text/csv")})
    assert good.status_code == 200 and "共 1 行：新增 1" in good.text
    none = client.post("/organisations/import", data={"csrf_token": token})
    assert none.status_code == 422 and "请选择要上传的文件" in none.text


def test_account_page_creates_and_revokes_tokens(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(username="tokens")
    token = login(client, "tokens")
    created = client.post("/account/tokens", data={"name": "notebook", "days": "30", "csrf_token": token})
    assert "只显示这一次" in created.text and 'id="new-token"' in created.text
    page = client.get("/account")
    assert "notebook" in page.text and 'id="new-token"' not in page.text  # shown once
    import re

    token_id = re.search(r"/account/tokens/(\d+)/revoke", page.text).group(1)  # type: ignore[union-attr]
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert "已撤销" in client.get("/account").text


def test_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "未找到" in response.text
