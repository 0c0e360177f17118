"""Full-batch gradient descent on the mean-squared error of a linear model ``y ≈ X @ w``.

    loss      L(w)  = mean((X @ w - y)^2)
    gradient  dL/dw = (2/N) X^T (X @ w - y)
    step      w    <- w - learning_rate * dL/dw

Shapes: ``X`` is ``(N, d)``, or 1-D ``(N,)`` for a single weight. The weights ``w`` are a
scalar (with 1-D ``X``), ``(d,)`` with ``y`` of shape ``(N,)``, or a column ``(d, 1)`` with
``y`` of shape ``(N, 1)`` (the sources' ``W`` and ``Y``). Every function returns arrays
shaped like the ``w`` it was given.

:func:`gradient_descent` records every step in a :class:`DescentHistory`; when the run
blows up to inf/NaN it raises a ``ValueError`` that names the learning rate and the
largest stable one (``2 / lambda_max``, see :mod:`helpers.curvature`) unless
``allow_divergence=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers._validate import as_float_array, positive_int, positive_number
from helpers.curvature import BEHAVIOURS, design_matrix, max_stable_learning_rate

GradientFunction = Callable[[np.ndarray, np.ndarray, np.ndarray], Any]


@dataclass(frozen=True)
class DescentHistory:
    """Everything one gradient-descent run visited.

    Attributes:
        learning_rate: the step size used.
        weights: shape ``(steps + 1, *w.shape)``; ``weights[0]`` is the start, ``weights[k]``
            the weights after ``k`` updates.
        losses: shape ``(steps + 1,)``; ``losses[k]`` is the loss at ``weights[k]``.
        gradients: shape ``(steps, *w.shape)``; ``gradients[k]`` is the gradient at
            ``weights[k]``, the one used by update ``k + 1``.
        diverged: True if the run reached inf/NaN (only with ``allow_divergence=True``);
            the arrays then stop at the last finite step.
    """

    learning_rate: float
    weights: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    diverged: bool = False

    @property
    def steps(self) -> int:
        """The number of updates recorded."""
        return int(self.gradients.shape[0])

    @property
    def final_weights(self) -> np.ndarray:
        """The weights after the last recorded update."""
        return self.weights[-1]

    @property
    def final_loss(self) -> float:
        """The loss at :attr:`final_weights`."""
        return float(self.losses[-1])


def _prepare(X: Any, y: Any, w: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (X as (N, d), y as (N, k), w as (d, k)) after checking the shapes agree."""
    features = design_matrix(X)
    weights = as_float_array(w, "w", ndim=(0, 1, 2))
    targets = as_float_array(y, "y", ndim=(1, 2))
    n, d = features.shape
    columns = weights.reshape(d, -1) if weights.size % d == 0 and weights.size else None
    if columns is None or (weights.ndim < 2 and columns.shape[1] != 1):
        raise ValueError(f"w must have {d} entr{'y' if d == 1 else 'ies'} (one per column of X), got shape {weights.shape}")
    if targets.shape[0] != n or targets.size != n * columns.shape[1]:
        raise ValueError(f"y must have {n} rows (one per row of X) and {columns.shape[1]} column(s), got shape {targets.shape}")
    return features, targets.reshape(n, -1), columns


def predict(X: Any, w: Any) -> np.ndarray:
    """Return the predictions ``X @ w``: shape ``(N,)`` for scalar or ``(d,)`` weights, ``(N, k)`` for ``(d, k)``.

    Raises:
        ValueError: ``w`` does not have one entry per column of ``X``, or NaN/inf.
    """
    features = design_matrix(X)
    weights = as_float_array(w, "w", ndim=(0, 1, 2))
    if weights.ndim < 2:
        if weights.size != features.shape[1]:
            raise ValueError(f"w must have {features.shape[1]} entries (one per column of X), got shape {weights.shape}")
        return features @ weights.reshape(-1)
    if weights.shape[0] != features.shape[1]:
        raise ValueError(f"w must have {features.shape[1]} rows (one per column of X), got shape {weights.shape}")
    return features @ weights


