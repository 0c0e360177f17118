"""Checkers for notebook 00 (start here)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.exercises.core import check_function
from helpers.gradcheck import numerical_gradient

CASES = [(1.0, 2.0, 4.0), (1.8, 2.0, 4.0), (0.0, 3.0, 6.0), (-0.5, 1.5, -2.0)]


def check_squared_error(squared_error: Callable[[float, float, float], float]) -> None:
    """Check ``squared_error(w, x, y)`` = (w x - y)^2 against the definition written another way."""

    def reference(w: float, x: float, y: float) -> float:
        residual = np.multiply(w, x) - y
        return float(np.dot(residual, residual))

    return check_function(
        "squared_error", squared_error, reference, CASES,
        hint="predict with w * x, subtract the target y, then square the difference.",
    )


def check_squared_error_gradient(gradient: Callable[[float, float, float], float]) -> None:
    """Check ``gradient(w, x, y)`` = d/dw (w x - y)^2 against central finite differences."""

    def reference(w: float, x: float, y: float) -> float:
        return float(numerical_gradient(lambda v: (v * x - y) ** 2, w)[()])

    return check_function(
        "squared_error_gradient", gradient, reference, CASES, rtol=1e-5, atol=1e-6,
        hint="chain rule: d/dw (w x - y)^2 = 2 (w x - y) * x; don't forget the factor x.",
    )
