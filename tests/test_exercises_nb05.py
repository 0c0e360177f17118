import re

import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb05 import (
    HESSIAN,
    MATRIX_GRADIENT,
    check_matrix_gradient,
    check_mse_hessian,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def stub(*args):
    raise NotImplementedError


def test_stubs_are_not_attempted(capsys):
    check_matrix_gradient(stub)
    check_mse_hessian(stub)
    assert capsys.readouterr().out.count("not attempted yet") == 2


def gradient_loop(X, Y, W):
    gradient = np.zeros_like(W)
    for x_i, y_i in zip(X, Y, strict=True):
        residual = x_i @ W - y_i
        gradient += 2 * x_i[:, None] * residual / len(X)
    return gradient


def test_matrix_gradient_feedback():
    assert_feedback(MATRIX_GRADIENT, check_matrix_gradient, [
        lambda X, Y, W: (2 / len(X)) * X.T @ (X @ W - Y),
        gradient_loop,
        lambda X, Y, W: 2 * np.mean(X * (X @ W - Y), axis=0).reshape(-1, 1),
    ], solution_fragments=["X.T @ (X @ W - Y)"], success="matrix_gradient: correct (3 cases checked)")


def test_hessian_feedback():
    assert_feedback(HESSIAN, check_mse_hessian, [
        lambda X: (2 / len(X)) * X.T @ X,
        lambda X: 2 * np.einsum("ni,nj->ij", X, X) / X.shape[0],
        lambda X: 2 * np.cov(X.T, bias=True) + 2 * np.outer(X.mean(axis=0), X.mean(axis=0)),
    ], solution_fragments=["X.T @ X"], success="hessian: correct (4 cases checked)")


def test_identity_is_rejected():
    from helpers.exercises import ExerciseFailed

    with pytest.raises(ExerciseFailed, match="hessian: wrong"):
        check_mse_hessian(lambda X: np.eye(X.shape[1]))


def test_matrix_gradient_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_matrix_gradient(lambda X, Y, W: (2 / len(X)) * X.T @ (X @ W - Y))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(MATRIX_GRADIENT.mistakes[index].message)):
            check_matrix_gradient(MATRIX_GRADIENT.mistakes[index].answer)


def test_mse_hessian_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_mse_hessian(lambda X: (2 / len(X)) * X.T @ X)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(HESSIAN.mistakes[index].message)):
            check_mse_hessian(HESSIAN.mistakes[index].answer)
