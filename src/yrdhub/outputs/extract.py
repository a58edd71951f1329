"""Text from an uploaded report file: PDF, DOCX or plain text (UTF-8, UTF-8 with BOM, GBK/GB18030).

The type is decided by the content (magic bytes), never by the file name. Limits are checked before the text is
parsed — a PDF's pages, a DOCX's inflated size and compression ratio — and the extraction itself has a time
budget: a few hundred KB must never hold a worker for minutes. Every refusal is a `DomainError` code
(`TooLarge` for a limit), raised before anything is stored.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass

from yrdhub.errors import DomainError, TooLarge
from yrdhub.i18n import N_, Msg
from yrdhub.outputs.schemas import MAX_FULL_TEXT
from yrdhub.tabular import MAX_RATIO, archive_sizes

MAX_PDF_PAGES = 2000  # a final report runs to a few hundred pages; a 496 KB file of 3,000 pages took 231 s
MAX_DOCX_XML = 24 * 1024 * 1024  # inflated XML a DOCX may hold (python-docx holds ~20x that in memory)
MAX_INFLATED = 256 * 1024 * 1024  # the whole archive, images included
EXTRACT_SECONDS = 60  # the most one file's text extraction may take, checked between pages

MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "txt": "text/plain"}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "txt": ".txt"}

# Formats people try to upload that we recognise and refuse by name.
KNOWN_BINARY: list[tuple[bytes, Msg]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("a legacy Word file (.doc) or a password-protected Office file")),
    (b"{\\rtf", N_("an RTF file")), (b"\x89PNG", N_("a PNG image")), (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")), (b"II*\x00", N_("a TIFF image")), (b"MM\x00*", N_("a TIFF image")),
    (b"Rar!", N_("a RAR archive")), (b"7z\xbc\xaf", N_("a 7z archive")), (b"\x1f\x8b", N_("a gzip archive")),
    (b"\x7fELF", N_("an executable")),
]
SPREADSHEET, SLIDES, ARCHIVE = N_("an Excel workbook"), N_("a PowerPoint presentation"), N_("a ZIP archive")
BINARY = N_("binary content")


@dataclass(frozen=True)
class Extracted:
    kind: str  # pdf | docx | txt
    text: str
    encoding: str = ""  # for txt: utf-8, utf-8-sig or gbk
    pages: int | None = None  # for pdf

    @property
    def media_type(self) -> str:
        base = MEDIA_TYPES[self.kind]
        return f"{base}; charset={self.encoding}" if self.kind == "txt" else base


def sniff(data: bytes) -> str:
    """pdf, docx or txt from the first bytes; a refusal for anything else."""
    if not data or not data.strip():
        raise DomainError("file.empty", field="file")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    for magic, what in KNOWN_BINARY:
        if data.startswith(magic):
            raise DomainError("file.unsupported", field="file", what=what)
    return "txt"


def extract(data: bytes) -> Extracted:
    kind = sniff(data)
    result = {"pdf": _pdf, "docx": _docx, "txt": _txt}[kind](data)
    text = _clean(result.text)
    if not text.strip():
        raise DomainError("file.scanned" if kind == "pdf" else "file.no_text", field="file")
    if len(text) > MAX_FULL_TEXT:
        raise DomainError("file.too_long", field="file", limit=MAX_FULL_TEXT)
    return Extracted(kind=result.kind, text=text, encoding=result.encoding, pages=result.pages)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    """One newline convention, no control characters, NFC (PDF fonts often emit compatibility forms)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()


def _corrupt(exc: BaseException) -> DomainError:
    return DomainError("file.corrupt", field="file", reason=type(exc).__name__)


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Owner-password-only files (empty user password) open for everyone and are fine; others are not.
            try:
                opened = bool(reader.decrypt(""))
            except Exception:  # pypdf raises its own types, or a missing-AES dependency error
                opened = False
            if not opened:
                raise DomainError("file.encrypted", field="file")
        count = len(reader.pages)  # the page tree only: no page is parsed yet
        if count > MAX_PDF_PAGES:
            raise TooLarge("file.too_many_pages", field="file", pages=count, limit=MAX_PDF_PAGES)
        deadline, texts, chars = time.monotonic() + EXTRACT_SECONDS, [], 0
        for page in reader.pages:
            if time.monotonic() > deadline:
                raise TooLarge("file.too_slow", field="file", seconds=EXTRACT_SECONDS)
            texts.append(page.extract_text() or "")
            chars += len(texts[-1])
            if chars > 2 * MAX_FULL_TEXT:  # no need to read on: it will be refused as too long
                break
    except DomainError:
        raise
    except Exception as exc:  # a damaged file can break pypdf anywhere (zlib, struct, recursion)
        raise _corrupt(exc) from exc
    return Extracted("pdf", "\n\n".join(texts), pages=count)


def _check_docx(data: bytes) -> set[str]:
    """The archive's member names, after its declared sizes passed the limits (zipfile never inflates a member
    beyond its declared size, so these are real bounds)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _corrupt(exc) from exc
    inflated, compressed = archive_sizes(data)
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml > MAX_DOCX_XML or inflated > MAX_INFLATED:
        size, limit = (xml, MAX_DOCX_XML) if xml > MAX_DOCX_XML else (inflated, MAX_INFLATED)
        raise TooLarge("file.inflated", field="file", size_mb=size // 2**20, limit_mb=limit // 2**20)
    if inflated > MAX_RATIO * max(compressed, 1) and inflated > 2**20:
        raise TooLarge("file.ratio", field="file", ratio=inflated // max(compressed, 1))
    return {i.filename for i in infos}


def _docx(data: bytes) -> Extracted:
    names = _check_docx(data)
    if "word/document.xml" not in names:
        what = SPREADSHEET if "xl/workbook.xml" in names else SLIDES if "ppt/presentation.xml" in names else ARCHIVE
        raise DomainError("file.unsupported", field="file", what=what)
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
    except Exception as exc:  # python-docx and lxml raise many types for broken parts
        raise _corrupt(exc) from exc
    return Extracted("docx", "\n".join(parts))


def _txt(data: bytes) -> Extracted:
    if b"\x00" in data[:65536]:
        # UTF-16 text and every unknown binary format have NUL bytes; neither is what we accept.
        raise DomainError("file.unsupported", field="file", what=BINARY)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Extracted("txt", data[3:].decode("utf-8", errors="strict"), encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _corrupt(exc) from exc
    for encoding, label in (("utf-8", "utf-8"), ("gb18030", "gbk")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return Extracted("txt", text, encoding=label)
        break
    raise DomainError("file.unsupported", field="file", what=BINARY)


def _mostly_text(text: str) -> bool:
    """GB18030 decodes almost any bytes; real text has few control or private-use characters."""
    sample = text[:20000]
    odd = sum(1 for ch in sample if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t"))
    return odd <= max(2, len(sample) // 200)
