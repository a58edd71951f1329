"""`make messages`: after `pybabel update`, write every English msgid as its own en translation (msgids are
English), so the en catalogue is complete and English wording can still be changed there without code."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill_english(po_path: Path) -> int:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with po_path.open("wb") as fh:
        write_po(fh, catalog, width=120, include_previous=False, sort_output=True)
    return filled


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "src/yrdhub/locale/en/LC_MESSAGES/messages.po")
    print(f"{path}: {fill_english(path)} English entries filled")
