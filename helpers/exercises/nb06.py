"""Checkers for notebook 06 (autograd)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from helpers.exercises.core import Exercise, Mistake, check_function
from helpers.gradcheck import numerical_gradient

#: (w, X, y, penalty) cases for :func:`check_ridge_gradient`: the blog walkthrough's
#: two-feature example at its start and after three steps, and a three-example problem.
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


def _ridge_with(data_term: str, penalty_term: str, dtype: torch.dtype = torch.float64) -> Callable[..., Any]:
    """A ridge gradient by autograd with a chosen data term and penalty (for the catalogue)."""

    def gradient(w: Any, X: Any, y: Any, penalty: float) -> torch.Tensor:
        w = torch.tensor(w, dtype=dtype, requires_grad=True)
        X, y = torch.tensor(X, dtype=dtype), torch.tensor(y, dtype=dtype)
        squared = (X @ w - y) ** 2
        data = squared.mean() if data_term == "mean" else squared.sum()
        extra = {
            "squares": penalty * (w**2).sum(), "none": 0.0, "plain": penalty * w.sum(),
            "mean squares": penalty * (w**2).mean(),
        }[penalty_term]
        (data + extra).backward()
        return w.grad

    return gradient


RIDGE_GRADIENT = Exercise(
    "ridge_gradient",
    hints=(
        "write the loss part by part as defined (the data part averages over the examples, the "
        "penalty adds up over the weights) from a w that records its operations; one backward() "
        "call, and w's gradient is waiting for you.",
        "w becomes torch.tensor(w, dtype=torch.float64, requires_grad=True); X and y become float64 "
        "tensors too; the loss has two parts, the mean over the examples and the penalty.",
        "loss = ((X @ w - y) ** 2).mean() + penalty * (w**2).sum(); loss.backward(); return w.grad",
    ),
    mistakes=(
        Mistake(_ridge_with("mean", "none"),
                "the penalty is missing from the loss: penalty * sum(w^2) adds its own gradient"),
        Mistake(_ridge_with("sum", "squares"),
                "the data term is a sum over the examples; the loss asks for their mean"),
        Mistake(_ridge_with("mean", "plain"),
                "the penalty adds up the weights themselves; it should add up their squares"),
        Mistake(_ridge_with("mean", "mean squares"),
                "the penalty part is too small by a factor of the number of weights: is it a sum "
                "or a mean?"),
        Mistake(_ridge_with("mean", "squares", torch.float32),
                "the tensors are float32 (torch's default): the exercise asks for float64"),
    ),
)


def check_ridge_gradient(ridge_gradient: Callable[..., Any]) -> None:
    """Check ``ridge_gradient(w, X, y, penalty)`` (computed with autograd) against central differences.

    The loss is ``mean((X @ w - y)**2) + penalty * sum(w**2)``; the answer must be the
    gradient with respect to ``w``, shaped like ``w`` (array, list or tensor), in float64.
    """

    def reference(w: Any, X: Any, y: Any, penalty: float) -> np.ndarray:
        return numerical_gradient(lambda v: ridge_loss(v, X, y, penalty), w)

    return check_function(
        RIDGE_GRADIENT, ridge_gradient, reference, RIDGE_CASES, rtol=1e-5, atol=1e-6, dtype="float64",
        factors={"N": lambda case: float(len(case[2]))},
    )


def train_reference(learning_rate: float, n_epochs: int) -> float:
    """Gradient descent on the Gradients Example's data (X = [1, 2, 3, 4], y = 2X, w = 0) in float32
    NumPy, with the hand gradient dL/dw = mean(2 x (w x - y)). Returns the final w."""
    X = np.array([1, 2, 3, 4], dtype=np.float32)
    y = 2 * X
    w = np.float32(0.0)
    for _ in range(n_epochs):
        gradient = np.mean(2 * X * (w * X - y))
        w = w - np.float32(learning_rate) * gradient
    return float(w)


def _train_with(zero: bool = True, reduce: str = "mean", sign: float = 1.0, as_tensor: bool = False) -> Callable[..., Any]:
    """An autograd training loop with one chosen slip (for the catalogue)."""

    def train(learning_rate: float, n_epochs: int) -> Any:
        X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
        y = 2 * X
        w = torch.tensor(0.0, requires_grad=True)
        for _ in range(n_epochs):
            squared = (w * X - y) ** 2
            loss = squared.mean() if reduce == "mean" else squared.sum()
            loss.backward()
            with torch.no_grad():
                w -= sign * learning_rate * w.grad
            if zero:
                w.grad.zero_()
        return w.detach() if as_tensor else w.item()

    return train


TRAIN_WITH_AUTOGRAD = Exercise(
    "train_with_autograd",
    hints=(
        "each epoch: the loss from w, backward(), a step against w.grad, and w.grad cleaned up for "
        "the next epoch; return a plain number.",
        "the update must not be recorded (torch.no_grad()), and .grad ADDS UP across backward() "
        "calls until you zero it; .item() turns a one-number tensor into a float.",
        "loss = ((w * X - y)**2).mean(); loss.backward(); with torch.no_grad(): w -= lr * w.grad; "
        "then w.grad.zero_(); return w.item()",
    ),
    mistakes=(
        Mistake(_train_with(zero=False),
                "the gradient is never zeroed: each backward() adds to the last one (the 'forgot to "
                "zero' pitfall)"),
        Mistake(_train_with(reduce="sum"),
                "the loss is a sum over the examples (the Gradients Example's Part 1 as written): "
                "the steps are N times too long"),
        Mistake(_train_with(sign=-1.0), "the step goes uphill: w moves with the gradient, not against it"),
        Mistake(_train_with(as_tensor=True),
                "the final w is returned as a tensor; the exercise asks for a float"),
    ),
)


def check_train_with_autograd(train: Callable[[float, int], Any]) -> None:
    """Check ``train(learning_rate, n_epochs)`` -> final w (a float) against a hand-gradient NumPy loop.

    ``train`` must run gradient descent with autograd on X = [1, 2, 3, 4], y = 2X from
    w = 0 with the MSE loss, zeroing the gradient after each update.
    """
    return check_function(
        TRAIN_WITH_AUTOGRAD, train, train_reference, TRAIN_CASES, rtol=1e-5, atol=1e-6, want="float", factors={}
    )
