import re

import numpy as np
import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb04 import (
    MAX_STABLE_LEARNING_RATE,
    ONE_STEP_LEARNING_RATE,
    check_max_stable_learning_rate,
    check_one_step_learning_rate,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def stub(x):
    raise NotImplementedError


def test_stubs_are_not_attempted(capsys):
    check_max_stable_learning_rate(stub)
    check_one_step_learning_rate(stub)
    out = capsys.readouterr().out.splitlines()
    assert out == ["my_max_stable_learning_rate: not attempted yet (fill in the function, then run this cell again)",
                   "one_step_learning_rate: not attempted yet (fill in the function, then run this cell again)"]


def test_max_stable_learning_rate_feedback():
    assert_feedback(MAX_STABLE_LEARNING_RATE, check_max_stable_learning_rate, [
        lambda x: 2 / (2 * np.mean(x**2)),
        lambda x: len(x) / np.dot(x, x),
        lambda x: 1 / np.mean(np.square(x)),
    ], solution_fragments=["2 / (2 * np.mean(x**2))", "2 mean(x^2)"],
        success="my_max_stable_learning_rate: correct (4 cases checked)")


def test_one_step_learning_rate_feedback():
    assert_feedback(ONE_STEP_LEARNING_RATE, check_one_step_learning_rate, [
        lambda x: 1 / (2 * np.mean(x**2)),
        lambda x: 0.5 / np.mean(x * x),
        lambda x: len(x) / (2 * np.sum(x**2)),
    ], solution_fragments=["1 / (2 * np.mean(x**2))"], success="one_step_learning_rate: correct (4 cases checked)")


def test_a_crashing_answer_is_reported():
    with pytest.raises(ExerciseFailed, match="your code raised ZeroDivisionError"):
        check_one_step_learning_rate(lambda x: 1 / 0)


def test_max_stable_learning_rate_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_max_stable_learning_rate(lambda x: 2 / (2 * np.mean(x**2)))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(MAX_STABLE_LEARNING_RATE.mistakes[index].message)):
            check_max_stable_learning_rate(MAX_STABLE_LEARNING_RATE.mistakes[index].answer)


def test_one_step_learning_rate_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_one_step_learning_rate(lambda x: 1 / (2 * np.mean(x**2)))
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4):
        with pytest.raises(ExerciseFailed, match=re.escape(ONE_STEP_LEARNING_RATE.mistakes[index].message)):
            check_one_step_learning_rate(ONE_STEP_LEARNING_RATE.mistakes[index].answer)


def test_an_answer_that_calls_the_course_helper_is_refused_under_any_name():
    from helpers.curvature import max_stable_learning_rate
    from helpers.curvature import max_stable_learning_rate as bound

    def my_max_stable_learning_rate(x):  # the student's cell, the helper imported above it
        return max_stable_learning_rate(x)

    def renamed(x):
        return bound(x)

    def one_step(x):
        return max_stable_learning_rate(x) / 2

    for answer in (my_max_stable_learning_rate, renamed):
        reset_hints()
        with pytest.raises(ExerciseFailed, match="calls the course's max_stable_learning_rate helper"):
            check_max_stable_learning_rate(answer)
    with pytest.raises(ExerciseFailed, match="calls the course's max_stable_learning_rate helper"):
        check_one_step_learning_rate(one_step)


def test_messages_name_the_students_function(capsys):
    with pytest.raises(ExerciseFailed) as failure:
        check_max_stable_learning_rate(lambda x: 1 / (2 * np.mean(x**2)))
    assert str(failure.value).startswith("my_max_stable_learning_rate: wrong for x=")