def mse(X: Any, y: Any, w: Any) -> float:
    """Return the mean-squared error ``mean((X @ w - y)^2)`` (mean over every entry of ``y``).

    Raises:
        ValueError: shapes disagree (see the module docstring), or NaN/inf.
    """
    features, targets, weights = _prepare(X, y, w)
    residual = features @ weights - targets
    return float(np.mean(residual**2))


def mse_gradient(X: Any, y: Any, w: Any) -> np.ndarray:
    """Return ``dL/dw = (2/N) X^T (X @ w - y)``, shaped like ``w``.

    (With ``k`` target columns the mean is over ``N k`` entries, so the factor is ``2/(N k)``.)

    Raises:
        ValueError: shapes disagree (see the module docstring), or NaN/inf.
    """
    features, targets, weights = _prepare(X, y, w)
    residual = features @ weights - targets
    gradient = (2.0 / targets.size) * features.T @ residual
    return gradient.reshape(np.shape(as_float_array(w, "w")))


def gradient_descent(
    X: Any,
    y: Any,
    w0: Any,
    learning_rate: float,
    steps: int,
    *,
    allow_divergence: bool = False,
    gradient: GradientFunction | None = None,
) -> DescentHistory:
    """Run ``steps`` full-batch updates ``w <- w - learning_rate * gradient(X, y, w)`` from ``w0``.

    Args:
        X, y: the data (see the module docstring for shapes).
        w0: the starting weights; not modified.
        learning_rate: the step size, > 0.
        steps: the number of updates, >= 1.
        allow_divergence: if True, a run that reaches inf/NaN stops there and is returned
            with ``diverged=True`` instead of raising.
        gradient: replaces :func:`mse_gradient` (same arguments, returns an array shaped
            like ``w``), e.g. to run a buggy gradient from a source.

    Returns:
        A :class:`DescentHistory` of weights, losses and gradients.

    Raises:
        ValueError: bad shapes or values; ``learning_rate`` not positive; or the run
            diverged to inf/NaN (the message names ``learning_rate`` and ``2/lambda_max``).
        TypeError: ``steps`` is not an int, or ``gradient`` is not callable.
    """
    rate = positive_number(learning_rate, "learning_rate")
    count = positive_int(steps, "steps")
    if gradient is not None and not callable(gradient):
        raise TypeError(f"gradient must be callable or None, got {type(gradient).__name__}")
    _prepare(X, y, w0)  # shape checks, with messages naming X, y and w
    data_x = as_float_array(X, "X")
    data_y = as_float_array(y, "y")
    w = as_float_array(w0, "w0").copy()
    gradient_of = gradient or mse_gradient

    weights, losses, gradients = [w.copy()], [mse(data_x, data_y, w)], []
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, count + 1):
            g = np.asarray(gradient_of(data_x, data_y, w.copy()), dtype=np.float64)
            if g.shape != w.shape:
                raise ValueError(f"gradient must return an array shaped like w, {w.shape}, got {g.shape}")
            new_w = w - rate * g
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(new_w))):
                diverged_at = step
                break
            loss = _loss_or_inf(data_x, data_y, new_w)
            if not np.isfinite(loss):
                diverged_at = step
                break
            gradients.append(g)
            weights.append(new_w.copy())
            losses.append(loss)
            w = new_w
    if diverged_at is not None and not allow_divergence:
        bound = max_stable_learning_rate(data_x)
        # one short line per fact: the message is printed on a slide (88 columns)
        head = f"gradient descent diverged at step {diverged_at} (the loss overflowed to inf/NaN):\n"
        if gradient is None:
            body = f"learning_rate={rate:g} is too large; for this X it must be below 2/lambda_max = {bound:.6g}."
        else:
            # the bound belongs to the true MSE gradient, so the rate is not called too large
            body = (
                f"learning_rate={rate:g} with a custom gradient. For the true MSE gradient the bound\n"
                f"is 2/lambda_max = {bound:.6g}; a gradient k times too large lowers it to {bound:.6g}/k."
            )
        raise ValueError(head + body + "\nPass allow_divergence=True to get the history.")
    empty = np.empty((0, *w.shape))
    return DescentHistory(
        learning_rate=rate,
        weights=np.array(weights),
        losses=np.array(losses),
        gradients=np.array(gradients) if gradients else empty,
        diverged=diverged_at is not None,
    )


