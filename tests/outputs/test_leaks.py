"""An embargoed or restricted report never leaks — nor a draft, a report waiting for acceptance or a withdrawn
one: every GET route of the app (enumerated, not listed by hand), search, suggestions, facets and exports, as
anonymous, as a member of another organisation and as an admin of another jurisdiction. After the embargo date
passes, the embargoed report appears where it should."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import all_get_routes, login
from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.outputs.indexing import reindex
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory

EMBARGO, RESTRICT, PUBLIC_MARK = "EMBARGOMARKERQX", "RESTRICTMARKERZV", "PUBLICMARKERWK"
DRAFT, SUBMITTED, WITHDRAWN = "DRAFTMARKERTN", "SUBMITTEDMARKERGP", "WITHDRAWNMARKERLC"
SECRET_TEXT = "FULLTEXTMARKERJB"
# Words only in uploaded files: the embargoed report's PDF (reachable only through its extracted text) and the
# restricted report's text file (whose bytes carry the word itself, so a leaked download shows it too).
FILE_EMBARGO, FILE_RESTRICT = "PDFEMBARGOMARKERUY", "TXTRESTRICTMARKERHD"
MARKERS = (EMBARGO, RESTRICT, FILE_EMBARGO, FILE_RESTRICT, DRAFT, SUBMITTED, WITHDRAWN)


@pytest.fixture
def world(session: Session, make_user):  # type: ignore[no-untyped-def]
    from .documents import chinese_pdf

    owner = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="泄露测试研究院", type="institute", region="上海"))
    other = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="其他单位", type="enterprise", region="南京"))
    author = Actor(username="author", grants=(Grant("member", f"org:{owner.id}"),), via="system")
    common: dict[str, Any] = dict(actor=author, type="final", org_id=owner.id, year=2025, authors=["张三"],
                                  keywords=["集成电路"])
    embargoed = factory.report(session, number="SH-2025-0001", title=f"{EMBARGO} 芯片报告", openness="delayed",
                               embargo_until=date.today() + timedelta(days=365), abstract=f"摘要 {EMBARGO}",
                               full_text=f"全文 {EMBARGO} {SECRET_TEXT}",
                               file=(chinese_pdf(f"芯片报告原文 {FILE_EMBARGO} 集成电路"), "embargoed.pdf"), **common)
    restricted = factory.report(session, number="SH-2025-0002", title=f"{RESTRICT} 保密报告", openness="restricted",
                                abstract=f"摘要 {RESTRICT}", full_text=f"全文 {RESTRICT}",
                                file=(f"保密报告原文 {FILE_RESTRICT}".encode("gbk"), "restricted.txt"), **common)
    public = factory.report(session, number="SH-2025-0003", title=f"{PUBLIC_MARK} 公开报告", openness="public",
                            abstract="公开摘要", full_text=f"公开全文 {SECRET_TEXT}", **common)
    # public reports outside the collection: a draft, one waiting for acceptance, a withdrawn one
    draft = factory.report(session, number="SH-2025-0004", title=f"{DRAFT} 芯片报告", status="draft",
                           abstract=f"摘要 {DRAFT}", full_text=f"全文 {DRAFT}", **common)
    submitted = factory.report(session, number="SH-2025-0005", title=f"{SUBMITTED} 芯片报告", status="submitted",
                               abstract=f"摘要 {SUBMITTED}", full_text=f"全文 {SUBMITTED}", **common)
    withdrawn = factory.report(session, number="SH-2025-0006", title=f"{WITHDRAWN} 芯片报告", status="withdrawn",
                               abstract=f"摘要 {WITHDRAWN}", full_text=f"全文 {WITHDRAWN}", **common)
    make_user("member", f"org:{other.id}", username="other_member")
    make_user("jurisdiction_admin", "320000", username="other_admin")
    make_user("member", f"org:{owner.id}", username="insider")
    return {"owner": owner, "embargoed": embargoed, "restricted": restricted, "public": public, "draft": draft,
            "submitted": submitted, "withdrawn": withdrawn}


SECRETS = ("embargoed", "restricted", "draft", "submitted", "withdrawn")


def fill(path: str, world: dict[str, Any], report_id: int) -> str:
    values = {"report_id": report_id, "org_id": world["owner"].id, "code": "310000", "ref": "latest",
              "version": 1, "level": "city"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values.get(m.group(1), 1)), path)


def crawl(client: TestClient, app: FastAPI, world: dict[str, Any]) -> list[tuple[str, str]]:
    """Every GET route with every report id, plain and with the markers as query text, JSON and CSV."""
    seen = []
    skip = ("/static", "/api/docs", "/api/v1/openapi.json", "/favicon.ico", "/lang/")
    for route in all_get_routes(app):
        if route.startswith(skip) or route.endswith(".pdf"):
            continue
        for report in (world[key] for key in SECRETS):
            url = fill(route, world, report.id)
            # Probes that match the secret records without containing the markers (echoed query text is not a leak).
            for query in ("", "?q=芯片报告&text=芯片报告&prefix=EMB", "?q=保密报告&prefix=RES&format=csv",
                          "?q=集成电路&kind=report_text", "?q=张三&kind=report", "?q=芯片报告原文&kind=report_text",
                          "?q=保密报告原文", "?prefix=PDF",
                          # the search page's facet filters (values of restricted documents; alternatives)
                          "?q=芯片报告&openness=delayed&openness=restricted&type=final&year=2025&province=310000",
                          "?kind=report_text&kind=report&openness=restricted&q=集成电路"):
                response = client.get(url + query)
                seen.append((url + query, response.text))
    return seen


@pytest.mark.parametrize("who", ["anonymous", "other_member", "other_admin"])
def test_markers_never_leak(who: str, client: TestClient, app: FastAPI, world) -> None:  # type: ignore[no-untyped-def]
    if who != "anonymous":
        login(client, who)
    pages = crawl(client, app, world)
    assert len(pages) > 150
    leaks = [url for url, text in pages if any(marker in text for marker in MARKERS)]
    assert not leaks, leaks[:10]
    crawled = {url.split("?")[0] for url, _ in pages}
    for report in (world[key] for key in SECRETS):  # the file's doors were among those crawled
        assert {f"/outputs/reports/{report.id}/download", f"/api/v1/outputs/reports/{report.id}/file"} <= crawled
        assert client.get(f"/outputs/reports/{report.id}/download").status_code == 404
        assert client.get(f"/api/v1/outputs/reports/{report.id}/file").status_code == 404
        assert 'id="download-link"' not in client.get(f"/outputs/reports/{report.id}").text
    # the control is found: the crawl really searches
    hits = client.get("/api/v1/search", params={"q": PUBLIC_MARK, "kind": "report"}).json()
    assert hits["total"] == 1 and PUBLIC_MARK in hits["hits"][0]["title_html"]
    facets = client.get("/api/v1/search", params={"q": "芯片", "kind": "report"}).json()
    assert facets["total"] == sum(n for _, n in facets["facets"].get("openness", []))
    assert ("delayed", 1) not in [tuple(x) for x in facets["facets"].get("openness", [])]
    # the search page's facet links and their counts (an active facet is counted without its own filter)
    found = []
    for probe in ({"q": "芯片", "openness": "public"}, {"q": "报告", "type": "final", "year": "2025"},
                  {"q": "报告"}, {"q": "公开摘要", "kind": "report"}, {"openness": "restricted"},
                  {"openness": "delayed", "kind": "report_text"}):
        html = client.get("/search", params=probe).text
        links = re.findall(r'<a class="tag[^"]*" href="([^"]+)" data-value="([^"]+)"', html)
        found += [(probe, href, value) for href, value in links]
        if probe.get("openness") in ("delayed", "restricted"):
            assert 'id="search-total">0 ' in html, probe
    # the extraction found the facet links of the probes that match the public report (kind, type, year, …)
    assert len(found) >= 10, found
    assert {value for _, _, value in found} >= {"report", "final", "2025", "public"}
    assert all(value not in ("delayed", "restricted") for _, _, value in found), found


def test_full_text_needs_a_sign_in(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    public = world["public"]
    assert client.get(f"/api/v1/outputs/reports/{public.id}/text").status_code == 401
    assert SECRET_TEXT not in client.get(f"/outputs/reports/{public.id}").text
    assert client.get("/api/v1/search", params={"q": SECRET_TEXT}).json()["total"] == 0
    login(client, "other_member")
    assert SECRET_TEXT in client.get(f"/api/v1/outputs/reports/{public.id}/text").json()["full_text"]
    assert client.get("/api/v1/search", params={"q": SECRET_TEXT, "kind": "report_text"}).json()["total"] == 1


def test_insiders_see_everything(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "insider")
    assert client.get(f"/outputs/reports/{world['restricted'].id}").status_code == 200
    assert FILE_RESTRICT.encode() in client.get(f"/api/v1/outputs/reports/{world['restricted'].id}/file").content
    assert client.get("/api/v1/search", params={"q": FILE_EMBARGO}).json()["total"] == 1  # the uploaded text
    assert client.get("/api/v1/search", params={"q": RESTRICT}).json()["total"] == 2  # record and full text
    # the control for the facet checks above: an insider is offered the restricted value as a filter
    html = client.get("/search", params={"q": "保密报告"}).text
    assert 'data-value="restricted"' in html
    narrowed = client.get("/search", params={"q": "报告", "openness": "restricted", "kind": "report"}).text
    assert RESTRICT in narrowed and PUBLIC_MARK not in narrowed and 'data-facet="openness"' in narrowed


def test_insiders_see_the_drafts_and_the_jurisdiction_what_waits_for_it(client: TestClient, world,  # type: ignore[no-untyped-def]
                                                                        make_user) -> None:
    login(client, "insider")
    for key in ("draft", "submitted", "withdrawn"):
        assert client.get(f"/outputs/reports/{world[key].id}").status_code == 200
    listed = client.get("/api/v1/outputs/reports", params={"limit": 100}).text
    markers = (DRAFT, SUBMITTED, WITHDRAWN, RESTRICT)
    assert len(markers) == 4 and all(marker in listed for marker in markers)
    client.cookies.clear()
    make_user("jurisdiction_admin", "310000", username="sh_admin")
    login(client, "sh_admin")  # the Shanghai S&T department: the submitted report, to accept it — nothing else
    assert SUBMITTED in client.get(f"/outputs/reports/{world['submitted'].id}").text
    assert client.get("/api/v1/search", params={"q": SUBMITTED, "kind": "report"}).json()["total"] == 1
    for key in ("draft", "withdrawn", "restricted", "embargoed"):
        assert client.get(f"/outputs/reports/{world[key].id}").status_code == 404, key
    listed = client.get("/api/v1/outputs/reports", params={"limit": 100}).text
    assert SUBMITTED in listed and not any(m in listed for m in (DRAFT, WITHDRAWN, RESTRICT, EMBARGO))


def test_after_the_embargo_date_it_appears(client: TestClient, session: Session, world) -> None:  # type: ignore[no-untyped-def]
    report = world["embargoed"]
    assert client.get(f"/outputs/reports/{report.id}").status_code == 404
    report.embargo_until = date.today() - timedelta(days=1)  # time passes
    reindex(session, report)
    assert EMBARGO in client.get(f"/outputs/reports/{report.id}").text
    assert client.get("/api/v1/search", params={"q": EMBARGO}).json()["total"] == 1  # the record, not the text
    assert EMBARGO in client.get("/api/v1/outputs/reports", params={"format": "csv"}).content.decode("utf-8-sig")
    assert SECRET_TEXT not in client.get(f"/outputs/reports/{report.id}").text  # full text: sign in first
    assert RESTRICT not in client.get("/api/v1/outputs/reports").text
    # the uploaded file: anonymous readers are asked to sign in; its extracted text is not searchable for them
    assert client.get(f"/api/v1/outputs/reports/{report.id}/file").status_code == 401
    assert client.get("/api/v1/search", params={"q": FILE_EMBARGO}).json()["total"] == 0
    login(client, "other_member")
    assert FILE_EMBARGO in client.get(f"/api/v1/outputs/reports/{report.id}/text").json()["full_text"]
    assert client.get("/api/v1/search", params={"q": FILE_EMBARGO, "kind": "report_text"}).json()["total"] == 1
    download = client.get(f"/outputs/reports/{report.id}/download")
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert 'id="download-link"' in client.get(f"/outputs/reports/{report.id}").text
    assert client.get(f"/api/v1/outputs/reports/{world['restricted'].id}/file").status_code == 404


def test_usage_is_counted_once_per_reader_and_day(client: TestClient, session: Session, world, make_user) -> None:  # type: ignore[no-untyped-def]
    public = world["public"]
    for _ in range(3):
        client.get(f"/outputs/reports/{public.id}")
    make_user("office_admin", username="usage_office")
    login(client, "usage_office")
    client.get(f"/api/v1/outputs/reports/{public.id}/text")
    client.get(f"/api/v1/outputs/reports/{public.id}/text")
    rows = {r["number"]: r for r in client.get("/api/v1/outputs/usage").json()}
    assert rows["SH-2025-0003"]["views"] == 1 and rows["SH-2025-0003"]["downloads"] == 1


def test_usage_per_organisation_and_jurisdiction(client: TestClient, session: Session, world, make_user) -> None:  # type: ignore[no-untyped-def]
    public, owner = world["public"], world["owner"]
    client.get(f"/outputs/reports/{public.id}")  # an anonymous view
    make_user("office_admin", username="usage_office2")
    make_user("jurisdiction_admin", "320000", username="usage_js")
    token = login(client, "usage_office2")
    client.get(f"/api/v1/outputs/reports/{public.id}/text")
    by_org = {r["org_id"]: r for r in client.get("/api/v1/outputs/usage?by=org").json()}
    assert by_org[owner.id]["views"] >= 1 and by_org[owner.id]["downloads"] >= 1
    by_province = {r["province_code"]: r for r in client.get("/api/v1/outputs/usage?by=province").json()}
    assert by_province["310000"]["views"] == by_org[owner.id]["views"]
    assert "310000" in client.get("/api/v1/outputs/usage?by=province&format=csv").text
    assert client.get("/api/v1/outputs/usage?by=city").status_code == 422
    client.post("/logout", data={"csrf_token": token})
    login(client, "usage_js")  # another jurisdiction's admin sees none of Shanghai's counts
    assert client.get("/api/v1/outputs/usage?by=province").json() == []
