"""Who may read what, stated once: a report's record (and abstract), a report's full text (a named aspect: the
text, the uploaded file and the full-text search document), achievements. Every get and list filters with
these rules in SQL (`policy.readable`), and the search documents' grants come from them (`RULE.grants`).

- 公开 public: once accepted, everyone reads the record; signed-in users read the full text.
- 延期公开 delayed: once accepted and from its release date (`embargo_until`), as public; before, insiders only.
- 限制 restricted: insiders only.
- Before acceptance (a draft, a submitted report) and after a withdrawal: insiders only; a submitted report also
  for the admins of its jurisdiction, who accept it.

Insiders are the joint office and the members and admins of the report's organisation or of an organisation above
it (a university's members read what its institutes registered).
"""

from __future__ import annotations

from sqlalchemy import and_, case

from yrdhub.accounts import policy
from yrdhub.accounts.access import Everyone, Members, ReadRule, Role
from yrdhub.outputs.lifecycle import ReportStatus
from yrdhub.outputs.models import Achievement, Report
from yrdhub.regions.models import Organisation

FULL_TEXT = "report.full_text"  # the name of the second aspect

_EMBARGO = Report.embargo_until.expression  # the release date (a column expression, for the rules)
_ACCEPTED = Report.status == ReportStatus.ACCEPTED.value
_PUBLIC = and_(_ACCEPTED, Report.openness == "public")
_DELAYED = and_(_ACCEPTED, Report.openness == "delayed")
# The jurisdiction whose admins read the report while it waits for them (NULL in every other state).
_UNDER_REVIEW_IN = case((Report.status == ReportStatus.SUBMITTED.value, Report.province_code), else_=None)

_INSIDERS = (Role("office_admin"), Members(Report.org_id, parent=Organisation.parent_id),
             Role("jurisdiction_admin", provinces=_UNDER_REVIEW_IN))

REPORT = policy.read_rule(ReadRule(
    Report, Everyone(when=_PUBLIC), Everyone(when=_DELAYED, since=_EMBARGO), *_INSIDERS))

REPORT_TEXT = policy.read_rule(ReadRule(
    Report, Everyone(when=_PUBLIC, registered=True), Everyone(when=_DELAYED, since=_EMBARGO,
                                                              registered=True), *_INSIDERS), name=FULL_TEXT)

ACHIEVEMENT = policy.read_rule(ReadRule(Achievement, Everyone()))

# Usage statistics: the joint office (all), a jurisdiction's admins (its reports), an organisation's admins (its own
# reports and those of the organisations below it). Titles are shown only of reports the reader may see.
USAGE = "report.usage"
REPORT_USAGE = policy.read_rule(ReadRule(
    Report, Role("office_admin"), Role("jurisdiction_admin", provinces=Report.province_code.expression),
    Members(Report.org_id, parent=Organisation.parent_id, roles=("org_admin",))), name=USAGE)
