import numpy as np
import pytest

from helpers import descent
from helpers.gradcheck import check_gradient

SEED_X = np.array([[1.0, 1.2], [2.0, 1.2]])
SEED_Y = np.array([[2.0], [4.0]])


def test_seed_000_single_example_three_steps():
    run = descent.gradient_descent(2.0 * np.ones(1), [4.0], 1.0, 0.1, 3)
    assert run.weights.shape == (4,) and run.gradients.shape == (3,)
    assert np.allclose(run.weights, [1.0, 1.8, 1.96, 1.992])
    assert np.allclose(run.gradients, [-8.0, -1.6, -0.32])
    assert np.allclose(run.losses, [4.0, 0.16, 0.0064, 0.000256])
    assert run.steps == 3 and run.final_loss == pytest.approx(0.000256) and not run.diverged


def test_seed_000_two_features_column_weights():
    run = descent.gradient_descent(SEED_X, SEED_Y, np.ones((2, 1)), 0.1, 3)
    assert run.weights.shape == (4, 2, 1)
    assert np.allclose(run.gradients[:, :, 0], [[-1.4, -0.72], [-0.4408, -0.0086], [-0.2173, 0.1525]], atol=5e-5)
    assert np.allclose(run.final_weights.ravel(), [1.2058, 1.0576], atol=5e-5)


@pytest.mark.parametrize("w", [np.array([0.3, -0.7]), np.array([[0.3], [-0.7]])])
def test_gradient_matches_finite_differences(w):
    y = SEED_Y if w.ndim == 2 else SEED_Y.ravel()
    check_gradient(descent.mse_gradient(SEED_X, y, w), lambda v: descent.mse(SEED_X, y, v), w)


def test_predict_shapes():
    assert descent.predict(SEED_X, [1.0, 1.0]).shape == (2,)
    assert descent.predict(SEED_X, np.ones((2, 1))).shape == (2, 1)
    assert descent.predict([1.0, 2.0], 2.0).tolist() == [2.0, 4.0]


def test_divergence_raises_naming_the_learning_rate_and_bound():
    with pytest.raises(ValueError, match=r"learning_rate=0.3 is too large.*2/lambda_max = 0.25\b"):
        descent.gradient_descent([2.0], [4.0], 1.0, 0.3, 3000)
    run = descent.gradient_descent([2.0], [4.0], 1.0, 0.3, 3000, allow_divergence=True)
    assert run.diverged and np.all(np.isfinite(run.losses)) and run.steps < 3000


def test_custom_gradient_is_used():
    def four_times(X, y, w):
        return 4 * descent.mse_gradient(X, y, w)

    run = descent.gradient_descent([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], 0.0, 0.01, 3, gradient=four_times)
    assert np.allclose(run.weights, [0.0, 1.2, 1.68, 1.872])
    with pytest.raises(ValueError, match="custom gradient") as caught:
        descent.gradient_descent([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], 0.0, 0.04, 3000, gradient=four_times)
    message = str(caught.value)
    # 0.04 is below the true gradient's bound 2/15, so the message must not call it too large
    assert "too large; for this X it must be below" not in message
    assert "learning_rate=0.04 with a custom gradient" in message
    assert "2/lambda_max = 0.133333; a gradient k times too large lowers it to 0.133333/k." in message
    assert max(len(line) for line in message.splitlines()) <= 88
    with pytest.raises(ValueError, match="gradient must return an array shaped like w"):
        descent.gradient_descent([1.0], [1.0], 0.0, 0.1, 2, gradient=lambda X, y, w: np.zeros(3))


def test_run_learning_rates_and_behaviour():
    runs = descent.run_learning_rates([2.0], [4.0], 1.0, [0.01, 0.125, 0.2, 0.25, 0.3], 5)
    assert list(runs) == [0.01, 0.125, 0.2, 0.25, 0.3]
    names = [descent.observed_behaviour(run, 2.0) for run in runs.values()]
    assert names == ["converges monotonically", "converges in one step", "oscillates but converges",
                     "oscillates forever", "diverges"]


def test_first_step_within():
    run = descent.gradient_descent([2.0], [4.0], 1.0, 0.1, 10)
    assert descent.first_step_within(run, 2.0, 0.01) == 3
    assert descent.first_step_within(run, 2.0, 1e-12) is None


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: descent.mse(SEED_X, SEED_Y, [1.0, 1.0, 1.0]), ValueError, "w must have 2 entries"),
        (lambda: descent.mse(SEED_X, [1.0, 2.0, 3.0], [1.0, 1.0]), ValueError, "y must have 2 rows"),
        (lambda: descent.mse_gradient(SEED_X, SEED_Y, [[1.0], [float("nan")]]), ValueError, "w must be finite"),
        (lambda: descent.gradient_descent([1.0], [1.0], 0.0, -0.1, 2), ValueError, "learning_rate must be a positive"),
        (lambda: descent.gradient_descent([1.0], [1.0], 0.0, 0.1, 2.5), TypeError, "steps must be an integer"),
        (lambda: descent.gradient_descent([1.0], [1.0], 0.0, 0.1, 2, gradient="g"), TypeError, "gradient must be callable"),
        (lambda: descent.run_learning_rates([1.0], [1.0], 0.0, [], 2), ValueError, "at least one"),
        (lambda: descent.run_learning_rates([1.0], [1.0], 0.0, [0.1, 0.1], 2), ValueError, "must not repeat"),
        (lambda: descent.predict(SEED_X, [1.0]), ValueError, "w must have 2 entries"),
        (lambda: descent.first_step_within(descent.gradient_descent([1.0], [1.0], 0.0, 0.1, 2), [1.0, 2.0], 0.1), ValueError, "target must be shaped"),
        (lambda: descent.observed_behaviour(descent.gradient_descent(SEED_X, SEED_Y, np.ones((2, 1)), 0.1, 3), [[2.0], [0.0]]), ValueError, "one-weight"),
        (lambda: descent.observed_behaviour(descent.gradient_descent([2.0], [4.0], 2.0, 0.1, 3), 2.0), ValueError, "must differ"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_error_messages_fit_a_slide():
    """Notebooks print these errors: each line, after 'ValueError: ', fits 88 columns."""
    with pytest.raises(ValueError) as caught:
        descent.gradient_descent(
            [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], 0.0, 0.04, 3000,
            gradient=lambda X, y, w: 4 * descent.mse_gradient(X, y, w),
        )
    lines = f"ValueError: {caught.value}".splitlines()
    assert len(lines) == 4 and max(len(line) for line in lines) <= 88
    from helpers import curvature

    with pytest.raises(ValueError) as caught:
        curvature.standardize([[1.0, 1.2], [2.0, 1.2]])
    assert max(len(line) for line in f"ValueError: {caught.value}".splitlines()) <= 88
