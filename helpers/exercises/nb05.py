"""Checkers for notebook 05 (many features).

The gradient is checked against central finite differences of the loss; the Hessian
against finite differences of the (already checked) gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.descent import mse_gradient
from helpers.exercises.core import check_function
from helpers.gradcheck import numerical_gradient

_RNG = np.random.default_rng(5)
#: (X, Y, W) cases: the seed's two-feature example at two points, and a 4x3 problem.
GRADIENT_CASES = [
    (np.array([[1.0, 1.2], [2.0, 1.2]]), np.array([[2.0], [4.0]]), np.array([[1.0], [1.0]])),
    (np.array([[1.0, 1.2], [2.0, 1.2]]), np.array([[2.0], [4.0]]), np.array([[1.2058], [1.0576]])),
    (_RNG.normal(size=(4, 3)), _RNG.normal(size=(4, 1)), _RNG.normal(size=(3, 1))),
]
HESSIAN_CASES = [(case[0],) for case in GRADIENT_CASES] + [(np.array([[1.0], [2.0], [3.0]]),)]


def check_matrix_gradient(matrix_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], Any]) -> None:
    """Check ``matrix_gradient(X, Y, W)`` = d mean((X W - Y)^2) / dW, shape (d, 1), against finite differences."""

    def reference(X: np.ndarray, Y: np.ndarray, W: np.ndarray) -> np.ndarray:
        return numerical_gradient(lambda v: np.mean((X @ v - Y) ** 2), W)

    return check_function(
        "matrix_gradient", matrix_gradient, reference, GRADIENT_CASES, rtol=1e-5, atol=1e-7,
        hint="(2/N) X.T @ (X @ W - Y): the transpose brings it back to W's shape (d, 1); N = len(X).",
    )


def check_mse_hessian(hessian: Callable[[np.ndarray], Any]) -> None:
    """Check ``hessian(X)`` = the (d, d) matrix of second derivatives of the MSE, against finite differences."""

    def reference(X: np.ndarray) -> np.ndarray:
        d = X.shape[1]
        y = np.zeros(X.shape[0])  # the Hessian of a quadratic does not depend on y or w
        rows = [numerical_gradient(lambda w, i=i: mse_gradient(X, y, w)[i], np.zeros(d)) for i in range(d)]
        return np.array(rows)

    return check_function(
        "hessian", hessian, reference, HESSIAN_CASES, rtol=1e-5, atol=1e-7,
        hint="differentiate (2/N) X.T @ (X @ W - Y) once more with respect to W: (2/N) X.T @ X, shape (d, d).",
    )
