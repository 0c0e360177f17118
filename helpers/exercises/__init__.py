"""Exercise checks: "check my answer" cells.

:mod:`helpers.exercises.core` holds the framework (:func:`check_value`,
:func:`check_function`); one module per part of the course holds that part's
checkers, each comparing the student's answer with a reference computed
independently (never a hard-coded number).
"""

from helpers.exercises.core import NOT_ATTEMPTED, ExerciseFailed, check_function, check_value

__all__ = ["NOT_ATTEMPTED", "ExerciseFailed", "check_function", "check_value"]
