import numpy as np
import pytest
import torch

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb06 import check_ridge_gradient, check_train_with_autograd, train_reference


def ridge_gradient(w, X, y, penalty):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    X = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(y, dtype=torch.float64)
    loss = ((X @ w - y) ** 2).mean() + penalty * (w**2).sum()
    loss.backward()
    return w.grad


def ridge_gradient_without_penalty(w, X, y, penalty):
    return ridge_gradient(w, X, y, 0.0)


def ridge_gradient_sum_not_mean(w, X, y, penalty):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    X = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(y, dtype=torch.float64)
    loss = ((X @ w - y) ** 2).sum() + penalty * (w**2).sum()
    loss.backward()
    return w.grad


def train(learning_rate, n_epochs, zero=True, reduce="mean"):
    X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
    y = 2 * X
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(n_epochs):
        squared = (w * X - y) ** 2
        loss = squared.mean() if reduce == "mean" else squared.sum()
        loss.backward()
        with torch.no_grad():
            w -= learning_rate * w.grad
        if zero:
            w.grad.zero_()
    return w.item()


def test_ridge_accepts_the_autograd_solution(capsys):
    check_ridge_gradient(ridge_gradient)
    assert "ridge_gradient: correct (3 cases checked)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [ridge_gradient_without_penalty, ridge_gradient_sum_not_mean,
                                   lambda w, X, y, p: np.zeros(3)])
def test_ridge_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="ridge_gradient"):
        check_ridge_gradient(wrong)


def test_ridge_stub_is_not_attempted(capsys):
    def stub(w, X, y, penalty):
        raise NotImplementedError
    check_ridge_gradient(stub)
    assert "not attempted yet" in capsys.readouterr().out


def test_train_reference_reproduces_the_seed():
    assert np.float32(train_reference(0.01, 1)) == np.float32(0.29999998)
    assert np.float32(train_reference(0.01, 11)) == np.float32(1.6653136)


def test_train_accepts_the_solution(capsys):
    check_train_with_autograd(train)
    assert "train_with_autograd: correct (5 cases checked)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [lambda lr, n: train(lr, n, zero=False),
                                   lambda lr, n: train(lr, n, reduce="sum"),
                                   lambda lr, n: train(lr, n - 1)])
def test_train_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="train_with_autograd"):
        check_train_with_autograd(wrong)
