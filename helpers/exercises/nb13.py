"""Checkers for notebook 13 (how fast is a step?)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises.core import Exercise, Mistake, check_function, check_value, fail, uses_a_loop


def loop_gradient(X: Any, y: Any, w: Any) -> np.ndarray:
    """The MSE gradient ``(2/n) X^T (X w - y)`` one sample and one feature at a time, in plain Python.

    The reference for a vectorized gradient: it shares no code with NumPy's matrix products.
    """
    rows, targets, weights = np.asarray(X).tolist(), np.asarray(y).tolist(), np.asarray(w).tolist()
    gradient = [0.0] * len(weights)
    for row, target in zip(rows, targets, strict=True):
        residual = sum(x_j * w_j for x_j, w_j in zip(row, weights, strict=True)) - target
        for j, x_j in enumerate(row):
            gradient[j] += residual * x_j
    return np.array([2 * g / len(targets) for g in gradient])


def _cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(13)
    cases = []
    for n, d in ((5, 1), (40, 3), (200, 6)):
        X = rng.standard_normal((n, d))
        cases.append((X, X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n), rng.standard_normal(d)))
    return cases


def _gradient_by_rows(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    gradient = np.zeros(X.shape[1])
    for row, target in zip(X, y, strict=True):
        gradient += 2 * (row @ w - target) * row
    return gradient / len(y)


VECTORIZED_GRADIENT = Exercise(
    "vectorized_gradient",
    hints=(
        "two matrix products do all the work: one makes every prediction at once, the other "
        "collects every feature's share of the error.",
        "the residual r = X w - y has shape (n,); X turned on its side times r gives one number "
        "per feature, shape (d,); then the mean's factor 2/n.",
        "(2 / len(y)) * X.T @ (X @ w - y)",
    ),
    mistakes=(
        Mistake(_gradient_by_rows, "the exercise asks for NumPy without a Python loop: let matrix "
                "products do the looping", detect=uses_a_loop),
        Mistake(lambda X, y, w: X.T @ (X @ w - y) / len(y), "the factor 2 from the square is missing"),
        Mistake(lambda X, y, w: 2 * X.T @ (X @ w - y),
                "a sum over the samples, not a mean: n times too large"),
        Mistake(lambda X, y, w: (2 / len(y)) * X.T @ (y - X @ w),
                "the sign is flipped: the residual is prediction minus target"),
        Mistake(lambda X, y, w: (2 / len(y)) * X.T @ (X * w - y[:, None]).sum(axis=1),
                "X * w multiplies element by element: the prediction X @ w sums over the features"),
    ),
)


def check_vectorized_gradient(vectorized_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], Any]) -> None:
    """Check ``vectorized_gradient(X, y, w)`` against the plain-Python loop on three data sets.

    The exercise asks for no Python loop: a function with a ``for``/``while`` loop is rejected.
    """
    return check_function(
        VECTORIZED_GRADIENT, vectorized_gradient, loop_gradient, _cases(), rtol=1e-9, atol=1e-12,
        factors={"n": lambda case: float(len(case[1]))},
    )


def count_step_multiplications(n: int, d: int) -> int:
    """Count the multiplications one gradient step performs, by walking its loops (X @ w, then X^T r)."""
    count = 0
    for _ in range(n):  # prediction: one dot product of length d per sample
        for _ in range(d):
            count += 1
    for _ in range(d):  # gradient: one dot product of length n per feature
        for _ in range(n):
            count += 1
    return count


def count_normal_equation_multiplications(n: int, d: int) -> int:
    """Count the multiplications of the normal equations: X^T X, X^T y, then Gaussian elimination."""
    count = 0
    for _ in range(n):  # X^T X: every pair of features (j <= k), summed over the samples
        for j in range(d):
            for _ in range(j, d):
                count += 1
    count += n * d  # X^T y
    for k in range(d):  # forward elimination of the d x (d+1) augmented system
        for _ in range(k + 1, d):
            for _ in range(k, d + 1):
                count += 1
    return count


def reference_cost_slopes(n: int = 1024, d: int = 32) -> np.ndarray:
    """Return the log-log slopes of both counts as the number of features doubles from ``d/2`` to ``d``."""
    slopes = []
    for count in (count_step_multiplications, count_normal_equation_multiplications):
        slopes.append(math.log(count(n, d) / count(n, d // 2)) / math.log(2))
    return np.array(slopes)


COST_SLOPES = Exercise(
    "cost_slopes",
    hints=(
        "count how many times each algorithm touches the data: for a gradient step, each entry of "
        "X; for the normal equations, each entry of X^T X.",
        "a step does a fixed number of multiplications per entry of the n x d matrix X; X^T X has "
        "d x d entries, each a sum over the n samples; solving the small d x d system costs about "
        "d^3, negligible when n >> d.",
        "(1, 2): a step costs about 2 n d, the normal equations about n d^2",
    ),
    mistakes=(
        Mistake((1, 3),
                "the solve is not the expensive part here: count the multiplications of each part for n samples and d features, with n much larger than d"),
        Mistake((2, 2), "a gradient step does not pair features with each other: what does it cost per entry of X?"),
        Mistake((1, 1), "building X^T X pairs every feature with every other feature"),
        Mistake((2, 3), "both exponents are too high: count the multiplications per entry of X, and per entry of X^T X"),
        Mistake((1.2, 1.8), "exponents are whole numbers (cost grows like d^k); a slope fitted to a few "
                "sizes is only close to one"),
    ),
)


def check_cost_slopes(answer: Any) -> None:
    """Check ``answer = (k_step, k_normal_equations)``: cost grows like ``d**k`` when n >> d.

    The reference counts the multiplications each algorithm performs at n = 1024 for
    d = 16 and 32, and takes the whole number nearest each measured slope (the slope of the
    normal equations is 1.89 there and tends to 2 as d grows with n >> d). A pair, list or
    array of two whole numbers is accepted; fractional exponents are not.
    """
    if answer is Ellipsis:
        return check_value(COST_SLOPES, answer, 0.0)
    values = np.asarray(answer, dtype=object).reshape(-1) if isinstance(answer, (tuple, list, np.ndarray)) else None
    numbers = None
    if values is not None and values.size == 2:
        try:
            numbers = np.array([float(v) for v in values])
        except (TypeError, ValueError):
            numbers = None
    if numbers is None:
        raise fail(COST_SLOPES, f"expected a pair of numbers (k_step, k_normal_equations), got {answer!r}",
                   "write answer = (k_step, k_normal_equations): two exponents, e.g. (3, 3)")
    measured = reference_cost_slopes()
    exponents = np.round(measured)
    assert np.all(np.abs(measured - exponents) < 0.25), measured  # the counts are near their asymptotic slopes
    if not np.all(numbers == np.round(numbers)):
        slip = next((m.message for m in COST_SLOPES.mistakes if np.allclose(numbers, m.answer)), None)
        raise fail(COST_SLOPES, f"got exponents {tuple(float(v) for v in numbers)}, which are not whole numbers",
                   slip or "exponents are whole numbers (cost grows like d^k)")
    return check_value(COST_SLOPES, numbers, exponents, rtol=0.0, atol=1e-9, labels=("k_step", "k_normal_equations"),
                       show_expected=False)
