"""Checkers for notebook 02 (gradients by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import Exercise, Mistake, check_function
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

MSE_GRADIENT = Exercise(
    "mse_gradient",
    hints=(
        "differentiate one squared error with the chain rule, then average over the examples.",
        "one example gives 2 (w x - y) x; the loss is a MEAN, so its gradient is the mean of those "
        "terms, not their sum (the Gradients Example's np.dot(...) pitfall).",
        "np.mean(2 * X * (w * X - y))",
    ),
    mistakes=(
        Mistake(lambda w, X, y: np.dot(2 * X, w * X - y).mean(),
                "a sum over the examples, not a mean: np.dot adds the terms up, and .mean() of "
                "that one number changes nothing (the Gradients Example's Part 1 pitfall)"),
        Mistake(lambda w, X, y: np.mean((w * X - y) ** 2),
                "this is the loss itself, not its derivative with respect to w"),
        Mistake(lambda w, X, y: np.mean(2 * X * (y - w * X)),
                "the sign is flipped: differentiate (prediction - target), not (target - prediction)"),
        Mistake(lambda w, X, y: np.mean(X * (w * X - y)),
                "half the gradient, off by a factor 2: the square brings a factor 2, and the mean "
                "divides by N, not 2N"),
        Mistake(lambda w, X, y: np.mean(2 * (w * X - y)),
                "the inner derivative x is missing: d(w x - y)/dw = x"),
    ),
)


def check_mse_gradient(mse_gradient: Callable[[float, Any, Any], float]) -> None:
    """Check ``mse_gradient(w, X, y)`` = d/dw mean((w X - y)^2) against central finite differences."""

    def reference(w: float, X: np.ndarray, y: np.ndarray) -> float:
        return float(numerical_gradient(lambda v: np.mean((v * X - y) ** 2), w)[()])

    cases = [(w, X, y) for X, y in DATASETS for w in (0.0, 1.0, 2.5)]
    return check_function(MSE_GRADIENT, mse_gradient, reference, cases, rtol=1e-6, atol=1e-6)


CENTRAL_DIFFERENCE = Exercise(
    "central_difference",
    hints=(
        "a central difference is a slope: the change of f between a point left of w and a point "
        "right of it, divided by how far apart those two points are.",
        "evaluate f at w + h and at w - h; those points are 2h apart, so the change is divided by "
        "2h (mind the brackets: / 2 * h is not / (2h)).",
        "(f(w + h) - f(w - h)) / (2 * h)",
    ),
    mistakes=(
        Mistake(lambda f, w, h: (f(w + h) - f(w)) / h,
                "a forward difference: it looks to one side only, so its error is of order h, not h^2"),
        Mistake(lambda f, w, h: (f(w + h) - f(w - h)) / h,
                "the two points are 2h apart, not h: the slope is twice too large"),
        Mistake(lambda f, w, h: (f(w - h) - f(w + h)) / (2 * h),
                "the difference is taken the wrong way round: the sign is flipped"),
        Mistake(lambda f, w, h: (f(w + h) - f(w - h)) / 2 * h,
                "operator precedence: / 2 * h multiplies by h instead of dividing by 2h"),
    ),
)


def check_central_difference(central_difference: Callable[[Callable[[float], float], float, float], float]) -> None:
    """Check ``central_difference(f, w, h)`` = (f(w + h) - f(w - h)) / (2 h) on three curved functions.

    The reference is :func:`helpers.gradcheck.numerical_gradient` with the same ``h``; the steps
    (1e-2, 1e-3) are large enough that a forward difference or a wrong divisor is caught.
    Each case is shown in messages as (name of f, w, h).
    """
    functions = dict(FUNCTIONS)

    def adapt(answer: Callable[..., Any]) -> Callable[[str, float, float], Any]:
        return lambda f, w, h: answer(functions[f], w, h)

    def reference(f: str, w: float, h: float) -> float:
        return float(numerical_gradient(functions[f], w, h=h, method="central")[()])

    cases = [(label, w, h) for label in functions for w, h in ((0.5, 1e-2), (1.5, 1e-3), (-1.0, 1e-3))]
    return check_function(
        CENTRAL_DIFFERENCE, central_difference, reference, cases, rtol=1e-9, atol=1e-9, adapt=adapt, factors={}
    )
