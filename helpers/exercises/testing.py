"""What the unit tests assert about every exercise's feedback (used by tests/test_exercises_*.py)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from helpers.exercises.core import Exercise, ExerciseFailed, reset_hints


def first_message(check: Callable[[Any], None], answer: Any, name: str) -> str:
    """The message a wrong ``answer`` gets on its first try (hints reset before)."""
    reset_hints(name)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            check(answer)
    except ExerciseFailed as error:
        return str(error)
    raise AssertionError(f"{name}: the wrong answer was accepted: {out.getvalue().strip()}")


def assert_feedback(
    exercise: Exercise,
    check: Callable[[Any], None],
    correct: Sequence[Any],
    *,
    solution_fragments: Iterable[str] = (),
    success: str | None = None,
) -> None:
    """Assert what issue 11 asks of an exercise's checker.

    - at least 3 catalogued mistakes; each gets its own message on the first try, and that
      message contains neither the last hint (the formula) nor any ``solution_fragments``;
    - every answer in ``correct`` (at least 2 besides the notebook's, written differently) is accepted;
    - a stub raising NotImplementedError (for function exercises) prints "not attempted yet";
    - repeated failures step through the hints, and the last step is the formula.
    """
    name = exercise.name
    assert len(exercise.mistakes) >= 3, f"{name}: fewer than 3 catalogued mistakes"
    assert len(correct) >= 2, f"{name}: fewer than 2 alternative correct answers"
    messages = [m.message for m in exercise.mistakes]
    assert len(set(messages)) == len(messages), f"{name}: two mistakes share a message"
    fragments = [exercise.hints[-1], *solution_fragments]
    for mistake in exercise.mistakes:
        message = first_message(check, mistake.answer, name)
        assert f"Likely slip: {mistake.message}" in message, f"{name}: {mistake.message!r} not in\n{message}"
        assert "Hint 1 of" in message or len(exercise.hints) == 1, message
        for fragment in fragments:
            assert fragment not in message, f"{name}: the first message gives away {fragment!r}:\n{message}"
    for answer in correct:
        reset_hints(name)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            check(answer)
        line = out.getvalue().strip()
        assert line.startswith(f"{name}: correct"), f"{name}: a right answer was rejected or not run: {line!r}"
        if success is not None:
            assert line == success, line
    reset_hints(name)
    last = ""
    for _ in range(len(exercise.hints) + 1):
        last = first_message_no_reset(check, exercise.mistakes[0].answer)
    assert exercise.hints[-1] in last, f"{name}: the last hint step does not show the formula:\n{last}"
    reset_hints(name)


def first_message_no_reset(check: Callable[[Any], None], answer: Any) -> str:
    """The message of one more failing try (the hint step advances)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(answer)
    except ExerciseFailed as error:
        return str(error)
    raise AssertionError("the wrong answer was accepted")
