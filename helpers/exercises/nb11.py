"""Checkers for notebook 11 (momentum and Adam).

The references are PyTorch's own optimizers: ``torch.optim.SGD(momentum=...)`` and
``torch.optim.Adam``, fed the same sequence of gradients as the student's update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from helpers.exercises.core import Exercise, Mistake, check_function


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


def _old_velocity(w: Any, velocity: Any, gradient: Any, lr: float, momentum: float) -> tuple[Any, Any]:
    return w - lr * velocity, momentum * velocity + gradient


def _dampened(w: Any, velocity: Any, gradient: Any, lr: float, momentum: float) -> tuple[Any, Any]:
    velocity = momentum * velocity + (1 - momentum) * gradient
    return w - lr * velocity, velocity


def _uphill(w: Any, velocity: Any, gradient: Any, lr: float, momentum: float) -> tuple[Any, Any]:
    velocity = momentum * velocity + gradient
    return w + lr * velocity, velocity


def _no_memory(w: Any, velocity: Any, gradient: Any, lr: float, momentum: float) -> tuple[Any, Any]:
    return w - lr * gradient, velocity


MOMENTUM_STEP = Exercise(
    "momentum_step",
    hints=(
        "two updates in a fixed order: first the velocity remembers the gradients, then w moves "
        "along the velocity.",
        "torch's convention: the velocity decays by `momentum` and adds the whole new gradient (no "
        "(1 - momentum) factor); w then steps against the NEW velocity, scaled by lr.",
        "velocity = momentum * velocity + gradient; return w - lr * velocity, velocity",
    ),
    mistakes=(
        Mistake(_old_velocity, "w moves along the OLD velocity: update the velocity first, then step with it"),
        Mistake(_dampened,
                "the gradient is scaled by (1 - momentum), as in an average: torch's SGD adds the whole gradient"),
        Mistake(_uphill, "w moves along the velocity, uphill: the step goes against it"),
        Mistake(_no_memory, "the velocity is never used: this is plain gradient descent"),
    ),
)


def check_momentum_step(momentum_step: Callable[..., Any]) -> None:
    """Check ``momentum_step(w, velocity, gradient, lr, momentum) -> (new_w, new_velocity)`` against torch.optim.SGD."""

    def adapt(answer: Callable[..., Any]) -> Callable[..., np.ndarray]:
        def student(start: np.ndarray, lr: float, momentum: float, seed: int, steps: int) -> np.ndarray:
            w, velocity = start.copy(), np.zeros_like(start)
            path = []
            for gradient in _gradient_sequence(seed, steps, start.size):
                result = answer(w, velocity, gradient, lr, momentum)
                if not isinstance(result, tuple) or len(result) != 2:
                    raise TypeError("momentum_step must return a pair (new_w, new_velocity)")
                w, velocity = (np.asarray(r, dtype=np.float64) for r in result)
                path.append(w.copy())
            return np.stack(path)

        return student

    def reference(start: np.ndarray, lr: float, momentum: float, seed: int, steps: int) -> np.ndarray:
        gradients = _gradient_sequence(seed, steps, start.size)
        return _torch_path(lambda p: torch.optim.SGD(p, lr=lr, momentum=momentum), start, gradients)

    return check_function(
        MOMENTUM_STEP, momentum_step, reference, MOMENTUM_CASES, rtol=1e-10, atol=1e-12, adapt=adapt,
        arg_names=("start", "lr", "momentum", "gradient_seed", "steps"), row_name="step", factors={},
    )


#: (start, lr, seed of the gradient sequence, steps)
ADAM_CASES = [
    (np.array([1.0, 1.0]), 0.1, 3, 6),
    (np.array([0.5, -2.0, 3.0]), 0.01, 4, 8),
    (np.array([-1.0]), 0.5, 5, 3),
]


def _adam_with(correct: str = "both", root: bool = True, step_offset: int = 0,
               betas: tuple[float, float] = (0.9, 0.999),
               eps_inside: bool = False) -> Callable[..., tuple[Any, Any, Any]]:
    """An Adam step with one chosen slip (for the catalogue of wrong answers)."""
    b1, b2 = betas

    def adam_step(w: Any, g: Any, m: Any, s: Any, t: int, lr: float) -> tuple[Any, Any, Any]:
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g**2
        k = t + step_offset
        m_hat = m / (1 - b1**k) if correct in ("both", "m") else m
        s_hat = s / (1 - b2**k) if correct == "both" else s
        if eps_inside:
            return w - lr * m_hat / np.sqrt(s_hat + 1e-8), m, s
        scale = np.sqrt(s_hat) if root else s_hat
        return w - lr * m_hat / (scale + 1e-8), m, s

    return adam_step


ADAM_STEP = Exercise(
    "adam_step",
    hints=(
        "Adam keeps two running averages, of the gradient and of its square, corrects both for "
        "starting at zero, and divides one by the root of the other.",
        "each average keeps beta of its old value and adds (1 - beta) of the new one: beta = 0.9 "
        "for g, 0.999 for g^2; both are then divided by (1 - beta^t), with t as passed (it "
        "counts from 1); the step size is lr, and eps sits outside the square root.",
        "w - lr * m_hat / (np.sqrt(s_hat) + 1e-8), with m_hat = m / (1 - 0.9**t), s_hat = s / (1 - 0.999**t)",
    ),
    mistakes=(
        Mistake(_adam_with(correct="none"),
                "no bias correction: m and s start at zero and shrink by different factors, so the first steps come out several times too large"),
        Mistake(_adam_with(correct="m"), "only m is bias-corrected; s needs its own correction too"),
        Mistake(_adam_with(root=False), "the step divides by s_hat, not by its square root"),
        Mistake(_adam_with(step_offset=1), "the bias correction uses t + 1: t is passed counting from 1 already"),
        Mistake(_adam_with(betas=(0.999, 0.9)), "the two betas are swapped: 0.9 averages the gradient, 0.999 its square"),
        Mistake(_adam_with(eps_inside=True),
                "eps (1e-8) is added inside the square root: torch adds it after taking the "
                "root (the steps differ only slightly, but the formula is a different one)"),
    ),
)


def check_adam_step(adam_step: Callable[..., Any]) -> None:
    """Check ``adam_step(w, g, m, s, t, lr) -> (new_w, new_m, new_s)`` (betas 0.9, 0.999; eps 1e-8) against torch.optim.Adam."""

    def adapt(answer: Callable[..., Any]) -> Callable[..., np.ndarray]:
        def student(start: np.ndarray, lr: float, seed: int, steps: int) -> np.ndarray:
            w, m, s = start.copy(), np.zeros_like(start), np.zeros_like(start)
            path = []
            for t, gradient in enumerate(_gradient_sequence(seed, steps, start.size), start=1):
                result = answer(w, gradient, m, s, t, lr)
                if not isinstance(result, tuple) or len(result) != 3:
                    raise TypeError("adam_step must return a triple (new_w, new_m, new_s)")
                w, m, s = (np.asarray(r, dtype=np.float64) for r in result)
                path.append(w.copy())
            return np.stack(path)

        return student

    def reference(start: np.ndarray, lr: float, seed: int, steps: int) -> np.ndarray:
        gradients = _gradient_sequence(seed, steps, start.size)
        return _torch_path(lambda p: torch.optim.Adam(p, lr=lr), start, gradients)

    return check_function(
        ADAM_STEP, adam_step, reference, ADAM_CASES, rtol=1e-9, atol=1e-12, adapt=adapt,
        arg_names=("start", "lr", "gradient_seed", "steps"), row_name="step", factors={},
    )
