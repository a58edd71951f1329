"""The record model every reader produces: one work (paper, patent, transfer, contract) and its parties."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["paper", "patent", "transfer", "contract"]
Role = Literal["author", "applicant", "assignor", "assignee", "seller", "buyer", "organisation"]


@dataclass(slots=True)
class Party:
    """One address, affiliation or organisation of a record, before place resolution.

    `text` is what the export says (a WoS C1 line, a Scopus affiliation, a CNKI unit name, a patent applicant
    address); `hint_city`/`hint_province` carry codes or names the export already gives (patent tables)."""

    text: str
    role: Role = "author"
    name: str = ""
    hint_province: str = ""
    hint_city: str = ""


@dataclass(slots=True)
class Record:
    """One record of an export; `line` is the 1-based line where it starts in `file`."""

    source: str
    kind: Kind
    file: str
    line: int
    title: str = ""
    year: int | None = None
    doi: str = ""
    ut: str = ""
    eid: str = ""
    patent_no: str = ""
    application_no: str = ""
    is_invention: bool | None = None
    doc_type: str = ""
    date: str = ""
    parties: list[Party] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record a reader could not use: where it is and why (the rest of the file is still read)."""

    file: str
    line: int
    reason: str
