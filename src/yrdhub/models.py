"""Import every module's models so Base.metadata knows all tables (Alembic, tests)."""

from yrdhub.accounts import models as accounts_models
from yrdhub.monitoring import models as monitoring_models
from yrdhub.outputs import models as outputs_models
from yrdhub.programmes import models as programmes_models
from yrdhub.regions import models as regions_models
from yrdhub.resources import models as resources_models
from yrdhub.search import models as search_models

__all__ = [
    "accounts_models", "monitoring_models", "outputs_models", "programmes_models", "regions_models", "resources_models",
    "search_models",
]
