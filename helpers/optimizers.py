"""Momentum and Adam written out in NumPy, and their best settings on a quadratic.

The updates follow ``torch.optim`` exactly, so a notebook can run both side by side:

- momentum (``torch.optim.SGD(momentum=beta)``, "heavy ball"):
  ``v <- beta * v + g``, ``w <- w - lr * v`` (with ``v = 0`` before the first step);
- Adam (``torch.optim.Adam``): ``m <- b1 m + (1 - b1) g``, ``s <- b2 s + (1 - b2) g^2``,
  ``w <- w - lr * (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)``.

On a quadratic loss whose Hessian has eigenvalues ``lambda_min <= ... <= lambda_max``
(condition number ``kappa = lambda_max / lambda_min``) the classical tuning is:

- gradient descent: ``lr = 2 / (lambda_min + lambda_max)``, error shrinks by
  ``(kappa - 1) / (kappa + 1)`` per step;
- heavy ball: ``lr = 4 / (sqrt(lambda_max) + sqrt(lambda_min))^2``,
  ``beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2``, error shrinks by
  ``(sqrt(kappa) - 1) / (sqrt(kappa) + 1)`` per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers._validate import as_float_array, positive_int, positive_number

Gradient = Callable[[np.ndarray], Any]


def _fraction(value: Any, name: str) -> float:
    """A number in [0, 1): momentum and Adam's betas."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number in [0, 1), got {type(value).__name__}")
    number = float(value)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return number


def _same_shape(reference: np.ndarray, other: np.ndarray, name: str, reference_name: str) -> None:
    if other.shape != reference.shape:
        raise ValueError(f"{name} must have the shape of {reference_name}, {reference.shape}, got {other.shape}")


def momentum_step(
    weights: Any, velocity: Any, gradient: Any, lr: float, momentum: float
) -> tuple[np.ndarray, np.ndarray]:
    """One heavy-ball step, as ``torch.optim.SGD(params, lr=lr, momentum=momentum)`` takes it.

    Args:
        weights: the current weights (any shape).
        velocity: the running sum of gradients, shaped like ``weights`` (zeros before the first step).
        gradient: the gradient at ``weights``, same shape.
        lr: the step size, > 0.
        momentum: ``beta`` in [0, 1); 0 gives plain gradient descent.

    Returns:
        ``(new_weights, new_velocity)`` as float64 arrays; the inputs are not modified.

    Raises:
        ValueError: shapes differ, an entry is NaN/inf, ``lr`` <= 0 or ``momentum`` outside [0, 1).
        TypeError: a non-numeric argument.
    """
    w = as_float_array(weights, "weights")
    v = as_float_array(velocity, "velocity")
    g = as_float_array(gradient, "gradient")
    _same_shape(w, v, "velocity", "weights")
    _same_shape(w, g, "gradient", "weights")
    step = positive_number(lr, "lr")
    beta = _fraction(momentum, "momentum")
    new_velocity = beta * v + g
    return w - step * new_velocity, new_velocity


