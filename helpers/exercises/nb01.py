"""Checkers for notebook 01 (prediction and loss)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import check_function

#: (X, y) data sets: the blog's single example, the notebook's four points, and noisy data.
DATASETS = [
    (np.array([2.0]), np.array([4.0])),
    (np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.5, 6.5])),
]


def check_mse(mse: Callable[[float, Any, Any], float]) -> None:
    """Check ``mse(w, X, y)``, the mean squared error of ``f(x) = w x``, at several ``w``.

    The reference writes the mean as a dot product divided by N, not as ``.mean()``.
    """

    def reference(w: float, X: np.ndarray, y: np.ndarray) -> float:
        residual = w * X - y
        return float(np.dot(residual, residual)) / len(X)

    cases = [(w, X, y) for X, y in DATASETS for w in (0.0, 1.0, 2.5)]
    return check_function(
        "mse", mse, reference, cases,
        hint="predict w * X, subtract y, square each error, then take the MEAN (not the sum, no 1/2).",
    )


def check_minimizing_w(minimizing_w: Callable[[Any, Any], float]) -> None:
    """Check ``minimizing_w(X, y)``, the ``w`` with the smallest MSE, against ``numpy.linalg.lstsq``."""

    def reference(X: np.ndarray, y: np.ndarray) -> float:
        solution, *_ = np.linalg.lstsq(X.reshape(-1, 1), y, rcond=None)
        return float(solution[0])

    return check_function(
        "minimizing_w", minimizing_w, reference, DATASETS,
        hint="the MSE is a parabola a w^2 - 2 b w + c with a = mean(x^2) and b = mean(x y): "
        "its lowest point is w = b / a (not mean(y) / mean(x)).",
    )
