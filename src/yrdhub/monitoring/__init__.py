"""Monitoring: the indicator system, data submission and approval, evaluations, targets and plan tasks."""

from yrdhub.monitoring import access as access  # registers the read rules
from yrdhub.monitoring import errors as errors  # registers the codes
