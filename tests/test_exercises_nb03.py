import re

import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb03 import (
    CLOSED_FORM_W,
    GRADIENT_DESCENT_STEP,
    check_closed_form_w,
    check_gradient_descent_step,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def stub(*args):
    raise NotImplementedError


def test_stubs_are_not_attempted(capsys):
    check_gradient_descent_step(stub)
    check_closed_form_w(stub)
    assert capsys.readouterr().out.count("not attempted yet") == 2


def step_expanded(w, X, y, lr):
    gradient = 2 * w * np.mean(X**2) - 2 * np.mean(X * y)
    return w - lr * gradient


def test_gradient_descent_step_feedback():
    assert_feedback(GRADIENT_DESCENT_STEP, check_gradient_descent_step, [
        lambda w, X, y, lr: w - lr * np.mean(2 * X * (w * X - y)),
        step_expanded,
        lambda w, X, y, lr: w - lr * 2 * np.dot(X, w * X - y) / len(X),
    ], solution_fragments=["w - lr * np.mean(2 * X * (w * X - y))"])


def closed_form_with_curvature(k, w0, X, y, lr):
    w_star = np.dot(X, y) / np.dot(X, X)
    factor = 1 - lr * 2 * np.mean(X**2)
    return w_star + factor**k * (w0 - w_star)


def closed_form_with_power(k, w0, X, y, lr):
    w_star = np.mean(X * y) / np.mean(X * X)
    return w_star - np.power(1 - 2 * lr * np.mean(X * X), k) * (w_star - w0)


def test_closed_form_feedback():
    assert_feedback(CLOSED_FORM_W, check_closed_form_w, [
        closed_form_with_curvature, closed_form_with_power,
    ], solution_fragments=["(1 - lr * 2 * np.mean(X**2)) ** k"])


def test_a_loop_is_rejected_even_when_right():
    def with_a_while(k, w0, X, y, lr):
        w, i = w0, 0
        while i < k:
            w -= lr * np.mean(2 * X * (w * X - y))
            i += 1
        return w

    from helpers.exercises import ExerciseFailed

    with pytest.raises(ExerciseFailed, match="without a loop"):
        check_closed_form_w(with_a_while)


def test_gradient_descent_step_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_gradient_descent_step(lambda w, X, y, lr: w - lr * np.mean(2 * X * (w * X - y)))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(GRADIENT_DESCENT_STEP.mistakes[index].message)):
            check_gradient_descent_step(GRADIENT_DESCENT_STEP.mistakes[index].answer)


def test_closed_form_w_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_closed_form_w(closed_form_with_curvature)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(CLOSED_FORM_W.mistakes[index].message)):
            check_closed_form_w(CLOSED_FORM_W.mistakes[index].answer)
