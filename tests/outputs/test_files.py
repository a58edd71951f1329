"""Report files: text extraction (Chinese PDF, DOCX, UTF-8/GBK text), every kind of bad file, upload and
download by API and page, permissions, search of the extracted text, usage counting."""

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
from yrdhub.outputs import files, service
from yrdhub.outputs.extract import FileRejected, extract
from yrdhub.outputs.models import ReportFile
from yrdhub.regions import orgs
from yrdhub.regions.orgs import OrgInput

from .documents import chinese_pdf, docx, encrypted_pdf, png, scanned_pdf, xlsx

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
    "empty": (lambda: b"", "empty"),
    "blank": (lambda: b"  \r\n\t ", "empty"),
    "scanned": (scanned_pdf, "no_text"),
    "encrypted": (lambda: encrypted_pdf(TITLE), "encrypted"),
    "encrypted-aes": (lambda: encrypted_pdf(TITLE, "AES-256"), "encrypted"),
    "truncated-pdf": (lambda: chinese_pdf(TITLE)[:3000], "corrupt"),
    "garbage-pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt"),
    "damaged-docx": (lambda: docx([TITLE])[:2000], "corrupt"),
    "png": (png, "unsupported_type"),
    "xlsx": (xlsx, "unsupported_type"),
    "legacy-doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported_type"),
    "utf-16": (lambda: TITLE.encode("utf-16"), "unsupported_type"),
    "binary": (lambda: bytes(range(1, 256)) * 50, "unsupported_type"),
    "empty-docx": (lambda: docx([""]), "no_text"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_bilingual_reason(name: str) -> None:
    make, code = BAD_FILES[name]
    with pytest.raises(FileRejected) as info:
        extract(make())
    assert info.value.code == code
    zh, _, en = str(info.value).partition(" / ")
    assert zh and en and any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii()


# --- upload and download ----------------------------------------------------------------------------------------


@pytest.fixture
def world(session: Session, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    owner = orgs.create(session, actor=SYSTEM, data=OrgInput(name="上传测试研究院", type="institute", region="上海"))
    other = orgs.create(session, actor=SYSTEM, data=OrgInput(name="上传测试其他单位", type="enterprise", region="南京"))
    author = Actor(username="author", grants=(Grant("member", f"org:{owner.id}"),), via="system")
    common: dict[str, Any] = dict(type="final", org_id=owner.id, year=2025, abstract="摘要")
    public = service.create_report(session, actor=author, number="UP-2025-0001", title="公开报告", openness="public",
                                   full_text="原先输入的全文", **common)
    embargoed = service.create_report(session, actor=author, number="UP-2025-0002", title="延期报告",
                                      openness="delayed", embargo_until=date.today() + timedelta(days=90), **common)
    restricted = service.create_report(session, actor=author, number="UP-2025-0003", title="限制报告",
                                       openness="restricted", **common)
    make_user("member", f"org:{owner.id}", username="up_insider")
    make_user("member", f"org:{other.id}", username="up_other")
    make_user("jurisdiction_admin", "310000", username="up_sh_admin")
    make_user("office_admin", username="up_office")
    return {"owner": owner, "public": public, "embargoed": embargoed, "restricted": restricted}


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
    assert response.status_code == (415 if code == "unsupported_type" else 422), response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and error["message_en"]
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
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert upload(client, world["public"].id, "小文件".encode(), "small.txt", csrf).status_code == 201


@pytest.mark.parametrize(("who", "report", "status"), [
    ("anonymous", "public", 401), ("up_other", "public", 403), ("up_sh_admin", "public", 403),
    ("up_office", "public", 201), ("up_insider", "public", 201),
    # a report the user may not even see answers 404, as every other door does
    ("up_other", "embargoed", 404), ("up_sh_admin", "restricted", 404), ("anonymous", "restricted", 404),
    ("up_insider", "embargoed", 201), ("up_office", "restricted", 201),
])
def test_upload_permissions(who: str, report: str, status: int, client: TestClient, session: Session,
                            world: dict[str, Any], pdf_bytes: bytes) -> None:
    csrf = login(client, who) if who != "anonymous" else None
    response = upload(client, world[report].id, pdf_bytes, csrf=csrf)
    assert response.status_code == status, response.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ReportFile)) == (1 if status == 201 else 0)


def test_download_follows_the_full_text_rule(client: TestClient, session: Session, world: dict[str, Any],
                                             pdf_bytes: bytes) -> None:
    for key in ("public", "embargoed"):
        files.attach(session, actor=SYSTEM, report=world[key], data=pdf_bytes, filename="r.pdf", max_bytes=10**8)
    public, embargoed = world["public"].id, world["embargoed"].id
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


def test_downloads_are_counted_once_per_reader_and_day(client: TestClient, session: Session,
                                                       world: dict[str, Any], pdf_bytes: bytes) -> None:
    report = world["public"]
    files.attach(session, actor=SYSTEM, report=report, data=pdf_bytes, filename="r.pdf", max_bytes=10**8)
    login(client, "up_office")
    for _ in range(3):
        assert client.get(f"/outputs/reports/{report.id}/download").status_code == 200
        assert client.get(f"/api/v1/outputs/reports/{report.id}/file").status_code == 200
    rows = {r["number"]: r for r in client.get("/api/v1/outputs/usage").json()}
    assert rows["UP-2025-0001"]["downloads"] == 1


def test_the_report_page_form_uploads_and_shows_errors(client: TestClient, world: dict[str, Any]) -> None:
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
    assert bad.status_code == 422 and 'id="upload-error"' in bad.text and "没有文字层" in bad.text
    missing_token = client.post(f"/outputs/reports/{report.id}/file",
                                files={"file": ("a.txt", io.BytesIO("文本".encode()), "text/plain")})
    assert missing_token.status_code == 403
    good = client.post(f"/outputs/reports/{report.id}/file", data={"csrf_token": token}, follow_redirects=False,
                       files={"file": ("报告.docx", io.BytesIO(docx(["PAGEFORMMARKER 报告正文"])), "application/pdf")})
    assert good.status_code == 303
    shown = client.get(good.headers["location"]).text
    assert 'id="upload-done"' in shown and "PAGEFORMMARKER" in shown and 'id="download-link"' in shown


def test_damaged_files_never_escape_as_other_errors(pdf_bytes: bytes) -> None:
    """Bytes flipped or cut anywhere in a real PDF or DOCX: text, or a FileRejected — never another exception."""
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
            except FileRejected as exc:
                outcomes.add(exc.code)
    assert "corrupt" in outcomes
