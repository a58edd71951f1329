"""docs/api.md is true to the API: its generated tables are current, and every list pages the documented way
(keyset pages with `cursor` and `limit`, or a whole list that says why it stays small)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cogapp import Cog
from fastapi import FastAPI
from fastapi.testclient import TestClient

from yrdhub.web.api.reference import answer

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_page_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = Cog().main(["cog", "-I", str(ROOT / "src"), "--check", "--diff", str(ROOT / "docs" / "api.md")])
    assert status == 0, f"docs/api.md is stale: run `cog -r docs/api.md`\n{capsys.readouterr().out}"


def _gets(app: FastAPI) -> list[tuple[str, dict, str]]:
    spec = app.openapi()
    return [(path, op, answer(spec, op)) for path, ops in spec["paths"].items() for method, op in ops.items()
            if method == "get"]


def test_every_list_pages_the_documented_way(app: FastAPI) -> None:
    gets = _gets(app)
    pages = [(p, op) for p, op, kind in gets if kind == "page"]
    lists = [(p, op) for p, op, kind in gets if kind == "list"]
    assert len(pages) >= 5 and lists
    for path, op in pages:
        params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
        assert {"cursor", "limit"} <= set(params), f"{path} answers pages without cursor and limit"
        assert params["limit"]["schema"].get("maximum", 10**9) <= 500, f"{path}: limit above 500"
    unbounded = [path for path, op in lists if not op.get("x-bounded-list")]
    assert not unbounded, f"lists that may grow answer pages, or say why they stay small: {unbounded}"


def test_pages_follow_their_cursor(app: FastAPI, client: TestClient) -> None:
    """Every page route without path parameters answers a page of one, and its cursor leads to the next."""
    followed = 0
    for path, op, kind in _gets(app):
        required = [p for p in op.get("parameters", []) if p.get("required")]
        if kind != "page" or "{" in path or required:
            continue
        first = client.get(path, params={"limit": 1})
        assert first.status_code == 200, (path, first.text)
        body = first.json()
        assert set(body) >= {"items", "next_cursor"} and len(body["items"]) <= 1
        if body["next_cursor"]:
            second = client.get(path, params={"limit": 1, "cursor": body["next_cursor"]})
            assert second.status_code == 200 and second.json()["items"] != body["items"], path
            followed += 1
    assert followed >= 2  # regions and organisations at least have more than one row
