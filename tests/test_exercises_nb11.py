import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb11 import check_adam_step, check_momentum_step


def momentum_step(w, velocity, gradient, lr, momentum):
    velocity = momentum * velocity + gradient
    return w - lr * velocity, velocity


def adam_step(w, g, m, s, t, lr):
    m = 0.9 * m + 0.1 * g
    s = 0.999 * s + 0.001 * g**2
    m_hat, s_hat = m / (1 - 0.9**t), s / (1 - 0.999**t)
    return w - lr * m_hat / (np.sqrt(s_hat) + 1e-8), m, s


def test_solutions_pass(capsys):
    check_momentum_step(momentum_step)
    check_adam_step(adam_step)
    out = capsys.readouterr().out
    assert "momentum_step: correct (3 cases checked)" in out and "adam_step: correct (3 cases checked)" in out


def test_stubs_are_not_attempted(capsys):
    def stub(*args):
        raise NotImplementedError

    check_momentum_step(stub)
    check_adam_step(stub)
    assert capsys.readouterr().out.count("not attempted yet") == 2


def old_velocity(w, velocity, gradient, lr, momentum):
    return w - lr * velocity, momentum * velocity + gradient


def no_momentum(w, velocity, gradient, lr, momentum):
    return w - lr * gradient, velocity


def dampened(w, velocity, gradient, lr, momentum):
    velocity = momentum * velocity + (1 - momentum) * gradient
    return w - lr * velocity, velocity


def only_weights(w, velocity, gradient, lr, momentum):
    return w - lr * gradient


@pytest.mark.parametrize("wrong", [old_velocity, no_momentum, dampened, only_weights])
def test_wrong_momentum_fails(wrong):
    with pytest.raises(ExerciseFailed, match="momentum_step"):
        check_momentum_step(wrong)


def no_bias_correction(w, g, m, s, t, lr):
    m = 0.9 * m + 0.1 * g
    s = 0.999 * s + 0.001 * g**2
    return w - lr * m / (np.sqrt(s) + 1e-8), m, s


def no_square_root(w, g, m, s, t, lr):
    m = 0.9 * m + 0.1 * g
    s = 0.999 * s + 0.001 * g**2
    m_hat, s_hat = m / (1 - 0.9**t), s / (1 - 0.999**t)
    return w - lr * m_hat / (s_hat + 1e-8), m, s


def step_from_zero(w, g, m, s, t, lr):
    return adam_step(w, g, m, s, t + 1, lr)  # counts steps from 0


@pytest.mark.parametrize("wrong", [no_bias_correction, no_square_root, step_from_zero])
def test_wrong_adam_fails(wrong):
    with pytest.raises(ExerciseFailed, match="Hint: m = 0.9 m"):
        check_adam_step(wrong)
