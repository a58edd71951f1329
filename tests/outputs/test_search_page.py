"""When more documents match than the search counts exactly, the page and the API say so ("超过 N 条")."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from yrdhub import search
from yrdhub.search import query


@pytest.fixture
def three_public(session: Session) -> None:
    for i in range(3):
        search.index(session, search.SearchDocument("report", f"cap{i}", f"封顶计数测试报告{i}", "量子封顶计数",
                                                    [search.PUBLIC]))


def test_exact_total(client: TestClient, three_public: None) -> None:
    body = client.get("/api/v1/search?q=封顶计数").json()
    assert body["total"] == 3 and body["total_is_exact"] is True
    assert "3 条结果" in client.get("/search?q=封顶计数").text


def test_capped_total(client: TestClient, three_public: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "TOTAL_CAP", 2)
    body = client.get("/api/v1/search?q=封顶计数").json()
    assert body["total"] == 2 and body["total_is_exact"] is False
    page = client.get("/search?q=封顶计数").text
    assert "超过 2 条结果" in page
    assert "More than 2 results" in client.get("/search?q=封顶计数&lang=en").text
