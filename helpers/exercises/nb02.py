"""Checkers for notebook 02 (gradients by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import check_function
from helpers.gradcheck import numerical_gradient

DATASETS = [
    (np.array([2.0]), np.array([4.0])),
    (np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.5, 6.5])),
]

#: Smooth test functions with curvature, named for the messages: (name, f).
FUNCTIONS: list[tuple[str, Callable[[float], float]]] = [
    ("w**3", lambda w: w**3),
    ("exp(w)", lambda w: float(np.exp(w))),
    ("mean((w*x - y)**4)", lambda w: float(np.mean((w * DATASETS[1][0] - DATASETS[1][1]) ** 4))),
]


def check_mse_gradient(mse_gradient: Callable[[float, Any, Any], float]) -> None:
    """Check ``mse_gradient(w, X, y)`` = d/dw mean((w X - y)^2) against central finite differences."""

    def reference(w: float, X: np.ndarray, y: np.ndarray) -> float:
        return float(numerical_gradient(lambda v: np.mean((v * X - y) ** 2), w)[()])

    cases = [(w, X, y) for X, y in DATASETS for w in (0.0, 1.0, 2.5)]
    return check_function(
        "mse_gradient", mse_gradient, reference, cases, rtol=1e-6, atol=1e-6,
        hint="dL/dw = mean(2 * X * (w * X - y)): a MEAN over examples (np.dot(...) alone is a sum), "
        "with the factor 2 and the sign of (prediction - target).",
    )


def check_central_difference(central_difference: Callable[[Callable[[float], float], float, float], float]) -> None:
    """Check ``central_difference(f, w, h)`` = (f(w + h) - f(w - h)) / (2 h) on three curved functions.

    The reference is :func:`helpers.gradcheck.numerical_gradient` with the same ``h``; the steps
    (1e-2, 1e-3) are large enough that a forward difference or a wrong divisor is caught.
    Each case is shown in messages as (name of f, w, h).
    """
    functions = dict(FUNCTIONS)

    def student(label: str, w: float, h: float) -> float:
        return central_difference(functions[label], w, h)

    def reference(label: str, w: float, h: float) -> float:
        return float(numerical_gradient(functions[label], w, h=h, method="central")[()])

    if not callable(central_difference):
        return check_function("central_difference", central_difference, reference, [("w**3", 0.0, 1e-3)])
    cases = [(label, w, h) for label in functions for w, h in ((0.5, 1e-2), (1.5, 1e-3), (-1.0, 1e-3))]
    return check_function(
        "central_difference", student, reference, cases, rtol=1e-9, atol=1e-9,
        hint="step to both sides: (f(w + h) - f(w - h)) / (2 * h); the two points are 2h apart.",
    )
