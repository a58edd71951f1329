"""The evaluation report: content from the run, in Chinese and in English (one language each, HTML and PDF), a
PDF whose text is real text (not boxes), and the report over HTTP under the read rule."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from conftest import require
from yrdhub.accounts.actor import SYSTEM
from yrdhub.i18n import format_number
from yrdhub.monitoring import evaluation, evaluations, service
from yrdhub.publishing.report import evaluation_report

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
HEADINGS = {
    "zh": ("摘要", "一、长三角科技创新共同体发展指数", "二、综合排名与不确定性", "三、分维度表现",
           "四、《规划》2025 年目标进展", "五、指标一览", "六、规划任务进展（督促检查）", "附录 A　方法说明",
           "附录 B　数据来源"),
    "en": ("Summary", "1. The development index of the YRD S&T Innovation Community", "2. Ranking and its uncertainty",
           "3. The dimensions", "4. Progress towards the plan's 2025 targets", "5. The indicators",
           "6. Progress of the plan tasks (supervision)", "Annex A. Method", "Annex B. Data sources"),
}


def _run(session: Session) -> evaluations.EvaluationRun:
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    run = evaluations.run(session, actor=SYSTEM, framework=framework,
                          method=evaluation.Method(runs=200, last_year=2023))
    evaluations.publish(session, actor=SYSTEM, run=run)
    session.flush()
    return run


def _text(html: str) -> str:
    for pattern in (r"<style\b.*?</style>", r"<svg\b.*?</svg>", r"<code\b.*?</code>",
                    r'<span class="typed">.*?</span>'):
        html = re.sub(pattern, " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_html_has_every_part_in_one_language(session: Session, lang: str) -> None:
    run = _run(session)
    html = evaluation_report(session, run, lang=lang).html  # type: ignore[arg-type]
    for heading in HEADINGS[lang]:
        assert escape(heading) in html, heading
    yrd_2023 = next(r["Index"] for r in run.results["scores"] if r["uCode"] == "YRD" and r["Time"] == 2023)
    assert format_number(yrd_2023, lang, 1) in html and run.inputs_hash in html  # type: ignore[arg-type]
    assert html.count("<svg") == 3
    assert "e+" not in _text(html)  # numbers through the locale's formatting
    text = _text(html)
    if lang == "en":
        assert not CJK.findall(text), sorted(set(CJK.findall(text)))[:20]
        assert "Shanghai" in html and "person-years per 10,000 residents" in html
    else:
        assert "上海" in html and not re.search(r"\b(Shanghai|Summary|Annex|Figure)\b", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_pdf_text_is_real_text_in_its_language(session: Session, tmp_path: Path, lang: str) -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext (Debian poppler-utils) is not installed")
    pdf = evaluation_report(session, _run(session), lang=lang).pdf()  # type: ignore[arg-type]
    assert pdf.startswith(b"%PDF")
    path = tmp_path / f"report-{lang}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    if lang == "zh":
        assert "长三角科技创新共同体" in text and "综合排名与不确定性" in text
    else:
        assert "Ranking and its uncertainty" in text and "YRD S&T Innovation Community" in text
        assert not CJK.findall(text), sorted(set(CJK.findall(text)))[:20]
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert 5 <= int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))) <= 12


def test_report_over_http_follows_the_read_rule(client: TestClient, session: Session) -> None:
    run = _run(session)
    response = client.get(f"/monitoring/evaluations/{run.id}/report.pdf", params={"lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "Ranking and its uncertainty" in client.get(f"/monitoring/evaluations/{run.id}/report").text
    assert client.get("/monitoring/evaluations/999999/report").status_code == 404
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    computed = evaluations.run(session, actor=SYSTEM, framework=framework,
                               method=evaluation.Method(runs=50, last_year=2023))
    session.flush()
    assert client.get(f"/monitoring/evaluations/{computed.id}/report").status_code == 404  # not published yet
