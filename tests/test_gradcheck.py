import numpy as np
import pytest
import torch

from helpers.gradcheck import (
    GradientMismatchError,
    check_gradient,
    numerical_gradient,
    relative_error,
)


def quadratic(w):
    return float(np.sum((np.asarray(w) * 2.0 - 4.0) ** 2))


def test_central_difference_of_seed_example_is_minus_eight():
    assert numerical_gradient(quadratic, 1.0) == pytest.approx(-8.0, abs=1e-6)


def test_forward_difference_error_is_first_order_central_second_order():
    f = np.exp
    exact = np.exp(0.5)
    forward = [abs(float(numerical_gradient(f, 0.5, h=h, method="forward")) - exact) for h in (1e-2, 1e-3)]
    central = [abs(float(numerical_gradient(f, 0.5, h=h)) - exact) for h in (1e-2, 1e-3)]
    assert forward[0] / forward[1] == pytest.approx(10, rel=0.05)
    assert central[0] / central[1] == pytest.approx(100, rel=0.05)


def test_gradient_of_matrix_argument_matches_closed_form():
    X = np.array([[1.0, 1.2], [2.0, 1.2]])
    Y = np.array([[2.0], [4.0]])
    W = np.array([[1.0], [1.0]])

    def mse(weights):
        return float(np.mean((X @ weights - Y) ** 2))

    closed = 2 / len(X) * X.T @ (X @ W - Y)
    np.testing.assert_allclose(numerical_gradient(mse, W), closed, atol=1e-8)
    np.testing.assert_allclose(closed.ravel(), [-1.4, -0.72])


def test_accepts_torch_loss_and_does_not_modify_x():
    x = np.array([1.0, -2.0])
    before = x.copy()
    grad = numerical_gradient(lambda v: torch.tensor(v).pow(2).sum(), x)
    np.testing.assert_allclose(grad, 2 * before, atol=1e-6)
    np.testing.assert_array_equal(x, before)


def test_relative_error_is_symmetric_and_zero_safe():
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([1.0], [1.1]) == pytest.approx(relative_error([1.1], [1.0]))
    assert relative_error([1.0], [3.0]) == pytest.approx(0.5)


def test_check_gradient_passes_and_returns_error():
    assert check_gradient(-8.0, quadratic, 1.0) < 1e-8


def test_check_gradient_reports_the_wrong_entries():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])

    def f(w):
        return float(np.sum((X @ w) ** 2))

    w = np.array([0.5, -1.0])
    right = 2 * X.T @ (X @ w)
    wrong = right.copy()
    wrong[1] += 1.0
    with pytest.raises(GradientMismatchError) as info:
        check_gradient(wrong, f, w, name="dL/dw")
    message = str(info.value)
    assert "dL/dw does not match" in message
    assert "(1,)" in message and "(0,)" not in message
    # the message is read on a slide: every line fits 88 columns with the class name
    lines = f"GradientMismatchError: {message}".splitlines()
    assert max(len(line) for line in lines) <= 88, lines


def test_check_gradient_scalar_mismatch_message():
    with pytest.raises(GradientMismatchError, match="relative error"):
        check_gradient(-120.0, quadratic, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x": [1.0, float("nan")]}, ValueError, "x must be finite"),
        ({"x": "one"}, TypeError, "x must be numeric"),
        ({"h": 0.0}, ValueError, "h must be a positive"),
        ({"h": -1e-3}, ValueError, "h must be a positive"),
        ({"method": "backward"}, ValueError, "method must be one of"),
        ({"f": 3}, TypeError, "f must be callable"),
    ],
)
def test_numerical_gradient_rejects_bad_input(kwargs, error, match):
    args = {"f": quadratic, "x": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        numerical_gradient(args.pop("f"), args.pop("x"), **args)


def test_numerical_gradient_rejects_vector_or_nan_output():
    with pytest.raises(ValueError, match="f must return a scalar"):
        numerical_gradient(lambda v: np.array([1.0, 2.0]), 1.0)
    with pytest.raises(ValueError, match="must be finite"):
        numerical_gradient(lambda v: float("nan"), 1.0)


def test_check_gradient_rejects_shape_mismatch():
    with pytest.raises(ValueError, match="shape of x"):
        check_gradient([1.0, 2.0], quadratic, [1.0, 2.0, 3.0])


def test_relative_error_rejects_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        relative_error([1.0], [1.0, 2.0])


# --- finite_difference_errors -------------------------------------------------------------

from helpers.gradcheck import finite_difference_errors  # noqa: E402


def test_errors_of_quadratic_forward_difference_are_h_times_half_curvature():
    # L(w) = (2w - 4)^2: L'' = 8, so the forward difference is off by exactly 4 h (truncation)
    steps = [1e-1, 1e-2]
    errors = finite_difference_errors(quadratic, -8.0, 1.0, steps, "forward")
    np.testing.assert_allclose(errors, [0.4, 0.04], rtol=1e-6)


def test_central_error_is_second_order_and_derivative_may_be_a_function():
    steps = np.array([1e-2, 1e-3])
    errors = finite_difference_errors(np.exp, np.exp, 0.5, steps)
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.05)
    relative = finite_difference_errors(np.exp, np.exp, 0.5, steps, relative=True)
    np.testing.assert_allclose(relative, errors / np.exp(0.5))


def test_errors_show_the_v_shape():
    steps = 10.0 ** -np.arange(1, 14)
    central = finite_difference_errors(np.exp, np.exp, 0.5, steps)
    forward = finite_difference_errors(np.exp, np.exp, 0.5, steps, method="forward")
    assert 1e-7 <= steps[np.argmin(central)] <= 1e-4
    assert 1e-10 <= steps[np.argmin(forward)] <= 1e-6
    assert central[-1] > central.min() * 100 and forward[-1] > forward.min() * 100


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"steps": []}, ValueError, "at least one step"),
        ({"steps": [1e-3, 0.0]}, ValueError, "steps must all be > 0"),
        ({"steps": [[1e-3]]}, ValueError, "steps must have 1 dimension"),
        ({"steps": [float("nan")]}, ValueError, "steps must be finite"),
        ({"x": [1.0, 2.0]}, ValueError, "x must be a single number"),
        ({"method": "backward"}, ValueError, "method must be one of"),
        ({"df": float("inf")}, ValueError, "df must be finite"),
        ({"df": "eight"}, TypeError, "df must be numeric"),
        ({"df": 0.0, "relative": True}, ValueError, "non-zero exact derivative"),
        ({"f": None}, TypeError, "f must be callable"),
    ],
)
def test_finite_difference_errors_rejects_bad_input(kwargs, error, match):
    args = {"f": quadratic, "df": -8.0, "x": 1.0, "steps": [1e-3], **kwargs}
    with pytest.raises(error, match=match):
        finite_difference_errors(args.pop("f"), args.pop("df"), args.pop("x"), args.pop("steps"), **args)
