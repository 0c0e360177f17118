"""Checkers for notebook 08 (loss and optimizer).

Each reference is computed independently of the student's tools: the training loop
against a float64 NumPy loop with the gradient written out by hand, the Nesterov
optimizer against ``torch.optim.SGD(nesterov=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from helpers.exercises.core import ExerciseFailed, check_function

#: (X, y, learning rate, epochs): few epochs, so an off-by-one or a wrong step size shows.
TRAIN_CASES = [
    ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], 0.01, 5),
    ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 0.05, 3),
    ([0.5, -1.0, 2.0], [1.0, 0.0, 3.0], 0.1, 4),
]


def hand_loop_slope(X: Any, y: Any, lr: float, epochs: int) -> float:
    """Gradient descent on MSE for ``y_hat = w x`` from ``w = 0``, in float64 NumPy.

    The gradient is the formula dL/dw = (2/N) sum x (w x - y). Returns the final ``w``.
    """
    x = np.asarray(X, dtype=np.float64)
    t = np.asarray(y, dtype=np.float64)
    w = 0.0
    for _ in range(epochs):
        w -= lr * float(np.mean(2.0 * x * (w * x - t)))
    return w


def check_train_slope(train_slope: Callable[[torch.Tensor, torch.Tensor, float, int], Any]) -> None:
    """Check ``train_slope(X, y, lr, epochs)`` (nn.MSELoss + optim.SGD from w = 0) against a hand loop."""

    def student(X: list[float], y: list[float], lr: float, epochs: int) -> Any:
        result = train_slope(torch.tensor(X), torch.tensor(y), lr, epochs)
        return result.detach() if isinstance(result, torch.Tensor) else result

    return check_function(
        "train_slope", student, hand_loop_slope, TRAIN_CASES, rtol=1e-5, atol=1e-6,
        hint=(
            "start from w = torch.tensor(0.0, requires_grad=True); each epoch: loss_fn(w * X, y), "
            "backward(), optimizer.step(), optimizer.zero_grad(); nn.MSELoss() with the default "
            "reduction='mean'; exactly `epochs` steps; return the final w."
        ),
    )


# (learning rate, momentum, steps) for the Nesterov check.
NESTEROV_CASES = [(0.01, 0.9, 15), (0.05, 0.5, 10), (0.002, 0.99, 12)]


def _trajectory(make_optimizer: Callable[[list[torch.Tensor]], Any], steps: int) -> np.ndarray:
    """Train y_hat = w x + b on fixed data; return the (steps, 2) array of (w, b) after each step."""
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    y = torch.tensor([3.0, 5.0, 7.5, 8.5])
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(-1.0, requires_grad=True)
    optimizer = make_optimizer([w, b])
    visited = []
    for _ in range(steps):
        loss = torch.mean((w * x + b - y) ** 2)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        visited.append([w.item(), b.item()])
    return np.array(visited)


def check_nesterov_sgd(optimizer_class: type) -> None:
    """Check a hand-written ``optimizer_class(params, lr, momentum)`` against torch's Nesterov SGD.

    Both optimizers train the same two-parameter model; every step's (w, b) must agree.

    Raises:
        ExerciseFailed: the trajectories differ, or the class cannot be used as an optimizer.
    """
    if not isinstance(optimizer_class, type):
        if optimizer_class is Ellipsis:
            return check_function("NesterovSGD", ..., lambda: None, [()])
        raise ExerciseFailed(f"NesterovSGD: expected a class, got {type(optimizer_class).__name__}")

    def student(lr: float, momentum: float, steps: int) -> np.ndarray:
        return _trajectory(lambda params: optimizer_class(params, lr=lr, momentum=momentum), steps)

    def reference(lr: float, momentum: float, steps: int) -> np.ndarray:
        return _trajectory(lambda params: torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=True), steps)

    return check_function(
        "NesterovSGD", student, reference, NESTEROV_CASES, rtol=1e-5, atol=1e-6,
        hint=(
            "per parameter: buffer = grad on the first step, else momentum * buffer + grad; "
            "then step along grad + momentum * buffer (the look-ahead), p -= lr * that; "
            "zero_grad() must clear p.grad (set it to None)."
        ),
    )
