"""Curvature of the mean-squared error of a linear model, and what it says about gradient descent.

For the loss ``L(w) = mean((X @ w - y)^2)`` of ``N`` examples the Hessian does not depend
on ``w`` or ``y``::

    H = (2/N) X^T X

Gradient descent with step ``lr`` multiplies the error ``w - w*`` along each eigenvector
of ``H`` by ``1 - lr * lambda_i`` per step, so:

- it converges when ``lr < 2 / lambda_max`` (:func:`max_stable_learning_rate`);
- the slowest direction shrinks by ``max_i |1 - lr * lambda_i|`` per step
  (:func:`contraction_factor`), which predicts the step count (:func:`steps_to_tolerance`);
- ``lambda_max / lambda_min`` (:func:`condition_number`) says how much slower the
  flattest direction is than the steepest.

``X`` is ``(N, d)`` (one column per feature), or 1-D ``(N,)`` for a single weight.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers._validate import as_float_array, positive_number

#: Names returned by :func:`predicted_behaviour` (and by ``helpers.descent.observed_behaviour``).
BEHAVIOURS = (
    "converges monotonically",
    "converges in one step",
    "oscillates but converges",
    "oscillates forever",
    "diverges",
)


def design_matrix(X: Any, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float64 ``(N, d)`` array; a 1-D ``(N,)`` input becomes one column.

    Raises:
        TypeError: not numeric.
        ValueError: not 1-D or 2-D, no rows, or a NaN/inf entry.
    """
    array = as_float_array(X, name, ndim=(1, 2))
    if array.ndim == 1:
        array = array[:, None]
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got shape {array.shape}")
    return array


def mse_hessian(X: Any) -> np.ndarray:
    """Return the Hessian ``(2/N) X^T X`` (shape ``(d, d)``) of the mean-squared error.

    For one weight (``X`` 1-D) this is the 1x1 matrix ``[[2 mean(x^2)]]``.

    Raises:
        TypeError / ValueError: ``X`` is not a finite 1-D or 2-D numeric array.
    """
    features = design_matrix(X)
    return (2.0 / features.shape[0]) * features.T @ features


def curvature_eigenvalues(X: Any) -> np.ndarray:
    """Return the eigenvalues of :func:`mse_hessian` in ascending order (all >= 0).

    Rounding can leave a zero eigenvalue at about -1e-16; such values are returned as 0.

    Raises:
        TypeError / ValueError: as :func:`mse_hessian`.
    """
    eigenvalues = np.linalg.eigvalsh(mse_hessian(X))
    return np.where(eigenvalues < 0, 0.0, eigenvalues)


def max_stable_learning_rate(X: Any) -> float:
    """Return ``2 / lambda_max``: gradient descent on the MSE converges iff ``lr`` is below it.

    For one weight, ``lambda_max = L'' = 2 mean(x^2)``, so the bound is ``1 / mean(x^2)``.

    Raises:
        ValueError: ``X`` is all zeros (no curvature: any step is stable), or bad ``X``.
    """
    largest = float(curvature_eigenvalues(X)[-1])
    if largest == 0.0:
        raise ValueError("X must not be all zeros: the loss is flat, so there is no learning-rate bound")
    return 2.0 / largest


def condition_number(X: Any) -> float:
    """Return ``lambda_max / lambda_min`` of the Hessian (``= cond(X)^2``); ``inf`` if singular.

    1 means a round bowl (every direction equally steep); large means a long, narrow valley.

    Raises:
        TypeError / ValueError: as :func:`mse_hessian`.
    """
    eigenvalues = curvature_eigenvalues(X)
    smallest, largest = float(eigenvalues[0]), float(eigenvalues[-1])
    if smallest <= largest * 1e-14:
        return math.inf
    return largest / smallest


def contraction_factor(X: Any, learning_rate: float) -> float:
    """Return ``max_i |1 - learning_rate * lambda_i|``: how much one step shrinks the error (worst direction).

    Below 1: gradient descent converges; 0: one step lands on the minimum (one weight);
    1 or more: it does not converge.

    Raises:
        ValueError: ``learning_rate`` is not a positive finite number, or bad ``X``.
    """
    rate = positive_number(learning_rate, "learning_rate")
    return float(np.max(np.abs(1.0 - rate * curvature_eigenvalues(X))))


