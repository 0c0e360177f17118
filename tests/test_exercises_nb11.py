import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb11 import ADAM_STEP, MOMENTUM_STEP, check_adam_step, check_momentum_step
from helpers.exercises.testing import assert_feedback, first_message


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


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
    with pytest.raises(ExerciseFailed, match="adam_step: wrong"):
        check_adam_step(wrong)


def momentum_sutskever(w, velocity, gradient, lr, momentum):
    velocity = momentum * velocity - lr * gradient  # another convention: the same path of w
    return w + velocity, velocity


def momentum_in_place(w, velocity, gradient, lr, momentum):
    velocity = np.array(velocity, dtype=float)
    velocity *= momentum
    velocity += gradient
    return np.subtract(w, lr * velocity), velocity


def test_momentum_feedback():
    assert_feedback(MOMENTUM_STEP, check_momentum_step, [momentum_step, momentum_sutskever, momentum_in_place],
                    solution_fragments=["velocity = momentum * velocity + gradient"],
                    success="momentum_step: correct (3 cases checked)")


def adam_torch_style(w, g, m, s, t, lr):
    m = m + (1 - 0.9) * (g - m)
    s = s * 0.999 + (1 - 0.999) * g * g
    step_size = lr / (1 - 0.9**t)
    denominator = np.sqrt(s) / np.sqrt(1 - 0.999**t) + 1e-8
    return w - step_size * m / denominator, m, s


def adam_loop(w, g, m, s, t, lr):
    new_w, new_m, new_s = [], [], []
    for wi, gi, mi, si in zip(np.atleast_1d(w), np.atleast_1d(g), np.atleast_1d(m), np.atleast_1d(s), strict=True):
        mi = 0.9 * mi + 0.1 * gi
        si = 0.999 * si + 0.001 * gi**2
        new_w.append(wi - lr * (mi / (1 - 0.9**t)) / ((si / (1 - 0.999**t)) ** 0.5 + 1e-8))
        new_m.append(mi)
        new_s.append(si)
    return np.array(new_w), np.array(new_m), np.array(new_s)


def test_adam_feedback():
    assert_feedback(ADAM_STEP, check_adam_step, [adam_step, adam_torch_style, adam_loop],
                    solution_fragments=["np.sqrt(s_hat) + 1e-8"], success="adam_step: correct (3 cases checked)")


def eps_inside_root(w, g, m, s, t, lr):
    m = 0.9 * m + 0.1 * g
    s = 0.999 * s + 0.001 * g**2
    m_hat, s_hat = m / (1 - 0.9**t), s / (1 - 0.999**t)
    return w - lr * m_hat / np.sqrt(s_hat + 1e-8), m, s


def test_eps_inside_the_root_is_named_and_shown_with_enough_digits():
    message = first_message(check_adam_step, eps_inside_root, "adam_step")
    assert "Likely slip: eps (1e-8) is added inside the square root" in message, message
    rows = [line for line in message.splitlines() if "expected" in line and ", got" in line]
    assert rows, message
    for line in rows:  # the numbers differ past the 6th digit: they must not print alike
        expected, got = line.split("expected ", 1)[1].split(", got ")
        assert expected != got, line
    assert "step 1: expected [-0.500000003], got [-0.500000001]" in message, message
