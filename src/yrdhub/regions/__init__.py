"""Regions (province, city, county), their official statistics, and the organisation registry."""

from yrdhub.regions import access as access  # declares who may read regions and organisations
from yrdhub.regions import errors as errors  # registers the module's codes
