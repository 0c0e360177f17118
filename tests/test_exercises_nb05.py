import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb05 import check_matrix_gradient, check_mse_hessian


def stub(*args):
    raise NotImplementedError


def test_matrix_gradient_accepts_solution_and_stub(capsys):
    check_matrix_gradient(lambda X, Y, W: (2 / len(X)) * X.T @ (X @ W - Y))
    check_matrix_gradient(stub)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "matrix_gradient: correct (3 cases checked)" and "not attempted yet" in out[1]


@pytest.mark.parametrize(
    ("wrong", "match"),
    [
        (lambda X, Y, W: 2 * X.T @ (X @ W - Y), "expected"),  # a sum, not a mean
        (lambda X, Y, W: (2 / len(X)) * X.T @ (Y - X @ W), "expected"),  # wrong sign
        (lambda X, Y, W: (2 / len(X)) * (X * W.T - Y).T @ X, "expected shape"),  # broadcasting W * X
        (lambda X, Y, W: (1 / len(X)) * X.T @ (X @ W - Y), "expected"),  # forgot the 2
    ],
)
def test_matrix_gradient_rejects_wrong_answers(wrong, match):
    with pytest.raises(ExerciseFailed, match=f"(?s)matrix_gradient: {match}.*Hint: \\(2/N\\)"):
        check_matrix_gradient(wrong)


def test_hessian_accepts_solution(capsys):
    check_mse_hessian(lambda X: (2 / len(X)) * X.T @ X)
    assert capsys.readouterr().out == "hessian: correct (4 cases checked)\n"


@pytest.mark.parametrize(
    ("wrong", "match"),
    [
        (lambda X: (2 / len(X)) * X @ X.T, "expected"),  # X X^T: (N, N), equal shape only when N = d
        (lambda X: X.T @ X, "expected"),  # forgot 2/N (right only when N = 2)
        (lambda X: (1 / len(X)) * X.T @ X, "expected"),  # forgot the 2
        (lambda X: np.eye(X.shape[1]), "expected"),
    ],
)
def test_hessian_rejects_wrong_answers(wrong, match):
    with pytest.raises(ExerciseFailed, match=f"hessian: {match}"):
        check_mse_hessian(wrong)
