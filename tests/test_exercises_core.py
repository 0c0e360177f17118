import re

import numpy as np
import pytest
import torch

from helpers.exercises import ExerciseFailed, check_function, check_value, hint
from helpers.exercises.core import Exercise, Mistake, reset_hints, uses_a_loop
from helpers.exercises.start import (
    SQUARED_ERROR,
    SQUARED_ERROR_GRADIENT,
    check_squared_error,
    check_squared_error_gradient,
)
from helpers.exercises.testing import assert_feedback, first_message


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()
    yield
    reset_hints()


def stub(*args):
    raise NotImplementedError


def message_of(call):
    with pytest.raises(ExerciseFailed) as info:
        call()
    return str(info.value)


def test_value_correct_and_not_attempted(capsys):
    check_value("loss at w=1", np.float32(4.0), 4.0)
    check_value("loss at w=1", ..., 4.0)
    out = capsys.readouterr().out.splitlines()
    assert out == ["loss at w=1: correct", "loss at w=1: not attempted yet (replace the ... with your answer)"]


def test_value_wrong_says_expected_got_and_hint():
    message = message_of(lambda: check_value("grad", -12.0, -30.0, hint="a mean divides by N"))
    assert "expected -30.0, got -12.0" in message and "Hint: a mean divides by N" in message


def test_value_wrong_shape_and_nan_and_type():
    assert "expected shape" in message_of(lambda: check_value("W", np.ones((2, 1)), np.ones(2)))
    assert "NaN or inf" in message_of(lambda: check_value("w", float("nan"), 1.0))
    assert "expected a number" in message_of(lambda: check_value("w", "two", 2.0))
    assert "expected True" in message_of(lambda: check_value("converges", False, True))


def test_function_stub_is_not_attempted_not_a_traceback(capsys):
    check_function("f", stub, lambda x: x, [(1.0,)])
    check_function("f", ..., lambda x: x, [(1.0,)])
    assert capsys.readouterr().out.count("f: not attempted yet") == 2


def test_function_correct_with_tensors(capsys):
    check_function("double", lambda x: torch.tensor(x) * 2, lambda x: 2 * x, [(1.0,), (np.array([1.0, 2.0]),)])
    assert capsys.readouterr().out == "double: correct (2 cases checked)\n"


def test_function_raising_is_reported_briefly():
    def broken(x):
        return x / undefined_name  # noqa: F821

    message = message_of(lambda: check_function("f", broken, lambda x: x, [(1.0,)]))
    assert "your code raised NameError" in message and "(for x=1.0)" in message


def test_render_traceback_is_short_and_wrapped():
    error = ExerciseFailed("f: expected 1, got 2\nHint: look again " + "and again " * 12)
    lines = error._render_traceback_()
    assert "ExerciseFailed" in lines[0] and lines[1].startswith("  Hint: look again")
    assert len(lines) == 3 and all(len(line) <= 88 for line in lines[1:])


def test_function_rejects_bad_arguments():
    with pytest.raises(TypeError, match="expected a function"):
        check_function("f", 3, lambda x: x, [(1.0,)])
    with pytest.raises(ValueError, match="at least one"):
        check_function("f", lambda x: x, lambda x: x, [])


# ----- diagnosis: each slip of issue 11 is named in one line


def mean_of_squares(w, X, y):
    return float(np.mean((w * X - y) ** 2))


CASES = [(1.0, np.array([1.0, 2.0]), np.array([2.0, 4.0])), (0.5, np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 5.0]))]


def slip_of(answer, **options):
    message = message_of(lambda: check_function("loss", answer, mean_of_squares, CASES, **options))
    return next(line for line in message.splitlines() if line.startswith("Likely slip:"))


def test_arguments_are_named():
    message = message_of(lambda: check_function("loss", lambda w, X, y: 0.0, mean_of_squares, CASES))
    assert message.startswith("loss: wrong for w=1.0, X=[1.0, 2.0], y=[2.0, 4.0]: expected 2.5, got 0.0")


def test_missing_return():
    def forgot(w, X, y):
        np.mean((w * X - y) ** 2)

    assert "is the `return` missing?" in slip_of(forgot)


def test_flipped_sign_factor_two_and_n():
    assert "opposite sign" in slip_of(lambda w, X, y: -np.mean((w * X - y) ** 2))
    assert "twice the expected" in slip_of(lambda w, X, y: 2 * np.mean((w * X - y) ** 2))
    assert "half the expected" in slip_of(lambda w, X, y: np.mean((w * X - y) ** 2) / 2)
    assert "N times too large" in slip_of(lambda w, X, y: np.sum((w * X - y) ** 2))
    assert "N times too small" in slip_of(lambda w, X, y: np.mean((w * X - y) ** 2) / len(X))


