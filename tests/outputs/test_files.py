"""Report files: text extraction (Chinese PDF, DOCX, UTF-8/GBK text), every kind of bad file (refused with a code,
before anything is stored), limits checked before parsing, upload (to a draft) and download by API and page,
permissions, search of the extracted text, usage counting."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import csrf_from, login
from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.accounts.models import AuditEvent
from yrdhub.errors import DomainError, TooLarge, render
from yrdhub.outputs import extract as extraction
from yrdhub.outputs import files
from yrdhub.outputs.extract import extract
from yrdhub.outputs.models import ReportFile
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

from . import factory
from .documents import chinese_pdf, docx, docx_bomb, encrypted_pdf, hostile_pdf, png, scanned_pdf, xlsx

TITLE = "长三角集成电路协同创新研究报告"
GBK_TEXT = "长江三角洲区域一体化发展：科技创新共同体建设进展（GBK 编码）\n第二行：张江、合肥综合性国家科学中心"


# --- extraction -------------------------------------------------------------------------------------------------


def test_chinese_pdf_text_is_extracted() -> None:
    result = extract(chinese_pdf(f"{TITLE}：量子计算与人工智能融合发展", pages=3))
    assert result.kind == "pdf" and result.pages == 3
    assert TITLE in result.text and "量子计算与人工智能融合发展" in result.text
    assert "第3页" in result.text
    assert result.media_type == "application/pdf"


def test_docx_paragraphs_and_tables_are_extracted() -> None:
    data = docx([TITLE, "第二段：长三角科技资源共享服务平台"], table=[["指标", "数值"], ["研发投入强度", "3.2%"]])
    result = extract(data)
    assert result.kind == "docx"
    assert TITLE in result.text and "长三角科技资源共享服务平台" in result.text
    assert "研发投入强度\t3.2%" in result.text


@pytest.mark.parametrize(("encoding", "label"), [("gbk", "gbk"), ("gb18030", "gbk"), ("utf-8", "utf-8"),
                                                 ("utf-8-sig", "utf-8-sig")])
def test_text_files_in_chinese_encodings(encoding: str, label: str) -> None:
    text = GBK_TEXT + ("\n罕用字：㐀䶵" if encoding == "gb18030" else "")
    result = extract(text.replace("\n", "\r\n").encode(encoding))
    assert result.kind == "txt" and result.encoding == label
    assert result.text == text
    assert result.media_type == f"text/plain; charset={label}"


def test_the_type_comes_from_the_content_not_the_name(pdf_bytes: bytes) -> None:
    assert extract(pdf_bytes).kind == "pdf"
    assert files.safe_filename("看起来是文本.txt", "pdf") == "看起来是文本.pdf"
    assert files.safe_filename("../../etc/passwd", "txt") == "passwd.txt"
    assert files.safe_filename("C:\\Users\\张三\\报告\x07.docx", "docx") == "报告.docx"
    assert extract("%不是 PDF，只是文本".encode()).kind == "txt"


BAD_FILES: dict[str, tuple[Any, str]] = {
    "empty": (lambda: b"", "file.empty"),
    "blank": (lambda: b"  \r\n\t ", "file.empty"),
    "scanned": (scanned_pdf, "file.scanned"),
    "encrypted": (lambda: encrypted_pdf(TITLE), "file.encrypted"),
    "encrypted-aes": (lambda: encrypted_pdf(TITLE, "AES-256"), "file.encrypted"),
    "truncated-pdf": (lambda: chinese_pdf(TITLE)[:3000], "file.corrupt"),
    "garbage-pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "file.corrupt"),
    "damaged-docx": (lambda: docx([TITLE])[:2000], "file.corrupt"),
    "png": (png, "file.unsupported"),
    "xlsx": (xlsx, "file.unsupported"),
    "legacy-doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "file.unsupported"),
    "utf-16": (lambda: TITLE.encode("utf-16"), "file.unsupported"),
    "binary": (lambda: bytes(range(1, 256)) * 50, "file.unsupported"),
    "empty-docx": (lambda: docx([""]), "file.no_text"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_code(name: str) -> None:
    make, code = BAD_FILES[name]
    with pytest.raises(DomainError) as info:
        extract(make())
    assert info.value.code == code
    zh, en = render(code, info.value.params, "zh"), render(code, info.value.params, "en")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii() and "{" not in zh + en


def test_limits_are_checked_before_the_text_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF's pages and a DOCX's inflated size are refused (TooLarge) before extraction; the extraction's time
    budget stops a file whose pages are each slow to read."""
    with pytest.raises(TooLarge) as pages:
        extract(hostile_pdf(pages=extraction.MAX_PDF_PAGES + 1, ops=10))
    assert pages.value.code == "file.too_many_pages" and pages.value.params["pages"] == extraction.MAX_PDF_PAGES + 1
    with pytest.raises(TooLarge) as inflated:
        extract(docx_bomb(30))
    assert inflated.value.code == "file.inflated" and inflated.value.params["size_mb"] >= 30
    monkeypatch.setattr(extraction, "MAX_DOCX_XML", 64 * 2**20)
    with pytest.raises(TooLarge) as ratio:
        extract(docx_bomb(30))
    assert ratio.value.code == "file.ratio" and ratio.value.params["ratio"] > extraction.MAX_RATIO
    monkeypatch.setattr(extraction, "EXTRACT_SECONDS", -1)
    with pytest.raises(TooLarge) as slow:
        extract(hostile_pdf(pages=3, ops=10))
    assert slow.value.code == "file.too_slow"


