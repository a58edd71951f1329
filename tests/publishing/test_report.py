"""The evaluation report: content from the run, a PDF whose Chinese text is real text (not boxes)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import require
from yrdhub.accounts.actor import SYSTEM
from yrdhub.monitoring import evaluation, evaluations, service
from yrdhub.publishing.report import evaluation_report


def _run(session: Session) -> evaluations.EvaluationRun:
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    return evaluations.run(session, actor=SYSTEM, framework=framework,
                           method=evaluation.Method(runs=200, last_year=2023))


def test_report_html_has_every_part(session: Session) -> None:
    run = _run(session)
    html = evaluation_report(session, run).html
    for heading in ("摘要", "一、长三角科技创新共同体发展指数", "二、综合排名与不确定性", "三、分维度表现",
                    "四、《规划》2025 年目标进展", "五、指标一览",
                    "六、规划任务进展（督促检查）", "附录 A　方法说明", "附录 B　数据来源"):
        assert heading in html, heading
    yrd_2023 = next(r["Index"] for r in run.results["scores"] if r["uCode"] == "YRD" and r["Time"] == 2023)
    assert f"{yrd_2023:.1f}" in html and run.inputs_hash in html
    assert html.count("<svg") == 3


def test_report_pdf_text_is_chinese(session: Session, tmp_path: Path) -> None:
    require(shutil.which("pdftotext") is not None, "pdftotext (Debian poppler-utils) is not installed")
    pdf = evaluation_report(session, _run(session)).pdf()
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "长三角科技创新共同体" in text and "综合排名与不确定性" in text
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert 5 <= int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))) <= 12


def test_report_over_http(client: TestClient, session: Session) -> None:
    run = _run(session)
    response = client.get(f"/monitoring/evaluations/{run.id}/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert client.get("/monitoring/evaluations/999999/report").status_code == 404