def test_custom_factor_n_over_b():
    cases = [(6, 2), (8, 4), (9, 3)]
    message = message_of(lambda: check_function(
        "v", lambda n, b: 1.0 / n, lambda n, b: 1.0 / b, cases, factors={"N/B": lambda case: case[0] / case[1]}))
    assert "N/B times too small" in message


def test_shapes_transposed_and_broadcast():
    column = [(np.array([[1.0, 2.0, 3.0]]),)]
    transposed = message_of(lambda: check_function("g", lambda X: X, lambda X: X.T, column))
    assert "transposed" in transposed
    vector = [(np.array([1.0, 2.0, 3.0]), np.array([[1.0], [2.0], [3.0]]))]
    broadcast = message_of(lambda: check_function("r", lambda a, b: a - b, lambda a, b: a - b[:, 0], vector))
    assert "broadcasting made a table" in broadcast


def test_nan_means_diverged():
    assert "diverges" in slip_of(lambda w, X, y: float("inf"))


def test_precision_and_tensor_slips():
    cases = [(np.array([1.0, 2.0]),)]
    float32 = message_of(lambda: check_function("d", lambda a: a.astype(np.float32), lambda a: a, cases, dtype="float64"))
    assert "float32 where float64 is asked" in float32
    integer = message_of(lambda: check_function("d", lambda a: a.astype(int), lambda a: a, cases, dtype="float64"))
    assert "integer arithmetic where float64 is asked" in integer
    tensor = message_of(lambda: check_function("f", lambda a: torch.tensor(a.sum()), lambda a: a.sum(), cases, want="float"))
    assert "a tensor where a plain number is asked" in tensor


def test_state_kept_outside():
    calls = []

    def leaky(w, X, y):
        calls.append(1)
        return mean_of_squares(w, X, y) + len(calls)

    assert "keeps state outside" in slip_of(leaky)


def test_trajectory_shows_first_differing_step_and_neighbours():
    def path(steps):
        return np.column_stack([np.arange(steps), np.arange(steps) ** 2]).astype(float)

    def wrong(steps):
        result = path(steps)
        result[3:, 1] += 1
        return result

    message = message_of(lambda: check_function(
        "path", wrong, path, [(6,)], row_name="step", labels=("w", "b")))
    assert "first difference at step 4 of 6:" in message
    assert "step 3: [w=2.0, b=4.0] (right)" in message and "step 4: expected [w=3.0, b=9.0], got [w=3.0, b=10.0]" in message
    assert "step 1:" not in message and "step 6:" not in message


def test_composite_results_are_labelled():
    message = message_of(lambda: check_function(
        "tanh", lambda x: [np.tanh(x), 1.0], lambda x: [np.tanh(x), 1 - np.tanh(x) ** 2], [(0.5,)],
        labels=("value", "gradient")))
    assert "expected value=0.462117, gradient=0.786448; got value=0.462117, gradient=1.0" in message


def test_long_arrays_show_the_first_difference_only():
    big = [(np.arange(50.0),)]
    message = message_of(lambda: check_function("a", lambda a: a + (a > 20), lambda a: a, big))
    assert "29 of 50 entries differ; first at [21]: expected 21.0, got 22.0" in message
    assert "a=array of shape (50,)" in message and len(message.splitlines()) <= 5


def test_loop_detection():
    def loop(n):
        total = 0
        for i in range(n):
            total += i
        return total

    def closed(n):
        return n * (n - 1) // 2

    assert uses_a_loop(loop) and not uses_a_loop(closed)


# ----- hints in steps


EXAMPLE = Exercise(
    "example_sum",
    hints=("nudge", "more specific", "x + y"),
    mistakes=(
        Mistake(lambda x, y: x - y, "a difference, not a sum"),
        Mistake(lambda x, y: x * y, "a product, not a sum"),
        Mistake(lambda x, y: x, "y is left out"),
    ),
)


def check_example(func):
    return check_function(EXAMPLE, func, lambda x, y: np.add(x, y), [(1.0, 2.0), (3.0, 5.0)])


def test_hints_come_in_steps_and_reset_on_success(capsys):
    first = first_message(check_example, lambda x, y: x - y, "example_sum")
    assert "Likely slip: a difference, not a sum" in first and "Hint 1 of 3: nudge" in first and "x + y" not in first
    second = message_of(lambda: check_example(lambda x, y: x * y))
    assert "Likely slip: a product, not a sum" in second and "Hint 2 of 3: more specific" in second
    third = message_of(lambda: check_example(lambda x, y: x))
    assert "Hint 3 of 3: x + y" in third
    check_example(lambda x, y: y + x)
    assert capsys.readouterr().out == "example_sum: correct (2 cases checked)\n"
    assert "Hint 1 of 3" in message_of(lambda: check_example(lambda x, y: x))


