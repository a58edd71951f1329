"""Pipeline steps; each is a class (scikit-learn contract) with a pure-function twin."""

from .aggregate import Aggregate, aggregate
from .base import Context, Step
from .denominate import Denominate, denominate
from .impute import Impute, impute
from .impute_panel import ImputePanel, impute_panel
from .normalise import Normalise, normalise
from .screen import Screen, screen
from .treat import Treat, treat

STEP_TYPES: dict[str, type[Step]] = {
    cls.kind: cls for cls in (Denominate, Impute, ImputePanel, Screen, Treat, Normalise, Aggregate)
}

__all__ = [
    "STEP_TYPES",
    "Aggregate",
    "Context",
    "Denominate",
    "Impute",
    "ImputePanel",
    "Normalise",
    "Screen",
    "Step",
    "Treat",
    "aggregate",
    "denominate",
    "impute",
    "impute_panel",
    "normalise",
    "screen",
    "treat",
]
