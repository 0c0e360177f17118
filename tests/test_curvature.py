import math

import numpy as np
import pytest

from helpers import curvature
from helpers.descent import gradient_descent, mse, mse_gradient
from helpers.gradcheck import numerical_gradient

SEED_X = np.array([[1.0, 1.2], [2.0, 1.2]])
SEED_Y = np.array([[2.0], [4.0]])


def numerical_hessian(X, y, w):
    """Finite differences of the analytic gradient, column by column."""
    columns = []
    for index in range(w.size):
        def component(v, index=index):
            return mse_gradient(X, y, v)[index]
        columns.append(numerical_gradient(component, w))
    return np.array(columns)


@pytest.mark.parametrize(
    ("x", "curv", "bound"),
    [([2.0], 8.0, 0.25), ([1.0, 2.0, 3.0], 28 / 3, 3 / 14), ([1.0, 2.0, 3.0, 4.0], 15.0, 2 / 15)],
)
def test_one_weight_curvature_and_bound(x, curv, bound):
    assert curvature.mse_hessian(x).shape == (1, 1) and curvature.mse_hessian(x)[0, 0] == pytest.approx(curv)
    assert curvature.max_stable_learning_rate(x) == pytest.approx(bound)
    # second difference of the loss itself, an independent estimate of L''
    y, h = np.zeros(len(x)), 1e-3
    second = (mse(x, y, 1 + h) - 2 * mse(x, y, 1.0) + mse(x, y, 1 - h)) / h**2
    assert second == pytest.approx(curv, rel=1e-6)


def test_hessian_matches_finite_differences_of_the_gradient():
    w = np.array([0.3, -0.7])
    y = SEED_Y.ravel()
    assert np.allclose(curvature.mse_hessian(SEED_X), numerical_hessian(SEED_X, y, w), rtol=1e-6)


def test_eigenvalues_condition_number_and_contraction():
    eig = curvature.curvature_eigenvalues(SEED_X)
    assert np.all(np.diff(eig) >= 0)
    assert eig.sum() == pytest.approx(np.trace(SEED_X.T @ SEED_X))
    assert curvature.condition_number(SEED_X) == pytest.approx(np.linalg.cond(SEED_X) ** 2)
    assert curvature.contraction_factor(SEED_X, 0.1) == pytest.approx(max(abs(1 - 0.1 * eig)))
    assert curvature.condition_number([[1.0, 2.0], [2.0, 4.0]]) == math.inf
    assert curvature.condition_number(np.eye(3)) == pytest.approx(1.0)


def test_least_squares_shapes_and_values():
    w = curvature.least_squares(SEED_X, SEED_Y)
    assert w.shape == (2, 1) and np.allclose(w.ravel(), [2.0, 0.0])
    assert curvature.least_squares(SEED_X, SEED_Y.ravel()).shape == (2,)
    assert curvature.least_squares([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == pytest.approx([2.0])


def test_steps_to_tolerance_matches_a_run():
    w_star = curvature.least_squares(SEED_X, SEED_Y)
    w0 = np.ones((2, 1))
    predicted = curvature.steps_to_tolerance(SEED_X, 0.1, float(np.linalg.norm(w0 - w_star)), 1e-6)
    run = gradient_descent(SEED_X, SEED_Y, w0, 0.1, predicted)
    distances = np.linalg.norm((run.weights - w_star).reshape(len(run.weights), -1), axis=1)
    assert distances[-1] <= 1e-6 < distances[predicted - 5]
    assert curvature.steps_to_tolerance([2.0], 0.125, 1.0, 1e-6) == 1
    assert curvature.steps_to_tolerance([2.0], 0.1, 1e-7, 1e-6) == 0
    with pytest.raises(ValueError, match=r"learning_rate=0.3 does not converge.*below 2/lambda_max = 0.25"):
        curvature.steps_to_tolerance([2.0], 0.3, 1.0, 1e-6)


@pytest.mark.parametrize(
    ("rate", "behaviour"),
    [(0.01, "converges monotonically"), (0.125, "converges in one step"), (0.2, "oscillates but converges"),
     (0.25, "oscillates forever"), (0.3, "diverges")],
)
def test_predicted_behaviour(rate, behaviour):
    assert curvature.predicted_behaviour([2.0], rate) == behaviour


def test_bias_column_and_standardize():
    with_bias = curvature.add_bias_column([1.0, 2.0])
    assert with_bias.tolist() == [[1.0, 1.0], [2.0, 1.0]]
    scaled, mean, std = curvature.standardize([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    assert np.allclose(scaled.mean(axis=0), 0) and np.allclose(scaled.std(axis=0), 1)
    assert np.allclose(scaled * std + mean, [[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: curvature.mse_hessian([[[1.0]]]), ValueError, "X must have 1 or 2 dimension"),
        (lambda: curvature.mse_hessian([1.0, float("nan")]), ValueError, "X must be finite"),
        (lambda: curvature.mse_hessian("abc"), TypeError, "X must be numeric"),
        (lambda: curvature.max_stable_learning_rate([0.0, 0.0]), ValueError, "all zeros"),
        (lambda: curvature.contraction_factor([1.0], 0.0), ValueError, "learning_rate must be a positive"),
        (lambda: curvature.predicted_behaviour(SEED_X, 0.1), ValueError, "one column"),
        (lambda: curvature.least_squares(SEED_X, [1.0, 2.0, 3.0]), ValueError, "y must have 2 rows"),
        (lambda: curvature.standardize(SEED_X), ValueError, r"column\(s\) \[1\] are constant"),
        (lambda: curvature.steps_to_tolerance([2.0], 0.1, -1.0, 1e-6), ValueError, "initial_distance"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
