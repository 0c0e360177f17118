import re

import numpy as np
import pytest
import torch

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb06 import (
    RIDGE_GRADIENT,
    TRAIN_WITH_AUTOGRAD,
    check_ridge_gradient,
    check_train_with_autograd,
    train_reference,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def ridge_gradient(w, X, y, penalty):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    X = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(y, dtype=torch.float64)
    loss = ((X @ w - y) ** 2).mean() + penalty * (w**2).sum()
    loss.backward()
    return w.grad


def ridge_gradient_functional(w, X, y, penalty):
    X = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(y, dtype=torch.float64)

    def loss(v):
        return torch.nn.functional.mse_loss(X @ v, y) + penalty * v.dot(v)

    v = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    (gradient,) = torch.autograd.grad(loss(v), v)
    return gradient.numpy().tolist()


def ridge_gradient_numpy_out(w, X, y, penalty):
    return ridge_gradient(w, X, y, penalty).numpy()


def test_ridge_feedback():
    assert_feedback(RIDGE_GRADIENT, check_ridge_gradient,
                    [ridge_gradient, ridge_gradient_functional, ridge_gradient_numpy_out],
                    solution_fragments=["(w**2).sum()", "w.grad"], success="ridge_gradient: correct (3 cases checked)")


def test_ridge_rejects_float32_even_when_close():
    def float32(w, X, y, penalty):
        return ridge_gradient(w, X, y, penalty).float()

    with pytest.raises(ExerciseFailed, match="your result is float32"):
        check_ridge_gradient(float32)


def test_ridge_names_a_mean_penalty_first():
    def mean_penalty(w, X, y, penalty):
        w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
        X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
        (((X @ w - y) ** 2).mean() + penalty * (w**2).mean()).backward()
        return w.grad

    with pytest.raises(ExerciseFailed) as failed:
        check_ridge_gradient(mean_penalty)
    message = str(failed.value)
    assert "Likely slip: the penalty part is too small by a factor of the number of weights" in message
    assert "Hint 1 of" in message and "(w**2).sum()" not in message


def test_ridge_stub_is_not_attempted(capsys):
    def stub(w, X, y, penalty):
        raise NotImplementedError
    check_ridge_gradient(stub)
    assert "not attempted yet" in capsys.readouterr().out


def test_train_reference_reproduces_the_gradients_example():
    assert np.float32(train_reference(0.01, 1)) == np.float32(0.29999998)
    assert np.float32(train_reference(0.01, 11)) == np.float32(1.6653136)


def train(learning_rate, n_epochs):
    X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
    y = 2 * X
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(n_epochs):
        loss = ((w * X - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= learning_rate * w.grad
        w.grad.zero_()
    return w.item()


def train_with_grad_function(learning_rate, n_epochs):
    X = torch.tensor([1.0, 2.0, 3.0, 4.0])
    w = torch.zeros((), requires_grad=True)
    for _ in range(n_epochs):
        (gradient,) = torch.autograd.grad(torch.nn.functional.mse_loss(w * X, 2 * X), w)
        w = (w - learning_rate * gradient).detach().requires_grad_()
    return w.item()


def train_with_data_update(learning_rate, n_epochs):
    X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(n_epochs):
        w.grad = None
        ((w * X - 2 * X) ** 2).mean().backward()
        w.data -= learning_rate * w.grad
    return w.item()


def test_train_feedback():
    assert_feedback(TRAIN_WITH_AUTOGRAD, check_train_with_autograd,
                    [train, train_with_grad_function, train_with_data_update],
                    solution_fragments=["w.grad.zero_()", "w -= lr * w.grad"],
                    success="train_with_autograd: correct (5 cases checked)")


def test_train_rejects_a_tensor_and_one_step_short():
    with pytest.raises(ExerciseFailed, match="a tensor was returned"):
        check_train_with_autograd(lambda lr, n: torch.tensor(train(lr, n)))
    reset_hints()
    with pytest.raises(ExerciseFailed, match="train_with_autograd: wrong"):
        check_train_with_autograd(lambda lr, n: train(lr, n - 1))


def test_ridge_gradient_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_ridge_gradient(ridge_gradient)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in range(len(RIDGE_GRADIENT.mistakes)):
        with pytest.raises(ExerciseFailed, match=re.escape(RIDGE_GRADIENT.mistakes[index].message)):
            check_ridge_gradient(RIDGE_GRADIENT.mistakes[index].answer)


def test_train_with_autograd_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_train_with_autograd(train)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(TRAIN_WITH_AUTOGRAD.mistakes[index].message)):
            check_train_with_autograd(TRAIN_WITH_AUTOGRAD.mistakes[index].answer)
