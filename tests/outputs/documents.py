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