def adam_step(
    weights: Any,
    gradient: Any,
    first_moment: Any,
    second_moment: Any,
    step: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step, as ``torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)`` takes it.

    Args:
        weights: the current weights (any shape).
        gradient: the gradient at ``weights``, same shape.
        first_moment: running mean of gradients ``m`` (zeros before the first step).
        second_moment: running mean of squared gradients ``s`` (zeros before the first step).
        step: the number of this step, counting from 1 (used for the bias corrections).
        lr: the step size, > 0.
        betas: ``(b1, b2)``, each in [0, 1).
        eps: added to the denominator, > 0.

    Returns:
        ``(new_weights, new_first_moment, new_second_moment)`` as float64 arrays.

    Raises:
        ValueError: shapes differ, NaN/inf, a negative second moment, ``step`` < 1,
            ``lr`` or ``eps`` <= 0, a beta outside [0, 1).
        TypeError: a non-numeric argument, or ``betas`` is not a pair.
    """
    w = as_float_array(weights, "weights")
    g = as_float_array(gradient, "gradient")
    m = as_float_array(first_moment, "first_moment")
    s = as_float_array(second_moment, "second_moment")
    _same_shape(w, g, "gradient", "weights")
    _same_shape(w, m, "first_moment", "weights")
    _same_shape(w, s, "second_moment", "weights")
    if np.any(s < 0):
        raise ValueError("second_moment must be >= 0 (a running mean of squared gradients)")
    t = positive_int(step, "step")
    rate = positive_number(lr, "lr")
    epsilon = positive_number(eps, "eps")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (b1, b2), got {betas!r}")
    b1, b2 = _fraction(betas[0], "betas[0]"), _fraction(betas[1], "betas[1]")
    m = b1 * m + (1 - b1) * g
    s = b2 * s + (1 - b2) * g * g
    m_hat_scale = 1 - b1**t
    s_hat_scale = 1 - b2**t
    denominator = np.sqrt(s) / math.sqrt(s_hat_scale) + epsilon
    return w - (rate / m_hat_scale) * m / denominator, m, s


def _run(gradient: Gradient, start: Any, steps: int, update: Callable[..., np.ndarray]) -> np.ndarray:
    if not callable(gradient):
        raise TypeError(f"gradient must be callable, got {type(gradient).__name__}")
    w = as_float_array(start, "start")
    count = positive_int(steps, "steps")
    path = [w]
    for index in range(1, count + 1):
        g = as_float_array(gradient(w.copy()), "gradient(w)")
        _same_shape(w, g, "gradient(w)", "start")
        w = update(w, g, index)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e150:
            raise ValueError(f"the run diverged at step {index} (weights became huge or NaN): lower lr")
        path.append(w)
    return np.stack(path)


def run_momentum(gradient: Gradient, start: Any, lr: float, momentum: float, steps: int) -> np.ndarray:
    """Run heavy ball (``momentum=0``: plain gradient descent) from ``start``.

    Args:
        gradient: maps the weights (a float64 array shaped like ``start``) to the gradient.
        start: the initial weights.
        lr: step size, > 0.
        momentum: ``beta`` in [0, 1).
        steps: number of updates, >= 1.

    Returns:
        The path, a float64 array of shape ``(steps + 1, *start.shape)``; row 0 is ``start``.

    Raises:
        ValueError: bad arguments (see :func:`momentum_step`), or the run diverged.
        TypeError: ``gradient`` is not callable.
    """
    positive_number(lr, "lr")
    _fraction(momentum, "momentum")
    velocity: list[np.ndarray] = []

    def update(w: np.ndarray, g: np.ndarray, index: int) -> np.ndarray:
        v = velocity[0] if velocity else np.zeros_like(w)
        new_w, new_v = momentum_step(w, v, g, lr, momentum)
        velocity[:] = [new_v]
        return new_w

    return _run(gradient, start, steps, update)


def run_adam(
    gradient: Gradient,
    start: Any,
    lr: float,
    steps: int,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> np.ndarray:
    """Run Adam from ``start``; returns the path like :func:`run_momentum`.

    Raises:
        ValueError: bad arguments (see :func:`adam_step`), or the run diverged.
        TypeError: ``gradient`` is not callable.
    """
    positive_number(lr, "lr")
    moments: list[np.ndarray] = []

    def update(w: np.ndarray, g: np.ndarray, index: int) -> np.ndarray:
        m, s = moments if moments else (np.zeros_like(w), np.zeros_like(w))
        new_w, m, s = adam_step(w, g, m, s, index, lr, betas, eps)
        moments[:] = [m, s]
        return new_w

    return _run(gradient, start, steps, update)


def _extreme_eigenvalues(eigenvalues: Any) -> tuple[float, float]:
    values = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    if values.size == 0:
        raise ValueError("eigenvalues must not be empty")
    if np.any(values <= 0):
        raise ValueError(f"eigenvalues must all be > 0 (a positive definite Hessian), got min {values.min():.3g}")
    return float(values.min()), float(values.max())


def best_gradient_descent(eigenvalues: Any) -> tuple[float, float]:
    """The step size that makes gradient descent fastest on a quadratic, and its rate.

    Args:
        eigenvalues: the Hessian's eigenvalues (1-D, all > 0).

    Returns:
        ``(lr, rate)`` with ``lr = 2 / (lambda_min + lambda_max)`` and
        ``rate = (kappa - 1) / (kappa + 1)``, the factor by which the distance to the
        minimum shrinks at every step.

    Raises:
        ValueError: empty, not 1-D, NaN/inf, or an eigenvalue <= 0.
    """
    low, high = _extreme_eigenvalues(eigenvalues)
    kappa = high / low
    return 2.0 / (low + high), (kappa - 1.0) / (kappa + 1.0)


def best_heavy_ball(eigenvalues: Any) -> tuple[float, float, float]:
    """Polyak's best heavy-ball step size and momentum on a quadratic, and its rate.

    Args:
        eigenvalues: the Hessian's eigenvalues (1-D, all > 0).

    Returns:
        ``(lr, momentum, rate)``: ``lr = 4 / (sqrt(lambda_max) + sqrt(lambda_min))^2``,
        ``momentum = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2`` and
        ``rate = (sqrt(kappa) - 1) / (sqrt(kappa) + 1)``.

    Raises:
        ValueError: empty, not 1-D, NaN/inf, or an eigenvalue <= 0.
    """
    low, high = _extreme_eigenvalues(eigenvalues)
    root_kappa = math.sqrt(high / low)
    rate = (root_kappa - 1.0) / (root_kappa + 1.0)
    return 4.0 / (math.sqrt(high) + math.sqrt(low)) ** 2, rate**2, rate


def predicted_steps(rate: float, start_distance: float, tolerance: float) -> int:
    """Steps ``k`` after which ``start_distance * rate**k`` first drops to ``tolerance`` or below.

    Raises:
        ValueError: ``rate`` not in (0, 1), or a distance/tolerance <= 0.
    """
    r = positive_number(rate, "rate")
    if r >= 1:
        raise ValueError(f"rate must be < 1 for the run to converge, got {rate!r}")
    distance = positive_number(start_distance, "start_distance")
    target = positive_number(tolerance, "tolerance")
    if distance <= target:
        return 0
    return math.ceil(math.log(target / distance) / math.log(r) - 1e-12)


def steps_to_reach(path: Any, minimum: Any, tolerance: float) -> int:
    """The first step at which the distance from ``path[k]`` to ``minimum`` is <= ``tolerance``.

    Args:
        path: weights visited, shape ``(steps + 1, ...)`` (as :func:`run_momentum` returns).
        minimum: the minimizer, shaped like one row of ``path``.
        tolerance: the distance to reach, > 0.

    Returns:
        The step index ``k``.

    Raises:
        ValueError: shapes disagree, NaN/inf, ``tolerance`` <= 0, or the path never gets that close.
    """
    route = as_float_array(path, "path")
    target = as_float_array(minimum, "minimum")
    if route.ndim < 1 or route.shape[1:] != target.shape:
        raise ValueError(f"path must have shape (steps + 1, *{target.shape}), got {route.shape}")
    limit = positive_number(tolerance, "tolerance")
    distances = np.sqrt(((route - target) ** 2).reshape(route.shape[0], -1).sum(axis=1))
    reached = np.nonzero(distances <= limit)[0]
    if reached.size == 0:
        raise ValueError(f"the path never gets within tolerance {tolerance:g} (closest: {distances.min():.3e}); run more steps")
    return int(reached[0])
