import numpy as np
import pytest
import torch

from helpers.optimizers import (
    adam_step,
    best_gradient_descent,
    best_heavy_ball,
    momentum_step,
    predicted_steps,
    run_adam,
    run_momentum,
    steps_to_reach,
)

X = np.array([[1.0, 1.2], [2.0, 1.2]])
Y = np.array([[2.0], [4.0]])
W0 = np.array([[1.0], [1.0]])


def gradient(w):
    return X.T @ (X @ w - Y)  # (2/N) X^T (X w - Y) with N = 2


def torch_path(make_optimizer, steps):
    weights = torch.tensor(W0, requires_grad=True)
    optimizer = make_optimizer([weights])
    path = [W0.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        ((torch.tensor(X) @ weights - torch.tensor(Y)) ** 2).mean().backward()
        optimizer.step()
        path.append(weights.detach().numpy().copy())
    return np.stack(path)


def test_momentum_matches_torch_sgd_step_for_step():
    ours = run_momentum(gradient, W0, 0.2, 0.7, 100)
    theirs = torch_path(lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.7), 100)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13)


def test_zero_momentum_is_plain_gradient_descent():
    w, v = momentum_step(W0, np.zeros_like(W0), gradient(W0), 0.1, 0.0)
    np.testing.assert_allclose(w, W0 - 0.1 * gradient(W0))
    np.testing.assert_allclose(v, gradient(W0))


def test_adam_matches_torch_adam_step_for_step():
    ours = run_adam(gradient, W0, 0.05, 150, betas=(0.8, 0.99), eps=1e-6)
    theirs = torch_path(lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6), 150)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13)


def test_adam_first_step_is_lr_times_sign():
    w, m, s = adam_step([1.0, -2.0], [3.0, -0.5], [0.0, 0.0], [0.0, 0.0], 1, 0.1)
    np.testing.assert_allclose(w, [0.9, -1.9], atol=1e-7)


def test_best_settings_and_rates():
    eigenvalues = np.linalg.eigvalsh(X.T @ X)
    lr, rate = best_gradient_descent(eigenvalues)
    assert lr == pytest.approx(2 / eigenvalues.sum())
    # at the best lr both directions shrink by the same factor
    factors = np.abs(1 - lr * eigenvalues)
    np.testing.assert_allclose(factors, [rate, rate])
    hb_lr, beta, hb_rate = best_heavy_ball(eigenvalues)
    assert beta == pytest.approx(hb_rate**2)
    # the heavy-ball iteration matrix along each eigenvector has spectral radius sqrt(beta)
    for lam in eigenvalues:
        matrix = np.array([[1 + beta - hb_lr * lam, -beta], [1.0, 0.0]])
        assert np.max(np.abs(np.linalg.eigvals(matrix))) == pytest.approx(hb_rate, rel=1e-6)


def test_measured_steps_match_prediction_for_gradient_descent():
    eigenvalues = np.linalg.eigvalsh(X.T @ X)
    lr, rate = best_gradient_descent(eigenvalues)
    minimum = np.linalg.solve(X, Y)
    path = run_momentum(gradient, W0, lr, 0.0, 600)
    predicted = predicted_steps(rate, float(np.linalg.norm(W0 - minimum)), 1e-8)
    assert abs(steps_to_reach(path, minimum, 1e-8) - predicted) <= 1


def test_predicted_steps_edge_cases():
    assert predicted_steps(0.5, 1.0, 0.25) == 2
    assert predicted_steps(0.5, 0.1, 0.25) == 0
    with pytest.raises(ValueError, match="rate must be < 1"):
        predicted_steps(1.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="tolerance"):
        predicted_steps(0.5, 1.0, 0.0)


def test_steps_to_reach_errors():
    path = np.array([[0.0, 0.0], [0.5, 0.0]])
    assert steps_to_reach(path, [1.0, 0.0], 0.6) == 1
    with pytest.raises(ValueError, match="never gets within"):
        steps_to_reach(path, [1.0, 0.0], 0.1)
    with pytest.raises(ValueError, match="path must have shape"):
        steps_to_reach(path, [1.0, 0.0, 0.0], 0.1)


def test_diverging_run_raises():
    with pytest.raises(ValueError, match="diverged"):
        run_momentum(gradient, W0, 1.0, 0.0, 2000)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: momentum_step(W0, np.zeros(2), W0, 0.1, 0.5), ValueError, "velocity must have the shape"),
        (lambda: momentum_step(W0, W0, W0, 0.0, 0.5), ValueError, "lr"),
        (lambda: momentum_step(W0, W0, W0, 0.1, 1.0), ValueError, "momentum"),
        (lambda: momentum_step(W0, W0, W0, 0.1, "0.9"), TypeError, "momentum"),
        (lambda: momentum_step(W0, W0, [[np.nan], [0.0]], 0.1, 0.5), ValueError, "gradient must be finite"),
        (lambda: adam_step(W0, W0, W0, -W0, 1, 0.1), ValueError, "second_moment"),
        (lambda: adam_step(W0, W0, W0, W0, 0, 0.1), ValueError, "step"),
        (lambda: adam_step(W0, W0, W0, W0, 1, 0.1, betas=(0.9,)), TypeError, "betas"),
        (lambda: adam_step(W0, W0, W0, W0, 1, 0.1, eps=0.0), ValueError, "eps"),
        (lambda: adam_step(W0, np.zeros(3), W0, W0, 1, 0.1), ValueError, "gradient must have the shape"),
        (lambda: run_momentum(3, W0, 0.1, 0.5, 10), TypeError, "gradient must be callable"),
        (lambda: run_momentum(gradient, W0, 0.1, 0.5, 0), ValueError, "steps"),
        (lambda: run_adam(lambda w: np.zeros(3), W0, 0.1, 5), ValueError, "gradient"),
        (lambda: best_gradient_descent([1.0, -1.0]), ValueError, "eigenvalues must all be > 0"),
        (lambda: best_heavy_ball([]), ValueError, "eigenvalues must not be empty"),
    ],
)
def test_bad_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
