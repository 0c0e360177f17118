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
from torch import nn

from helpers.exercises.core import Exercise, Mistake, check_function, fail

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


def _train_slope_with(reduction: str = "mean", zero_grad: str = "after", short: int = 0) -> Callable[..., Any]:
    """A torch training loop with one chosen slip (for the catalogue of wrong answers)."""

    def train_slope(X: torch.Tensor, y: torch.Tensor, lr: float, epochs: int) -> float:
        w = torch.tensor(0.0, requires_grad=True)
        loss_fn = nn.MSELoss(reduction=reduction)
        optimizer = torch.optim.SGD([w], lr=lr)
        for _ in range(epochs - short):
            loss_fn(w * X, y).backward()
            if zero_grad == "before step":
                optimizer.zero_grad()
            optimizer.step()
            if zero_grad == "after":
                optimizer.zero_grad()
        return w.item()

    return train_slope


TRAIN_SLOPE = Exercise(
    "train_slope",
    hints=(
        "the loop has four moves per epoch: a loss, its gradient, a step, and cleaning the "
        "gradient for the next epoch; check each against the notebook's loop.",
        "w = torch.tensor(0.0, requires_grad=True); the optimizer gets [w] and lr; nn.MSELoss() "
        "keeps its default reduction (a mean); run exactly `epochs` steps and return w.item().",
        "each epoch: loss_fn(w * X, y).backward(); optimizer.step(); optimizer.zero_grad()",
    ),
    mistakes=(
        Mistake(_train_slope_with(reduction="sum"),
                "reduction='sum' makes the loss a sum, as in the Gradients Example's Part 1 as written: "
                "the steps are N times too long"),
        Mistake(_train_slope_with(zero_grad="never"),
                "the gradient is never zeroed: every backward() adds to the gradients of the earlier epochs"),
        Mistake(_train_slope_with(zero_grad="before step"),
                "the gradient is zeroed between backward() and step(): the step sees no gradient"),
        Mistake(_train_slope_with(short=1),
                "one step too few: the loop must run exactly `epochs` steps"),
    ),
)


def check_train_slope(train_slope: Callable[[torch.Tensor, torch.Tensor, float, int], Any]) -> None:
    """Check ``train_slope(X, y, lr, epochs)`` (nn.MSELoss + optim.SGD from w = 0) against a hand loop."""

    def adapt(answer: Callable[..., Any]) -> Callable[..., Any]:
        def student(X: list[float], y: list[float], lr: float, epochs: int) -> Any:
            result = answer(torch.tensor(X), torch.tensor(y), lr, epochs)
            return result.detach() if isinstance(result, torch.Tensor) else result

        return student

    return check_function(TRAIN_SLOPE, train_slope, hand_loop_slope, TRAIN_CASES, rtol=1e-5, atol=1e-6, adapt=adapt)


# (learning rate, momentum, steps) for the Nesterov check.
NESTEROV_CASES = [(0.01, 0.9, 15), (0.05, 0.5, 10), (0.002, 0.99, 12)]


def _trajectory(make_optimizer: Callable[[list[torch.Tensor]], Any], steps: int) -> np.ndarray:
    """Train y_hat = w x + b on fixed data; return the (steps, 2) array of (weight w, bias b) after each step."""
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


def _nesterov_with(look_ahead: bool = True, clear: bool = True, sign: float = 1.0,
                   forget_gradient: bool = False) -> type:
    """A Nesterov optimizer class with one chosen slip (for the catalogue of wrong answers)."""

    class Optimizer:
        def __init__(self, params: Any, lr: float, momentum: float) -> None:
            self.params, self.lr, self.momentum = list(params), lr, momentum
            self.buffers: list[Any] = [None] * len(self.params)

        @torch.no_grad()
        def step(self) -> None:
            for i, p in enumerate(self.params):
                g = p.grad
                buffer = g.clone() if self.buffers[i] is None else self.momentum * self.buffers[i] + g
                self.buffers[i] = buffer
                if not look_ahead:
                    direction = buffer
                elif forget_gradient:
                    direction = self.momentum * buffer
                else:
                    direction = g + self.momentum * buffer
                p -= sign * self.lr * direction

        def zero_grad(self) -> None:
            if clear:
                for p in self.params:
                    p.grad = None

    return Optimizer


NESTEROV_SGD = Exercise(
    "NesterovSGD",
    hints=(
        "Nesterov looks ahead: its step is not the buffer itself (that is plain momentum) but the "
        "current gradient plus a look-ahead along the buffer; keep one buffer per parameter, "
        "across calls to step(), and let zero_grad() leave the next backward() a clean slate.",
        "the buffer is v = momentum * v + g (and g itself on the first step); the look-ahead step "
        "goes along g + momentum * v, against the gradient, scaled by lr; do it under torch.no_grad().",
        "p -= lr * (p.grad + momentum * buffer), with buffer = momentum * buffer + p.grad",
    ),
    mistakes=(
        Mistake(_nesterov_with(look_ahead=False),
                "this is plain momentum: the step follows the buffer, with no look-ahead"),
        Mistake(_nesterov_with(clear=False),
                "zero_grad() leaves p.grad as it is: the gradients of the steps add up"),
        Mistake(_nesterov_with(sign=-1.0),
                "the parameters move with the gradient, not against it: the loss goes up"),
        Mistake(_nesterov_with(forget_gradient=True),
                "the look-ahead step leaves out the current gradient g: it is g + momentum * v"),
    ),
)


def check_nesterov_sgd(optimizer_class: type) -> None:
    """Check a hand-written ``optimizer_class(params, lr, momentum)`` against torch's Nesterov SGD.

    Both optimizers train the same two-parameter model; every step's (w, b) must agree.

    Raises:
        ExerciseFailed: the trajectories differ, or the class cannot be used as an optimizer.
    """
    if not isinstance(optimizer_class, type):
        if optimizer_class is Ellipsis:
            return check_function(NESTEROV_SGD, ..., lambda: None, [()])
        raise fail(NESTEROV_SGD, f"expected a class, got {type(optimizer_class).__name__}",
                   "an instance was passed: give the class itself, NesterovSGD, without calling it")

    def adapt(answer: type) -> Callable[[float, float, int], np.ndarray]:
        def student(lr: float, momentum: float, steps: int) -> np.ndarray:
            return _trajectory(lambda params: answer(params, lr=lr, momentum=momentum), steps)

        return student

    def reference(lr: float, momentum: float, steps: int) -> np.ndarray:
        return _trajectory(lambda params: torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=True), steps)

    return check_function(
        NESTEROV_SGD, optimizer_class, reference, NESTEROV_CASES, rtol=1e-5, atol=1e-6, adapt=adapt,
        row_name="step", labels=("weight w", "bias b"), factors={},
    )
