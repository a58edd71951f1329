"""The outputs and search pages speak one language each: in English nothing is Chinese but the records' own text
(a title, an abstract, a name without an English form); in Chinese no English word of the interface leaks (a
state, a kind, a move, a facet). Refusals come from codes, in the page's language."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")
# ASCII words a Chinese page may hold: formats, units, the brand, the language switch, codes of records
ALLOWED_ASCII = {"pdf", "docx", "txt", "csv", "xlsx", "utf", "gbk", "ocr", "api", "yrdhub", "english", "html",
                 "json", "doi", "trl", "zip", "png", "svg", "rss", "http", "https", "www", "mit"}
RECORD = {"title": "氢能储运协同创新年度报告", "abstract": "本报告总结了液氢储运的关键技术。",
          "keywords": ["液氢", "储运"], "authors": ["王五"]}


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    titles = " ".join(re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + titles)


@pytest.fixture
def world(session: Session, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    org = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="语言测试研究院", name_en="Language Test Institute",
                                                           type="institute", region="上海"))
    make_user("member", f"org:{org.id}", username="i18n_member")
    make_user("office_admin", username="i18n_office")
    draft = factory.report(session, number="LANG-2026-0001", org_id=org.id, status="draft", full_text="", **RECORD)
    submitted = factory.report(session, number="LANG-2026-0002", org_id=org.id, status="submitted", **RECORD)
    accepted = factory.report(session, number="LANG-2026-0003", org_id=org.id, openness="restricted", **RECORD)
    achievement = factory.achievement(session, org_ids=[org.id], title="一种液氢储罐", identifier="CN2026LANG01")
    return {"org": org, "draft": draft, "submitted": submitted, "accepted": accepted, "achievement": achievement}


def pages(client: TestClient, world: dict[str, Any], lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    raw: dict[str, str] = {}
    for name, url in (("list", "/outputs"), ("draft", f"/outputs/reports/{world['draft'].id}"),
                      ("submitted", f"/outputs/reports/{world['submitted'].id}"),
                      ("accepted", f"/outputs/reports/{world['accepted'].id}"), ("new", "/outputs/reports/new"),
                      ("achievement", f"/outputs/achievements/{world['achievement'].id}"),
                      ("search", "/search?q=液氢&type=final&province=310000"),
                      ("refused", f"/outputs/reports/{world['draft'].id}/transitions")):
        if name == "refused":  # a refused move: its message in the page's language
            token = re.search(r'name="csrf_token" value="([^"]+)"', raw["draft"])
            assert token
            response = client.post(url + f"?lang={lang}", data={"csrf_token": token.group(1), "move": "accept"})
            assert response.status_code == 403 or 'id="refused"' in response.text
        else:
            response = client.get(url, params={"lang": lang})
            assert response.status_code == 200, (name, response.status_code)
        raw[name], out[name] = response.text, visible_text(response.text)
    return out


def data_of(world: dict[str, Any]) -> str:
    return " ".join([RECORD["title"], RECORD["abstract"], *RECORD["keywords"], *RECORD["authors"], "一种液氢储罐",
                     "语言测试研究院", "中文", "全文", "摘要", "液氢", "上海", "×",
                     "、"])  # the form's hint: authors and keywords may be separated by 、 as Chinese users type them


def test_english_pages_hold_no_chinese_but_the_records(client: TestClient, world: dict[str, Any]) -> None:
    login(client, "i18n_office")
    shown = pages(client, world, "en")
    allowed = set(CJK.findall(data_of(world)))
    for name, text in shown.items():
        leaks = sorted(set(CJK.findall(text)) - allowed)
        assert not leaks, (name, leaks)
    assert "Language Test Institute" in shown["accepted"] and "Restricted" in shown["accepted"]
    # held back (no full text): the move is named with its reason, not offered as a button
    assert "Submit for acceptance: Give the report's full text" in " ".join(shown["draft"].split())
    assert {"Accept into the collection", "Return for revision"} <= set(re.findall(r"[A-Z][a-z]+(?: [a-z]+)*",
                                                                                 shown["submitted"]))
    assert "Withdraw" in shown["accepted"] and "Final report" in shown["list"]


def test_chinese_pages_hold_no_english_interface_words(client: TestClient, world: dict[str, Any]) -> None:
    login(client, "i18n_office")
    shown = pages(client, world, "zh")
    for name, text in shown.items():
        words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - ALLOWED_ASCII
        words -= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", " ".join(
            ["LANG", "Language Test Institute", "CN2026LANG01", "i18n_office"]))}
        assert not words, (name, sorted(words))
    assert "收录" in shown["submitted"] and "退回修改" in shown["submitted"] and "限制" in shown["accepted"]
    assert "提交前请提供报告全文" in shown["draft"]
