"""The CLI's words, in one language: the setting `YRDHUB_DEFAULT_LANG` (the generated docs ask for English).

Every text the `yrdhub` command shows is an English msgid of the catalogues. Help texts are written as
`N_("…")` (an app's `help=`, a command's `help=`, an option's `help=`) and translated when Typer builds the click
commands — on every run, so the language is the one set when the command runs, not when the code was imported;
that is why every (sub-)application is an `App`. Printed messages go through `t()` and `say()`, errors through
`fail()`, and a refusal (a `DomainError` code) is rendered from the catalogues by `refused()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from yrdhub import errors
from yrdhub.config import get_settings
from yrdhub.errors import DomainError
from yrdhub.i18n import N_, NP_, Lang, format_message, gettext

err = Console(stderr=True)
ERROR = N_("Error: {message}")

_chosen: ContextVar[Lang | None] = ContextVar("cli_language", default=None)

# The option help click and Typer add, and the headings of the help panels: the help speaks one language too.
FRAMEWORK = (N_("Show this message and exit."), N_("Install completion for the current shell."),
             N_("Show completion for the current shell, to copy it or customize the installation."))
ARGUMENTS, OPTIONS, COMMANDS = NP_("cli help", "Arguments"), NP_("cli help", "Options"), NP_("cli help", "Commands")


def cli_lang() -> Lang:
    """The language the CLI speaks now."""
    return _chosen.get() or get_settings().default_lang


@contextmanager
def language(lang: Lang) -> Iterator[None]:
    """Build and run the CLI in this language whatever the setting (docs/cli.md is generated in English)."""
    token = _chosen.set(lang)
    try:
        yield
    finally:
        _chosen.reset(token)


def t(message: str) -> str:
    """A msgid in the CLI's language."""
    return gettext(cli_lang(), message)


def say(message: str, /, **params: Any) -> str:
    """A msgid in the CLI's language with its `{placeholders}` filled (numbers formatted for the language)."""
    return format_message(message, params, cli_lang())


def fail(message: str, code: int = 1, lang: Lang | None = None) -> typer.Exit:
    """Print a message (already in the reader's language, the CLI's unless `lang` says) as an error; the exit to
    raise."""
    err.print(escape(format_message(ERROR, {"message": message}, lang or cli_lang())), style="red")
    return typer.Exit(code)


@contextmanager
def refused(lang: Lang | None = None) -> Iterator[None]:
    """A refusal — a rule's code, or the schema's field errors — rendered from the catalogues (`errors.render`) in
    the CLI's language, or the one a command's `--lang` asked for; exit 1."""
    language = lang or cli_lang()
    try:
        yield
    except ValidationError as exc:
        raise fail("; ".join((f"{f.field}: " if f.field != "request" else "")
                             + errors.render(f.code, f.params, language) for f in errors.field_errors(exc)),
                   lang=language) from exc
    except DomainError as exc:
        problems = exc.field_errors or [errors.FieldError("", exc.code, exc.params)]
        raise fail("; ".join((f"{f.field}: " if f.field else "") + errors.render(f.code, f.params, language)
                             for f in problems), lang=language) from exc


def _translated(text: str | None) -> str | None:
    return t(text) if text else text


def _translate_params(params: list[Any]) -> None:
    """Each parameter's help and its panel heading, once per parameter (click keeps its --help option)."""
    for param in params:
        if getattr(param, "_yrdhub_translated", False):
            continue
        if isinstance(getattr(param, "help", None), str):
            param.help = _translated(param.help)
        if not getattr(param, "rich_help_panel", None):  # None, or Typer's placeholder for "not given"
            param.rich_help_panel = t(ARGUMENTS if param.param_type_name == "argument" else OPTIONS)
        param._yrdhub_translated = True


class Command(TyperCommand):
    """A command whose help, written as msgids, is translated when Typer builds it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help, self.short_help = _translated(self.help), _translated(self.short_help)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _translate_params(params)
        return params


class Group(TyperGroup):
    """A group of commands, translated as `Command` is; its list of commands under a translated heading."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help, self.short_help = _translated(self.help), _translated(self.short_help)
        for command in self.commands.values():
            if not getattr(command, "rich_help_panel", None):
                setattr(command, "rich_help_panel", t(COMMANDS))  # noqa: B010 (not every click command has one)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _translate_params(params)
        return params


class App(typer.Typer):
    """The Typer of every yrdhub (sub-)application: its groups and commands translate their texts when built."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", Group)
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)
