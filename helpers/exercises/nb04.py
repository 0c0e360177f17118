"""Checkers for notebook 04 (the learning rate).

Both references come from the loss itself, not from the formula the student is asked for:
the curvature is a second finite difference of the mean-squared error, and the one-step
learning rate is solved from one gradient step that must land on the least-squares weight.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.curvature import least_squares
from helpers.descent import mse
from helpers.exercises.core import check_function
from helpers.gradcheck import numerical_gradient

#: The data of the course's one-weight examples, plus one with a negative entry.
CASES = [
    (np.array([2.0]),),  # seed 000, one example
    (np.array([1.0, 2.0, 3.0]),),  # seed 000, the batch
    (np.array([1.0, 2.0, 3.0, 4.0]),),  # seed 001
    (np.array([0.5, -1.5, 3.0]),),
]


def _curvature_by_finite_differences(x: np.ndarray) -> float:
    """L'' of w -> mean((w x - y)^2) by a second central difference (exact for a parabola, up to rounding)."""
    y = np.zeros_like(x)  # the curvature does not depend on y
    h = 1e-3
    return (mse(x, y, 1.0 + h) - 2.0 * mse(x, y, 1.0) + mse(x, y, 1.0 - h)) / h**2


def check_max_stable_learning_rate(max_stable_learning_rate: Callable[[np.ndarray], Any]) -> None:
    """Check ``max_stable_learning_rate(x)`` = 2 / L'' for the MSE of ``w * x``, against finite differences."""

    def reference(x: np.ndarray) -> float:
        return 2.0 / _curvature_by_finite_differences(x)

    return check_function(
        "max_stable_learning_rate", max_stable_learning_rate, reference, CASES, rtol=1e-5,
        hint="the bound is 2 / L'', and the MSE's second derivative is L'' = 2 * mean(x**2).",
    )


def check_one_step_learning_rate(one_step_learning_rate: Callable[[np.ndarray], Any]) -> None:
    """Check ``one_step_learning_rate(x)``: the step that lands on the minimum at once (= 1 / L'')."""

    def reference(x: np.ndarray) -> float:
        y = 2.0 * x + np.linspace(-0.3, 0.3, x.size)  # any targets work: find the rate that lands on w*
        w0 = 0.0
        w_star = float(least_squares(x, y)[0])
        slope = float(numerical_gradient(lambda w: mse(x, y, w), w0)[()])
        return (w0 - w_star) / slope

    return check_function(
        "one_step_learning_rate", one_step_learning_rate, reference, CASES, rtol=1e-5,
        hint="one step multiplies the error w - w* by (1 - lr * L''); make that factor zero.",
    )
