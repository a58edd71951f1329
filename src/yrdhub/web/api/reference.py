"""The generated parts of docs/api.md: every route of the API as the app declares it, and every error code with
its message. `cog -r docs/api.md` writes them; tests/test_docs.py fails when the page is stale, and
tests/web/test_api_docs.py that every list pages the documented way."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from fastapi import FastAPI

from yrdhub import errors

PAGE_FIELDS = {"items", "next_cursor"}


def _schema(spec: dict[str, Any], ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    ref = ref_or_schema.get("$ref", "")
    return spec["components"]["schemas"][ref.split("/")[-1]] if ref else ref_or_schema


def answer(spec: dict[str, Any], operation: dict[str, Any]) -> str:
    """What a GET answers: "page" (keyset: items, next_cursor), "list" (a bounded array), "object" or "file"."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None or not schema:
        return "file" if content and "application/json" not in content else "object"
    schema = _schema(spec, schema)
    if schema.get("type") == "array":
        return "list"
    if set(schema.get("properties", {})) >= PAGE_FIELDS:
        return "page"
    return "object"


def routes_markdown(app: FastAPI) -> str:
    spec = app.openapi()
    lines = ["| method | path | answers | policy | what |", "| --- | --- | --- | --- | --- |"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            kind = answer(spec, operation) if method == "get" else "write"
            if method == "get" and kind == "list":
                kind = f"list (bounded: {operation.get('x-bounded-list', '?')})"
            policy = operation.get("x-policy-action", "public" if method == "get" else "")
            summary = (operation.get("description") or operation.get("summary") or "").split("\n")[0]
            lines.append(f"| {method.upper()} | `{path.removeprefix('/api/v1')}` | {kind} | {policy} | "
                         f"{summary.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _import_every_module() -> None:
    """Every module that may register codes (the libraries below the platform register none)."""
    import yrdhub

    for module in pkgutil.walk_packages(yrdhub.__path__, "yrdhub."):
        if not module.name.startswith(("yrdhub.migrations", "yrdhub.analytics", "yrdhub.indicators")):
            importlib.import_module(module.name)


def codes_markdown() -> str:
    _import_every_module()
    lines = ["| code | message (English; the reader's language in the API) |", "| --- | --- |"]
    for code, message in sorted(errors.codes().items()):
        lines.append(f"| `{code}` | {message.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
