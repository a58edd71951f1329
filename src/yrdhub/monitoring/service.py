"""Monitoring services, one import for the shells: frameworks (`frameworks`), reads under the policy (`queries`),
the submission cycle (`submissions`). Plan tasks, evaluations, measured values and the template have modules of
their own (`tasks`, `evaluations`, `measurements`, `templates`)."""

from __future__ import annotations

from yrdhub.monitoring.frameworks import ensure_framework, load_bundled
from yrdhub.monitoring.queries import (
    NATIONAL,
    PROVINCES,
    Completeness,
    accepted_values,
    completeness,
    get_framework,
    get_submission,
    history,
    indicator_values,
    list_submissions,
    national_series,
    previous_values,
    spec_of,
)
from yrdhub.monitoring.submissions import (
    accept,
    allowed_moves,
    approve,
    check_values,
    entries_of,
    move,
    open_submission,
    return_for_correction,
    set_values,
    submit,
)
from yrdhub.monitoring.validation import Entry

__all__ = [
    "NATIONAL", "PROVINCES", "Completeness", "Entry", "accept", "accepted_values", "allowed_moves", "approve",
    "check_values", "completeness", "ensure_framework", "entries_of", "get_framework", "get_submission", "history",
    "indicator_values", "list_submissions", "load_bundled", "move", "national_series", "open_submission",
    "previous_values", "return_for_correction", "set_values", "spec_of", "submit",
]
