"""The command-line reference (docs/cli.md), generated from the Typer app itself: every command and sub-command
with its help, usage, arguments and options, as plain Markdown. `cog -r docs/cli.md` writes it into the page;
tests/test_docs.py fails when the page is stale."""

from __future__ import annotations

import inspect
import re
from typing import Any

import typer

_ESCAPE = re.compile(r"([\\`*<>])")


def markdown(app: typer.Typer, name: str) -> str:
    """The reference of `app`, invoked as `name`, from heading level 2 down."""
    command = typer.main.get_command(app)
    lines: list[str] = []
    _command(command, command.context_class(command, info_name=name), [name], lines)
    return "\n".join(lines).rstrip() + "\n"


def _text(value: str) -> str:
    """Help text as Markdown: click's no-rewrap markers dropped, Markdown's own characters escaped."""
    text = inspect.cleandoc(value)
    text = "\n".join(line for line in text.splitlines() if line.strip() != "\b")
    return _ESCAPE.sub(r"\\\1", text)


def _command(command: Any, ctx: Any, path: list[str], lines: list[str]) -> None:
    level = "#" * min(len(path) + 1, 6)
    lines += [f"{level} `{' '.join(path)}`", ""]
    if command.help:
        lines += [_text(command.help), ""]
    lines += ["```", " ".join([*path, *command.collect_usage_pieces(ctx)]), "```", ""]
    arguments: list[str] = []
    options: list[str] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None or param.name == "help":
            continue
        names, help_text = record
        item = f"- `{names}`" + (f": {_text(help_text)}" if help_text else "")
        (arguments if param.param_type_name == "argument" else options).append(item)
    for title, items in (("Arguments", arguments), ("Options", options)):
        if items:
            lines += [f"{title}:", "", *items, ""]
    subcommands = getattr(command, "commands", {})
    visible = [(n, c) for n, c in subcommands.items() if not getattr(c, "hidden", False)]
    if not visible:
        return
    lines += ["Commands:", ""]
    lines += [f"- `{n}`: {_text(c.get_short_help_str(limit=200))}" for n, c in visible]
    lines.append("")
    for sub_name, sub in visible:
        _command(sub, sub.context_class(sub, info_name=sub_name, parent=ctx), [*path, sub_name], lines)
