"""No import circle anywhere in yrdhub (DESIGN.md, dependency rule).

The graph is grimp's (the one import-linter uses): every import statement of every module under
`src/yrdhub`, including imports inside functions and under `TYPE_CHECKING` — a function-local import does
not hide a circle. A circle is a strongly connected component of more than one module (or a module that
imports itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """Tarjan's algorithm, iterative (no recursion limit); every component, singletons included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[frozenset[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges[root])))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.add(member)
                    if member == node:
                        break
                components.append(frozenset(members))
    return components


def cycles(edges: Mapping[str, Iterable[str]]) -> set[frozenset[str]]:
    return {c for c in strongly_connected(edges) if len(c) > 1 or any(m in edges.get(m, ()) for m in c)}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("yrdhub", cache_dir=None)


@pytest.fixture(scope="module")
def import_cycles(graph: grimp.ImportGraph) -> set[frozenset[str]]:
    modules = sorted(graph.modules)
    assert len(modules) > 50, modules  # the whole package was read, not an empty or partial graph
    edges = {m: graph.find_modules_directly_imported_by(m) for m in modules}
    assert sum(map(len, edges.values())) > 100
    return cycles(edges)


def _describe(graph: grimp.ImportGraph, cycle: frozenset[str]) -> str:
    lines = []
    for importer in sorted(cycle):
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & cycle):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"  {importer}:{detail['line_number']}  {detail['line_contents']}")
    return "\n".join(lines)


def test_no_import_cycles(graph: grimp.ImportGraph, import_cycles: set[frozenset[str]]) -> None:
    new = import_cycles
    report = "\n\n".join(f"{sorted(c)}\n{_describe(graph, c)}" for c in sorted(new, key=sorted))
    assert not new, f"import circles (move the shared part down into a lower module):\n{report}"


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"d"}}
    assert cycles(edges) == {frozenset("abc"), frozenset("e")}
    assert cycles({"a": {"b"}, "b": set()}) == set()
