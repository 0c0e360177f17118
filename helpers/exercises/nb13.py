"""Checkers for notebook 13 (how fast is a step?)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import ExerciseFailed, check_function, check_value


def loop_gradient(X: Any, y: Any, w: Any) -> np.ndarray:
    """The MSE gradient ``(2/n) X^T (X w - y)`` one sample and one feature at a time, in plain Python.

    The reference for a vectorized gradient: it shares no code with NumPy's matrix products.
    """
    rows, targets, weights = np.asarray(X).tolist(), np.asarray(y).tolist(), np.asarray(w).tolist()
    gradient = [0.0] * len(weights)
    for row, target in zip(rows, targets, strict=True):
        residual = sum(x_j * w_j for x_j, w_j in zip(row, weights, strict=True)) - target
        for j, x_j in enumerate(row):
            gradient[j] += residual * x_j
    return np.array([2 * g / len(targets) for g in gradient])


def _cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(13)
    cases = []
    for n, d in ((5, 1), (40, 3), (200, 6)):
        X = rng.standard_normal((n, d))
        cases.append((X, X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n), rng.standard_normal(d)))
    return cases


def check_vectorized_gradient(vectorized_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], Any]) -> None:
    """Check ``vectorized_gradient(X, y, w)`` against the plain-Python loop on three data sets."""
    return check_function(
        "vectorized_gradient", vectorized_gradient, loop_gradient, _cases(), rtol=1e-9, atol=1e-12,
        hint="residual r = X @ w - y (shape (n,)); gradient = (2 / n) * X.T @ r (shape (d,)).",
    )


def count_step_multiplications(n: int, d: int) -> int:
    """Count the multiplications one gradient step performs, by walking its loops (X @ w, then X^T r)."""
    count = 0
    for _ in range(n):  # prediction: one dot product of length d per sample
        for _ in range(d):
            count += 1
    for _ in range(d):  # gradient: one dot product of length n per feature
        for _ in range(n):
            count += 1
    return count


def count_normal_equation_multiplications(n: int, d: int) -> int:
    """Count the multiplications of the normal equations: X^T X, X^T y, then Gaussian elimination."""
    count = 0
    for _ in range(n):  # X^T X: every pair of features (j <= k), summed over the samples
        for j in range(d):
            for _ in range(j, d):
                count += 1
    count += n * d  # X^T y
    for k in range(d):  # forward elimination of the d x (d+1) augmented system
        for _ in range(k + 1, d):
            for _ in range(k, d + 1):
                count += 1
    return count


def reference_cost_slopes(n: int = 1024, d: int = 32) -> np.ndarray:
    """Return the log-log slopes of both counts as the number of features doubles from ``d/2`` to ``d``."""
    slopes = []
    for count in (count_step_multiplications, count_normal_equation_multiplications):
        slopes.append(math.log(count(n, d) / count(n, d // 2)) / math.log(2))
    return np.array(slopes)


def check_cost_slopes(answer: Any) -> None:
    """Check ``answer = (k_step, k_normal_equations)``: cost grows like ``d**k`` when n >> d.

    The reference counts the multiplications each algorithm performs at n = 1024 for
    d = 16 and 32; a slope within 0.25 of it is accepted.
    """
    if answer is not Ellipsis and (not isinstance(answer, (tuple, list)) or len(answer) != 2):
        raise ExerciseFailed(
            f"cost_slopes: expected a pair of numbers (k_step, k_normal_equations), got {answer!r}"
            "\nHint: write answer = (k_step, k_normal_equations), e.g. (3, 3)."
        )
    return check_value(
        "cost_slopes", answer, reference_cost_slopes(), rtol=0.0, atol=0.25,
        hint="a step touches each of the n*d entries of X a fixed number of times; "
             "X^T X has d*d entries, each a sum over the n samples.",
    )
