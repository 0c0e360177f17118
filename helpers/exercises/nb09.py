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

from helpers.exercises.core import Exercise, Mistake, check_function, fail

#: The Gradients Example's Part 4 data: four samples, one feature, y = 2 x.
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


def _train_with(zero: bool = True, reduction: str = "mean", fixed_lr: float | None = None) -> Callable[..., nn.Module]:
    """A training function with one chosen slip (for the catalogue of wrong answers)."""

    def train(seed: int, epochs: int, lr: float) -> nn.Module:
        torch.manual_seed(seed)
        model = nn.Linear(1, 1)
        loss_fn = nn.MSELoss(reduction=reduction)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr if fixed_lr is None else fixed_lr)
        X, y = torch.tensor(X_COLUMN), torch.tensor(Y_COLUMN)
        for _ in range(epochs):
            loss_fn(model(X), y).backward()
            optimizer.step()
            if zero:
                optimizer.zero_grad()
        return model

    return train


class _KeepsTrainingOneModel:
    """A train() that keeps training a model made outside it (the re-run-a-cell pitfall)."""

    def __init__(self) -> None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            self.model = nn.Linear(1, 1)

    def __call__(self, seed: int, epochs: int, lr: float) -> nn.Module:
        optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)
        X, y = torch.tensor(X_COLUMN), torch.tensor(Y_COLUMN)
        for _ in range(epochs):
            nn.functional.mse_loss(self.model(X), y).backward()
            optimizer.step()
            optimizer.zero_grad()
        return self.model


_NOT_IDEMPOTENT = (
    "the second call went on training the first call's model: the model lives outside "
    "the function, like re-running a training cell"
)
_SEEDED_AFTER = (
    "the second call gave the expected start, the first did not: the model is drawn before the "
    "seed is set, so each call's model comes from the previous call's seed. Which must come first?"
)
_NOT_SEEDED = (
    "each call draws a different model: the function does not set the seed itself (a seed set "
    "once outside it is used up by the first call)"
)


def _train_seeded_after(seed: int, epochs: int, lr: float) -> nn.Module:
    """A train() that builds the model first and seeds after it (the order slip)."""
    model = nn.Linear(1, 1)
    torch.manual_seed(seed)
    return _train_module(model, epochs, lr)


def _train_unseeded(seed: int, epochs: int, lr: float) -> nn.Module:
    """A train() that never sets the seed."""
    return _train_module(nn.Linear(1, 1), epochs, lr)


def _train_module(model: nn.Module, epochs: int, lr: float) -> nn.Module:
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    X, y = torch.tensor(X_COLUMN), torch.tensor(Y_COLUMN)
    for _ in range(epochs):
        nn.functional.mse_loss(model(X), y).backward()
        optimizer.step()
        optimizer.zero_grad()
    return model

TRAIN = Exercise(
    "train",
    hints=(
        "the function must give the same model every time it is called with the same arguments: "
        "everything it trains must be created inside it, from the seed.",
        "torch.manual_seed(seed) first, then the model, the loss nn.MSELoss() and the optimizer "
        "SGD(model.parameters(), lr=lr); each epoch one full-batch step on X, y, and clear the gradients.",
        "torch.manual_seed(seed); model = LinearRegression(1, 1); then epochs x (loss_fn(model(X), y)"
        ".backward(); optimizer.step(); optimizer.zero_grad()); return model",
    ),
    mistakes=(
        Mistake(_KeepsTrainingOneModel(), _NOT_IDEMPOTENT),
        Mistake(_train_seeded_after, _SEEDED_AFTER),
        Mistake(_train_unseeded, _NOT_SEEDED),
        Mistake(_train_with(zero=False),
                "the gradients are never zeroed: each backward() adds to the earlier epochs' gradients"),
        Mistake(_train_with(reduction="sum"),
                "reduction='sum': the loss is a sum over the 4 samples, so the steps are 4 times too long"),
        Mistake(_train_with(fixed_lr=0.01),
                "the learning rate is fixed inside the function: the argument lr is not used"),
    ),
)


def check_train(train: Callable[[int, int, float], nn.Module]) -> None:
    """Check ``train(seed, epochs, lr) -> model``: idempotent, and equal to an independent hand loop.

    Raises:
        ExerciseFailed: two calls with the same arguments give different parameters,
            or the parameters differ from the reference.
    """
    if not callable(train):
        return check_function(TRAIN, train, hand_loop_line, TRAIN_CASES)

    for case in TRAIN_CASES:
        try:
            first_model = train(*case)
            first = _flat_parameters(first_model)
            second_model = train(*case)
            second = _flat_parameters(second_model)
        except NotImplementedError:
            return check_function(TRAIN, train, hand_loop_line, TRAIN_CASES)  # says "not attempted"
        except Exception:  # check_function below reports the error, naming the case
            break
        if first.shape != second.shape or not np.array_equal(first, second):
            seed, epochs, lr = case
            expected = hand_loop_line(*case)
            if first_model is second_model:
                slip = _NOT_IDEMPOTENT
            elif second.shape == expected.shape and np.allclose(second, expected, rtol=1e-4, atol=1e-5):
                slip = _SEEDED_AFTER
            else:
                slip = _NOT_SEEDED
            raise fail(
                TRAIN,
                f"two calls train(seed={seed}, epochs={epochs}, lr={lr}) gave different parameters "
                f"{_rounded(first)} and {_rounded(second)}: the function is not idempotent",
                slip,
            )

    def adapt(answer: Callable[[int, int, float], nn.Module]) -> Callable[[int, int, float], np.ndarray]:
        return lambda seed, epochs, lr: _flat_parameters(answer(seed, epochs, lr))

    return check_function(
        TRAIN, train, hand_loop_line, TRAIN_CASES, rtol=1e-4, atol=1e-5, adapt=adapt,
        labels=("weight", "bias"), factors={},
    )


