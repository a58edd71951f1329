from __future__ import annotations

import pytest

from .documents import chinese_pdf


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return chinese_pdf("长三角集成电路协同创新研究报告：量子计算与人工智能融合发展")
