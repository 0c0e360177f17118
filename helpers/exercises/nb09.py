"""Checkers for notebook 09 (nn.Linear and nn.Module).

The training check compares with a float64 NumPy loop (gradients written out by
hand) started from the weights ``torch.manual_seed(seed); nn.Linear(1, 1)`` draws;
the module check compares with ``nn.Linear`` carrying the same weights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.exercises.core import ExerciseFailed, check_function

#: The seed-001 Part 4 data: four samples, one feature, y = 2 x.
X_COLUMN = [[1.0], [2.0], [3.0], [4.0]]
Y_COLUMN = [[2.0], [4.0], [6.0], [8.0]]

#: (seed, epochs, learning rate)
TRAIN_CASES = [(0, 100, 0.01), (1, 30, 0.01), (7, 20, 0.05)]


def hand_loop_line(seed: int, epochs: int, lr: float) -> np.ndarray:
    """Gradient descent on MSE for ``y_hat = w x + b`` from nn.Linear(1, 1)'s seeded start, in float64.

    Returns the array ``[w, b]`` after ``epochs`` full-batch steps on the Part 4 data.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        start = nn.Linear(1, 1)
    w = float(start.weight.detach().reshape(()))
    b = float(start.bias.detach().reshape(()))
    x = np.asarray(X_COLUMN, dtype=np.float64).reshape(-1)
    y = np.asarray(Y_COLUMN, dtype=np.float64).reshape(-1)
    for _ in range(epochs):
        residual = w * x + b - y
        w, b = w - lr * float(np.mean(2 * residual * x)), b - lr * float(np.mean(2 * residual))
    return np.array([w, b])


def _flat_parameters(model: Any) -> np.ndarray:
    if not isinstance(model, nn.Module):
        raise TypeError(f"train must return an nn.Module (the trained model), got {type(model).__name__}")
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double().numpy()


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def check_train(train: Callable[[int, int, float], nn.Module]) -> None:
    """Check ``train(seed, epochs, lr) -> model``: idempotent, and equal to an independent hand loop.

    Raises:
        ExerciseFailed: two calls with the same arguments give different parameters,
            or the parameters differ from the reference.
    """
    if not callable(train):
        return check_function("train", train, hand_loop_line, TRAIN_CASES)

    for case in TRAIN_CASES:
        try:
            first, second = (_flat_parameters(train(*case)) for _ in range(2))
        except NotImplementedError:
            return check_function("train", train, hand_loop_line, TRAIN_CASES)  # says "not attempted"
        except Exception:  # check_function below reports the error, naming the case
            break
        if first.shape != second.shape or not np.array_equal(first, second):
            raise ExerciseFailed(
                f"train: two calls train{case} gave different parameters "
                f"{_rounded(first)} and {_rounded(second)}: the function is not idempotent.\n"
                "Hint: create the model AND the optimizer inside train, right after "
                "torch.manual_seed(seed); never keep training a model made outside the function."
            )

    def student(seed: int, epochs: int, lr: float) -> np.ndarray:
        return _flat_parameters(train(seed, epochs, lr))

    return check_function(
        "train", student, hand_loop_line, TRAIN_CASES, rtol=1e-4, atol=1e-5,
        hint=(
            "torch.manual_seed(seed), then nn.Linear(1, 1) (or LinearRegression(1, 1)) FIRST, "
            "then nn.MSELoss() and torch.optim.SGD(model.parameters(), lr=lr); "
            "train `epochs` full-batch steps on X (4, 1) and y (4, 1)."
        ),
    )


#: (input_size, output_size, n_samples): in != out catches a missing transpose.
AFFINE_CASES = [(1, 1, 4), (3, 2, 5), (2, 4, 3)]


def check_affine(module_class: type) -> None:
    """Check ``module_class(input_size, output_size)``: parameters ``weight`` (out, in) and
    ``bias`` (out,), forward ``X @ weight.T + bias``, compared with ``nn.Linear``.

    Raises:
        ExerciseFailed: the parameters are not registered under those names and shapes,
            or the forward pass differs from ``nn.Linear`` with the same weights.
    """
    if not isinstance(module_class, type):
        if module_class is Ellipsis:
            return check_function("Affine", ..., lambda: None, [()])
        raise ExerciseFailed(f"Affine: expected a class, got {type(module_class).__name__}")

    def reference_layer(input_size: int, output_size: int) -> nn.Linear:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(input_size * 10 + output_size)
            return nn.Linear(input_size, output_size)

    def inputs(input_size: int, n_samples: int) -> torch.Tensor:
        generator = torch.Generator().manual_seed(n_samples)
        return torch.randn(n_samples, input_size, generator=generator)

    for input_size, output_size, _ in AFFINE_CASES:
        try:
            module = module_class(input_size, output_size)
        except NotImplementedError:
            return check_function(  # prints "not attempted yet"
                "Affine", lambda i, o, n: module_class(i, o), lambda *case: None, AFFINE_CASES
            )
        except Exception as error:
            raise ExerciseFailed(
                f"Affine: Affine({input_size}, {output_size}) raised {type(error).__name__}: {error}"
            ) from None
        if not isinstance(module, nn.Module):
            raise ExerciseFailed(f"Affine: must subclass nn.Module, got {type(module).__name__}")
        shapes = {name: tuple(p.shape) for name, p in module.named_parameters()}
        wanted = {"weight": (output_size, input_size), "bias": (output_size,)}
        if shapes != wanted:
            raise ExerciseFailed(
                f"Affine({input_size}, {output_size}): expected parameters {wanted}, got {shapes}.\n"
                "Hint: wrap each tensor in nn.Parameter and assign it to self.weight / self.bias "
                "in __init__ (after super().__init__()), or the optimizer never sees it."
            )

    def student(input_size: int, output_size: int, n_samples: int) -> np.ndarray:
        module = module_class(input_size, output_size)
        module.load_state_dict(reference_layer(input_size, output_size).state_dict())
        with torch.no_grad():
            return module(inputs(input_size, n_samples)).double().numpy()

    def reference(input_size: int, output_size: int, n_samples: int) -> np.ndarray:
        with torch.no_grad():
            return reference_layer(input_size, output_size)(inputs(input_size, n_samples)).double().numpy()

    return check_function(
        "Affine", student, reference, AFFINE_CASES, rtol=1e-5, atol=1e-6,
        hint="forward returns X @ self.weight.T + self.bias (weight has shape (out, in), like nn.Linear).",
    )
