"""yrdhub.indicators — a composite-indicator engine (the role COINr plays in R).

Pure NumPy/pandas/SciPy; imports nothing else from yrdhub.
"""

from .data import DataError, Inputs, load_inputs, make_inputs, read_table
from .framework import Framework, FrameworkError, Node
from .pipeline import Pipeline, Results
from .sensitivity import saltelli_sample, sensitivity_indices
from .spec import Spec, SpecError, load_spec
from .steps import (
    Aggregate,
    Context,
    Denominate,
    Impute,
    ImputePanel,
    Normalise,
    Screen,
    Step,
    Treat,
    aggregate,
    denominate,
    impute,
    normalise,
    screen,
    treat,
)
from .uncertainty import Uncertain, UncertaintyResult, WeightSets, noisy_weights, run_uncertainty

__all__ = [
    "Aggregate",
    "Context",
    "DataError",
    "Denominate",
    "Framework",
    "FrameworkError",
    "Impute",
    "ImputePanel",
    "Inputs",
    "Node",
    "Normalise",
    "Pipeline",
    "Results",
    "Screen",
    "Spec",
    "SpecError",
    "Step",
    "Treat",
    "Uncertain",
    "UncertaintyResult",
    "WeightSets",
    "aggregate",
    "denominate",
    "impute",
    "load_inputs",
    "load_spec",
    "make_inputs",
    "noisy_weights",
    "normalise",
    "read_table",
    "run_uncertainty",
    "saltelli_sample",
    "screen",
    "sensitivity_indices",
    "treat",
]
