"""Check a gradient against finite differences.

The gradient of a scalar function ``f`` at ``x`` is estimated entry by entry:
central differences ``(f(x + h e_i) - f(x - h e_i)) / 2h`` (error O(h^2)) or forward
differences ``(f(x + h e_i) - f(x)) / h`` (error O(h)).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers._validate import as_float_array, positive_number

_METHODS = ("central", "forward")


class GradientMismatchError(AssertionError):
    """A gradient disagrees with its finite-difference estimate; the message lists the entries."""


def _scalar(f: Callable[[np.ndarray], Any], x: np.ndarray) -> float:
    value = f(x.copy())
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    array = np.asarray(value, dtype=np.float64)
    if array.size != 1:
        raise ValueError(f"f must return a scalar, got an output of shape {array.shape}")
    result = float(array.reshape(()))
    if not np.isfinite(result):
        raise ValueError(f"f returned {result} at x = {x.tolist()}; it must be finite near x")
    return result


def numerical_gradient(
    f: Callable[[np.ndarray], Any],
    x: Any,
    *,
    h: float = 1e-6,
    method: str = "central",
) -> np.ndarray:
    """Estimate the gradient of the scalar function ``f`` at ``x`` by finite differences.

    Args:
        f: takes a float64 array shaped like ``x`` and returns a scalar (number,
            0-d array or one-element tensor).
        x: the point, any shape (a number, list, array or tensor); it is not modified.
        h: the step, > 0.
        method: ``"central"`` (error O(h^2)) or ``"forward"`` (error O(h)).

    Returns:
        A float64 array shaped like ``x``.

    Raises:
        TypeError: ``f`` is not callable, or ``x`` is not numeric.
        ValueError: ``x`` has NaN/inf, ``h`` is not positive, ``method`` is unknown,
            or ``f`` returns a non-scalar or non-finite value.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    point = as_float_array(x, "x")
    step = positive_number(h, "h")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    gradient = np.zeros_like(point)
    base = _scalar(f, point) if method == "forward" else 0.0
    for index in np.ndindex(point.shape):
        shifted = point.copy()
        shifted[index] += step
        upper = _scalar(f, shifted)
        if method == "central":
            shifted[index] -= 2 * step
            gradient[index] = (upper - _scalar(f, shifted)) / (2 * step)
        else:
            gradient[index] = (upper - base) / step
    return gradient


def relative_error(a: Any, b: Any, *, floor: float = 1e-12) -> float:
    """Return ``max |a - b| / max(|a| + |b|, floor)`` over all entries.

    Symmetric in ``a`` and ``b``; about 1e-10 or less means agreement to ~10 digits.
    ``floor`` keeps the ratio finite when both entries are zero.

    Raises:
        ValueError: shapes differ, or an entry is NaN/inf.
    """
    first = as_float_array(a, "a")
    second = as_float_array(b, "b")
    if first.shape != second.shape:
        raise ValueError(f"a and b must have the same shape, got {first.shape} and {second.shape}")
    scale = np.maximum(np.abs(first) + np.abs(second), floor)
    return float(np.max(np.abs(first - second) / scale)) if first.size else 0.0


