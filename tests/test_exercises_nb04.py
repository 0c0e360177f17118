import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb04 import check_max_stable_learning_rate, check_one_step_learning_rate


def stub(x):
    raise NotImplementedError


def test_max_stable_learning_rate_accepts_solution(capsys):
    check_max_stable_learning_rate(lambda x: 2 / (2 * np.mean(x**2)))
    check_max_stable_learning_rate(stub)
    out = capsys.readouterr().out.splitlines()
    assert out == ["max_stable_learning_rate: correct (4 cases checked)",
                   "max_stable_learning_rate: not attempted yet (fill in the function, then run this cell again)"]


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x: 1 / (2 * np.mean(x**2)),  # 1/L'': the one-step rate, not the bound
        lambda x: 2 / np.mean(x**2),  # forgot the 2 in L'' = 2 mean(x^2)
        lambda x: 2 / (2 * np.sum(x**2)),  # sum instead of mean
        lambda x: 2 / (2 * np.mean(x) ** 2),  # square of the mean
    ],
)
def test_max_stable_learning_rate_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="(?s)max_stable_learning_rate: expected .*Hint: the bound is 2 / L''"):
        check_max_stable_learning_rate(wrong)


def test_one_step_learning_rate_accepts_solution(capsys):
    check_one_step_learning_rate(lambda x: 1 / (2 * np.mean(x**2)))
    assert capsys.readouterr().out == "one_step_learning_rate: correct (4 cases checked)\n"


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x: 2 / (2 * np.mean(x**2)),  # the stability bound: oscillates forever
        lambda x: 1 / np.mean(x**2),  # same, by forgetting the 2
        lambda x: 1 / (2 * np.sum(x**2)),  # sum instead of mean
    ],
)
def test_one_step_learning_rate_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="(?s)one_step_learning_rate: expected .*Hint: one step"):
        check_one_step_learning_rate(wrong)


def test_a_crashing_answer_is_reported():
    with pytest.raises(ExerciseFailed, match="your function raised ZeroDivisionError"):
        check_one_step_learning_rate(lambda x: 1 / 0)
