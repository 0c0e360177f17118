"""Checkers for notebook 11 (momentum and Adam).

The references are PyTorch's own optimizers: ``torch.optim.SGD(momentum=...)`` and
``torch.optim.Adam``, fed the same sequence of gradients as the student's update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from helpers.exercises.core import check_function


def _gradient_sequence(seed: int, steps: int, size: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(scale=2.0, size=(steps, size))


def _torch_path(optimizer_factory: Callable[[list[torch.Tensor]], Any], start: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    weights = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_factory([weights])
    path = []
    for gradient in gradients:
        weights.grad = torch.tensor(gradient, dtype=torch.float64)
        optimizer.step()
        path.append(weights.detach().numpy().copy())
    return np.stack(path)


#: (start, lr, momentum, seed of the gradient sequence, steps)
MOMENTUM_CASES = [
    (np.array([1.0, 1.0]), 0.1, 0.9, 0, 6),
    (np.array([0.5, -2.0, 3.0]), 0.05, 0.5, 1, 5),
    (np.array([2.0]), 0.3, 0.0, 2, 4),
]


def check_momentum_step(momentum_step: Callable[..., Any]) -> None:
    """Check ``momentum_step(w, velocity, gradient, lr, momentum) -> (new_w, new_velocity)`` against torch.optim.SGD."""

    def student(start: np.ndarray, lr: float, momentum: float, seed: int, steps: int) -> np.ndarray:
        w, velocity = start.copy(), np.zeros_like(start)
        path = []
        for gradient in _gradient_sequence(seed, steps, start.size):
            result = momentum_step(w, velocity, gradient, lr, momentum)
            if not isinstance(result, tuple) or len(result) != 2:
                raise TypeError("momentum_step must return a pair (new_w, new_velocity)")
            w, velocity = (np.asarray(r, dtype=np.float64) for r in result)
            path.append(w.copy())
        return np.stack(path)

    def reference(start: np.ndarray, lr: float, momentum: float, seed: int, steps: int) -> np.ndarray:
        gradients = _gradient_sequence(seed, steps, start.size)
        return _torch_path(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum), start, gradients)

    return check_function(
        "momentum_step", student, reference, MOMENTUM_CASES, rtol=1e-10, atol=1e-12,
        hint="first the velocity, v = momentum * v + g; then the step, w = w - lr * v (with the NEW v).",
    )


#: (start, lr, seed of the gradient sequence, steps)
ADAM_CASES = [
    (np.array([1.0, 1.0]), 0.1, 3, 6),
    (np.array([0.5, -2.0, 3.0]), 0.01, 4, 8),
    (np.array([-1.0]), 0.5, 5, 3),
]


def check_adam_step(adam_step: Callable[..., Any]) -> None:
    """Check ``adam_step(w, g, m, s, t, lr) -> (new_w, new_m, new_s)`` (betas 0.9, 0.999; eps 1e-8) against torch.optim.Adam."""

    def student(start: np.ndarray, lr: float, seed: int, steps: int) -> np.ndarray:
        w, m, s = start.copy(), np.zeros_like(start), np.zeros_like(start)
        path = []
        for t, gradient in enumerate(_gradient_sequence(seed, steps, start.size), start=1):
            result = adam_step(w, gradient, m, s, t, lr)
            if not isinstance(result, tuple) or len(result) != 3:
                raise TypeError("adam_step must return a triple (new_w, new_m, new_s)")
            w, m, s = (np.asarray(r, dtype=np.float64) for r in result)
            path.append(w.copy())
        return np.stack(path)

    def reference(start: np.ndarray, lr: float, seed: int, steps: int) -> np.ndarray:
        gradients = _gradient_sequence(seed, steps, start.size)
        return _torch_path(lambda p: torch.optim.Adam(p, lr=lr), start, gradients)

    return check_function(
        "adam_step", student, reference, ADAM_CASES, rtol=1e-9, atol=1e-12,
        hint=(
            "m = 0.9 m + 0.1 g; s = 0.999 s + 0.001 g**2; then divide m by (1 - 0.9**t) and s by "
            "(1 - 0.999**t) (bias correction, t counts from 1); w = w - lr * m_hat / (sqrt(s_hat) + 1e-8)."
        ),
    )
