"""Checkers for notebook 01 (prediction and loss)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import Exercise, Mistake, check_function

#: (X, y) data sets: the blog's single example, the notebook's four points, and noisy data.
DATASETS = [
    (np.array([2.0]), np.array([4.0])),
    (np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0])),
    (np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.5, 6.5])),
]

def _sum_over_n_minus_1(w: float, X: np.ndarray, y: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum((w * X - y) ** 2) / np.float64(len(X) - 1)


MSE = Exercise(
    "mse",
    hints=(
        "one error per example, each squared; then one number for the whole data set: which average?",
        "the notebook compared three losses: the MEAN squared error divides the sum of squares by N, "
        "with no factor 1/2.",
        "np.mean((w * X - y) ** 2)",
    ),
    mistakes=(
        Mistake(lambda w, X, y: np.sum((w * X - y) ** 2),
                "the sum of squares, not their mean: this loss grows with the number of examples"),
        Mistake(lambda w, X, y: 0.5 * np.mean((w * X - y) ** 2),
                "one-half of the MSE: that is the variant the notebook compared, not the MSE"),
        Mistake(lambda w, X, y: np.mean(w * X - y) ** 2,
                "the mean is taken before squaring: errors of opposite signs cancel"),
        Mistake(lambda w, X, y: np.mean(np.abs(w * X - y)),
                "the mean absolute error, not the mean squared error"),
        Mistake(lambda w, X, y: np.mean((X - y) ** 2),
                "w is not used: the prediction is the model's output w * x, not x itself"),
        Mistake(_sum_over_n_minus_1,
                "the sum of squares is divided by N - 1, not N: the mean divides by the number "
                "of examples (with one example, N - 1 = 0 is a division by zero)"),
    ),
)


def check_mse(mse: Callable[[float, Any, Any], float]) -> None:
    """Check ``mse(w, X, y)``, the mean squared error of ``f(x) = w x``, at several ``w``.

    The reference writes the mean as a dot product divided by N, not as ``.mean()``.
    """

    def reference(w: float, X: np.ndarray, y: np.ndarray) -> float:
        residual = w * X - y
        return float(np.dot(residual, residual)) / len(X)

    cases = [(w, X, y) for X, y in DATASETS for w in (0.0, 1.0, 2.5)]
    return check_function(MSE, mse, reference, cases)


MINIMIZING_W = Exercise(
    "minimizing_w",
    hints=(
        "the lowest point of a parabola a w^2 - 2 b w + c is where its slope is zero.",
        "set the derivative 2 a w - 2 b to zero, with a = mean(x^2) and b = mean(x y) from the "
        "formula above the exercise.",
        "np.mean(X * y) / np.mean(X**2)",
    ),
    mistakes=(
        Mistake(lambda X, y: np.mean(y) / np.mean(X),
                "mean(y) / mean(x) only works when every point lies on one line through 0"),
        Mistake(lambda X, y: np.mean(y / X),
                "the average of the slopes y/x weighs every point equally; the squared error does not"),
        Mistake(lambda X, y: np.mean(X**2) / np.mean(X * y),
                "the fraction is upside down"),
        Mistake(lambda X, y: np.mean(X * y) / (2 * np.mean(X**2)),
                "a factor 2 too many in the denominator: the 2 in 2 a w - 2 b cancels"),
        Mistake(lambda X, y: np.mean(X * y) / np.mean(X) ** 2,
                "mean(x)^2 is not mean(x^2): square first, then average"),
    ),
)


def check_minimizing_w(minimizing_w: Callable[[Any, Any], float]) -> None:
    """Check ``minimizing_w(X, y)``, the ``w`` with the smallest MSE, against ``numpy.linalg.lstsq``."""

    def reference(X: np.ndarray, y: np.ndarray) -> float:
        solution, *_ = np.linalg.lstsq(X.reshape(-1, 1), y, rcond=None)
        return float(solution[0])

    return check_function(MINIMIZING_W, minimizing_w, reference, DATASETS)