#: (input_size, output_size, n_samples): in != out catches a missing transpose.
AFFINE_CASES = [(1, 1, 4), (3, 2, 5), (2, 4, 3)]


class _AffineWith(nn.Module):
    """An Affine layer with one chosen slip (for the catalogue of wrong answers)."""

    def __init__(self, input_size: int, output_size: int, *, slip: str) -> None:
        super().__init__()
        self.slip = slip
        weight_shape = (input_size, output_size) if slip == "stored (in, out)" else (output_size, input_size)
        weight, bias = torch.zeros(weight_shape), torch.zeros(output_size)
        if slip == "plain tensors":
            self.weight, self.bias = weight, bias
        else:
            self.weight, self.bias = nn.Parameter(weight), nn.Parameter(bias)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if self.slip == "reshape":
            return X @ self.weight.reshape(self.weight.shape[1], -1) + self.bias
        if self.slip == "no bias":
            return X @ self.weight.T
        if self.slip == "stored (in, out)":
            return X @ self.weight + self.bias
        return X @ self.weight.T + self.bias


def _affine_class(slip: str) -> type:
    return type(f"Affine_{slip.replace(' ', '_')}", (_AffineWith,),
                {"__init__": lambda self, i, o: _AffineWith.__init__(self, i, o, slip=slip)})


_NOT_REGISTERED = "the tensors are not nn.Parameters: the module (and its optimizer) cannot see them"
_STORED_IN_OUT = "weight is stored as (in, out); nn.Linear keeps (out, in), so load_state_dict cannot fill it"

AFFINE = Exercise(
    "Affine",
    hints=(
        "nn.Linear keeps weight with shape (out, in) and bias with shape (out,), both registered "
        "as parameters; forward multiplies the input by the weight and adds the bias.",
        "in __init__: super().__init__(), then nn.Parameter(torch.zeros(...)) for each; in forward "
        "the (N, in) input meets an (out, in) weight, so one of them must be turned on its side "
        "(a transpose, not a reshape).",
        "return X @ self.weight.T + self.bias",
    ),
    mistakes=(
        Mistake(_affine_class("reshape"),
                "reshape keeps the numbers in memory order: it is not a transpose, so weights land on "
                "the wrong inputs"),
        Mistake(_affine_class("no bias"), "forward leaves out the bias"),
        Mistake(_affine_class("plain tensors"), _NOT_REGISTERED),
        Mistake(_affine_class("stored (in, out)"), _STORED_IN_OUT),
    ),
)


def check_affine(module_class: type) -> None:
    """Check ``module_class(input_size, output_size)``: parameters ``weight`` (out, in) and
    ``bias`` (out,), forward ``X @ weight.T + bias``, compared with ``nn.Linear``.

    Raises:
        ExerciseFailed: the parameters are not registered under those names and shapes,
            or the forward pass differs from ``nn.Linear`` with the same weights.
    """
    if not isinstance(module_class, type):
        if module_class is Ellipsis:
            return check_function(AFFINE, ..., lambda: None, [()])
        raise fail(AFFINE, f"expected a class, got {type(module_class).__name__}",
                   "an instance was passed: give the class itself, Affine, without calling it")

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
                AFFINE, lambda i, o, n: module_class(i, o), lambda *case: None, AFFINE_CASES
            )
        except Exception as error:
            raise fail(AFFINE, f"Affine({input_size}, {output_size}) raised {type(error).__name__}: {error}") from None
        if not isinstance(module, nn.Module):
            raise fail(AFFINE, f"must subclass nn.Module, got {type(module).__name__}",
                       "the class does not inherit from nn.Module: class Affine(nn.Module)")
        shapes = {name: tuple(p.shape) for name, p in module.named_parameters()}
        wanted = {"weight": (output_size, input_size), "bias": (output_size,)}
        if shapes != wanted:
            if not shapes:
                slip = _NOT_REGISTERED
            elif shapes.get("weight") == (input_size, output_size):
                slip = _STORED_IN_OUT
            else:
                slip = "the parameters' names or shapes differ from nn.Linear's"
            raise fail(AFFINE, f"Affine({input_size}, {output_size}): expected parameters {wanted}, got {shapes}", slip)

    def adapt(answer: type) -> Callable[[int, int, int], np.ndarray]:
        def student(input_size: int, output_size: int, n_samples: int) -> np.ndarray:
            module = answer(input_size, output_size)
            module.load_state_dict(reference_layer(input_size, output_size).state_dict())
            with torch.no_grad():
                return module(inputs(input_size, n_samples)).double().numpy()

        return student

    def reference(input_size: int, output_size: int, n_samples: int) -> np.ndarray:
        with torch.no_grad():
            return reference_layer(input_size, output_size)(inputs(input_size, n_samples)).double().numpy()

    return check_function(
        AFFINE, module_class, reference, AFFINE_CASES, rtol=1e-5, atol=1e-6, adapt=adapt, row_name="sample",
        factors={},
    )
