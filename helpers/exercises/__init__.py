"""Exercise checks: "check my answer" cells.

:mod:`helpers.exercises.core` holds the framework (:func:`check_value`,
:func:`check_function`, hints in steps, the diagnosis of common slips); one module per
part of the course holds that part's checkers, each comparing the student's answer with a
reference computed independently (never a hard-coded number) and declaring the typical
wrong answers of its exercise. ``hint("name")`` prints the next hint for an exercise.
"""

from helpers.exercises.core import (
    NOT_ATTEMPTED,
    Exercise,
    ExerciseFailed,
    Mistake,
    check_function,
    check_value,
    hint,
)

__all__ = ["NOT_ATTEMPTED", "Exercise", "ExerciseFailed", "Mistake", "check_function", "check_value", "hint"]
