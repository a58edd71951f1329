"""Who may read regions and organisations: everyone (the registry is public reference data)."""

from yrdhub.accounts.access import Everyone, ReadRule
from yrdhub.accounts.policy import read_rule
from yrdhub.regions.models import Organisation, Region

REGION = read_rule(ReadRule(Region, Everyone()))
ORGANISATION = read_rule(ReadRule(Organisation, Everyone()))
