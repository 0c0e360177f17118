"""Checkers for notebook 12 (debugging clinic).

The repaired training loop is compared with a float64 NumPy loop whose gradients are
written out by hand, started from the same seeded ``nn.Linear`` initialisation; the
honest training log with a float64 autograd loop.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.exercises.core import Exercise, Mistake, check_function, fail

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


def _train_linear_with(seeded: bool = True, columns: bool = True, zero: str = "first") -> Callable[..., Any]:
    """A repair of the broken loop that leaves one slip in (for the catalogue of wrong answers)."""

    def train_linear(x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, seed: int) -> tuple[float, float]:
        if seeded:
            torch.manual_seed(seed)
        model = nn.Linear(1, 1)
        loss_fn = nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        inputs = x.reshape(-1, 1)
        targets = y.reshape(-1, 1) if columns else y
        for _ in range(epochs):
            if zero == "first":
                optimizer.zero_grad()
            loss_value = loss_fn(model(inputs), targets)
            loss_value.backward()
            if zero == "before step":
                optimizer.zero_grad()
            optimizer.step()
        return model.weight.item(), model.bias.item()

    return train_linear


_UNREPRODUCIBLE = (
    "two calls with the same seed gave different results: the model's starting weights are not "
    "drawn right after seeding"
)

TRAIN_LINEAR = Exercise(
    "train_linear",
    hints=(
        "the broken loop has several faults: where do the starting weights come from, what shapes "
        "meet in the loss, and what happens to the gradients between epochs?",
        "torch.manual_seed(seed) right before nn.Linear(1, 1); both the prediction and the target as "
        "(N, 1) columns, passed as loss_fn(prediction, target); optimizer.zero_grad() once per epoch, "
        "not between backward() and step().",
        "torch.manual_seed(seed); model = nn.Linear(1, 1); each epoch: optimizer.zero_grad(); "
        "loss_fn(model(x.reshape(-1, 1)), y.reshape(-1, 1)).backward(); optimizer.step()",
    ),
    mistakes=(
        Mistake(_train_linear_with(seeded=False), _UNREPRODUCIBLE),
        Mistake(_train_linear_with(columns=False),
                "the target is 1-D (N,) and the prediction (N, 1): the loss broadcast them into an N x N "
                "table (run your function on its own and torch warns \"Using a target size ... that is "
                "different to the input size\"; the check keeps that warning quiet)"),
        Mistake(_train_linear_with(zero="never"),
                "the gradients are never zeroed: each backward() adds to the earlier epochs' gradients"),
        Mistake(_train_linear_with(zero="before step"),
                "the gradients are zeroed between backward() and step(): the step sees no gradient"),
    ),
)


def check_train_linear(train_linear: Callable[[torch.Tensor, torch.Tensor, float, int, int], Any]) -> None:
    """Check ``train_linear(x, y, lr, epochs, seed) -> (weight, bias)`` against a hand-written float64 loop.

    Two calls with the same arguments must give the same result (the loop is reproducible).
    """

    def adapt(answer: Callable[..., Any]) -> Callable[..., np.ndarray]:
        def student(x: list[float], y: list[float], lr: float, epochs: int, seed: int) -> np.ndarray:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # the broadcasting warning: diagnosed below
                result = answer(torch.tensor(x), torch.tensor(y), lr, epochs, seed)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise TypeError("train_linear must return a pair (weight, bias) of numbers")
            return np.array([float(v) for v in result])

        return student

    if callable(train_linear):
        student = adapt(train_linear)
        case = TRAIN_CASES[0]
        try:
            first, second = student(*case), student(*case)
        except Exception:  # check_function reports it (or says "not attempted")
            pass
        else:
            if not np.array_equal(first, second):
                raise fail(TRAIN_LINEAR, f"two calls with seed={case[4]} gave (weight, bias) = "
                           f"{[round(v, 6) for v in first]} and {[round(v, 6) for v in second]}", _UNREPRODUCIBLE)

    return check_function(
        TRAIN_LINEAR, train_linear, _hand_loop, TRAIN_CASES, rtol=1e-4, atol=1e-5, adapt=adapt,
        labels=("weight", "bias"), factors={},
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


def _log_with(pairing: str = "honest", reduce: str = "mean", transpose: bool = False) -> Callable[..., Any]:
    """A training log with one chosen slip (for the catalogue of wrong answers)."""

    def honest_log(x: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> np.ndarray:
        w, rows = 0.0, []
        for _ in range(epochs):
            gradient = 2 * x * (w * x - y)
            new_w = w - lr * (np.mean(gradient) if reduce == "mean" else np.sum(gradient))
            loss_before, loss_after = np.mean((w * x - y) ** 2), np.mean((new_w * x - y) ** 2)
            if pairing == "honest":
                rows.append([w, loss_before, new_w])
            elif pairing == "loss after":
                rows.append([w, loss_after, new_w])
            else:  # the sources' printout: the new w next to the old w's loss
                rows.append([new_w, loss_before, new_w])
            w = new_w
        table = np.array(rows)
        return table.T if transpose else table

    return honest_log


HONEST_LOG = Exercise(
    "honest_log",
    hints=(
        "each row must describe ONE moment: the w the loss was computed with, that loss, then where "
        "the step took w.",
        "compute the loss (a mean) and the mean gradient at the current w BEFORE you update it; the "
        "row is [w, loss, new w]; then continue from the new w. Shape (epochs, 3).",
        "loss_here = np.mean((w * x - y) ** 2); new_w = w - lr * np.mean(2 * x * (w * x - y)); "
        "rows.append([w, loss_here, new_w]); w = new_w",
    ),
    mistakes=(
        Mistake(_log_with(pairing="sources"),
                "the first column is the w AFTER the step, next to the loss of the w before it: the "
                "sources' misleading pairing"),
        Mistake(_log_with(pairing="loss after"),
                "the loss column is computed after the update: it belongs to the next row's w"),
        Mistake(_log_with(reduce="sum"),
                "the step uses a sum over the examples, not the mean gradient: the steps are N times too long"),
        Mistake(_log_with(transpose=True),
                "one row per quantity instead of one row per epoch: the table is transposed"),
    ),
)


def check_honest_log(honest_log: Callable[[np.ndarray, np.ndarray, float, int], Any]) -> None:
    """Check ``honest_log(x, y, lr, epochs)``: rows ``[w before, loss at that w, w after]`` from ``w = 0``."""

    def adapt(answer: Callable[..., Any]) -> Callable[..., Any]:
        def student(x: list[float], y: list[float], lr: float, epochs: int) -> Any:
            return answer(np.array(x, dtype=np.float64), np.array(y, dtype=np.float64), lr, epochs)

        return student

    return check_function(
        HONEST_LOG, honest_log, _autograd_log, LOG_CASES, rtol=1e-9, atol=1e-12, adapt=adapt,
        labels=("w before", "loss", "w after"), row_name="epoch", factors={},
    )
