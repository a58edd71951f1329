"""Legacy: splitting the bilingual "中文 / English" messages some services still raise, until every module raises
codes (`yrdhub.errors`). UI text lives in the Babel catalogues (`yrdhub.i18n`)."""

from __future__ import annotations

import re

from yrdhub.i18n import Lang

# "中文 / English": the slash after a space or after full-width punctuation ("（上限 10 MB）/ too large").
_BILINGUAL = re.compile(r"(?:\s|(?<=[\u3000-\u303f\uff00-\uffef]))/ ")


def split(message: str) -> tuple[str, str]:
    """Service messages read "中文 / English": return (zh, en); a message without a split is used for both."""
    parts = _BILINGUAL.split(message, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip()
    return message, message


def pick(message: str, lang: Lang) -> str:
    zh, en = split(message)
    return en if lang == "en" else zh
