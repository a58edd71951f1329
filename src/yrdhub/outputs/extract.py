"""Text from an uploaded report file: PDF, DOCX or plain text (UTF-8, UTF-8 with BOM, GBK/GB18030).

The type is decided by the content (magic bytes), never by the file name. Every refusal is a `FileRejected`
with a bilingual reason and a machine code, so nothing is stored for a file we cannot read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_TEXT_CHARS = 5_000_000  # the same limit as typed full text (ReportIn.full_text)
MAX_UNZIPPED = 500 * 1024 * 1024  # a DOCX that inflates beyond this is refused (zip bomb)

MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "txt": "text/plain"}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "txt": ".txt"}

# Formats people try to upload that we recognise and refuse by name.
KNOWN_BINARY = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Word（.doc）或加密的 Office 文件，请另存为不加密的 DOCX",
     "a legacy .doc or a password-protected Office file; save it as an unencrypted DOCX"),
    (b"{\\rtf", "RTF 文件，请另存为 DOCX 或 PDF", "an RTF file; save it as DOCX or PDF"),
    (b"\x89PNG", "PNG 图片", "a PNG image"), (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"), (b"II*\x00", "TIFF 图片", "a TIFF image"),
    (b"MM\x00*", "TIFF 图片", "a TIFF image"), (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf", "7z 压缩包", "a 7z archive"), (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"),
    (b"\x7fELF", "可执行文件", "an executable"),
]


class FileRejected(ValueError):
    """The file cannot become a report's full text; nothing is stored. `code` names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


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
    """pdf, docx or txt from the first bytes; FileRejected for anything else."""
    if not data or not data.strip():
        raise FileRejected("empty", "文件为空 / the file is empty")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    for magic, zh, en in KNOWN_BINARY:
        if data.startswith(magic):
            raise FileRejected("unsupported_type", f"不支持的文件类型：{zh}（支持 PDF、DOCX、TXT） / unsupported file "
                                                   f"type: {en} (PDF, DOCX or TXT expected)")
    return "txt"


def extract(data: bytes) -> Extracted:
    kind = sniff(data)
    result = {"pdf": _pdf, "docx": _docx, "txt": _txt}[kind](data)
    text = _clean(result.text)
    if not text.strip():
        if kind == "pdf":
            raise FileRejected("no_text", "PDF 没有文字层（可能是扫描件），请上传含文字的 PDF 或先做文字识别（OCR）"
                                          " / the PDF has no text layer (a scan?): upload a text PDF or run OCR "
                                          "first")
        raise FileRejected("no_text", "文件中没有文字 / the file contains no text")
    if len(text) > MAX_TEXT_CHARS:
        raise FileRejected("too_long", f"文字超过 {MAX_TEXT_CHARS:,} 字 / the text is longer than "
                                       f"{MAX_TEXT_CHARS:,} characters")
    return Extracted(kind=result.kind, text=text, encoding=result.encoding, pages=result.pages)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    """One newline convention, no control characters, NFC (PDF fonts often emit compatibility forms)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Owner-password-only files (empty user password) open for everyone and are fine; others are not.
            try:
                opened = bool(reader.decrypt(""))
            except Exception:  # pypdf raises its own types, or a missing-AES dependency error
                opened = False
            if not opened:
                raise FileRejected("encrypted", "PDF 已加密（需要密码），请上传未加密的文件 / the PDF is password-"
                                                "protected: upload an unencrypted file")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileRejected:
        raise
    except (PyPdfError, Exception) as exc:  # a damaged file can break pypdf anywhere (zlib, struct, recursion)
        raise FileRejected("corrupt", f"PDF 文件已损坏，无法读取 / the PDF is damaged and cannot be read "
                                      f"({type(exc).__name__})") from exc
    return Extracted("pdf", "\n\n".join(pages), pages=len(pages))


def _docx(data: bytes) -> Extracted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
            raise FileRejected("corrupt", "DOCX 解压后过大 / the DOCX inflates to an unreasonable size")
    except zipfile.BadZipFile as exc:
        raise FileRejected("corrupt", "压缩包已损坏，不是有效的 DOCX / a damaged archive, not a valid DOCX") from exc
    if "word/document.xml" not in names:
        what = "Excel（XLSX）" if "xl/workbook.xml" in names else ("PowerPoint（PPTX）" if "ppt/presentation.xml"
                                                                   in names else "ZIP 压缩包")
        raise FileRejected("unsupported_type", f"不支持的文件类型：{what}（支持 PDF、DOCX、TXT） / unsupported file "
                                               "type: not a Word document (PDF, DOCX or TXT expected)")
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
    except Exception as exc:  # python-docx and lxml raise many types for broken parts
        raise FileRejected("corrupt", f"DOCX 文件已损坏，无法读取 / the DOCX is damaged and cannot be read "
                                      f"({type(exc).__name__})") from exc
    return Extracted("docx", "\n".join(parts))


def _txt(data: bytes) -> Extracted:
    if b"\x00" in data[:65536]:
        # UTF-16 text and every unknown binary format have NUL bytes; neither is what we accept.
        raise FileRejected("unsupported_type", "不支持的文件类型（二进制内容；文本须为 UTF-8 或 GBK） / unsupported "
                                               "file type: binary content (text must be UTF-8 or GBK)")
    if data.startswith(b"\xef\xbb\xbf"):
        return Extracted("txt", data[3:].decode("utf-8", errors="strict"), encoding="utf-8-sig")
    for encoding, label in (("utf-8", "utf-8"), ("gb18030", "gbk")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return Extracted("txt", text, encoding=label)
        break
    raise FileRejected("unsupported_type", "无法识别的文件：不是 PDF、DOCX，也不是 UTF-8/GBK 文本 / unrecognised "
                                           "file: not PDF, DOCX, or UTF-8/GBK text")


def _mostly_text(text: str) -> bool:
    """GB18030 decodes almost any bytes; real text has few control or private-use characters."""
    sample = text[:20000]
    odd = sum(1 for ch in sample if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t"))
    return odd <= max(2, len(sample) // 200)
