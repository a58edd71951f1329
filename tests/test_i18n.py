"""The catalogues are complete and the code speaks through them: every piece of user-visible text is a msgid
translated in zh_CN (and held in en), every error code raised is registered, and no bilingual prose or
language ternary is left in the code or the templates."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment
from jinja2.lexer import TOKEN_DATA

from conftest import REPO_ROOT

SRC = REPO_ROOT / "src" / "yrdhub"
LOCALE = SRC / "locale"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "NP_": ((1, "c"), 2), "pgettext": ((1, "c"), 2),
            "ngettext": (1, 2)}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)s")


def extracted() -> dict[tuple[str | None, str], list[str]]:
    """What `make messages` extracts: (context, msgid) -> where."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
    found: dict[tuple[str | None, str], list[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
            str(SRC), method_map=method_map, options_map=options, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((context, msgid), []).append(filename)
    return found


def catalogue(locale: str) -> dict[tuple[str | None, str], tuple[str, bool]]:
    with (LOCALE / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    out = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else message.string[0]
        out[(message.context, msgid)] = (string, message.fuzzy)
    return out


@pytest.fixture(scope="module")
def messages() -> dict[tuple[str | None, str], list[str]]:
    found = extracted()
    assert len(found) > 300  # the extraction really read the code and the templates
    return found


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_message_is_translated_and_none_is_stale(locale: str,
                                                       messages: dict[tuple[str | None, str], list[str]]) -> None:
    entries = catalogue(locale)
    missing = sorted(k for k in messages if k not in entries)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
    untranslated = sorted(k for k, (string, fuzzy) in entries.items() if k in messages and (not string or fuzzy))
    assert not untranslated, f"untranslated or fuzzy in {locale}: {untranslated[:10]}"
    stale = sorted(k for k in entries if k not in messages)
    assert not stale, f"entries no code uses any more (run `make messages`): {stale[:10]}"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_translations_keep_their_placeholders(locale: str) -> None:
    entries = catalogue(locale)
    assert entries
    wrong = [(msgid, string) for (_, msgid), (string, _) in entries.items()
             if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(string))]
    assert not wrong, wrong[:5]


def test_english_has_no_chinese_and_chinese_is_chinese() -> None:
    english, chinese = catalogue("en"), catalogue("zh_CN")
    assert english and chinese
    assert not [s for s, _ in english.values() if CJK.search(s)]
    # A Chinese translation may keep a few Latin names (API, CSV, R&D, Excel), never a sentence of English.
    sentences = [s for s, _ in chinese.values() if not CJK.search(s) and re.search(r"[A-Za-z]{3,} [a-z]{3,}", s)]
    assert not sentences, sentences[:5]


def import_everything() -> None:
    """Import every module of the platform, so that every module's codes are registered."""
    import yrdhub

    for module in pkgutil.walk_packages(yrdhub.__path__, "yrdhub."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def test_every_registered_code_is_in_the_catalogues(messages: dict[tuple[str | None, str], list[str]]) -> None:
    from yrdhub import errors

    import_everything()
    codes = errors.codes()
    assert len(codes) > 50
    assert not [c for c, message in codes.items() if (None, message) not in messages]


def _python_files() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


RAISES = {"DomainError": 0, "NotFound": 0, "Conflict": 0, "TooLarge": 0, "TableError": 0, "schema_error": 0,
          "FieldError": 1, "RowError": 2}


def test_every_code_raised_is_registered() -> None:
    from yrdhub import errors

    import_everything()
    codes = errors.codes()
    used: list[tuple[str, int, str]] = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            position = RAISES.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                used.append((str(path.relative_to(SRC)), node.lineno, arg.value))
    assert len(used) > 50
    unknown = [u for u in used if u[2] not in codes]
    assert not unknown, unknown


BILINGUAL = re.compile(r"[\u3400-\u9fff][^\n]*\s/\s+[A-Za-z]|[A-Za-z][^\n]*\s/\s+[\u3400-\u9fff]")


def test_no_bilingual_prose_in_the_code() -> None:
    """Messages are codes and catalogue entries: no "中文 / English" string is written anywhere in src/."""
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and BILINGUAL.search(node.value):
                found.append((str(path.relative_to(SRC)), node.lineno, node.value[:60]))
    assert not found, found


CLI = SRC / "cli"
# Files of the CLI whose strings must stay Chinese, and why.
CLI_CHINESE = {
    "samples.py": "the generated sample records are data in the platform's language (organisations, titles)",
}


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a file: docstrings, arguments, the literal parts of f-strings."""
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_the_cli_holds_no_chinese_outside_the_catalogues() -> None:
    """The CLI speaks one language at a time (YRDHUB_DEFAULT_LANG): its words are English msgids of the
    catalogues, so no string in src/yrdhub/cli/ holds Chinese, but in a file exempt for a reason."""
    files = sorted(CLI.rglob("*.py"))
    strings = [(str(path.relative_to(CLI)), line, value) for path in files
               if str(path.relative_to(CLI)) not in CLI_CHINESE for line, value in _strings(path)]
    assert len(files) > 5 and len(strings) > 300  # the walk really read the CLI's code
    # an exemption still has its reason: the file exists and holds Chinese
    assert CLI_CHINESE and all(any(CJK.search(value) for _, value in _strings(CLI / name)) for name in CLI_CHINESE)
    chinese = [(name, line, value[:50]) for name, line, value in strings if CJK.search(value)]
    assert not chinese, chinese


TEMPLATES = sorted((SRC / "web" / "templates").rglob("*.html")) + sorted(
    (SRC / "publishing" / "templates").rglob("*.html"))
# Text that is the same in both languages: names of formats and programs, symbols, numbers.
# Words that are the same in both languages: names of formats and of the platform, identifiers such as YRD-2026-01.
NEUTRAL = re.compile(r"\b(?:yrdhub|MIT|CSV|XLSX|JSON|PDF|DOCX|TXT|HTML|API|KB|MB|[A-Z]+(?:-[0-9A-Z]+)+|v\d*)\b")
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|alt|aria-label)="([^"]*)"')
# A choice of text by language ('…' if lang == 'en' else '…'); choosing a font or a data field is not text.
TEXT_TERNARY = re.compile(r"""(['"])[^'"]*(?:[\u3400-\u9fff]|[A-Za-z]{3,})[^'"]*\1\s+if\s+lang\s*[!=]=""")
HOLE = "\x00"  # where an expression or a statement of the template stands


def _visible_literals(source: str) -> list[str]:
    """The text a template writes as it is: its markup with every {{ }} and {% %} as a hole, tags, comments,
    scripts and styles removed, {% trans %} blocks skipped (they are catalogue entries); plus the literal parts
    of attributes a reader sees (placeholder, title, alt, aria-label, a button's value)."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    parts: list[str] = []
    in_trans, previous = False, ""
    for _line, kind, value in env.lex(source):
        if kind == TOKEN_DATA:
            if not in_trans:
                parts.append(value)
            continue
        if kind in ("block_begin", "variable_begin", "comment_begin"):
            parts.append(HOLE)
        elif kind == "name" and previous == "block_begin":
            in_trans = value == "trans" or (in_trans and value != "endtrans")
        if kind != "whitespace":
            previous = kind
    markup = "".join(parts)
    # Comments, scripts, styles and code (commands, identifiers) are not prose.
    markup = re.sub(r"<!--.*?-->|<script\b.*?</script>|<style\b.*?</style>|<code\b.*?</code>", HOLE, markup,
                    flags=re.S)
    found = [v for tag in re.findall(r"<[^>]*>", markup) for v in VISIBLE_ATTRIBUTES.findall(tag)]
    text = re.sub(r"<[^>]*>", HOLE, markup)
    found += [t for t in re.split(HOLE + r"|\n|\s{2,}", text)]
    return [p.strip() for f in found for p in f.split(HOLE) if p.strip()]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_write_no_text_outside_the_catalogues(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    assert not TEXT_TERNARY.search(source), "use the catalogues, not a language ternary for text"
    literals = [t for t in _visible_literals(source) if NEUTRAL.sub("", t).strip()]
    wordy = [t for t in literals if CJK.search(NEUTRAL.sub("", t)) or re.search(r"[A-Za-z]{2,}", NEUTRAL.sub("", t))]
    assert not wordy, wordy[:10]


def test_the_template_check_finds_text() -> None:
    """The check above can fail: it sees text in elements, in attributes, and skips what is translated."""
    sample = ('<p title="提示">{{ _("Saved") }} 保存 <b>{{ x }}</b> Save</p>{% trans %}Kept{% endtrans %}'
              '<input placeholder="name">{# 注释 #}<script>var a = "js";</script>')
    assert sorted(_visible_literals(sample)) == ["Save", "name", "保存", "提示"]


SCRIPTS = sorted((SRC / "web" / "static" / "js").glob("*.js"))  # ours; third-party files are under vendor/
# A text chosen by language in a script: `lang === "en" ? "…" : "…"` (choosing a data field is not text).
SCRIPT_TERNARY = re.compile(r"""(?:lang|en)\s*(?:===?\s*["']en["'])?\s*\?\s*["'`][^"'`]*[A-Za-z\u3400-\u9fff]""")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_hold_no_text(script: Path) -> None:
    """A chart's words come from the page (`yrd.text()`, the #page-text block the template fills from the
    catalogues): a script holds no Chinese and chooses no text by language."""
    source = script.read_text(encoding="utf-8")
    assert not CJK.search(source), CJK.findall(source)[:10]
    assert not SCRIPT_TERNARY.search(source), SCRIPT_TERNARY.findall(source)[:5]


def test_the_script_check_finds_text() -> None:
    assert SCRIPT_TERNARY.search('name: en ? "projects" : "x"')
    assert SCRIPT_TERNARY.search('lang === "en" ? "100m yuan" : "y"')
    assert not SCRIPT_TERNARY.search("wrap(name, lang === \"en\" ? 18 : 8)")
