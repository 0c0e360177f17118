import re

import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb02 import (
    CENTRAL_DIFFERENCE,
    MSE_GRADIENT,
    check_central_difference,
    check_mse_gradient,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def stub(*args):
    raise NotImplementedError


def test_stubs_are_not_attempted(capsys):
    check_mse_gradient(stub)
    check_central_difference(stub)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("mse_gradient: not attempted yet")
    assert out[1].startswith("central_difference: not attempted yet")


def gradient_loop(w, X, y):
    total = 0.0
    for x_i, y_i in zip(X, y, strict=True):
        total += 2 * x_i * (w * x_i - y_i)
    return total / len(X)


def test_mse_gradient_feedback():
    assert_feedback(MSE_GRADIENT, check_mse_gradient, [
        lambda w, X, y: np.mean(2 * X * (w * X - y)),
        gradient_loop,
        lambda w, X, y: 2 * np.dot(X, w * X - y) / len(X),
        lambda w, X, y: 2 * w * np.mean(X**2) - 2 * np.mean(X * y),
    ], solution_fragments=["np.mean(2 * X * (w * X - y))", "2 (w x - y) x"])


def test_central_difference_feedback():
    assert_feedback(CENTRAL_DIFFERENCE, check_central_difference, [
        lambda f, w, h: (f(w + h) - f(w - h)) / (2 * h),
        lambda f, w, h: (f(w + h) - f(w - h)) / h / 2,
        lambda f, w, h: 0.5 * ((f(w + h) - f(w)) / h + (f(w) - f(w - h)) / h),
    ], solution_fragments=["(f(w + h) - f(w - h)) / (2 * h)"])


def test_central_difference_message_names_the_function_not_an_address():
    with pytest.raises(ExerciseFailed) as info:
        check_central_difference(lambda f, w, h: 0.0)
    assert "f=w**3, w=0.5, h=0.01" in str(info.value) and "0x" not in str(info.value)


def test_mse_gradient_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_mse_gradient(lambda w, X, y: np.mean(2 * X * (w * X - y)))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(MSE_GRADIENT.mistakes[index].message)):
            check_mse_gradient(MSE_GRADIENT.mistakes[index].answer)


def test_central_difference_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_central_difference(lambda f, w, h: (f(w + h) - f(w - h)) / (2 * h))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(CENTRAL_DIFFERENCE.mistakes[index].message)):
            check_central_difference(CENTRAL_DIFFERENCE.mistakes[index].answer)


def test_mse_gradient_over_2n_is_off_by_a_factor_2_without_blaming_a_missing_2():
    with pytest.raises(ExerciseFailed) as info:
        check_mse_gradient(lambda w, X, y: np.sum(2 * X * (w * X - y)) / (2 * len(X)))
    message = str(info.value)
    assert "off by a factor 2" in message and "missing" not in message
