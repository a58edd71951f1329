"""Report files made at test time (never downloaded): a Chinese PDF (WeasyPrint, Noto CJK), a DOCX (python-docx),
GBK text, a scan without a text layer, an encrypted PDF, a damaged one, and other file types."""

from __future__ import annotations

import io

from conftest import require


def chinese_pdf(text: str, pages: int = 1) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # the system libraries WeasyPrint needs
        require(False, f"WeasyPrint cannot run: {exc}")
        raise
    body = "".join(f"<p style='page-break-after: always'>{text} 第{i + 1}页</p>" for i in range(pages))
    html = f"<html><body style=\"font-family: 'Noto Sans CJK SC', 'Noto Serif CJK SC'\">{body}</body></html>"
    return bytes(HTML(string=html).write_pdf())


def scanned_pdf() -> bytes:
    """A page holding only an image, as a scanner makes it: no text layer."""
    from weasyprint import HTML

    pixel = "data:image/png;base64," + __import__("base64").b64encode(png()).decode()
    return bytes(HTML(string=f"<img src='{pixel}' style='width: 15cm'>").write_pdf())


def encrypted_pdf(text: str, algorithm: str = "RC4-128") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(chinese_pdf(text))))
    writer.encrypt("user-secret", owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 2))
    plt.imshow([[0, 1], [1, 0]])
    plt.axis("off")
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def xlsx() -> bytes:
    from yrdhub.tabular import xlsx_bytes

    return xlsx_bytes(["名称"], [["不是报告"]])


# --- hostile files (small on the wire, ruinous to parse): generated here, never downloaded -----------------------


def hostile_pdf(pages: int = 5000, ops: int = 2000) -> bytes:
    """A small PDF of thousands of pages that all share one content stream of `ops` tiny text operations: about
    half a megabyte, and minutes of text extraction."""
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    writer = PdfWriter()
    content = StreamObject()
    content._data = zlib.compress(b"BT /F1 1 Tf " + b" ".join(b"(x) Tj" for _ in range(ops)) + b" ET", 9)
    content[NameObject("/Filter")] = NameObject("/FlateDecode")
    contents = writer._add_object(content)
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    resources = writer._add_object(DictionaryObject({NameObject("/Font"): DictionaryObject({
        NameObject("/F1"): font})}))
    for _ in range(pages):
        page = writer.add_blank_page(width=200, height=200)
        page[NameObject("/Contents")] = contents
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _inflating_zip(template: bytes, member: str, head: bytes, unit: bytes, tail: bytes, megabytes: int) -> bytes:
    """`template` (a valid DOCX or XLSX) with `member` replaced by `head + unit * n + tail` of about `megabytes`
    MB: a zip bomb that is a well-formed document."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info.filename))
        with target.open(member, "w", force_zip64=True) as stream:
            stream.write(head)
            chunk = unit * max(1, 2**20 // len(unit))
            for _ in range(megabytes * 2**20 // len(chunk)):
                stream.write(chunk)
            stream.write(tail)
    return out.getvalue()


def docx_bomb(megabytes: int = 100) -> bytes:
    """A DOCX of a few hundred KB whose document.xml inflates to `megabytes` MB of paragraphs."""
    namespace = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return _inflating_zip(docx(["x"]), "word/document.xml",
                          b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ' + namespace +
                          b"><w:body>", "<w:p><w:r><w:t>长三角</w:t></w:r></w:p>".encode(),
                          b"</w:body></w:document>", megabytes)


def xlsx_bomb(megabytes: int = 100) -> bytes:
    """An XLSX of a few hundred KB whose first sheet inflates to `megabytes` MB of rows."""
    namespace = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return _inflating_zip(xlsx(), "xl/worksheets/sheet1.xml",
                          b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + namespace + b"><sheetData>",
                          b'<row><c t="inlineStr"><is><t>x</t></is></c></row>', b"</sheetData></worksheet>",
                          megabytes)