def _loss_or_inf(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    features, targets, weights = _prepare(X, y, w)
    residual = features @ weights - targets
    value = float(np.mean(residual**2))
    return value if np.isfinite(value) else float("inf")


def run_learning_rates(
    X: Any,
    y: Any,
    w0: Any,
    learning_rates: Iterable[float],
    steps: int,
    *,
    allow_divergence: bool = False,
) -> dict[float, DescentHistory]:
    """Run :func:`gradient_descent` once per learning rate, from the same ``w0``.

    Returns:
        ``{learning_rate: DescentHistory}`` in the order given.

    Raises:
        ValueError: ``learning_rates`` is empty or repeats a value, or as :func:`gradient_descent`.
    """
    rates = [positive_number(rate, "learning_rates entry") for rate in learning_rates]
    if not rates:
        raise ValueError("learning_rates must contain at least one learning rate")
    if len(set(rates)) != len(rates):
        raise ValueError(f"learning_rates must not repeat a value, got {rates}")
    return {rate: gradient_descent(X, y, w0, rate, steps, allow_divergence=allow_divergence) for rate in rates}


def first_step_within(history: DescentHistory, target: Any, tolerance: float) -> int | None:
    """Return the first ``k`` with ``||weights[k] - target|| <= tolerance`` (Euclidean), or None.

    Raises:
        ValueError: ``target`` is not shaped like the weights, or ``tolerance`` is not positive.
    """
    limit = positive_number(tolerance, "tolerance")
    goal = as_float_array(target, "target")
    if goal.shape != history.weights.shape[1:]:
        raise ValueError(f"target must be shaped like the weights, {history.weights.shape[1:]}, got {goal.shape}")
    distances = np.sqrt(np.sum((history.weights - goal).reshape(len(history.weights), -1) ** 2, axis=1))
    within = np.flatnonzero(distances <= limit)
    return int(within[0]) if within.size else None


def observed_behaviour(history: DescentHistory, target: Any) -> str:
    """Name what a one-weight run did, from its errors ``e_k = w_k - target``.

    Returns one of :data:`helpers.curvature.BEHAVIOURS`, so it can be compared with
    :func:`helpers.curvature.predicted_behaviour`.

    Raises:
        ValueError: more than one weight, fewer than 2 steps, the start is already at
            ``target``, or the errors follow no single pattern.
    """
    if int(np.prod(history.weights.shape[1:])) != 1:
        raise ValueError(f"history must be of a one-weight run, got weights of shape {history.weights.shape[1:]}")
    if history.steps < 2:
        raise ValueError(f"history must have at least 2 steps to show a pattern, got {history.steps}")
    errors = history.weights.reshape(-1) - float(as_float_array(target, "target").reshape(()))
    scale = abs(errors[0])
    if scale == 0:
        raise ValueError("target must differ from the starting weight, or nothing can be observed")
    tol = 1e-9 * scale
    if np.all(np.abs(errors[1:]) <= tol):
        return BEHAVIOURS[1]
    sizes, signs = np.abs(errors), np.sign(errors)
    alternating = bool(np.all(signs[1:] == -signs[:-1]))
    same_sign = bool(np.all(signs[1:] == signs[0]))
    shrinking = bool(np.all(sizes[1:] < sizes[:-1] - tol))
    growing = bool(np.all(sizes[1:] > sizes[:-1] + tol))
    steady = bool(np.all(np.abs(sizes - scale) <= tol))
    if growing:
        return BEHAVIOURS[4]
    if alternating and steady:
        return BEHAVIOURS[3]
    if alternating and shrinking:
        return BEHAVIOURS[2]
    if same_sign and shrinking:
        return BEHAVIOURS[0]
    raise ValueError(f"the errors follow no single pattern: {np.array2string(errors, precision=4)}")
