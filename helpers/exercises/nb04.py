"""Checkers for notebook 04 (the learning rate).

Both references come from the loss itself, not from the formula the student is asked for:
the curvature is a second finite difference of the mean-squared error, and the one-step
learning rate is solved from one gradient step that must land on the least-squares weight.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import helpers.curvature
from helpers.curvature import least_squares
from helpers.descent import mse
from helpers.exercises.core import Exercise, Mistake, check_function
from helpers.gradcheck import numerical_gradient

#: The data of the course's one-weight examples, plus one with a negative entry.
CASES = [
    (np.array([2.0]),),  # the blog walkthrough, one example
    (np.array([1.0, 2.0, 3.0]),),  # the blog walkthrough, the batch
    (np.array([1.0, 2.0, 3.0, 4.0]),),  # the Gradients Example notebook
    (np.array([0.5, -1.5, 3.0]),),
]


#: N, the number of examples, for the diagnosis of a sum where a mean is asked.
_N = {"N": lambda case: float(len(case[0]))}


def _curvature_by_finite_differences(x: np.ndarray) -> float:
    """L'' of w -> mean((w x - y)^2) by a second central difference (exact for a parabola, up to rounding)."""
    y = np.zeros_like(x)  # the curvature does not depend on y
    h = 1e-3
    return (mse(x, y, 1.0 + h) - 2.0 * mse(x, y, 1.0) + mse(x, y, 1.0 - h)) / h**2


#: The course's own helper: an answer that calls it computes nothing itself.
_HELPER = "max_stable_learning_rate"


def _names_used(code: Any) -> set[str]:
    """Every global and attribute name read by a code object and the functions nested in it."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            names |= _names_used(constant)
    return names


def _calls_the_helper(func: Any) -> bool:
    """True when ``func`` reads helpers.curvature.max_stable_learning_rate, under any name."""
    code = getattr(func, "__code__", None)
    if code is None:
        return False
    names = _names_used(code)
    if _HELPER in names:
        return True
    helper = helpers.curvature.max_stable_learning_rate
    scope = getattr(func, "__globals__", {})
    enclosed = []
    for cell in getattr(func, "__closure__", None) or ():
        try:
            enclosed.append(cell.cell_contents)
        except ValueError:  # a name the enclosing function has not bound yet
            continue
    return any(scope.get(name) is helper for name in names) or any(v is helper for v in enclosed)


def _via_the_helper(x: np.ndarray) -> float:
    return helpers.curvature.max_stable_learning_rate(x)


def _half_the_helper(x: np.ndarray) -> float:
    return helpers.curvature.max_stable_learning_rate(x) / 2


_CALLS_THE_HELPER = (
    "this calls the course's max_stable_learning_rate helper: the exercise asks you to "
    "compute the rate yourself, from the curvature L'' of the loss"
)

MAX_STABLE_LEARNING_RATE = Exercise(
    "my_max_stable_learning_rate",
    hints=(
        "the bound comes from the curvature L'' of the loss: each step multiplies the distance to "
        "the minimum by (1 - lr L''). When does that factor stay between -1 and 1?",
        "first compute the curvature: differentiate mean((w x - y)^2) twice with respect to w "
        "(it does not depend on y); then solve |1 - lr L''| < 1 for lr.",
        "2 / (2 * np.mean(x**2)), i.e. 2 / L'' with L'' = 2 mean(x^2)",
    ),
    mistakes=(
        Mistake(lambda x: 1 / (2 * np.mean(x**2)),
                "this rate reaches the minimum in one step; larger rates still converge, by overshooting"),
        Mistake(lambda x: 2 / np.mean(x**2),
                "the curvature is off by a factor 2: the second derivative of (w x - y)^2 is not x^2"),
        Mistake(lambda x: 2 / (2 * np.sum(x**2)),
                "the curvature uses a sum over the examples; the loss is a mean"),
        Mistake(lambda x: 2 / (2 * np.mean(x) ** 2),
                "mean(x)^2 is not mean(x^2): square first, then average"),
        Mistake(_via_the_helper, _CALLS_THE_HELPER, detect=_calls_the_helper),
    ),
)


def check_max_stable_learning_rate(my_max_stable_learning_rate: Callable[[np.ndarray], Any]) -> None:
    """Check ``my_max_stable_learning_rate(x)`` = 2 / L'' for the MSE of ``w * x``, against finite differences.

    An answer that calls the course's helper ``max_stable_learning_rate`` is refused, even
    though its numbers are right: the exercise is to compute the rate.
    """

    def reference(x: np.ndarray) -> float:
        return 2.0 / _curvature_by_finite_differences(x)

    return check_function(
        MAX_STABLE_LEARNING_RATE, my_max_stable_learning_rate, reference, CASES, rtol=1e-5, factors=_N
    )


ONE_STEP_LEARNING_RATE = Exercise(
    "one_step_learning_rate",
    hints=(
        "one step multiplies the distance to the minimum by (1 - lr L''): which lr makes the "
        "distance vanish at once?",
        "make (1 - lr L'') zero, with the curvature L'' of mean((w x - y)^2) (its second "
        "derivative in w).",
        "1 / (2 * np.mean(x**2)), i.e. 1 / L''",
    ),
    mistakes=(
        Mistake(lambda x: 2 / (2 * np.mean(x**2)),
                "this is the stability bound: at that rate the error flips sign every step and never shrinks"),
        Mistake(lambda x: 2 * np.mean(x**2),
                "this is the curvature L'' itself, not the learning rate that goes with it"),
        Mistake(lambda x: 1 / (2 * np.sum(x**2)),
                "the curvature uses a sum over the examples; the loss is a mean"),
        Mistake(lambda x: 1 / (2 * np.mean(x) ** 2),
                "mean(x)^2 is not mean(x^2): square first, then average"),
        Mistake(_half_the_helper, _CALLS_THE_HELPER, detect=_calls_the_helper),
    ),
)


def check_one_step_learning_rate(one_step_learning_rate: Callable[[np.ndarray], Any]) -> None:
    """Check ``one_step_learning_rate(x)``: the step that lands on the minimum at once (= 1 / L'')."""

    def reference(x: np.ndarray) -> float:
        y = 2.0 * x + np.linspace(-0.3, 0.3, x.size)  # any targets work: find the rate that lands on w*
        w0 = 0.0
        w_star = float(least_squares(x, y)[0])
        slope = float(numerical_gradient(lambda w: mse(x, y, w), w0)[()])
        return (w0 - w_star) / slope

    return check_function(ONE_STEP_LEARNING_RATE, one_step_learning_rate, reference, CASES, rtol=1e-5, factors=_N)
