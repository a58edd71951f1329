"""The module's shape: small files of one job each, no import circle, no listener on SQLAlchemy's global Session
class, no bilingual prose and none of the legacy bilingual helpers in any of its files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

SRC = Path(__file__).resolve().parents[2] / "src" / "yrdhub"

FILES = sorted({*(SRC / "programmes").glob("*.py"), *(SRC / "web" / "api" / "programmes").glob("*.py"),
                *(SRC / "web" / "pages" / "programmes").glob("*.py"), SRC / "cli" / "programmes.py",
                *(SRC / "web" / "templates" / "programmes").glob("*.html")})
BILINGUAL = re.compile(r"[\u3400-\u9fff][^\n\"']{0,40} / [A-Za-z]|[A-Za-z][^\n\"']{0,40} / [\u3400-\u9fff]")


def test_files_are_small() -> None:
    assert len(FILES) > 20
    sizes = {str(f.relative_to(SRC)): len(f.read_text(encoding="utf-8").splitlines()) for f in FILES}
    assert not {f: n for f, n in sizes.items() if n > 350}, sizes


def test_no_bilingual_prose_and_no_legacy_helpers() -> None:
    found = {}
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        hits = BILINGUAL.findall(text) + re.findall(
            r"from yrdhub\.web\.i18n import|from yrdhub\.web\.errors import .*\b(?:ApiError|body)\b|\bpick\(", text)
        if hits:
            found[str(path.relative_to(SRC))] = hits
    assert not found, found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("yrdhub.programmes"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            out.update(n for n in names if (SRC.parent / (n.replace(".", "/") + ".py")).exists())
            if (SRC.parent / (node.module.replace(".", "/") + ".py")).exists():
                out.add(node.module)
    return out


def test_no_import_circle_inside_the_module() -> None:
    modules = {f"yrdhub.programmes.{p.stem}": p for p in (SRC / "programmes").glob("*.py") if p.stem != "__init__"}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    assert graph["yrdhub.programmes.common"]  # the walk sees imports

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*path, nxt]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
        return None

    circles = [c for name in graph if (c := cycle_from(name))]
    assert not circles, circles


def _session_listeners(name: str) -> list[object]:
    return [key for key in event.registry._key_to_collection if key[1] == name and key[0] == id(Session)]


def test_no_listener_on_the_global_session_class() -> None:
    import yrdhub.web.app  # noqa: F401  (everything imported, as in a running server)

    def probe(*args: object) -> None: ...

    event.listen(Session, "after_flush", probe)  # the check sees a listener when there is one
    try:
        assert _session_listeners("after_flush")
    finally:
        event.remove(Session, "after_flush", probe)
    for name in ("after_flush", "before_commit", "after_transaction_end", "before_flush", "after_commit"):
        assert not _session_listeners(name), name
