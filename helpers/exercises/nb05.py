"""Checkers for notebook 05 (many features).

The gradient is checked against central finite differences of the loss; the Hessian
against finite differences of the (already checked) gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.descent import mse_gradient
from helpers.exercises.core import Exercise, Mistake, check_function
from helpers.gradcheck import numerical_gradient

_RNG = np.random.default_rng(5)
#: (X, Y, W) cases: the blog walkthrough's two-feature example at two points, and a 4x3 problem.
GRADIENT_CASES = [
    (np.array([[1.0, 1.2], [2.0, 1.2]]), np.array([[2.0], [4.0]]), np.array([[1.0], [1.0]])),
    (np.array([[1.0, 1.2], [2.0, 1.2]]), np.array([[2.0], [4.0]]), np.array([[1.2058], [1.0576]])),
    (_RNG.normal(size=(4, 3)), _RNG.normal(size=(4, 1)), _RNG.normal(size=(3, 1))),
]
HESSIAN_CASES = [(case[0],) for case in GRADIENT_CASES] + [(np.array([[1.0], [2.0], [3.0]]),)]


MATRIX_GRADIENT = Exercise(
    "matrix_gradient",
    hints=(
        "start from the one-feature gradient mean(2 x (w x - y)) and write it for every feature at "
        "once: the residuals X W - Y, then one number per feature.",
        "feature j's entry is the mean over examples of 2 x_ij r_i: a matrix product with X "
        "turned on its side gives all d of them, shape (d, 1).",
        "(2 / len(X)) * X.T @ (X @ W - Y)",
    ),
    mistakes=(
        Mistake(lambda X, Y, W: 2 * X.T @ (X @ W - Y),
                "a sum over the examples, not a mean: N times too large"),
        Mistake(lambda X, Y, W: (2 / len(X)) * X.T @ (Y - X @ W),
                "the sign is flipped: the residual is prediction minus target"),
        Mistake(lambda X, Y, W: (1 / len(X)) * X.T @ (X @ W - Y),
                "the factor 2 from the square is missing"),
        Mistake(lambda X, Y, W: (2 / len(X)) * (X * W.T - Y).T @ X,
                "W * X multiplies element by element and broadcasts (the blog's W*X mistake): "
                "the prediction is a matrix product"),
        Mistake(lambda X, Y, W: (2 / len(X)) * (X.T @ (X @ W - Y)).T,
                "the gradient must have W's shape (d, 1): this one is a row"),
    ),
)


def check_matrix_gradient(matrix_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], Any]) -> None:
    """Check ``matrix_gradient(X, Y, W)`` = d mean((X W - Y)^2) / dW, shape (d, 1), against finite differences."""

    def reference(X: np.ndarray, Y: np.ndarray, W: np.ndarray) -> np.ndarray:
        return numerical_gradient(lambda v: np.mean((X @ v - Y) ** 2), W)

    return check_function(MATRIX_GRADIENT, matrix_gradient, reference, GRADIENT_CASES, rtol=1e-5, atol=1e-7)


HESSIAN = Exercise(
    "hessian",
    hints=(
        "the Hessian is the gradient of the gradient: differentiate your matrix_gradient once more "
        "with respect to W.",
        "the gradient is linear in W, (2/N) times X^T times (X W - Y): its derivative is the matrix "
        "that multiplies W, shape (d, d); Y drops out.",
        "(2 / len(X)) * X.T @ X",
    ),
    mistakes=(
        Mistake(lambda X: (2 / len(X)) * X @ X.T,
                "X X^T is (N, N), one entry per pair of examples; the Hessian has one per pair of features"),
        Mistake(lambda X: X.T @ X,
                "the factor 2/N of the mean squared error is missing"),
        Mistake(lambda X: (1 / len(X)) * X.T @ X,
                "the factor 2 from the square is missing"),
        Mistake(lambda X: 2 * X.T @ X,
                "a sum over the examples, not a mean: N times too large"),
        Mistake(lambda X: np.diag(2 * np.mean(X**2, axis=0)),
                "only the diagonal: the mixed second derivatives between two features are missing"),
    ),
)


def check_mse_hessian(hessian: Callable[[np.ndarray], Any]) -> None:
    """Check ``hessian(X)`` = the (d, d) matrix of second derivatives of the MSE, against finite differences."""

    def reference(X: np.ndarray) -> np.ndarray:
        d = X.shape[1]
        y = np.zeros(X.shape[0])  # the Hessian of a quadratic does not depend on y or w
        rows = [numerical_gradient(lambda w, i=i: mse_gradient(X, y, w)[i], np.zeros(d)) for i in range(d)]
        return np.array(rows)

    return check_function(HESSIAN, hessian, reference, HESSIAN_CASES, rtol=1e-5, atol=1e-7)