def test_hint_on_request(capsys):
    hint("example_sum")
    hint("example_sum")
    assert capsys.readouterr().out.splitlines() == [
        'example_sum: Hint 1 of 3: nudge (next hint: check again, or hint("example_sum"))',
        'example_sum: Hint 2 of 3: more specific (next hint: check again, or hint("example_sum"))',
    ]
    hint("example_sum", full=True)
    assert capsys.readouterr().out.splitlines()[-1] == "example_sum, hint 3 of 3: x + y"
    hint("mse")  # an exercise of a module not imported yet is found
    assert capsys.readouterr().out.startswith("mse: Hint 1 of")
    with pytest.raises(ValueError, match="name must be an exercise's name"):
        hint("no_such_exercise")


def test_example_feedback():
    assert_feedback(EXAMPLE, check_example, [lambda x, y: y + x, lambda x, y: sum([x, y])])


# ----- notebook 00


def test_squared_error_feedback():
    assert_feedback(SQUARED_ERROR, check_squared_error, [
        lambda w, x, y: (w * x - y) ** 2,
        lambda w, x, y: (y - w * x) * (y - w * x),
        lambda w, x, y: float(np.square(w * x - y)),
    ], solution_fragments=["** 2", "**2"])


def test_squared_error_gradient_feedback():
    assert_feedback(SQUARED_ERROR_GRADIENT, check_squared_error_gradient, [
        lambda w, x, y: 2 * (w * x - y) * x,
        lambda w, x, y: 2 * w * x**2 - 2 * x * y,
        lambda w, x, y: -2 * x * (y - w * x),
    ], solution_fragments=["2 * (w * x - y) * x"])


def test_squared_error_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_squared_error(lambda w, x, y: (w * x - y) ** 2)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(SQUARED_ERROR.mistakes[index].message)):
            check_squared_error(SQUARED_ERROR.mistakes[index].answer)


def test_squared_error_gradient_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_squared_error_gradient(lambda w, x, y: 2 * (w * x - y) * x)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(SQUARED_ERROR_GRADIENT.mistakes[index].message)):
            check_squared_error_gradient(SQUARED_ERROR_GRADIENT.mistakes[index].answer)


def test_matching_mistakes_leaves_the_global_rng_alone():
    from helpers.exercises.nb09 import _KeepsTrainingOneModel

    def draws(x):
        return x + float(torch.rand(()))  # a catalogued answer that uses the global generator

    exercise = Exercise("rng_example", hints=("h",), mistakes=(Mistake(draws, "draws"),))
    torch.manual_seed(3)
    expected = torch.rand(4)
    torch.manual_seed(3)
    _KeepsTrainingOneModel()
    with pytest.raises(ExerciseFailed):
        check_function(exercise, lambda x: x + 1.0, lambda x: x, [(1.0,)])
    assert torch.equal(torch.rand(4), expected)


def test_printed_hints_fit_88_columns(capsys):
    hint("adam_step", full=True)
    hint("seeded_loader")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 4 and max(len(line) for line in lines) <= 88


def test_common_errors_are_explained():
    def in_place(lr):
        w = torch.tensor(1.0, requires_grad=True)
        (w * 2).backward()
        w -= lr * w.grad
        return w.item()

    def twice(lr):
        w = torch.tensor(1.0, requires_grad=True)
        loss = (w * 2) ** 2
        loss.backward()
        loss.backward()
        return w.item()

    def detached(lr):
        w = torch.tensor(1.0, requires_grad=True)
        torch.tensor((w * 2).item()).backward()
        return w.item()

    def not_scalar(lr):
        w = torch.ones(3, requires_grad=True)
        (w * 2).backward()
        return 0.0

    def no_transpose(lr):
        return float((torch.ones(4, 3) @ torch.ones(2, 3)).sum())

    def grad_before_backward(lr):
        w = torch.tensor(1.0, requires_grad=True)
        w.grad.zero_()
        return 0.0

    expected = {
        in_place: "inside `with torch.no_grad():`",
        twice: "build the loss again in every epoch",
        detached: "does not depend on a tensor with requires_grad=True",
        not_scalar: "reduce the loss to one value first",
        no_transpose: "is a transpose missing or extra?",
        grad_before_backward: ".grad stays None until backward() has run",
    }
    for answer, slip in expected.items():
        reset_hints()
        assert slip in message_of(lambda answer=answer: check_function("f", answer, lambda lr: 1.0, [(0.1,)]))
