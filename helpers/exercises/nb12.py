"""Checkers for notebook 12 (debugging clinic).

The repaired training loop is compared with a float64 NumPy loop whose gradients are
written out by hand, started from the same seeded ``nn.Linear`` initialisation; the
honest training log with a float64 autograd loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.exercises.core import check_function

#: (x, y, lr, epochs, seed)
TRAIN_CASES = [
    ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], 0.01, 20, 0),
    ([1.0, 2.0, 3.0], [3.0, 5.0, 7.0], 0.05, 10, 1),
    ([0.5, -1.0, 2.0, 0.0], [1.0, 0.0, 3.0, 1.0], 0.1, 5, 2),
]


def _hand_loop(x: list[float], y: list[float], lr: float, epochs: int, seed: int) -> np.ndarray:
    torch.manual_seed(seed)
    init = nn.Linear(1, 1)  # only to read the same starting weights as the student's seeded model
    w, b = float(init.weight.item()), float(init.bias.item())
    features = np.asarray(x, dtype=np.float64)
    targets = np.asarray(y, dtype=np.float64)
    for _ in range(epochs):
        residual = w * features + b - targets
        w, b = w - lr * float(np.mean(2 * residual * features)), b - lr * float(np.mean(2 * residual))
    return np.array([w, b])


def check_train_linear(train_linear: Callable[[torch.Tensor, torch.Tensor, float, int, int], Any]) -> None:
    """Check ``train_linear(x, y, lr, epochs, seed) -> (weight, bias)`` against a hand-written float64 loop."""

    def student(x: list[float], y: list[float], lr: float, epochs: int, seed: int) -> np.ndarray:
        result = train_linear(torch.tensor(x), torch.tensor(y), lr, epochs, seed)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise TypeError("train_linear must return a pair (weight, bias) of numbers")
        return np.array([float(v) for v in result])

    return check_function(
        "train_linear", student, _hand_loop, TRAIN_CASES, rtol=1e-4, atol=1e-5,
        hint=(
            "seed before nn.Linear(1, 1); give the model and the loss (N, 1) columns, "
            "loss_fn(prediction, target) in that order; zero the gradients every epoch."
        ),
    )


#: (x, y, lr, epochs)
LOG_CASES = [
    ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], 0.01, 4),
    ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 0.1, 3),
    ([0.5, -1.0, 2.0], [1.0, 0.0, 3.0], 0.2, 5),
]


def _autograd_log(x: list[float], y: list[float], lr: float, epochs: int) -> np.ndarray:
    features = torch.tensor(x, dtype=torch.float64)
    targets = torch.tensor(y, dtype=torch.float64)
    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    rows = []
    for _ in range(epochs):
        loss = ((w * features - targets) ** 2).mean()
        (gradient,) = torch.autograd.grad(loss, w)
        before = w.item()
        with torch.no_grad():
            w -= lr * gradient
        rows.append([before, loss.item(), w.item()])
    return np.array(rows)


def check_honest_log(honest_log: Callable[[np.ndarray, np.ndarray, float, int], Any]) -> None:
    """Check ``honest_log(x, y, lr, epochs)``: rows ``[w before, loss at that w, w after]`` from ``w = 0``."""

    def student(x: list[float], y: list[float], lr: float, epochs: int) -> Any:
        return honest_log(np.array(x, dtype=np.float64), np.array(y, dtype=np.float64), lr, epochs)

    return check_function(
        "honest_log", student, _autograd_log, LOG_CASES, rtol=1e-9, atol=1e-12,
        hint=(
            "one row per epoch, shape (epochs, 3): the w the loss was computed with, that loss "
            "(a mean), then w after the step with gradient mean(2 x (w x - y))."
        ),
    )
