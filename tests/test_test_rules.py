"""Tests that can fail (DESIGN.md): `all(...)` is true of an empty collection, so every `all()` in tests/ runs
over a named collection that an earlier assertion has already looked at (`assert rows and all(...)`,
`assert len(rows) == 16` then `assert all(...)`). A collection built inside the call, or never asserted on,
proves nothing when it comes back empty."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
DICT_VIEWS = {"values", "items", "keys"}


def _collection(call: ast.Call) -> ast.expr | None:
    """What `all()` runs over: the first iterable of a comprehension, or the argument; `x.values()` is `x`."""
    if len(call.args) != 1:
        return None
    arg = call.args[0]
    expr = arg.generators[0].iter if isinstance(arg, (ast.GeneratorExp, ast.ListComp, ast.SetComp)) else arg
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in DICT_VIEWS
        and not expr.args
    ):
        expr = expr.func.value
    return expr


def _named(expr: ast.expr) -> bool:
    """A name or an attribute/subscript of one, without a call: a collection the test holds, not builds."""
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return isinstance(expr, ast.Name)


def _mentions(node: ast.AST, expr: ast.expr) -> bool:
    target = ast.dump(expr)
    return any(ast.dump(sub) == target for sub in ast.walk(node) if isinstance(sub, ast.expr))


def _looked_at_before(function: ast.AST, assert_: ast.Assert, call: ast.Call, expr: ast.expr) -> bool:
    """An earlier operand of the same `and`, or an earlier assert in the function, mentions the collection."""
    test = assert_.test
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for operand in test.values:
            if any(sub is call for sub in ast.walk(operand)):
                break
            if _mentions(operand, expr):
                return True
    earlier = [
        node for node in ast.walk(function) if isinstance(node, ast.Assert) and node.lineno < assert_.lineno
    ]
    return any(_mentions(node.test, expr) for node in earlier)


def unproven_alls(source: str) -> list[str]:
    tree = ast.parse(source)
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in functions:
        asserts = [n for n in ast.walk(function) if isinstance(n, ast.Assert)]
        for call in ast.walk(function):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "all"):
                continue
            owner = next((a for a in asserts if any(sub is call for sub in ast.walk(a.test))), None)
            expr = _collection(call)
            if owner is None or expr is None or not _named(expr) or not _looked_at_before(function, owner, call, expr):
                found.append(f"line {call.lineno}: {ast.unparse(call)}")
    return found


def test_every_all_runs_over_a_collection_already_asserted() -> None:
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 30
    offenders = {
        str(path.relative_to(TESTS)): bad
        for path in files
        if (bad := unproven_alls(path.read_text(encoding="utf-8")))
    }
    assert not offenders, f"assert the collection is not empty before all(...) over it: {offenders}"


def test_the_rule_tells_proven_from_unproven() -> None:
    source = '''
def test_x(rows, page, report):
    assert rows and all(r for r in rows)
    assert len(page.items) == 3
    assert all(i for i in page.items)
    mirror = {}
    assert mirror and all(mirror.values())
    assert all(r for r in report.files)
    assert all(r for r in fetch())
    assert all(x for x in rows if x) and rows
    if all(rows):
        pass
'''
    assert unproven_alls(source) == [
        "line 8: all((r for r in report.files))",
        "line 9: all((r for r in fetch()))",
        "line 11: all(rows)",
    ]
