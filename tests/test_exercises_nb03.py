import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb03 import check_closed_form_w, check_gradient_descent_step


def stub(*args):
    raise NotImplementedError


def gradient_descent_step(w, X, y, lr):
    return w - lr * np.mean(2 * X * (w * X - y))


def closed_form_w(k, w0, X, y, lr):
    w_star = np.sum(X * y) / np.sum(X**2)
    curvature = 2 * np.mean(X**2)
    return w_star + (1 - lr * curvature) ** k * (w0 - w_star)


def test_step_accepts_solution_and_reports_stub(capsys):
    check_gradient_descent_step(gradient_descent_step)
    check_gradient_descent_step(stub)
    out = capsys.readouterr().out
    assert "gradient_descent_step: correct (9 cases checked)" in out
    assert "gradient_descent_step: not attempted yet" in out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda w, X, y, lr: w + lr * np.mean(2 * X * (w * X - y)),  # climbs the loss
        lambda w, X, y, lr: w - lr * np.sum(2 * X * (w * X - y)),  # sum gradient
        lambda w, X, y, lr: w - np.mean(2 * X * (w * X - y)),  # forgot the learning rate
    ],
)
def test_step_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="AGAINST the gradient"):
        check_gradient_descent_step(wrong)


def test_closed_form_accepts_solution_and_reports_stub(capsys):
    check_closed_form_w(closed_form_w)
    check_closed_form_w(stub)
    out = capsys.readouterr().out
    assert "closed_form_w: correct (24 cases checked)" in out and "closed_form_w: not attempted yet" in out


def _w_star(X, y):
    return np.sum(X * y) / np.sum(X**2)


@pytest.mark.parametrize(
    "wrong",
    [
        # exponent off by one
        lambda k, w0, X, y, lr: _w_star(X, y) + (1 - lr * 2 * np.mean(X**2)) ** (k + 1) * (w0 - _w_star(X, y)),
        # curvature without the factor 2
        lambda k, w0, X, y, lr: _w_star(X, y) + (1 - lr * np.mean(X**2)) ** k * (w0 - _w_star(X, y)),
        # forgot that the minimum is not at 0
        lambda k, w0, X, y, lr: (1 - lr * 2 * np.mean(X**2)) ** k * w0,
    ],
)
def test_closed_form_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="w_k = w\\*"):
        check_closed_form_w(wrong)
