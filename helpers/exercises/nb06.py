"""Checkers for notebook 06 (autograd)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import check_function
from helpers.gradcheck import numerical_gradient

#: (w, X, y, penalty) cases for :func:`check_ridge_gradient`: the seed's two-feature
#: example at its start and after three steps, and a three-example problem.
RIDGE_CASES = [
    ([1.0, 1.0], [[1.0, 1.2], [2.0, 1.2]], [2.0, 4.0], 0.1),
    ([1.2058, 1.0576], [[1.0, 1.2], [2.0, 1.2]], [2.0, 4.0], 0.0),
    ([0.5, -1.0], [[1.0, 2.0], [-1.0, 0.5], [3.0, 1.0]], [1.0, -2.0, 0.5], 0.5),
]

#: (learning_rate, n_epochs) cases for :func:`check_train_with_autograd`.
TRAIN_CASES = [(0.01, 1), (0.01, 11), (0.01, 100), (0.05, 10), (0.001, 20)]


def ridge_loss(w: Any, X: Any, y: Any, penalty: float) -> float:
    """Return mean((X w - y)^2) + penalty * sum(w^2), in float64 NumPy."""
    w, X, y = (np.asarray(a, dtype=np.float64) for a in (w, X, y))
    residual = X @ w - y
    return float(np.mean(residual**2) + penalty * np.sum(w**2))


def check_ridge_gradient(ridge_gradient: Callable[..., Any]) -> None:
    """Check ``ridge_gradient(w, X, y, penalty)`` (computed with autograd) against central differences.

    The loss is ``mean((X @ w - y)**2) + penalty * sum(w**2)``; the answer must be the
    gradient with respect to ``w``, shaped like ``w`` (array, list or tensor).
    """

    def reference(w: Any, X: Any, y: Any, penalty: float) -> np.ndarray:
        return numerical_gradient(lambda v: ridge_loss(v, X, y, penalty), w)

    return check_function(
        "ridge_gradient", ridge_gradient, reference, RIDGE_CASES, rtol=1e-5, atol=1e-6,
        hint="make w a float64 tensor with requires_grad=True, build the whole loss "
             "(the mean over examples AND the penalty), call backward(), return w.grad.",
    )


def train_reference(learning_rate: float, n_epochs: int) -> float:
    """Gradient descent on the seed-001 data (X = [1, 2, 3, 4], y = 2X, w = 0) in float32 NumPy,
    with the hand gradient dL/dw = mean(2 x (w x - y)). Returns the final w."""
    X = np.array([1, 2, 3, 4], dtype=np.float32)
    y = 2 * X
    w = np.float32(0.0)
    for _ in range(n_epochs):
        gradient = np.mean(2 * X * (w * X - y))
        w = w - np.float32(learning_rate) * gradient
    return float(w)


def check_train_with_autograd(train: Callable[[float, int], Any]) -> None:
    """Check ``train(learning_rate, n_epochs)`` -> final w against a hand-gradient NumPy loop.

    ``train`` must run gradient descent with autograd on X = [1, 2, 3, 4], y = 2X from
    w = 0 with the MSE loss, zeroing the gradient after each update.
    """
    return check_function(
        "train_with_autograd", train, train_reference, TRAIN_CASES, rtol=1e-5, atol=1e-6,
        hint="each epoch: loss = ((w * X - y)**2).mean(); loss.backward(); update w inside "
             "torch.no_grad(); then w.grad.zero_() (without it the gradients add up).",
    )
