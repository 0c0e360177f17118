"""Checkers for notebook 03 (gradient descent by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import check_function
from helpers.gradcheck import numerical_gradient

DATASETS = [
    (np.array([2.0]), np.array([4.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.5, 6.5])),
]


def check_gradient_descent_step(gradient_descent_step: Callable[[float, Any, Any, float], float]) -> None:
    """Check ``gradient_descent_step(w, X, y, lr)`` = w - lr * dL/dw for L = mean((w X - y)^2).

    The reference takes the gradient by central finite differences.
    """

    def reference(w: float, X: np.ndarray, y: np.ndarray, lr: float) -> float:
        slope = float(numerical_gradient(lambda v: np.mean((v * X - y) ** 2), w)[()])
        return w - lr * slope

    cases = [(w, X, y, lr) for X, y in DATASETS for w, lr in ((1.0, 0.1), (0.0, 0.01), (3.0, 0.05))]
    return check_function(
        "gradient_descent_step", gradient_descent_step, reference, cases, rtol=1e-7, atol=1e-8,
        hint="new w = w - lr * mean(2 * X * (w * X - y)): step AGAINST the gradient, scaled by lr.",
    )


def check_closed_form_w(closed_form_w: Callable[[int, float, Any, Any, float], float]) -> None:
    """Check ``closed_form_w(k, w0, X, y, lr)``, the weight after k steps, against running the loop.

    The reference runs k steps of gradient descent on mean((w X - y)^2) with the hand gradient.
    """

    def reference(k: int, w0: float, X: np.ndarray, y: np.ndarray, lr: float) -> float:
        w = w0
        for _ in range(k):
            w -= lr * float(np.mean(2 * X * (w * X - y)))
        return w

    cases = [(k, w0, X, y, lr) for X, y in DATASETS for k in (0, 1, 3, 10) for w0, lr in ((1.0, 0.1), (0.0, 0.01))]
    return check_function(
        "closed_form_w", closed_form_w, reference, cases, rtol=1e-9, atol=1e-12,
        hint="w_k = w* + (1 - lr * L'')**k * (w0 - w*), with L'' = 2 * mean(X**2) and "
        "w* = sum(X * y) / sum(X**2); k = 0 must give w0.",
    )
