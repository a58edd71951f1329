"""Who may read a project, stated once: the public once it is approved (or later on the record); the joint office;
members and admins of the lead organisation and of the organisations above it; each assigned reviewer while they
hold the expert role; and the jurisdiction admins of the programme's owner jurisdictions. Every get and list of
projects filters with it in SQL (`policy.readable(actor, Project)`), and the project's search document takes its
readers from it (`RULE.grants`), so a role granted or revoked needs no re-index."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from yrdhub.accounts import policy
from yrdhub.accounts.access import Everyone, Members, ReadRule, Role, Users
from yrdhub.accounts.actor import Actor
from yrdhub.programmes.lifecycle import PUBLIC
from yrdhub.programmes.models import Call, ProgrammeOwner, Project, Review
from yrdhub.regions.models import Organisation

OWNERS = (select(ProgrammeOwner.province_code).join(Call, Call.programme_id == ProgrammeOwner.programme_id)
          .where(Call.id == Project.call_id))
REVIEWERS = select(Review.expert_user_id).where(Review.project_id == Project.id)

RULE = policy.read_rule(ReadRule(
    Project,
    Everyone(when=Project.status.in_(sorted(PUBLIC))),
    Role("office_admin"),
    Members(Project.lead_org_id, parent=Organisation.parent_id),
    Users(REVIEWERS, role="expert"),
    Role("jurisdiction_admin", provinces=OWNERS),
))


def readable(actor: Actor) -> ColumnElement[bool]:
    """The projects the actor may read, as an SQL condition."""
    return policy.readable(actor, Project)
