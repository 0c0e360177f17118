import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb13 import (
    COST_SLOPES,
    VECTORIZED_GRADIENT,
    check_cost_slopes,
    check_vectorized_gradient,
    count_normal_equation_multiplications,
    count_step_multiplications,
    loop_gradient,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def test_loop_gradient_matches_the_matrix_formula():
    rng = np.random.default_rng(0)
    X, y, w = rng.standard_normal((30, 4)), rng.standard_normal(30), rng.standard_normal(4)
    np.testing.assert_allclose(loop_gradient(X, y, w), 2 / 30 * X.T @ (X @ w - y), rtol=1e-12)


def test_vectorized_gradient_accepts_the_solution_and_a_stub(capsys):
    check_vectorized_gradient(lambda X, y, w: (2 / len(y)) * X.T @ (X @ w - y))
    assert capsys.readouterr().out == "vectorized_gradient: correct (3 cases checked)\n"

    def stub(X, y, w):
        raise NotImplementedError

    check_vectorized_gradient(stub)
    assert "not attempted yet" in capsys.readouterr().out


def vectorized_with_einsum(X, y, w):
    return 2 * np.einsum("nd,n->d", X, np.einsum("nd,d->n", X, w) - y) / X.shape[0]


def vectorized_with_mean(X, y, w):
    return np.mean(2 * X * (X.dot(w) - y)[:, None], axis=0)


def test_vectorized_gradient_feedback():
    assert_feedback(VECTORIZED_GRADIENT, check_vectorized_gradient, [
        lambda X, y, w: (2 / len(y)) * X.T @ (X @ w - y), vectorized_with_einsum, vectorized_with_mean,
    ], solution_fragments=["X.T @ (X @ w - y)"], success="vectorized_gradient: correct (3 cases checked)")


@pytest.mark.parametrize("wrong", [
    lambda X, y, w: X.T @ (X @ w - y) / len(y),  # forgot the factor 2
    lambda X, y, w: 2 * X.T @ (X @ w - y),  # a sum, not a mean
    lambda X, y, w: (2 / len(y)) * X.T @ (y - X @ w),  # the sign of the residual
    lambda X, y, w: (2 / len(y)) * (X @ w - y) @ X @ np.ones((X.shape[1], X.shape[1])),  # wrong shape logic
])
def test_vectorized_gradient_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="vectorized_gradient"):
        check_vectorized_gradient(wrong)


def test_counts_grow_as_expected():
    assert count_step_multiplications(10, 3) == 60
    assert count_normal_equation_multiplications(4, 2) == 4 * 3 + 8 + 3


def test_cost_slopes_accepts_the_solution_an_array_and_a_stub(capsys):
    check_cost_slopes((1, 2))
    check_cost_slopes([1.0, 2.0])
    check_cost_slopes(np.array([1, 2]))
    check_cost_slopes(...)
    out = capsys.readouterr().out.splitlines()
    assert out == ["cost_slopes: correct"] * 3 + ["cost_slopes: not attempted yet (replace the ... with your answer)"]


def test_cost_slopes_feedback():
    assert_feedback(COST_SLOPES, check_cost_slopes, [(1, 2), np.array([1, 2]), [1.0, 2.0]],
                    solution_fragments=["(1, 2)", "n d^2"], success="cost_slopes: correct")


@pytest.mark.parametrize("wrong", [(1, 1), (2, 2), (1, 3), (0, 2), (1.2, 1.8), (1, 1.9)])
def test_cost_slopes_rejects_wrong_slopes_without_the_answer(wrong):
    with pytest.raises(ExerciseFailed, match="cost_slopes") as info:
        check_cost_slopes(wrong)
    assert "expected" not in str(info.value) and "(1, 2)" not in str(info.value)


@pytest.mark.parametrize("wrong", [2, (1, 2, 3), "1, 2"])
def test_cost_slopes_rejects_wrong_shapes(wrong):
    with pytest.raises(ExerciseFailed, match="cost_slopes"):
        check_cost_slopes(wrong)
