import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb02 import check_central_difference, check_mse_gradient


def stub(*args):
    raise NotImplementedError


def mse_gradient(w, X, y):
    return np.mean(2 * X * (w * X - y))


def central_difference(f, w, h):
    return (f(w + h) - f(w - h)) / (2 * h)


def test_mse_gradient_accepts_solution_and_reports_stub(capsys):
    check_mse_gradient(mse_gradient)
    check_mse_gradient(stub)
    out = capsys.readouterr().out
    assert "mse_gradient: correct (9 cases checked)" in out and "mse_gradient: not attempted yet" in out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda w, X, y: np.dot(2 * X, w * X - y).mean(),  # the seed's bug: a sum
        lambda w, X, y: np.mean(X * (w * X - y)),  # missing factor 2
        lambda w, X, y: np.mean(2 * X * (y - w * X)),  # sign flipped
    ],
)
def test_mse_gradient_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="Hint: dL/dw"):
        check_mse_gradient(wrong)


def test_central_difference_accepts_solution_and_reports_stub(capsys):
    check_central_difference(central_difference)
    check_central_difference(stub)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "central_difference: correct (9 cases checked)"
    assert out[1].startswith("central_difference: not attempted yet")


@pytest.mark.parametrize(
    "wrong",
    [
        lambda f, w, h: (f(w + h) - f(w)) / h,  # forward difference
        lambda f, w, h: (f(w + h) - f(w - h)) / h,  # divides by h, not 2h
        lambda f, w, h: (f(w - h) - f(w + h)) / (2 * h),  # sign flipped
    ],
)
def test_central_difference_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="2h apart"):
        check_central_difference(wrong)


def test_central_difference_message_names_the_function_not_an_address():
    with pytest.raises(ExerciseFailed) as info:
        check_central_difference(lambda f, w, h: 0.0)
    assert "'w**3'" in str(info.value) and "0x" not in str(info.value)
