"""Checkers for notebook 03 (gradient descent by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import Exercise, Mistake, check_function, uses_a_loop
from helpers.gradcheck import numerical_gradient

DATASETS = [
    (np.array([2.0]), np.array([4.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.5, 6.5])),
]


def _mean_gradient(w: float, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(2 * X * (w * X - y)))


GRADIENT_DESCENT_STEP = Exercise(
    "gradient_descent_step",
    hints=(
        "a step moves w a little, in the direction that lowers the loss: which way is downhill?",
        "compute the mean gradient dL/dw (notebook 02), scale it by the learning rate, and move "
        "against it.",
        "w - lr * np.mean(2 * X * (w * X - y))",
    ),
    mistakes=(
        Mistake(lambda w, X, y, lr: w + lr * _mean_gradient(w, X, y),
                "the step goes uphill: it adds the gradient instead of stepping against it"),
        Mistake(lambda w, X, y, lr: w - lr * np.sum(2 * X * (w * X - y)),
                "the gradient is a sum over the examples, not a mean: the step is N times too long"),
        Mistake(lambda w, X, y, lr: w - _mean_gradient(w, X, y),
                "the learning rate is missing: the step is the whole gradient"),
        Mistake(lambda w, X, y, lr: -lr * _mean_gradient(w, X, y),
                "the function returns the change of w, not the new w"),
        Mistake(lambda w, X, y, lr: w - lr * np.mean((w * X - y) ** 2),
                "the step uses the loss, not its gradient"),
    ),
)


def check_gradient_descent_step(gradient_descent_step: Callable[[float, Any, Any, float], float]) -> None:
    """Check ``gradient_descent_step(w, X, y, lr)`` = w - lr * dL/dw for L = mean((w X - y)^2).

    The reference takes the gradient by central finite differences.
    """

    def reference(w: float, X: np.ndarray, y: np.ndarray, lr: float) -> float:
        slope = float(numerical_gradient(lambda v: np.mean((v * X - y) ** 2), w)[()])
        return w - lr * slope

    cases = [(w, X, y, lr) for X, y in DATASETS for w, lr in ((1.0, 0.1), (0.0, 0.01), (3.0, 0.05))]
    return check_function(GRADIENT_DESCENT_STEP, gradient_descent_step, reference, cases, rtol=1e-7, atol=1e-8)


def _w_star(X: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(X * y) / np.sum(X**2))


def _closed_form_by_loop(k: int, w0: float, X: np.ndarray, y: np.ndarray, lr: float) -> float:
    w = w0
    for _ in range(k):
        w -= lr * _mean_gradient(w, X, y)
    return w


CLOSED_FORM_W = Exercise(
    "closed_form_w",
    hints=(
        "each step multiplies the distance to the minimum w* by the same number: after k steps, "
        "by that number to the power k.",
        "you need w* (where the gradient is zero: notebook 01's minimising w) and the curvature "
        "L'' = 2 mean(x^2); the factor per step is (1 - lr L'').",
        "w_star + (1 - lr * 2 * np.mean(X**2)) ** k * (w0 - w_star), with w_star = sum(X * y) / sum(X**2)",
    ),
    mistakes=(
        Mistake(_closed_form_by_loop, "the exercise asks for the weight without a loop: use the formula, "
                "not the steps", detect=uses_a_loop),
        Mistake(lambda k, w0, X, y, lr: _w_star(X, y) + (1 - lr * 2 * np.mean(X**2)) ** (k + 1) * (w0 - _w_star(X, y)),
                "the power is one too high: k = 0 must give w0 back"),
        Mistake(lambda k, w0, X, y, lr: _w_star(X, y) + (1 - lr * np.mean(X**2)) ** k * (w0 - _w_star(X, y)),
                "the curvature is off by a factor 2: L'' of mean((w x - y)^2) is not mean(x^2)"),
        Mistake(lambda k, w0, X, y, lr: (1 - lr * 2 * np.mean(X**2)) ** k * w0,
                "the distance is measured from 0, but the minimum w* is not at 0"),
        Mistake(lambda k, w0, X, y, lr: _w_star(X, y) + (1 - lr * 2 * np.mean(X**2)) ** k * w0,
                "the factor must shrink the distance to the minimum (w0 - w*), not w0 itself"),
    ),
)


def check_closed_form_w(closed_form_w: Callable[[int, float, Any, Any, float], float]) -> None:
    """Check ``closed_form_w(k, w0, X, y, lr)``, the weight after k steps, against running the loop.

    The reference runs k steps of gradient descent on mean((w X - y)^2) with the hand gradient.
    The exercise asks for no loop: a function with a ``for``/``while`` loop is rejected.
    """
    cases = [(k, w0, X, y, lr) for X, y in DATASETS for k in (0, 1, 3, 10) for w0, lr in ((1.0, 0.1), (0.0, 0.01))]
    return check_function(
        CLOSED_FORM_W, closed_form_w, _closed_form_by_loop, cases, rtol=1e-9, atol=1e-12, factors={}
    )
