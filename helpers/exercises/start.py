"""Checkers for notebook 00 (start here)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.exercises.core import Exercise, Mistake, check_function
from helpers.gradcheck import numerical_gradient

CASES = [(1.0, 2.0, 4.0), (1.8, 2.0, 4.0), (0.0, 3.0, 6.0), (-0.5, 1.5, -2.0)]

SQUARED_ERROR = Exercise(
    "squared_error",
    hints=(
        "compute the loss of one example and `return` it: how far is the prediction from the "
        "target, and how does a square treat a negative difference?",
        "three steps: the prediction w * x; its difference from the target y; that difference squared.",
        "(w * x - y) ** 2",
    ),
    mistakes=(
        Mistake(lambda w, x, y: w * x - y, "the difference is not squared: a negative error would lower the loss"),
        Mistake(lambda w, x, y: abs(w * x - y), "the absolute difference, not its square"),
        Mistake(lambda w, x, y: w * x - y**2, "the square is on the target only: square the whole difference"),
        Mistake(lambda w, x, y: w * x**2 - y, "the square is on x only: square the whole difference"),
    ),
)


def check_squared_error(squared_error: Callable[[float, float, float], float]) -> None:
    """Check ``squared_error(w, x, y)`` = (w x - y)^2 against the definition written another way."""

    def reference(w: float, x: float, y: float) -> float:
        residual = np.multiply(w, x) - y
        return float(np.dot(residual, residual))

    return check_function(SQUARED_ERROR, squared_error, reference, CASES)


SQUARED_ERROR_GRADIENT = Exercise(
    "squared_error_gradient",
    hints=(
        "the loss is a square of something that depends on w: use the chain rule, outer "
        "derivative times inner derivative.",
        "the outer function u**2 has derivative 2u; the inner u = w x - y has derivative x with respect to w.",
        "2 * (w * x - y) * x",
    ),
    mistakes=(
        Mistake(lambda w, x, y: 2 * (w * x - y), "the inner derivative is missing: d(w x - y)/dw is not 1"),
        Mistake(lambda w, x, y: (w * x - y) * x, "the factor 2 from differentiating the square is missing"),
        Mistake(lambda w, x, y: 2 * (y - w * x) * x, "the sign is flipped: the residual is prediction minus target"),
        Mistake(lambda w, x, y: 2 * (w * x - y) * w, "the inner derivative is taken with respect to x, not w"),
    ),
)


def check_squared_error_gradient(gradient: Callable[[float, float, float], float]) -> None:
    """Check ``gradient(w, x, y)`` = d/dw (w x - y)^2 against central finite differences."""

    def reference(w: float, x: float, y: float) -> float:
        return float(numerical_gradient(lambda v: (v * x - y) ** 2, w)[()])

    return check_function(SQUARED_ERROR_GRADIENT, gradient, reference, CASES, rtol=1e-5, atol=1e-6)
