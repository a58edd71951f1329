"""Import every module's models so Base.metadata knows all tables (Alembic, tests)."""

from yrdhub.accounts import models as accounts_models
from yrdhub.regions import models as regions_models

__all__ = ["accounts_models", "regions_models"]
