"""The lifecycle of an S&T report, as the national S&T report system (国家科技报告服务系统) has it: the
organisation registers a draft and submits it (呈交); the S&T department of the report's jurisdiction — or the
joint office — accepts it into the collection (收录) or returns it with a reason; only an accepted report is
visible outside its organisation, according to its openness and embargo. The joint office withdraws an accepted
report (撤销) and may reinstate it. The organisation may recall a submitted report to change it.

Who decides each move is a policy action (`accounts/policy.py`): `output.submit` (the organisation's members and
admins, and the joint office), `output.accept` (the jurisdiction's admins, the joint office), `output.withdraw`
(the joint office).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from yrdhub.errors import DomainError, FieldError, Invalid
from yrdhub.i18n import N_, NP_
from yrdhub.lifecycle import Lifecycle, Move


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


LABELS = {
    ReportStatus.DRAFT: N_("Draft"),
    ReportStatus.SUBMITTED: NP_("report status", "Submitted"),
    ReportStatus.ACCEPTED: NP_("report status", "Accepted"),
    ReportStatus.WITHDRAWN: NP_("report status", "Withdrawn"),
}


def _complete(report: Any, _context: Mapping[str, Any]) -> DomainError | None:
    """A report is submitted with its abstract and its full text (typed, or from its uploaded file)."""
    missing = [FieldError(name, code) for name, code in (("abstract", "report.no_abstract"),
                                                         ("full_text", "report.no_full_text"))
               if not (getattr(report, name) or "").strip()]
    if len(missing) == 1:
        return DomainError(missing[0].code, field=missing[0].field)
    return Invalid(missing) if missing else None


S = ReportStatus
LIFECYCLE: Lifecycle[ReportStatus] = Lifecycle(S, [
    Move("submit", frozenset({S.DRAFT}), S.SUBMITTED, action="output.submit",
         label=N_("Submit for acceptance"), check=_complete),
    Move("recall", frozenset({S.SUBMITTED}), S.DRAFT, action="output.submit", label=N_("Recall to the draft")),
    Move("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, action="output.accept",
         label=N_("Accept into the collection")),
    Move("return", frozenset({S.SUBMITTED}), S.DRAFT, action="output.accept", label=N_("Return for revision"),
         needs_reason=True),
    Move("withdraw", frozenset({S.ACCEPTED}), S.WITHDRAWN, action="output.withdraw", label=N_("Withdraw"),
         needs_reason=True),
    Move("reinstate", frozenset({S.WITHDRAWN}), S.ACCEPTED, action="output.withdraw", label=N_("Reinstate")),
], labels=LABELS)

MOVES = {move.name: move.label for move in LIFECYCLE.by_name.values()}

# The moves that take a new report (or an imported row) from a draft to the state it asks for.
PATH: dict[ReportStatus, tuple[str, ...]] = {S.DRAFT: (), S.SUBMITTED: ("submit",), S.ACCEPTED: ("submit", "accept")}