def check_gradient(
    gradient: Any,
    f: Callable[[np.ndarray], Any],
    x: Any,
    *,
    h: float = 1e-6,
    tolerance: float = 1e-6,
    name: str = "gradient",
) -> float:
    """Compare a hand or autograd ``gradient`` of ``f`` at ``x`` with central differences.

    Args:
        gradient: the gradient to check, shaped like ``x`` (array, list or tensor).
        f: the scalar function whose gradient it claims to be.
        x: the point.
        h: finite-difference step.
        tolerance: the largest relative error (see :func:`relative_error`) accepted.
        name: what to call the gradient in messages.

    Returns:
        The relative error (a float <= ``tolerance``).

    Raises:
        GradientMismatchError: the relative error exceeds ``tolerance``; the message
            lists each entry that differs, both values and the difference.
        ValueError / TypeError: bad input, as in :func:`numerical_gradient`.
    """
    point = as_float_array(x, "x")
    claimed = as_float_array(gradient, name)
    if claimed.shape != point.shape:
        raise ValueError(f"{name} must have the shape of x, {point.shape}, got {claimed.shape}")
    positive_number(tolerance, "tolerance")
    estimate = numerical_gradient(f, point, h=h)
    error = relative_error(claimed, estimate)
    if error <= tolerance:
        return error
    scale = np.maximum(np.abs(claimed) + np.abs(estimate), 1e-12)
    wrong = np.abs(claimed - estimate) / scale > tolerance
    lines = [
        # two lines, so that each fits 88 columns on a slide
        f"{name} does not match central differences (h={h:g}):",
        f"relative error {error:.3e} > tolerance {tolerance:.0e}",
        f"{'entry':>10} | {name[:14]:>14} | {'numerical':>14} | {'difference':>11}",
    ]
    for index in zip(*np.nonzero(wrong), strict=True) if point.ndim else [()]:
        label = str(tuple(int(i) for i in index)) if index else "()"
        lines.append(
            f"{label:>10} | {claimed[index]:>14.6g} | {estimate[index]:>14.6g} | "
            f"{claimed[index] - estimate[index]:>11.3e}"
        )
    raise GradientMismatchError("\n".join(lines))


def finite_difference_errors(
    f: Callable[[np.ndarray], Any],
    df: Callable[[float], Any] | float,
    x: Any,
    steps: Any,
    method: str = "central",
    *,
    relative: bool = False,
) -> np.ndarray:
    """Return the error of the finite-difference derivative of ``f`` at ``x`` for each step ``h``.

    For each ``h`` in ``steps`` the derivative is estimated with
    :func:`numerical_gradient` (``method`` ``"central"`` or ``"forward"``) and compared
    with the exact derivative ``df``.

    Args:
        f: a scalar function of one number (it receives a 0-d float64 array).
        df: the exact derivative: a function of ``x``, or its value at ``x``.
        x: the point, a single number.
        steps: the step sizes ``h``, a non-empty 1-D sequence of positive numbers.
        method: ``"central"`` or ``"forward"``.
        relative: divide each error by ``|df(x)|`` (which must then be non-zero).

    Returns:
        A float64 array shaped like ``steps``: ``|estimate(h) - df(x)|`` (divided by
        ``|df(x)|`` when ``relative``).

    Raises:
        TypeError: ``f`` is not callable, or ``x``, ``df`` or ``steps`` is not numeric.
        ValueError: ``x`` is not a single number, ``steps`` is empty, not 1-D or has
            an entry <= 0 or NaN/inf, ``method`` is unknown, the exact derivative is
            NaN/inf (or zero with ``relative``), or ``f`` fails as in
            :func:`numerical_gradient`.
    """
    point = as_float_array(x, "x")
    if point.size != 1:
        raise ValueError(f"x must be a single number, got shape {point.shape}")
    point = point.reshape(())
    sizes = as_float_array(steps, "steps", ndim=1)
    if sizes.size == 0:
        raise ValueError("steps must contain at least one step size h")
    if np.any(sizes <= 0):
        raise ValueError(f"steps must all be > 0, got {sizes[sizes <= 0].tolist()}")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    exact_value = df(float(point)) if callable(df) else df
    exact = as_float_array(exact_value, "df")
    if exact.size != 1:
        raise ValueError(f"df must be (or return) a single number, got shape {exact.shape}")
    exact_number = float(exact.reshape(()))
    if relative and exact_number == 0:
        raise ValueError("relative=True needs a non-zero exact derivative df(x); use relative=False")
    errors = np.array(
        [abs(float(numerical_gradient(f, point, h=float(h), method=method)) - exact_number) for h in sizes]
    )
    return errors / abs(exact_number) if relative else errors
