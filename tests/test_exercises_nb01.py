import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb01 import check_minimizing_w, check_mse


def stub(*args):
    raise NotImplementedError


def mse(w, X, y):
    return np.mean((w * X - y) ** 2)


def minimizing_w(X, y):
    return np.sum(X * y) / np.sum(X**2)


def test_mse_accepts_solution_and_reports_stub(capsys):
    check_mse(mse)
    check_mse(stub)
    out = capsys.readouterr().out
    assert "mse: correct (9 cases checked)" in out and "mse: not attempted yet" in out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda w, X, y: np.sum((w * X - y) ** 2),  # sum of squares
        lambda w, X, y: 0.5 * np.mean((w * X - y) ** 2),  # one-half MSE
        lambda w, X, y: np.mean(np.abs(w * X - y)),  # mean absolute error
        lambda w, X, y: np.mean(w * X - y) ** 2,  # square of the mean error
    ],
)
def test_mse_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="Hint: predict"):
        check_mse(wrong)


def test_minimizing_w_accepts_solution(capsys):
    check_minimizing_w(minimizing_w)
    assert "minimizing_w: correct (3 cases checked)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, y: np.mean(y) / np.mean(X),  # ratio of means
        lambda X, y: np.mean(y / X),  # mean of ratios
        lambda X, y: np.sum(X * y) / np.sum(X),  # wrong denominator
    ],
)
def test_minimizing_w_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="lowest point"):
        check_minimizing_w(wrong)
