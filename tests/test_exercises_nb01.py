import re

import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb01 import MINIMIZING_W, MSE, check_minimizing_w, check_mse
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def stub(*args):
    raise NotImplementedError


def test_mse_accepts_solution_and_reports_stub(capsys):
    check_mse(lambda w, X, y: np.mean((w * X - y) ** 2))
    check_mse(stub)
    out = capsys.readouterr().out
    assert "mse: correct (9 cases checked)" in out and "mse: not attempted yet" in out


def mse_loop(w, X, y):
    total = 0.0
    for x_i, y_i in zip(X, y, strict=True):
        total += (w * x_i - y_i) ** 2
    return total / len(X)


def test_mse_feedback():
    assert_feedback(MSE, check_mse, [
        lambda w, X, y: np.mean((w * X - y) ** 2),
        mse_loop,
        lambda w, X, y: np.dot(w * X - y, w * X - y) / X.size,
        lambda w, X, y: ((y - w * X) ** 2).mean(),
    ], solution_fragments=["np.mean((w * X - y)"])


def test_minimizing_w_feedback():
    assert_feedback(MINIMIZING_W, check_minimizing_w, [
        lambda X, y: np.mean(X * y) / np.mean(X**2),
        lambda X, y: np.sum(X * y) / np.sum(X**2),
        lambda X, y: float(np.dot(X, y) / np.dot(X, X)),
        lambda X, y: np.linalg.lstsq(X[:, None], y, rcond=None)[0][0],
    ], solution_fragments=["np.mean(X * y) /", "b / a"])


def test_minimizing_w_rejects_a_wrong_denominator():
    with pytest.raises(ExerciseFailed, match="minimizing_w"):
        check_minimizing_w(lambda X, y: np.sum(X * y) / np.sum(X))


def test_mse_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_mse(lambda w, X, y: np.mean((w * X - y) ** 2))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in range(len(MSE.mistakes)):
        with pytest.raises(ExerciseFailed, match=re.escape(MSE.mistakes[index].message)):
            check_mse(MSE.mistakes[index].answer)


def test_minimizing_w_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_minimizing_w(lambda X, y: np.mean(X * y) / np.mean(X**2))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(MINIMIZING_W.mistakes[index].message)):
            check_minimizing_w(MINIMIZING_W.mistakes[index].answer)


def test_mse_divided_by_n_minus_1_is_named_as_a_division_not_a_divergence():
    def mse_sample(w, X, y):
        return np.sum((w * X - y) ** 2) / (len(X) - 1)

    with pytest.raises(ExerciseFailed) as info, np.errstate(divide="ignore"):
        check_mse(mse_sample)
    message = str(info.value)
    assert "N - 1" in message and "division by zero" in message and "diverges" not in message