def predicted_behaviour(X: Any, learning_rate: float) -> str:
    """Predict how gradient descent on the MSE of one weight behaves, from ``r = 1 - lr * L''``.

    Returns one of :data:`BEHAVIOURS`: ``r`` in (0, 1) converges monotonically, ``r = 0``
    in one step, ``r`` in (-1, 0) oscillates but converges, ``r = -1`` oscillates forever,
    ``r < -1`` diverges.

    Raises:
        ValueError: ``X`` has more than one column (use :func:`contraction_factor`), or the
            learning rate is not positive.
    """
    features = design_matrix(X)
    if features.shape[1] != 1:
        raise ValueError(f"X must have one column (one weight) here, got shape {features.shape}")
    rate = positive_number(learning_rate, "learning_rate")
    factor = 1.0 - rate * float(curvature_eigenvalues(features)[0])
    if math.isclose(factor, 0.0, abs_tol=1e-12):
        return BEHAVIOURS[1]
    if math.isclose(factor, -1.0, abs_tol=1e-12):
        return BEHAVIOURS[3]
    if factor > 0:
        return BEHAVIOURS[0]
    return BEHAVIOURS[2] if factor > -1 else BEHAVIOURS[4]


def least_squares(X: Any, y: Any) -> np.ndarray:
    """Return the weights minimising ``mean((X @ w - y)^2)``, by ``np.linalg.lstsq``.

    The result has shape ``(d,)`` for ``y`` of shape ``(N,)`` and ``(d, k)`` for ``(N, k)``;
    a 1-D ``X`` (one weight) with 1-D ``y`` gives shape ``(1,)``. When ``X`` has dependent
    columns there are many minimisers; this returns the one of smallest norm.

    Raises:
        ValueError: ``y`` has a different number of rows than ``X``, or NaN/inf.
    """
    features = design_matrix(X)
    targets = as_float_array(y, "y", ndim=(1, 2))
    if targets.shape[0] != features.shape[0]:
        raise ValueError(f"y must have {features.shape[0]} rows (one per row of X), got shape {targets.shape}")
    solution, *_ = np.linalg.lstsq(features, targets, rcond=None)
    return solution


def steps_to_tolerance(X: Any, learning_rate: float, initial_distance: float, tolerance: float) -> int:
    """Predict how many steps take ``||w - w*||`` from ``initial_distance`` to ``tolerance`` or less.

    Uses the bound ``||w_k - w*|| <= rho^k ||w_0 - w*||`` with ``rho`` =
    :func:`contraction_factor`, so the answer is ``ceil(log(tolerance / initial_distance) / log(rho))``
    (0 if already within tolerance, 1 if ``rho == 0``). It is an upper bound that is tight
    when the start has a component along the slowest direction.

    Raises:
        ValueError: ``learning_rate``, ``initial_distance`` or ``tolerance`` is not positive,
            or ``rho >= 1`` (the message names the largest stable learning rate).
    """
    distance = positive_number(initial_distance, "initial_distance")
    target = positive_number(tolerance, "tolerance")
    rho = contraction_factor(X, learning_rate)
    if rho >= 1.0:
        raise ValueError(
            f"learning_rate={learning_rate:g} does not converge (contraction factor {rho:.4f} >= 1); "
            f"it must be below 2/lambda_max = {max_stable_learning_rate(X):.6g}"
        )
    if distance <= target:
        return 0
    if rho == 0.0:
        return 1
    return math.ceil(math.log(target / distance) / math.log(rho) - 1e-9)


def add_bias_column(X: Any) -> np.ndarray:
    """Return ``X`` with a column of ones appended, so ``[X, 1] @ [w; b] = X @ w + b``.

    Returns:
        A float64 array of shape ``(N, d + 1)`` (a 1-D ``X`` counts as one column).

    Raises:
        TypeError / ValueError: ``X`` is not a finite 1-D or 2-D numeric array.
    """
    features = design_matrix(X)
    return np.hstack([features, np.ones((features.shape[0], 1))])


def standardize(X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre each column at mean 0 and scale it to standard deviation 1.

    Returns:
        ``(scaled, mean, std)`` with ``scaled = (X - mean) / std``; ``mean`` and ``std``
        have shape ``(d,)`` (population std, ``ddof=0``). Undo with ``scaled * std + mean``.

    Raises:
        ValueError: a column is constant (std 0: it carries no information beyond a bias;
            drop it and use :func:`add_bias_column`), or bad ``X``.
    """
    features = design_matrix(X)
    mean = features.mean(axis=0)
    std = features.std(axis=0)
    constant = np.flatnonzero(std <= 1e-12 * np.maximum(np.abs(mean), 1.0))
    if constant.size:
        raise ValueError(
            f"X column(s) {constant.tolist()} are constant (std 0) and cannot be scaled;\n"
            "a constant column is a bias: drop it and use add_bias_column"
        )
    return (features - mean) / std, mean, std
