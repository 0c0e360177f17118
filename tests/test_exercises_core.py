import numpy as np
import pytest
import torch

from helpers.exercises import ExerciseFailed, check_function, check_value
from helpers.exercises.start import check_squared_error, check_squared_error_gradient


def stub(*args):
    raise NotImplementedError


def test_value_correct_and_not_attempted(capsys):
    check_value("loss at w=1", np.float32(4.0), 4.0)
    check_value("loss at w=1", ..., 4.0)
    out = capsys.readouterr().out.splitlines()
    assert out == ["loss at w=1: correct", "loss at w=1: not attempted yet (replace the ... with your answer)"]


def test_value_wrong_says_expected_got_and_hint():
    with pytest.raises(ExerciseFailed) as info:
        check_value("grad", -120.0, -30.0, hint="a mean divides by N")
    message = str(info.value)
    assert "expected -30, got -120" in message and "Hint: a mean divides by N" in message


def test_value_wrong_shape_and_nan_and_type():
    with pytest.raises(ExerciseFailed, match="expected shape"):
        check_value("W", np.ones((2, 1)), np.ones(2))
    with pytest.raises(ExerciseFailed, match="NaN or inf"):
        check_value("w", float("nan"), 1.0)
    with pytest.raises(ExerciseFailed, match="expected a number"):
        check_value("w", "two", 2.0)
    with pytest.raises(ExerciseFailed, match="expected True"):
        check_value("converges", False, True)


def test_function_stub_is_not_attempted_not_a_traceback(capsys):
    check_function("f", stub, lambda x: x, [(1.0,)])
    assert "f: not attempted yet" in capsys.readouterr().out


def test_function_correct_with_tensors(capsys):
    check_function("double", lambda x: torch.tensor(x) * 2, lambda x: 2 * x, [(1.0,), (np.array([1.0, 2.0]),)])
    assert capsys.readouterr().out == "double: correct (2 cases checked)\n"


def test_function_raising_is_reported_briefly():
    def broken(x):
        return x / undefined_name  # noqa: F821

    with pytest.raises(ExerciseFailed, match="your function raised NameError"):
        check_function("f", broken, lambda x: x, [(1.0,)])


def test_render_traceback_is_short():
    error = ExerciseFailed("f: expected 1, got 2\nHint: look again")
    lines = error._render_traceback_()
    assert len(lines) == 2 and "ExerciseFailed" in lines[0] and lines[1] == "  Hint: look again"


def test_function_rejects_bad_arguments():
    with pytest.raises(TypeError, match="expected a function"):
        check_function("f", 3, lambda x: x, [(1.0,)])
    with pytest.raises(ValueError, match="at least one"):
        check_function("f", lambda x: x, lambda x: x, [])


def test_start_checkers_accept_solution_reject_two_wrong_answers(capsys):
    check_squared_error(lambda w, x, y: (w * x - y) ** 2)
    check_squared_error_gradient(lambda w, x, y: 2 * (w * x - y) * x)
    assert capsys.readouterr().out.count("correct") == 2
    for wrong in (lambda w, x, y: (w * x - y), lambda w, x, y: abs(w * x - y)):
        with pytest.raises(ExerciseFailed, match="squared_error"):
            check_squared_error(wrong)
    for wrong in (lambda w, x, y: 2 * (w * x - y), lambda w, x, y: (w * x - y) * x):
        with pytest.raises(ExerciseFailed, match="Hint: chain rule"):
            check_squared_error_gradient(wrong)
