"""Helpers for the gradient-descent course.

Each module is one concern:

- :mod:`helpers.reproducibility` -- make a notebook deterministic (``setup_notebook``).
- :mod:`helpers.gradcheck` -- finite differences, relative error, gradient checks.
- :mod:`helpers.tables` -- fixed-width tables for training loops.
- :mod:`helpers.plots` -- one-call plots (loss curves, fitted lines, loss landscapes).
- :mod:`helpers.exercises` -- "check my answer" cells.
"""

from helpers.gradcheck import (
    GradientMismatchError,
    check_gradient,
    numerical_gradient,
    relative_error,
)
from helpers.reproducibility import setup_notebook
from helpers.tables import Column, IterationTable, print_table

__all__ = [
    "Column",
    "GradientMismatchError",
    "IterationTable",
    "check_gradient",
    "numerical_gradient",
    "print_table",
    "relative_error",
    "setup_notebook",
]