# --- upload and download ----------------------------------------------------------------------------------------


@pytest.fixture
def world(session: Session, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Drafts of each openness (a file belongs to the draft), and an accepted public report."""
    owner = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="上传测试研究院", type="institute", region="上海"))
    other = orgs.create(session, actor=SYSTEM,
                        data=OrgCreate(name="上传测试其他单位", type="enterprise", region="南京"))
    author = Actor(username="author", grants=(Grant("member", f"org:{owner.id}"),), via="system")
    common: dict[str, Any] = dict(actor=author, type="final", org_id=owner.id, year=2025, abstract="摘要",
                                  status="draft")
    public = factory.report(session, number="UP-2025-0001", title="公开报告", openness="public",
                            full_text="原先输入的全文", **common)
    embargoed = factory.report(session, number="UP-2025-0002", title="延期报告", openness="delayed",
                               embargo_until=date.today() + timedelta(days=90), **common)
    restricted = factory.report(session, number="UP-2025-0003", title="限制报告", openness="restricted", **common)
    accepted = factory.report(session, number="UP-2025-0004", title="已收录报告", openness="public",
                              **(common | {"status": "accepted"}))
    make_user("member", f"org:{owner.id}", username="up_insider")
    make_user("member", f"org:{other.id}", username="up_other")
    make_user("jurisdiction_admin", "310000", username="up_sh_admin")
    make_user("office_admin", username="up_office")
    return {"owner": owner, "public": public, "embargoed": embargoed, "restricted": restricted, "accepted": accepted}


def upload(client: TestClient, report_id: int, data: bytes, name: str = "报告.pdf", csrf: str | None = None) -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    return client.post(f"/api/v1/outputs/reports/{report_id}/file", headers=headers,
                       files={"file": (name, io.BytesIO(data), "application/octet-stream")})


def test_insider_uploads_a_pdf_and_its_text_becomes_the_searchable_full_text(
        client: TestClient, session: Session, world: dict[str, Any]) -> None:
    report = world["public"]
    pdf = chinese_pdf(f"{TITLE} UPLOADMARKERPQ")
    csrf = login(client, "up_insider")
    response = upload(client, report.id, pdf, name="集成电路报告.pdf", csrf=csrf)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "pdf" and body["filename"] == "集成电路报告.pdf" and body["size"] == len(pdf)
    assert body["pages"] == 1 and body["text_chars"] > 10
    text = client.get(f"/api/v1/outputs/reports/{report.id}/text").json()["full_text"]
    assert "UPLOADMARKERPQ" in text and TITLE in text
    hits = client.get("/api/v1/search", params={"q": "UPLOADMARKERPQ", "kind": "report_text"}).json()
    assert hits["total"] == 1
    assert client.get("/api/v1/search", params={"q": "原先输入的全文", "kind": "report_text"}).json()["total"] == 0
    # the original comes back byte for byte, as an attachment, from the API and from the page
    for url in (f"/api/v1/outputs/reports/{report.id}/file", f"/outputs/reports/{report.id}/download"):
        got = client.get(url)
        assert got.status_code == 200 and got.content == pdf
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith('attachment; filename="UP-2025-0001.pdf"')
        assert "filename*=UTF-8''" in got.headers["content-disposition"]
    page = client.get(f"/outputs/reports/{report.id}").text
    assert 'id="download-link"' in page and "集成电路报告.pdf" in page
    event = session.execute(select(AuditEvent).where(AuditEvent.action == "output.report_file")).scalars().one()
    assert event.actor_name == "up_insider" and event.after["sha256"] == body["sha256"]  # type: ignore[index]


def test_docx_and_gbk_uploads(client: TestClient, world: dict[str, Any]) -> None:
    report = world["restricted"]
    csrf = login(client, "up_insider")
    assert upload(client, report.id, docx([TITLE, "DOCXMARKERZT"]), "r.docx", csrf).status_code == 201
    assert "DOCXMARKERZT" in client.get(f"/api/v1/outputs/reports/{report.id}/text").json()["full_text"]
    response = upload(client, report.id, GBK_TEXT.encode("gbk"), "gbk.txt", csrf)
    assert response.status_code == 201 and response.json()["encoding"] == "gbk"
    text = client.get(f"/api/v1/outputs/reports/{report.id}/text").json()["full_text"]
    assert text == GBK_TEXT and "DOCXMARKERZT" not in text  # the new file replaced the old one
    got = client.get(f"/api/v1/outputs/reports/{report.id}/file")
    assert got.content == GBK_TEXT.encode("gbk") and got.headers["content-type"] == "text/plain; charset=gbk"


@pytest.mark.parametrize("name", ["empty", "scanned", "encrypted", "truncated-pdf", "png", "xlsx"])
def test_a_bad_upload_stores_nothing(name: str, client: TestClient, session: Session,
                                     world: dict[str, Any]) -> None:
    report = world["public"]
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    csrf = login(client, "up_insider")
    make, code = BAD_FILES[name]
    response = upload(client, report.id, make(), "报告.pdf", csrf)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code and "{" not in error["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # in the request's language (zh)
    assert [f["field"] for f in error["fields"]] == ["file"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ReportFile)) == 0
    assert client.get(f"/api/v1/outputs/reports/{report.id}/text").json()["full_text"] == "原先输入的全文"
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert client.get(f"/api/v1/outputs/reports/{report.id}/file").status_code == 404


def test_the_size_limit_is_a_setting(app: FastAPI, client: TestClient, world: dict[str, Any]) -> None:
    app.state.settings = app.state.settings.model_copy(update={"max_upload_mb": 1})
    csrf = login(client, "up_insider")
    big = ("长三角" * 400_000).encode("utf-8")  # 3.6 MB of text
    response = upload(client, world["public"].id, big, "big.txt", csrf)
    assert response.status_code == 413 and response.json()["error"]["code"] == "upload.too_large"
    assert upload(client, world["public"].id, "小文件".encode(), "small.txt", csrf).status_code == 201


@pytest.mark.parametrize(("who", "report", "status"), [
    ("up_office", "public", 201), ("up_insider", "public", 201), ("up_insider", "embargoed", 201),
    ("up_office", "restricted", 201),
    # a draft is not visible outside its organisation: 404, as every other door answers
    ("anonymous", "public", 404), ("up_other", "public", 404), ("up_sh_admin", "public", 404),
    ("up_other", "embargoed", 404), ("up_sh_admin", "restricted", 404), ("anonymous", "restricted", 404),
    # an accepted report: outsiders may not (they see it), insiders may not change it any more
    ("anonymous", "accepted", 401), ("up_other", "accepted", 403), ("up_insider", "accepted", 409),
    ("up_office", "accepted", 409),
])
def test_upload_permissions(who: str, report: str, status: int, client: TestClient, session: Session,
                            world: dict[str, Any], pdf_bytes: bytes) -> None:
    csrf = login(client, who) if who != "anonymous" else None
    response = upload(client, world[report].id, pdf_bytes, csrf=csrf)
    assert response.status_code == status, response.text
    if status == 409:
        assert response.json()["error"]["code"] == "report.not_draft"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ReportFile)) == (1 if status == 201 else 0)


def test_download_follows_the_full_text_rule(client: TestClient, session: Session, world: dict[str, Any],
                                             pdf_bytes: bytes) -> None:
    common: dict[str, Any] = dict(org_id=world["owner"].id, file=(pdf_bytes, "r.pdf"))
    public = factory.report(session, number="DL-2025-0001", **common).id
    embargoed = factory.report(session, number="DL-2025-0002", openness="delayed",
                               embargo_until=date.today() + timedelta(days=30), **common).id
    # anonymous: the public file needs a sign-in; the embargoed report does not exist for them
    assert client.get(f"/api/v1/outputs/reports/{public}/file").status_code == 401
    page = client.get(f"/outputs/reports/{public}/download", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert 'id="download-link"' not in client.get(f"/outputs/reports/{public}").text
    assert client.get(f"/api/v1/outputs/reports/{embargoed}/file").status_code == 404
    assert client.get(f"/outputs/reports/{embargoed}/download").status_code == 404
    login(client, "up_other")
    assert client.get(f"/api/v1/outputs/reports/{public}/file").content == pdf_bytes
    assert client.get(f"/api/v1/outputs/reports/{embargoed}/file").status_code == 404
    assert client.get(f"/outputs/reports/{embargoed}/download").status_code == 404
    # a report without a file: 404 with its code
    missing = client.get(f"/api/v1/outputs/reports/{world['accepted'].id}/file")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "file.none"


def test_downloads_are_counted_once_per_reader_and_day(client: TestClient, session: Session,
                                                       world: dict[str, Any], pdf_bytes: bytes) -> None:
    report = factory.report(session, number="UP-2025-0009", org_id=world["owner"].id, file=(pdf_bytes, "r.pdf"))
    login(client, "up_office")
    for _ in range(3):
        assert client.get(f"/outputs/reports/{report.id}/download").status_code == 200
        assert client.get(f"/api/v1/outputs/reports/{report.id}/file").status_code == 200
    rows = {r["number"]: r for r in client.get("/api/v1/outputs/usage").json()}
    assert rows["UP-2025-0009"]["downloads"] == 1


def factory_accept(client: TestClient, session: Session, report: Any) -> None:
    from yrdhub.outputs import service

    session.refresh(report)
    service.advance_to(session, actor=SYSTEM, report=report, status="accepted")


def test_the_report_page_form_uploads_and_shows_errors(client: TestClient, session: Session,
                                                      world: dict[str, Any]) -> None:
    report = world["embargoed"]
    assert 'id="upload-form"' not in client.get(f"/outputs/reports/{world['public'].id}").text  # anonymous
    login(client, "up_other")
    assert 'id="upload-form"' not in client.get(f"/outputs/reports/{world['public'].id}").text
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    login(client, "up_insider")
    page = client.get(f"/outputs/reports/{report.id}").text
    assert 'id="upload-form"' in page
    token = csrf_from(page)
    bad = client.post(f"/outputs/reports/{report.id}/file", data={"csrf_token": token},
                      files={"file": ("scan.pdf", io.BytesIO(scanned_pdf()), "application/pdf")})
    assert bad.status_code == 422 and 'id="upload-error"' in bad.text
    assert render("file.scanned", {}, "zh") in bad.text.replace("&#34;", '"').replace("&#39;", "'")
    missing_token = client.post(f"/outputs/reports/{report.id}/file",
                                files={"file": ("a.txt", io.BytesIO("文本".encode()), "text/plain")})
    assert missing_token.status_code == 403
    good = client.post(f"/outputs/reports/{report.id}/file", data={"csrf_token": token}, follow_redirects=False,
                       files={"file": ("报告.docx", io.BytesIO(docx(["PAGEFORMMARKER 报告正文"])), "application/pdf")})
    assert good.status_code == 303
    shown = client.get(good.headers["location"]).text
    assert 'id="upload-done"' in shown and "PAGEFORMMARKER" in shown and 'id="download-link"' in shown
    # once accepted, the page offers no upload any more
    factory_accept(client, session, report)
    assert 'id="upload-form"' not in client.get(f"/outputs/reports/{report.id}").text


def test_damaged_files_never_escape_as_other_errors(pdf_bytes: bytes) -> None:
    """Bytes flipped or cut anywhere in a real PDF or DOCX: text, or a coded refusal — never another exception."""
    import random

    rng = random.Random(20261201)
    document = docx([TITLE, "第二段"])
    outcomes = set()
    for original in (pdf_bytes, document):
        for _ in range(40):
            data = bytearray(original)
            if rng.random() < 0.5:
                del data[rng.randrange(len(data) // 4, len(data)):]
            for _ in range(rng.randrange(1, 30)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                extract(bytes(data))
                outcomes.add("text")
            except DomainError as exc:
                outcomes.add(exc.code)
    assert "file.corrupt" in outcomes
